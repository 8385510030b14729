"""The reusable document list: search, facets, date range, histogram, sort and pagination.

`/documents/` and every entity page build one with `build_listing(request)` and render
`{% include "documents/_listing.html" %}` with it as `listing`. Everything it counts comes
from the search engine in one call (`documents.search.engine.search`: the page's ids, the
exact total, every facet's counts and the year histogram); PostgreSQL then gives the ten rows
by id and the labels of the facet values shown, one statement each, plus one to turn chosen
slugs into ids. Snippets and highlighted titles are made for the rows shown only.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Page, Paginator
from django.utils.functional import cached_property

from archive.params import int_param, parse_int
from documents.models import Document
from documents.reading_room.facet_values import build_facets
from documents.reading_room.histogram import Histogram, build_histogram
from documents.search import reader
from documents.search.engine import (
    SearchRequest,
    SearchResult,
    document_snippet,
    highlight,
    name_terms,
    search,
)
from documents.search.facets import FACETS, Facet
from documents.search.filters import MAX_QUERY_LENGTH, ROLE_CHOICES, SORT_CHOICES, DocumentFilter
from documents.search.reader import CountedPaginator
from documents.search.suggestions import suggest
from documents.selectors import published_documents
from people.models import Organization, Person, Place

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 10
PAGE_WINDOW = 2  # page links shown either side of the current page

# Parameters the list understands, in the order they appear in addresses it writes.
FACET_PARAMS = [spec.param for spec in FACETS]
PARAMS = ["q", *FACET_PARAMS, "role", "date_from", "date_to", "sort", "page_size"]
ROLE_LABELS = dict(ROLE_CHOICES)

# Values listed per facet, most frequent first: 8 shown, the rest folded, then a link to the
# kind's A–Z list when there are more (a fuller list cost every page a third of its time).
FACET_LIMIT = 20


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
    page: object = None  # django.core.paginator.Page; rows are Documents with `.snippet`
    total: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    histogram: Histogram | None = None
    facets: list[Facet] = field(default_factory=list)
    search_request: SearchRequest | None = None  # what the engine was asked (valid requests)
    within: bool = False  # an entity page's list: its search box searches these documents
    suggestion: object = None  # documents.search.suggestions.Suggestions, when words are unknown

    @property
    def form(self):
        return self.filterset.form

    @property
    def q(self) -> str:
        return self.filterset.search_terms

    @property
    def quoted_q(self) -> str:
        """The search as a reader reads it back: in curly quotes, its own quoted phrases
        turned to curly quotes rather than quoted a second time."""
        return quoted(self.q)

    @property
    def count_label(self) -> str:
        """The results heading: "1 document", "19 documents", or "1 - 10 of 19 documents"
        when there are more than one (and a page is shown)."""
        noun = "document" if self.total == 1 else "documents"
        if self.total > 1 and self.page:
            return f"{self.start} - {self.end} of {self.total} {noun}"
        return f"{self.total} {noun}"

    @property
    def suggestion_links(self) -> list[tuple[str, str]]:
        """(search, address) of "Did you mean": the best first, then the other close ones."""
        if not self.suggestion:
            return []
        found = [self.suggestion.best, *self.suggestion.alternatives]
        return [(text, self.url(q=text)) for text in found]

    @property
    def show_label(self) -> str:
        """The drawer's way back to the results."""
        return f"Show {self.total} result{'' if self.total == 1 else 's'}"

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
            chips.append(Chip("Search", self.quoted_q, self.url(q=None)))
        for facet in self.facets or self._facets_from_query():
            for value in facet.selected:
                others = [v for v in self.path_query.get(facet.param, []) if v != value.value]
                chips.append(
                    Chip(facet.spec.singular, value.label, self.url(**{facet.param: others}))
                )
        roles = self.path_query.get("role", [])
        for role in roles:
            others = [r for r in roles if r != role]
            chips.append(Chip("Role", ROLE_LABELS.get(role, role), self.url(role=others)))
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
        """Choices the dates form carries unchanged: the search and the facets."""
        keep = ["q", *FACET_PARAMS, "role", "sort", "page_size"]
        return [(k, v) for k in keep for v in self.path_query.get(k, [])]

    @property
    def search_hidden_inputs(self) -> list[tuple[str, str]]:
        """Choices the search box carries unchanged, so a new search keeps them."""
        keep = [*FACET_PARAMS, "role", "date_from", "date_to", "sort", "page_size"]
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
        return self.page_url(self.num_pages) if self.page or self.total else ""

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

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


def quoted(q: str) -> str:
    """`q` in curly quotes; a `"phrase"` inside it gets curly quotes of its own instead."""
    if '"' not in q:
        return f"“{q}”"
    out, opening = [], True
    for ch in q:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out) + ("" if opening else "”")


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists()
    )


def _known_params(querydict) -> dict[str, list[str]]:
    return {key: querydict.getlist(key) for key in [*PARAMS, "page"] if querydict.getlist(key)}


def _page_size(raw: list[str]) -> int:
    return int_param(raw[0] if raw else "", DEFAULT_PAGE_SIZE, choices=PAGE_SIZES)


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


def _not_found(listing: Listing, raw_page: str, paginator: Paginator) -> None:
    listing.status = 404
    listing.error = (
        f"There is no page “{raw_page[:20]}” of these results: pages run from 1 to "
        f"{paginator.num_pages}."
    )


