/* The scan viewer on the document page: zoom, pan and page by page through the scans (PDFs
   too, as page images), on Leaflet's plain (non-geographic) coordinates. Without JavaScript, or
   without Leaflet, the viewer stays hidden and the gallery's links open each file. */
(function () {
  "use strict";
  var box = document.getElementById("scan-viewer");
  var data = document.getElementById("scan-viewer-pages");
  if (!box || !data || !window.L) return;
  var L = window.L;
  var pages = JSON.parse(data.textContent);
  if (!pages.length) return;

  var stage = document.getElementById("scan-viewer-stage");
  var status = document.getElementById("scan-viewer-status");
  var control = function (name) { return box.querySelector('[data-viewer="' + name + '"]'); };
  box.hidden = false;
  var map = L.map(stage, {
    crs: L.CRS.Simple,
    minZoom: -8,
    maxZoom: 4,
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    wheelPxPerZoomLevel: 120,
    attributionControl: false,
    zoomControl: false,
    keyboardPanDelta: 100,
  });
  var overlay = null;
  var bounds = null;
  var current = 0;
  var loading = 0;

  function fit() {
    if (bounds) map.fitBounds(bounds, { animate: false });
  }

  function show(index) {
    current = Math.max(0, Math.min(pages.length - 1, index));
    var page = pages[current];
    var ticket = ++loading;
    status.textContent = "Page " + (current + 1) + " of " + pages.length + ": " + page.label;
    control("previous").disabled = current === 0;
    control("next").disabled = current === pages.length - 1;
    control("open").href = page.src;
    var image = new Image();
    image.onload = function () {
      if (ticket !== loading) return; // a later page was asked for meanwhile
      bounds = L.latLngBounds([0, 0], [image.naturalHeight, image.naturalWidth]);
      if (overlay) map.removeLayer(overlay);
      overlay = L.imageOverlay(page.src, bounds, { alt: page.label }).addTo(map);
      // Stop any pan or zoom still running on the last page, and drop its bounds, or Leaflet
      // pulls the new page back inside them after fitting it.
      map.stop();
      map.setMaxBounds(null);
      map.invalidateSize();
      fit();
      map.setMaxBounds(bounds.pad(0.5));
      box.setAttribute("data-loaded", String(current + 1));
    };
    image.onerror = function () {
      if (ticket === loading) status.textContent = "Page " + (current + 1) + " could not be shown: use “Open full size”.";
    };
    image.src = page.src;
  }

  control("previous").addEventListener("click", function () { show(current - 1); });
  control("next").addEventListener("click", function () { show(current + 1); });
  control("zoom-in").addEventListener("click", function () { map.zoomIn(); });
  control("zoom-out").addEventListener("click", function () { map.zoomOut(); });
  control("fit").addEventListener("click", fit);
  stage.addEventListener("keydown", function (event) {
    if (event.key === "PageDown") { show(current + 1); event.preventDefault(); }
    if (event.key === "PageUp") { show(current - 1); event.preventDefault(); }
  });

  // The gallery's thumbnails open their page here instead of leaving the page.
  document.querySelectorAll("a[data-viewer-index]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      show(parseInt(link.getAttribute("data-viewer-index"), 10));
      box.scrollIntoView({ block: "start" });
      stage.focus({ preventScroll: true });
    });
  });
  window.addEventListener("resize", function () { map.invalidateSize(); });
  show(0);
})();
