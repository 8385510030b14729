/* Document lists: on narrow screens, fold the search-and-filter panel so results come first.
   Without JavaScript the panel simply stays open above the results. */
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 55.99rem)").matches) return;
  document.querySelectorAll("details.refine-panel[open]").forEach(function (panel) {
    panel.open = false;
  });
})();
