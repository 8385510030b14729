"""The timeline: documents per year of a result set, drawn server-side as SVG, with the same
numbers and links in a table (the page works without JavaScript and from the keyboard).

Heights are in proportion to the counts from a zero baseline, with the scale's top value
written on the chart, so one document a year does not look like a full archive. Every year
from the first to the last is shown (gaps included); beyond `MAX_YEARS`, decades.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 960
HEIGHT = 220  # the bars' area; labels go below
MAX_YEARS = 80
MIN_SLOTS = 12
MAX_BAR = 56  # px: a few years do not draw as walls of colour


@dataclass
class Period:
    start: int
    end: int
    count: int
    url: str = ""
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    show_count: bool = True
    show_label: bool = False

    @property
    def label(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"

    @property
    def description(self) -> str:
        noun = "document" if self.count == 1 else "documents"
        return f"{self.label}: {self.count} {noun}"

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def count_y(self) -> float:
        return round(self.y - 5, 2)


@dataclass
class Timeline:
    periods: list[Period] = field(default_factory=list)
    undated: int = 0
    peak: int = 0
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def decades(self) -> bool:
        return bool(self.periods) and self.periods[0].start != self.periods[0].end

    @property
    def dated(self) -> int:
        return sum(p.count for p in self.periods)

    @property
    def summary(self) -> str:
        if not self.periods:
            return "No dated documents."
        busiest = max(self.periods, key=lambda p: p.count)
        return (
            f"{self.dated} dated documents from {self.periods[0].start} to "
            f"{self.periods[-1].end}; the most, {busiest.count}, in {busiest.label}."
        )


def build_timeline(years: dict[int, int], undated: int, url_for) -> Timeline:
    """Lay out every year (or decade) from the first to the last; `url_for(start, end)` is
    the address of the list narrowed to that period (periods without documents get none)."""
    timeline = Timeline(undated=undated)
    if not years:
        return timeline
    first, last = min(years), max(years)
    step = 1 if last - first < MAX_YEARS else 10
    first -= first % step
    for start in range(first, last + 1, step):
        end = start + step - 1
        count = sum(years.get(y, 0) for y in range(start, end + 1))
        timeline.periods.append(Period(start, end, count, url_for(start, end) if count else ""))
    _lay_out(timeline)
    return timeline


def _lay_out(timeline: Timeline) -> None:
    periods = timeline.periods
    slot = WIDTH / max(len(periods), MIN_SLOTS)
    bar = min(MAX_BAR, slot * 0.8)
    offset = (WIDTH - slot * len(periods)) / 2
    timeline.peak = max(p.count for p in periods)
    label_every = max(1, round(len(periods) / 12))
    for i, period in enumerate(periods):
        period.width = round(bar, 2)
        period.x = round(offset + i * slot + (slot - bar) / 2, 2)
        height = (HEIGHT - 20) * period.count / timeline.peak
        period.height = round(max(height, 2) if period.count else 0, 2)
        period.y = round(HEIGHT - period.height, 2)
        period.show_count = bool(period.count) and slot >= 22
        period.show_label = i % label_every == 0 or i == len(periods) - 1
