"""The reusable document list: search, facets, date range, histogram, sort and pagination.

`/documents/` and every entity page build one with `build_listing(request, queryset)` and
render `{% include "documents/_listing.html" %}` with it as `listing`. A page costs at most
ten queries whatever is chosen: one for the histogram (whose sum is the result count), one for
the page of rows (snippets included) and one per facet.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.paginator import InvalidPage, Paginator
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.params import int_param, parse_int
from archive.text import fold
from documents.reading_room.cached import cached_public
from documents.reading_room.histogram import Histogram, build_histogram, year_counts
from documents.search.facets import FACETS, Facet, compute_facets
from documents.search.filters import MAX_QUERY_LENGTH, SORT_CHOICES, DocumentFilter
from documents.selectors import published_documents

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 10
PAGE_WINDOW = 2  # page links shown either side of the current page

# Parameters the list understands, in the order they appear in addresses it writes.
FACET_PARAMS = [spec.param for spec in FACETS]
PARAMS = ["q", *FACET_PARAMS, "date_from", "date_to", "sort", "page_size"]

# ts_headline marks matches with these; the text is escaped before they become <mark> tags,
# so nothing in a summary or translation can inject markup.
START_SEL, STOP_SEL = "\x02", "\x03"


@dataclass
class Chip:
    """A choice in effect, shown as a removable token."""

    kind: str  # "Search", "Place", "From"...
    label: str
    remove_url: str


@dataclass
class PageLink:
    number: int | None  # None: an ellipsis
    url: str = ""
    current: bool = False


@dataclass
class Listing:
    """Everything `documents/_listing.html` renders. `status` is the HTTP status to answer."""

    filterset: DocumentFilter
    path_query: dict[str, list[str]]
    status: int = 200
    error: str = ""
    notes: list[str] = field(default_factory=list)
    page: object = None  # django.core.paginator.Page, rows are Documents with `.snippet`
    total: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    histogram: Histogram | None = None
    facets: list[Facet] = field(default_factory=list)

    @property
    def form(self):
        return self.filterset.form

    @property
    def q(self) -> str:
        return self.filterset.search_terms

    @property
    def sort(self) -> str:
        return self.filterset.sort_key

    @property
    def sort_choices(self):
        choices = SORT_CHOICES if self.q else SORT_CHOICES[1:]
        return [(value, label, value == self.sort) for value, label in choices]

    @property
    def page_size_choices(self):
        return [(size, size == self.page_size) for size in PAGE_SIZES]

    @property
    def documents(self) -> list:
        return list(self.page.object_list) if self.page else []

    @property
    def start(self) -> int:
        return self.page.start_index() if self.page and self.total else 0

    @property
    def end(self) -> int:
        return self.page.end_index() if self.page and self.total else 0

    @property
    def has_filters(self) -> bool:
        return bool(self.chips)

    # Addresses ---------------------------------------------------------------------------

    def url(self, **changes) -> str:
        """A relative address (`?…`) for the current state with `changes` applied.

        A change of None removes the parameter; a list sets several values. Any change
        other than `page` itself returns to page 1.
        """
        query = {k: list(v) for k, v in self.path_query.items()}
        for key, value in changes.items():
            if value is None or value == [] or value == "":
                query.pop(key, None)
            else:
                query[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if "page" not in changes:
            query.pop("page", None)
        pairs = [(k, v) for k in [*PARAMS, "page"] for v in query.get(k, [])]
        return "?" + urlencode(pairs) if pairs else "?"

    def page_url(self, number: int) -> str:
        return self.url(page=number if number > 1 else None)

    @cached_property
    def chips(self) -> list[Chip]:
        chips = []
        if self.q:
            chips.append(Chip("Search", f"“{self.q}”", self.url(q=None)))
        for facet in self.facets or self._facets_from_query():
            for value in facet.selected:
                others = [v for v in self.path_query.get(facet.param, []) if v != value.value]
                chips.append(
                    Chip(facet.spec.singular, value.label, self.url(**{facet.param: others}))
                )
        for key, kind in (("date_from", "From"), ("date_to", "To")):
            if self.path_query.get(key):
                chips.append(Chip(kind, self.path_query[key][0], self.url(**{key: None})))
        return chips

    def _facets_from_query(self) -> list[Facet]:
        """Chips for facet choices when counts were not computed (an error page)."""
        from documents.search.facets import FacetValue

        return [
            Facet(spec, [FacetValue(v, v, 0, True) for v in self.path_query.get(spec.param, [])])
            for spec in FACETS
        ]

    @property
    def clear_url(self) -> str:
        return self.url(**{key: None for key in PARAMS if key not in ("sort", "page_size")})

    @property
    def hidden_inputs(self) -> list[tuple[str, str]]:
        """Choices the refine form carries unchanged, so a new search keeps them."""
        keep = [*FACET_PARAMS, "sort", "page_size"]
        return [(k, v) for k in keep for v in self.path_query.get(k, [])]

    @cached_property
    def page_links(self) -> list[PageLink]:
        if not self.page:
            return []
        current, last = self.page.number, self.page.paginator.num_pages
        numbers = {1, last, *range(current - PAGE_WINDOW, current + PAGE_WINDOW + 1)}
        links, previous = [], 0
        for n in sorted(n for n in numbers if 1 <= n <= last):
            if n - previous > 1:
                links.append(PageLink(None))
            links.append(PageLink(n, self.page_url(n), n == current))
            previous = n
        return links

    @property
    def first_url(self) -> str:
        return self.page_url(1)

    @property
    def last_url(self) -> str:
        return self.page_url(self.page.paginator.num_pages) if self.page else ""

    @property
    def previous_url(self) -> str:
        if self.page and self.page.has_previous():
            return self.page_url(self.page.previous_page_number())
        return ""

    @property
    def next_url(self) -> str:
        if self.page and self.page.has_next():
            return self.page_url(self.page.next_page_number())
        return ""


class CountedPaginator(Paginator):
    """A paginator told its count up front (the histogram query already summed it)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists()
    )


