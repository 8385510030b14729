// "Copy citation" buttons: progressive enhancement; without JS the citation text is selectable.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector("[role=status]");
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(
        function () { if (status) status.textContent = "Citation copied."; },
        function () { if (status) status.textContent = "Could not copy; select the text instead."; }
      );
    });
  });
})();