def page_rows(result: SearchResult, *, with_text: bool) -> list[Document]:
    """The page's documents in the engine's order, loaded by id in one statement.

    Loaded through the visibility rule again, so a document withdrawn a moment ago (before
    the indexer applied it) is left out rather than shown. With `with_text`, each row gets a
    highlighted `title_html` and a `snippet` (None when only its names matched)."""
    columns = ("original_text", "entity_text", "internal_notes", "rights")
    if not with_text:
        columns += ("full_text",)
    rows = (
        published_documents()
        .filter(pk__in=result.ids)
        .select_related("document_type", "repository")
        .defer(*columns)
    )
    by_id = {row.pk: row for row in rows}
    ordered = [by_id[pk] for pk in result.ids if pk in by_id]
    extra = name_terms(result.query, _name_forms(list(by_id))) if with_text and by_id else ()
    for doc in ordered:
        doc.snippet = None
        if with_text:
            doc.title_html = highlight(result.query, doc.title, extra)
            doc.snippet = document_snippet(result.query, doc.summary, doc.full_text, extra)
    return ordered


def _name_forms(document_ids: list[int]) -> list[list[str]]:
    """The name and variants of every person, organization and place these (public)
    documents name, one list per entity, in one statement."""
    kinds = [
        model.objects.filter(document_links__document_id__in=document_ids).values_list(
            "name", "variants"
        )
        for model in (Person, Organization, Place)
    ]
    rows = kinds[0].union(*kinds[1:], all=True)
    return [[name, *filter(None, map(str.strip, variants.splitlines()))] for name, variants in rows]


ROLE_NOTE = (
    "A role applies to a chosen person or organization: choose one for it to narrow the list."
)


def read_filters(request, within: tuple[str, object] | None = None) -> Listing:
    """The list's choices in this request, validated: a `Listing` without results, with
    status 400 and the reason when they cannot be read (the timeline and map read theirs
    with it too)."""
    data = request.GET.copy()
    no_documents = Document.objects.none()
    if _has_nul(data):
        empty = DocumentFilter({}, queryset=no_documents)
        empty.is_valid()
        return Listing(
            empty, {}, status=400, error="The address contains a NUL character; remove it."
        )
    notes = _shortened(data)
    filterset = DocumentFilter(data, queryset=no_documents)
    listing = Listing(filterset, _known_params(data), notes=notes, within=within is not None)
    listing.page_size = _page_size(data.getlist("page_size"))
    if not filterset.is_valid():
        listing.status = 400
        errors = dict(filterset.form.errors)
        role_errors = " ".join(str(message) for message in errors.pop("role", []))
        dates = " ".join(str(message) for field in errors.values() for message in field)
        listing.error = " ".join(
            [*([f"Please correct the dates below: {dates}"] if dates else []), role_errors]
        ).strip()
        return listing
    cleaned = filterset.form.cleaned_data
    own = within is not None and within[0] in ("person", "organization")
    chosen = cleaned.get("person") or cleaned.get("organization")
    if cleaned.get("role") and not (own or chosen):
        listing.notes.append(ROLE_NOTE)  # nothing for the role to qualify: said, not hidden
    return listing


def build_listing(request, *, within: tuple[str, object] | None = None) -> Listing:
    """The list for this request: every published document, or with `within=(facet,
    entity)` an entity page's (that entity is then left out of its own facet).

    Check `listing.status` and answer with it (400 bad date, 404 no such page)."""
    listing = read_filters(request, within)
    if listing.status != 200:
        return listing
    filterset, data = listing.filterset, request.GET
    cleaned = filterset.form.cleaned_data
    ids = reader.resolve({spec.param: cleaned.get(spec.param) or [] for spec in FACETS})
    raw_page = data.get("page") or "1"
    number = parse_int(raw_page)
    valid = number is not None and number >= 1
    within_ids = (within[0], within[1].pk) if within else None
    listing.search_request = reader.search_request(
        cleaned,
        ids,
        page=number if valid else 1,
        page_size=listing.page_size,
        within=within_ids,
        facet_limit=FACET_LIMIT,
        with_facets=valid,
        with_histogram=valid,
    )
    result = search(listing.search_request)
    listing.total = result.total
    paginator = CountedPaginator(listing.page_size, result.total)
    try:
        if not valid:
            raise InvalidPage
        paginator.validate_number(number)
    except InvalidPage:
        _not_found(listing, raw_page, paginator)
        return listing
    listing.page = Page(page_rows(result, with_text=bool(listing.q)), number, paginator)
    if listing.q:
        listing.suggestion = suggest(listing.q)
    listing.histogram = build_histogram(
        result.years, result.undated, lambda start, end: listing.url(date_from=start, date_to=end)
    )
    listing.facets = build_facets(result, cleaned, ids, within_ids)
    _link_facet_values(listing)
    return listing


def _link_facet_values(listing: Listing) -> None:
    """Give every facet value the address that adds it to, or removes it from, the choice."""
    for facet in listing.facets:
        chosen = listing.path_query.get(facet.param, [])
        for value in facet.values:
            if value.selected:
                value.url = listing.url(**{facet.param: [v for v in chosen if v != value.value]})
            else:
                value.url = listing.url(**{facet.param: [*chosen, value.value]})