def _known_params(querydict) -> dict[str, list[str]]:
    return {key: querydict.getlist(key) for key in [*PARAMS, "page"] if querydict.getlist(key)}


def _shared(unfiltered: bool, name: str, build):
    return cached_public(f"documents:{name}", build) if unfiltered else build()


def _page_size(raw: list[str]) -> int:
    return int_param(raw[0] if raw else "", DEFAULT_PAGE_SIZE, choices=PAGE_SIZES)


def _snippet(headline: str | None, summary: str = "") -> str | None:
    """Escape the headline's text, then turn only the match markers into <mark> tags.

    A passage that does not start near where the summary starts, or stops short of its end,
    gets an ellipsis so readers can tell it is an excerpt.
    """
    if not headline or START_SEL not in headline:
        return None
    plain = html.unescape(headline).replace(START_SEL, "").replace(STOP_SEL, "")
    text = escape(html.unescape(headline).strip())
    got, source = _words(plain), _words(summary)
    if got and got[0] not in source[:3]:
        text = "… " + text
    if got and got[-1] not in source[-3:]:
        text = text + " …"
    return mark_safe(text.replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>"))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _with_headlines(queryset, q: str):
    """Annotate a highlighted passage from the summary and the translation (tags removed)."""
    plain_text = Concat(
        "summary",
        Value(" … ", output_field=TextField()),
        # Tags become spaces so the parser sees plain words; the result is escaped anyway.
        Func(
            F("full_text"),
            Value("<[^>]*>"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        ),
        output_field=TextField(),
    )
    return queryset.annotate(
        headline=SearchHeadline(
            plain_text,
            SearchQuery(fold(q), search_type="websearch", config="english"),
            config="english",
            start_sel=START_SEL,
            stop_sel=STOP_SEL,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )


def _shortened(data) -> list[str]:
    """Cut an over-long search in `data` (a mutable QueryDict) to MAX_QUERY_LENGTH, at a word
    boundary; the note that says so, if it was."""
    q = data.get("q", "")
    if len(q) <= MAX_QUERY_LENGTH:
        return []
    cut = q[:MAX_QUERY_LENGTH]
    if not q[MAX_QUERY_LENGTH].isspace() and len(cut.split()) > 1:
        cut = cut.rsplit(None, 1)[0]  # don't search for half a word
    data["q"] = cut
    return [f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters."]


def _paginate(listing: Listing, ordered, raw_page: str) -> bool:
    """Set `listing.page` (rows with their snippets), or a 404 and its message; whether a
    page was found."""
    paginator = CountedPaginator(ordered, listing.page_size, listing.total)
    try:
        number = parse_int(raw_page)
        if number is None:
            raise InvalidPage
        listing.page = paginator.page(number)
    except InvalidPage:
        listing.status = 404
        pages = paginator.num_pages
        listing.error = (
            f"There is no page “{raw_page[:20]}” of these results: pages run from 1 to {pages}."
        )
        return False
    rows = list(listing.page.object_list)
    for doc in rows:
        doc.snippet = _snippet(getattr(doc, "headline", None), doc.summary)
    listing.page.object_list = rows
    return True


def _link_facet_values(listing: Listing) -> None:
    """Give every facet value the address that adds it to, or removes it from, the choice."""
    for facet in listing.facets:
        chosen = listing.path_query.get(facet.param, [])
        for value in facet.values:
            if value.selected:
                value.url = listing.url(**{facet.param: [v for v in chosen if v != value.value]})
            else:
                value.url = listing.url(**{facet.param: [*chosen, value.value]})


def build_listing(request, queryset=None, *, hidden: dict[str, str] | None = None) -> Listing:
    """The list for this request over `queryset` (default: every published document).

    Pass a queryset derived from `published_documents()`; entity pages pass it narrowed to
    their entity and `hidden={"place": slug}` to leave that value out of its facet.
    Check `listing.status` and answer with it (400 bad date, 404 no such page).
    """
    default_list = queryset is None
    if queryset is None:
        queryset = published_documents()
    data = request.GET.copy()
    if _has_nul(data):
        empty = DocumentFilter({}, queryset=queryset)
        empty.is_valid()
        return Listing(
            empty, {}, status=400, error="The address contains a NUL character; remove it."
        )
    notes = _shortened(data)
    filterset = DocumentFilter(data, queryset=queryset)
    listing = Listing(filterset, _known_params(data), notes=notes)
    listing.page_size = _page_size(data.getlist("page_size"))
    if not filterset.is_valid():
        listing.status = 400
        listing.error = "Please correct the dates below: " + " ".join(
            str(message) for errors in filterset.form.errors.values() for message in errors
        )
        return listing

    results = filterset.qs
    # The whole published list's counts are the same for every reader: shared, cached.
    unfiltered = default_list and not any(
        value for name, value in filterset.form.cleaned_data.items() if name != "sort"
    )
    years, undated = _shared(unfiltered, "years", lambda: year_counts(results))
    listing.histogram = build_histogram(
        years, undated, lambda start, end: listing.url(date_from=start, date_to=end)
    )
    listing.total = listing.histogram.total

    ordered = filterset.ordered(results).select_related("document_type", "repository")
    if listing.q:
        ordered = _with_headlines(ordered, listing.q)
    if not _paginate(listing, ordered, data.get("page") or "1"):
        return listing
    listing.facets = _shared(
        unfiltered, "facets", lambda: compute_facets(filterset, queryset, hidden)
    )
    _link_facet_values(listing)
    return listing
