"""The map of places: every place with coordinates that public documents name, with its
number of documents, drawn server-side as SVG (no tiles, no script: it works offline and
without JavaScript), and the same numbers and links as a table.

The projection is equirectangular, fitted to the places shown (longitudes scaled by the
cosine of the middle latitude), over a graticule. Places in the same `CLUSTER_PX` square of
the drawing share one marker, which opens the list filtered to them (the busiest
`MAX_LINKED`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.urls import reverse

WIDTH = 960
MIN_HEIGHT, MAX_HEIGHT = 360, 640
PAD = 56  # px around the places (the largest marker's radius and more)
MIN_SPAN = 8.0  # degrees: a single place is not drawn at infinite zoom
CLUSTER_PX = 30
LABELLED = 12  # the busiest single places get their name on the map
TABLE_LIMIT = 300  # places in the table, busiest first (the A–Z list of places has them all)
MAX_LINKED = 50  # places a marker's list is filtered to (the list's limit per facet)
NAMED = 5  # places a marker's label names


@dataclass(frozen=True)
class Point:
    """A place as the map needs it (thousands are drawn: no model instances)."""

    name: str
    slug: str
    latitude: float
    longitude: float

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("place_detail", args=[self.slug])


@dataclass
class MapPlace:
    place: Point
    count: int
    list_url: str = ""  # set for the places a marker or the table links to
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
        named = "; ".join(one(p) for p in self.places[:NAMED])
        if len(self.places) > NAMED:
            named += f"; and {len(self.places) - NAMED} more"
        if len(self.places) > MAX_LINKED:
            named += f" (the list shows the {MAX_LINKED} with the most documents)"
        return f"{len(self.places)} places: {named}"


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
    def table(self) -> list[MapPlace]:
        return self.places[:TABLE_LIMIT]

    @property
    def left_out(self) -> int:
        return max(0, len(self.places) - TABLE_LIMIT)


def build_atlas(places: list[MapPlace], url_for_places) -> Atlas:
    """Project, cluster and label `places`; `url_for_places(places)` is the list filtered
    to those places (a marker's, at most `MAX_LINKED`, busiest first; or one place's)."""
    atlas = Atlas(sorted(places, key=lambda p: (-p.count, str(p.place).casefold())))
    if not places:
        return atlas
    project = _projection(atlas)
    for p in atlas.places:
        p.x, p.y = project(float(p.place.longitude), float(p.place.latitude))
    atlas.markers = _clusters(atlas.places, url_for_places)
    for p in atlas.table:
        p.list_url = p.list_url or url_for_places([p.place])
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

    atlas.grid = _graticule(project, atlas, (west, east, south, north), scale, squeeze)
    return project


def _graticule(project, atlas: Atlas, bounds, scale: float, squeeze: float) -> list[GridLine]:
    west, east, south, north = bounds
    step = next(s for s in (1, 2, 5, 10, 20, 30) if s * scale >= 60 or s == 30)
    lines = []
    wide, tall = WIDTH / (scale * squeeze), MAX_HEIGHT / scale  # the drawing, in degrees
    lng = math.floor((west - wide) / step) * step
    while lng <= east + wide:
        x, _ = project(lng, north)
        if 0 <= x <= WIDTH:
            label = f"{abs(lng):g}°{'E' if lng >= 0 else 'W'}"
            lines.append(GridLine(x, 0, x, atlas.height, label, x + 3, atlas.height - 6))
        lng += step
    lat = math.floor((south - tall) / step) * step
    while lat <= north + tall:
        _, y = project(west, lat)
        if 0 <= y <= atlas.height:
            label = f"{abs(lat):g}°{'N' if lat >= 0 else 'S'}"
            lines.append(GridLine(0, y, WIDTH, y, label, 4, y - 4))
        lat += step
    return lines


def _clusters(places: list[MapPlace], url_for_places) -> list[Marker]:
    """Places in the same `CLUSTER_PX` square of the drawing share a marker (one pass, so
    thousands of places cost milliseconds), placed at their count-weighted centre."""
    cells: dict[tuple[int, int], Marker] = {}
    for p in places:  # busiest first: each marker's places stay in that order
        key = (int(p.x // CLUSTER_PX), int(p.y // CLUSTER_PX))
        cells.setdefault(key, Marker([])).places.append(p)
    markers = list(cells.values())
    for marker in markers:
        total = marker.count or 1
        marker.x = round(sum(p.x * p.count for p in marker.places) / total, 1)
        marker.y = round(sum(p.y * p.count for p in marker.places) / total, 1)
        marker.url = url_for_places([p.place for p in marker.places[:MAX_LINKED]])
        if not marker.cluster:
            marker.places[0].list_url = marker.url
    return markers
