// The print view's "Print" button: shown only where the browser can print from script.
(function () {
  "use strict";
  if (typeof window.print !== "function") return;
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
