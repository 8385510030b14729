/* Entity pages: show a place's pin on a Leaflet map. Without JavaScript the page still
   gives the coordinates as text; the map box stays hidden until this script runs. */
(function () {
  "use strict";
  var box = document.getElementById("entity-map");
  if (!box || !window.L) return;
  var lat = parseFloat(box.dataset.lat);
  var lng = parseFloat(box.dataset.lng);
  if (isNaN(lat) || isNaN(lng)) return;
  box.classList.add("is-active");
  var map = window.L.map(box, { scrollWheelZoom: false }).setView(
    [lat, lng],
    parseInt(box.dataset.zoom || "6", 10)
  );
  window.L.tileLayer(box.dataset.tiles, {
    attribution: box.dataset.attribution,
    maxZoom: 18,
  }).addTo(map);
  var icon = window.L.icon({
    iconUrl: box.dataset.icon,
    iconRetinaUrl: box.dataset.icon2x,
    shadowUrl: box.dataset.shadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41],
  });
  var marker = window.L.marker([lat, lng], { icon: icon, alt: box.dataset.name, title: box.dataset.name });
  marker.addTo(map).bindPopup(document.createTextNode(box.dataset.name));
})();
