/* Document lists, as progressive enhancement (everything works as plain forms and links):
   - on narrow screens the dates-and-filters drawer starts closed, so results come first, and
     its "Show N results" link closes it again and moves to the results;
   - sort and page size apply as soon as they change (their "Update" button is then hidden). */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 55.99rem)");

  document.querySelectorAll("details.refine-panel").forEach(function (panel) {
    if (narrow.matches) panel.open = false;
    panel.querySelectorAll(".refine-panel__done").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById("results-heading");
        if (!target) return;
        event.preventDefault();
        panel.open = false;
        target.focus();
        target.scrollIntoView({ block: "start" });
      });
    });
  });

  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll(".results-toolbar__update").forEach(function (button) {
      button.hidden = true;
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      });
    });
  });
})();
