"""Documents per year for a result set, drawn server-side as accessible inline SVG.

One GROUP BY query gives the counts per year (by each document's earliest possible year, so
each document is counted once); its sum is also the result count, which saves the paginator
its own COUNT query. Bars are links that narrow the list to their year or decade, each with
its count written above it. Bars scale to at least `MIN_TOP` documents, so a year with one
document is a low bar, not a full one; on a phone the chart keeps every bar a finger wide
(`min_width`) and scrolls sideways when it must.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear

WIDTH = 640
HEIGHT = 136  # the plot: bars up to PLOT high, counts written in the space above them
PLOT = 116
MAX_YEARLY_BARS = 80  # beyond this span, bars cover a decade each
MIN_SLOTS = 7  # a few years still draw as slim bars, centred, not one wall of colour
MIN_TOP = 5  # the scale's top is at least this many documents
TAP = 44  # CSS pixels a bar's slot keeps on a narrow screen
MAX_COUNTED_BARS = 40  # beyond this, counts would crowd: the links and table still say them


@dataclass
class Bar:
    start: int
    end: int
    count: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    url: str = ""
    slot_x: float = 0  # the link's target: the whole slot, gap included
    slot_width: float = 0

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def count_y(self) -> float:
        return round(self.y - 4, 2)

    @property
    def period(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"

    @property
    def label(self) -> str:
        noun = "document" if self.count == 1 else "documents"
        return f"{self.period}: {self.count} {noun}"


@dataclass
class Histogram:
    bars: list[Bar] = field(default_factory=list)
    undated: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    slots: int = 0

    @property
    def min_width(self) -> int:
        """CSS pixels the chart needs so each slot is a tap target on a phone."""
        return self.slots * TAP

    @property
    def show_counts(self) -> bool:
        return len(self.bars) <= MAX_COUNTED_BARS

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars) + self.undated

    @property
    def dated(self) -> int:
        return self.total - self.undated

    @property
    def max_count(self) -> int:
        return max((bar.count for bar in self.bars), default=0)

    @property
    def first(self) -> Bar | None:
        return self.bars[0] if self.bars else None

    @property
    def last(self) -> Bar | None:
        return self.bars[-1] if self.bars else None

    @property
    def label_start(self) -> float:
        return self.bars[0].x if self.bars else 0

    @property
    def label_end(self) -> float:
        return self.bars[-1].x + self.bars[-1].width if self.bars else self.width

    @property
    def busiest(self) -> Bar | None:
        return max(self.bars, key=lambda bar: bar.count, default=None)

    @property
    def description(self) -> str:
        if not self.bars:
            return "No dated documents."
        busiest = self.busiest
        return (
            f"{self.dated} dated documents from {self.first.start} to {self.last.end}; "
            f"the most, {busiest.count}, in {busiest.period}."
        )


def year_counts(queryset) -> tuple[dict[int, int], int]:
    """({year: documents}, undated documents) for the queryset, in one query."""
    rows = (
        queryset.order_by()
        .values(year=ExtractYear("date_earliest"))
        .annotate(documents=Count("pk", distinct=True))
        .values_list("year", "documents")
    )
    years, undated = {}, 0
    for year, documents in rows:
        if year is None:
            undated += documents
        else:
            years[year] = documents
    return years, undated


def build_histogram(years: dict[int, int], undated: int, url_for_period) -> Histogram:
    """Lay out bars for every year (or decade) from the first to the last, gaps included.

    `url_for_period(start_year, end_year)` gives each bar's link.
    """
    histogram = Histogram(undated=undated)
    if not years:
        return histogram
    first, last = min(years), max(years)
    step = 1 if last - first < MAX_YEARLY_BARS else 10
    if step > 1:
        first -= first % step
    bars = []
    for start in range(first, last + 1, step):
        end = start + step - 1
        count = sum(years.get(y, 0) for y in range(start, end + 1))
        bars.append(Bar(start=start, end=min(end, last) if step == 1 else end, count=count))
    histogram.slots = max(len(bars), MIN_SLOTS)
    slot = WIDTH / histogram.slots
    offset = (WIDTH - slot * len(bars)) / 2
    gap = min(8.0, slot * 0.25)
    top = max(max(bar.count for bar in bars), MIN_TOP)
    for i, bar in enumerate(bars):
        bar.slot_x, bar.slot_width = round(offset + i * slot, 2), round(slot, 2)
        bar.width = round(slot - gap, 2)
        bar.x = round(offset + i * slot + gap / 2, 2)
        bar.height = round(PLOT * bar.count / top, 2) if bar.count else 0
        if bar.count:
            bar.height = max(bar.height, 2)
            bar.url = url_for_period(bar.start, bar.end)
        bar.y = round(HEIGHT - bar.height, 2)
    histogram.bars = bars
    return histogram
