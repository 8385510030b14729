"""The map of places: every place with coordinates that public documents name, with its
number of documents, drawn server-side as SVG (no tiles, no script: it works offline and
without JavaScript), and the same numbers and links as a table.

The projection is equirectangular, fitted to the places shown (longitudes scaled by the
cosine of the middle latitude), over a graticule. Places closer than `CLUSTER_PX` on the
drawing share one marker, which opens the list filtered to all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 960
MIN_HEIGHT, MAX_HEIGHT = 360, 640
PAD = 56  # px around the places (the largest marker's radius and more)
MIN_SPAN = 8.0  # degrees: a single place is not drawn at infinite zoom
CLUSTER_PX = 30
LABELLED = 12  # the busiest single places get their name on the map


@dataclass
class MapPlace:
    place: object  # people.models.Place
    count: int
    list_url: str
    x: float = 0
    y: float = 0


@dataclass
class Marker:
    places: list[MapPlace]
    url: str = ""
    x: float = 0
    y: float = 0
    radius: float = 0
    labelled: bool = False

    @property
    def cluster(self) -> bool:
        return len(self.places) > 1

    @property
    def count(self) -> int:
        return sum(p.count for p in self.places)

    @property
    def text(self) -> str:
        return str(len(self.places)) if self.cluster else str(self.count)

    @property
    def text_y(self) -> float:
        return round(self.y + 4, 1)

    @property
    def label_left(self) -> bool:
        """Names near the right edge go on the marker's left, so they are not cut off."""
        return self.x > WIDTH - 160

    @property
    def label_x(self) -> float:
        side = -1 if self.label_left else 1
        return round(self.x + side * (self.radius + 3), 1)

    @property
    def name(self) -> str:
        return str(self.places[0].place)

    @property
    def description(self) -> str:
        def one(p: MapPlace) -> str:
            return f"{p.place}, {p.count} document{'' if p.count == 1 else 's'}"

        if not self.cluster:
            return one(self.places[0])
        return f"{len(self.places)} places: " + "; ".join(one(p) for p in self.places)


@dataclass
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    lx: float
    ly: float


@dataclass
class Atlas:
    places: list[MapPlace] = field(default_factory=list)  # busiest first
    markers: list[Marker] = field(default_factory=list)
    grid: list[GridLine] = field(default_factory=list)
    width: int = WIDTH
    height: int = MIN_HEIGHT

    @property
    def documents_named(self) -> int:
        return sum(p.count for p in self.places)


def build_atlas(places: list[MapPlace], url_for_places) -> Atlas:
    """Project, cluster and label `places`; `url_for_places(places)` is the list filtered
    to a cluster's places."""
    atlas = Atlas(sorted(places, key=lambda p: (-p.count, str(p.place).casefold())))
    if not places:
        return atlas
    project = _projection(atlas)
    for p in atlas.places:
        p.x, p.y = project(float(p.place.longitude), float(p.place.latitude))
    atlas.markers = _clusters(atlas.places, url_for_places)
    peak = max(m.count for m in atlas.markers)
    for marker in atlas.markers:
        marker.radius = round(9 + 15 * math.sqrt(marker.count / peak), 1)
    singles = [m for m in atlas.markers if not m.cluster]
    for marker in sorted(singles, key=lambda m: -m.count)[:LABELLED]:
        marker.labelled = True
    atlas.markers.sort(key=lambda m: -m.radius)  # small markers drawn last, on top
    return atlas


def _projection(atlas: Atlas):
    lats = [float(p.place.latitude) for p in atlas.places]
    lngs = [float(p.place.longitude) for p in atlas.places]
    south, north = min(lats), max(lats)
    west, east = min(lngs), max(lngs)
    middle = (south + north) / 2
    if north - south < MIN_SPAN:
        south, north = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    centre = (west + east) / 2
    if east - west < MIN_SPAN:
        west, east = centre - MIN_SPAN / 2, centre + MIN_SPAN / 2
    squeeze = max(math.cos(math.radians(middle)), 0.2)
    span_x, span_y = (east - west) * squeeze, north - south
    scale = (WIDTH - 2 * PAD) / span_x
    height = span_y * scale + 2 * PAD
    if height > MAX_HEIGHT:
        scale = (MAX_HEIGHT - 2 * PAD) / span_y
    atlas.height = int(min(MAX_HEIGHT, max(MIN_HEIGHT, span_y * scale + 2 * PAD)))
    left = (WIDTH - span_x * scale) / 2
    top = (atlas.height - span_y * scale) / 2

    def project(lng: float, lat: float) -> tuple[float, float]:
        return round(left + (lng - west) * squeeze * scale, 1), round(
            top + (north - lat) * scale, 1
        )

    atlas.grid = _graticule(project, atlas, (west, east, south, north), scale)
    return project


def _graticule(project, atlas: Atlas, bounds, scale: float) -> list[GridLine]:
    west, east, south, north = bounds
    step = next(s for s in (1, 2, 5, 10, 20, 30) if s * scale >= 60 or s == 30)
    lines = []
    lng = math.floor((west - 90 / scale) / step) * step
    while lng <= east + 90 / scale:
        x, _ = project(lng, north)
        if 0 <= x <= WIDTH:
            label = f"{abs(lng):g}°{'E' if lng >= 0 else 'W'}"
            lines.append(GridLine(x, 0, x, atlas.height, label, x + 3, atlas.height - 6))
        lng += step
    lat = math.floor((south - 90 / scale) / step) * step
    while lat <= north + 90 / scale:
        _, y = project(west, lat)
        if 0 <= y <= atlas.height:
            label = f"{abs(lat):g}°{'N' if lat >= 0 else 'S'}"
            lines.append(GridLine(0, y, WIDTH, y, label, 4, y - 4))
        lat += step
    return lines


def _clusters(places: list[MapPlace], url_for_places) -> list[Marker]:
    """Greedy clustering, busiest place first: each place joins the first marker within
    `CLUSTER_PX` of it, else starts its own."""
    markers: list[Marker] = []
    for p in places:
        home = next((m for m in markers if math.hypot(m.x - p.x, m.y - p.y) < CLUSTER_PX), None)
        if home is None:
            markers.append(Marker([p], x=p.x, y=p.y))
        else:
            home.places.append(p)
    for marker in markers:
        total = marker.count or 1
        marker.x = round(sum(p.x * p.count for p in marker.places) / total, 1)
        marker.y = round(sum(p.y * p.count for p in marker.places) / total, 1)
        marker.url = (
            marker.places[0].list_url
            if not marker.cluster
            else url_for_places([p.place for p in marker.places])
        )
    return markers
