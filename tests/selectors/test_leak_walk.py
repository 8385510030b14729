"""Nothing unpublished reaches an anonymous reader, by any public address.

The walk takes every URL pattern from the URL conf (the admin excepted), fills its path
parameters from real objects and asks each address as an anonymous reader, then again with
query parameters that name the hidden records. Four hidden documents (a draft, one in review,
a withdrawn and an embargoed one) each name a person, an organization, a place, a subject, a
collection, an archive, a type, a language and a funder that no public document names, and
share a public person and place with the public document. Every word of theirs is a token
starting with `zqx`; no answer (body or headers: HTML, JSON, XML, Atom, RIS, BibTeX, scans)
may hold one, except a token the request itself sent (echoing a reader's input is no leak).
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from documents.models import Collection, Document, PendingRevision, Subject
from documents.reading_room.sitemaps import SITEMAPS
from documents.search.facets import FACETS
from documents.services.scans import add_scan
from people.models import FormerSlug, Organization, Person, Place
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    DocumentTypeFactory,
    FunderFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    RepositoryFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb"zqx[a-z0-9]+")
Status = Document.Status
HIDDEN_STATES = ("draft", "review", "withdrawn", "embargoed")
# Which kind of record a `<slug>` in a pattern stands for, by the pattern's name.
SLUG_MODELS = {
    "person": Person,
    "organization": Organization,
    "place": Place,
    "subject": Subject,
    "collection": Collection,
}
# Patterns that answer 404 by design even for public objects.
ALWAYS_NOT_FOUND = {"api_not_found"}


def _png(name="page.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _pdf(word: str) -> SimpleUploadedFile:
    """A real one-page PDF (uploads are checked by content) carrying `word` in its metadata."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": word})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("original.pdf", buffer.getvalue(), content_type="application/pdf")


@dataclass
class World:
    """The objects the walk fills path parameters from, hidden ones remembered as such."""

    documents: list = field(default_factory=list)
    slugs: dict = field(default_factory=dict)  # model -> [slug, ...]
    hidden_slugs: dict = field(default_factory=dict)  # facet param -> [slug, ...]
    hidden: set = field(default_factory=set)  # ("document", pk) or (model, slug)
    title_tokens: list = field(default_factory=list)
    entity_tokens: list = field(default_factory=list)

    def add_slug(self, model, slug: str, *, hidden: bool) -> None:
        self.slugs.setdefault(model, []).append(slug)
        if hidden:
            self.hidden.add((model, slug))


def _hidden_records(word: str, slug: str) -> dict:
    """A person, organization, place, subject and collection named by one document only."""
    return {
        Person: PersonFactory(
            name=f"{word}person agent",
            slug=f"{slug}-person",
            variants=f"{word}variant",
            description=f"{word}description",
        ),
        Organization: OrganizationFactory(
            name=f"{word}organization bureau",
            slug=f"{slug}-organization",
            abbreviation=f"{word}orgabbr",
        ),
        Place: PlaceFactory(name=f"{word}place oasis", slug=f"{slug}-place"),
        Subject: SubjectFactory(name=f"{word}subject affairs", slug=f"{slug}-subject"),
        Collection: CollectionFactory(title=f"{word}collection papers", slug=f"{slug}-collection"),
    }


def _hidden_document(state: str, world: World, shared: dict) -> dict:
    """One hidden document with its own records of every kind, two scans and former slugs;
    returns its records."""
    word, slug = f"zqx{state}", f"hidden-{state}"
    status = {"draft": Status.DRAFT, "review": Status.REVIEW, "withdrawn": Status.WITHDRAWN}
    extra = {"status": status.get(state, Status.PUBLISHED)}
    if state == "embargoed":
        extra["publish_on"] = timezone.now() + datetime.timedelta(days=30)
    doc = DocumentFactory(
        title=f"{word}title report",
        summary=f"{word}summary of events.",
        full_text=f"<p>{word}text</p>",
        original_text=f"<p>{word}original</p>",
        source_citation=f"Fond {word}citation",
        obtained_by=f"{word}obtainer",
        translated_by=f"{word}translator",
        original_classification=f"{word}classification",
        rights=f"{word}rights",
        repository=RepositoryFactory(
            name=f"{word}repository archive", abbreviation=f"{word}abbr", slug=f"{slug}-archive"
        ),
        document_type=DocumentTypeFactory(name=f"{word}type", slug=f"{slug}-type"),
        **extra,
    )
    doc.original_languages.add(LanguageFactory(code=f"x-{state}", name=f"{word}language"))
    doc.funders.add(FunderFactory(name=f"{word}funder", slug=f"{slug}-funder"))
    records = _hidden_records(word, slug)
    DocumentPersonFactory(document=doc, person=records[Person])
    DocumentPersonFactory(document=doc, person=shared[Person])
    DocumentOrganizationFactory(document=doc, organization=records[Organization], role="author")
    DocumentPlaceFactory(document=doc, place=records[Place], role="origin")
    DocumentPlaceFactory(document=doc, place=shared[Place])
    doc.subjects.add(records[Subject])
    doc.collections.add(records[Collection])
    add_scan(doc, _pdf(f"{word}scan"))
    add_scan(doc, _png(), caption=f"{word}caption")
    _remember(world, state, doc, records)
    return records


def _remember(world: World, state: str, doc, records: dict) -> None:
    """Note a hidden document's addresses, tokens and facet values for the walk."""
    world.documents.append(doc)
    world.hidden.add(("document", doc.pk))
    world.title_tokens.append(f"zqx{state}title")
    for model, record in records.items():
        world.add_slug(model, record.slug, hidden=True)
        world.entity_tokens.append(f"zqx{state}{model._meta.model_name}")
        if model in (Person, Organization, Place):
            former = f"old-{record.slug}"
            content_type = ContentType.objects.get_for_model(model)
            FormerSlug.objects.create(content_type=content_type, object_id=record.pk, slug=former)
            world.add_slug(model, former, hidden=True)
    values = {
        "place": records[Place].slug,
        "person": records[Person].slug,
        "organization": records[Organization].slug,
        "subject": records[Subject].slug,
        "collection": records[Collection].slug,
        "language": f"x-{state}",
        "type": f"hidden-{state}-type",
        "archive": f"hidden-{state}-archive",
    }
    for param, value in values.items():
        world.hidden_slugs.setdefault(param, []).append(value)


@pytest.fixture
def world() -> World:
    """One public document, and four hidden ones wired into the public records around it:
    a hidden place is the parent of a public one (and a child of another), a hidden
    organization the parent of a public one."""
    world = World()
    shared = {
        Person: PersonFactory(name="Open Person", slug="open-person"),
        Place: PlaceFactory(name="Openland", slug="openland", kind="region"),
    }
    public = DocumentFactory(title="Open report", summary="What is public.")
    add_scan(public, _png())
    section = OrganizationFactory(name="Open Section", slug="open-section")
    openville = PlaceFactory(name="Openville", slug="openville")
    subject = SubjectFactory(name="Open subject", slug="open-subject")
    collection = CollectionFactory(title="Open collection", slug="open-collection")
    DocumentPersonFactory(document=public, person=shared[Person], role="author")
    DocumentOrganizationFactory(document=public, organization=section)
    DocumentPlaceFactory(document=public, place=shared[Place])
    DocumentPlaceFactory(document=public, place=openville)
    public.subjects.add(subject)
    public.collections.add(collection)
    world.documents.append(public)
    for record in (shared[Person], section, shared[Place], openville, subject, collection):
        world.add_slug(type(record), record.slug, hidden=False)

    # A pending revision of the public document: an archivist's change waiting for approval.
    PendingRevision.objects.create(
        document=public,
        base_version=public.version,
        changes={
            "fields": {"title": "zqxpendingtitle report", "summary": "zqxpendingsummary."},
            "links": {"people": [[shared[Person].pk, "recipient", False, "zqxpendingnote"]]},
        },
    )
    world.title_tokens.append("zqxpendingtitle")

    hidden = {state: _hidden_document(state, world, shared) for state in HIDDEN_STATES}
    Place.objects.filter(pk=openville.pk).update(parent=hidden["draft"][Place])
    Place.objects.filter(pk=hidden["review"][Place].pk).update(parent=shared[Place])
    Organization.objects.filter(pk=section.pk).update(parent=hidden["withdrawn"][Organization])
    return world


# --- the URL conf ---------------------------------------------------------------------------


def public_patterns(resolver=None):
    """Every URL pattern of the site, the admin's excepted."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from public_patterns(entry)
        elif isinstance(entry, URLPattern):
            yield entry


def _parameters(pattern: URLPattern) -> set[str]:
    route = pattern.pattern
    names = getattr(route, "converters", None) or route.regex.groupindex
    return set(names)


def fill(pattern: URLPattern, world: World) -> list[tuple[dict, bool]]:
    """(path parameters, built from a hidden object?) for every object the pattern can show.
    A pattern the walk cannot fill fails the test: teach it here."""
    names = _parameters(pattern)
    if not names:
        return [({}, False)]
    if names == {"section"}:
        return [({"section": section}, False) for section in SITEMAPS]
    if names == {"rest"}:
        return [({"rest": "no/such/address/"}, False)]
    if names == {"filename"}:  # the bulk downloads of the published collection
        return [({"filename": name}, False) for name in ("documents.jsonl", "documents.csv")]
    if "record_number" in names and names <= {"record_number", "slug", "scan_id"}:
        filled = []
        for doc in world.documents:
            base = {"record_number": doc.record_number}
            if "slug" in names:
                base["slug"] = doc.slug
            hidden = ("document", doc.pk) in world.hidden
            if "scan_id" in names:
                filled += [({**base, "scan_id": scan.pk}, hidden) for scan in doc.scans.all()]
            else:
                filled.append((base, hidden))
        return filled
    models = [model for key, model in SLUG_MODELS.items() if key in (pattern.name or "")]
    if names == {"slug"} and len(models) == 1:
        model = models[0]
        return [({"slug": s}, (model, s) in world.hidden) for s in world.slugs[model]]
    pytest.fail(f"The leak walk cannot fill {pattern.pattern} ({pattern.name}); teach it how.")


def protocol_queries(pattern: URLPattern, world: World) -> list[dict]:
    """Requests a protocol endpoint answers beyond its bare address: OAI-PMH's lists and a
    GetRecord for every document, hidden ones included (they must answer idDoesNotExist)."""
    if pattern.name != "oai":
        return []
    lists = [
        {"verb": verb, "metadataPrefix": "oai_dc"} for verb in ("ListRecords", "ListIdentifiers")
    ]
    records = [
        {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": f"oai:testserver:{doc.record_number}",
        }
        for doc in world.documents
    ]
    return [*lists, {"verb": "ListSets"}, *records]


def variants(world: World) -> list:
    """Query strings that name the hidden records: name filters, searches, and every facet
    with all four hidden values (in two halves: all eight facets at once make one slow
    query, and a chip or a count per facet is what is checked)."""
    params = list(world.hidden_slugs)
    half = len(params) // 2
    facets = [
        [(param, slug) for param in group for slug in world.hidden_slugs[param]]
        for group in (params[:half], params[half:])
    ]
    return [
        {"q": "zqx"},  # a name filter (A–Z lists) matching every hidden record
        {"q": " or ".join(world.title_tokens)},
        {"q": " or ".join(world.entity_tokens)},
        *facets,
    ]


# --- asking ---------------------------------------------------------------------------------


def _content(response) -> bytes:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{key}: {value}" for key, value in response.items()).encode()
    return (headers + b"\n" + body).lower()


def leaks(client, url: str) -> tuple[int, set[str]]:
    """The status, and the hidden tokens in the answer that the request did not send."""
    response = client.get(url)
    sent = set(TOKEN.findall(unquote(url).lower().encode()))
    found = set(TOKEN.findall(_content(response)))
    # An echo of the reader's own input, even cut short (a long name filter), is no leak.
    echoed = {token for token in found if any(s.startswith(token) for s in sent)}
    return response.status_code, {token.decode() for token in found - echoed}


def test_no_public_address_shows_anything_unpublished(client, world):
    patterns = list(public_patterns())
    assert {"document_list", "place_list", "api_place_detail", "scan_file"} <= {
        p.name for p in patterns
    }
    problems, asked = [], 0
    queries = variants(world)
    for pattern in patterns:
        varied = False
        for kwargs, hidden in fill(pattern, world):
            url = reverse(pattern.name, kwargs=kwargs)
            status, found = leaks(client, url)
            asked += 1
            if found:
                problems.append(f"{url} ({status}) shows {sorted(found)}")
            if hidden and status != 404:
                problems.append(f"{url} answers {status} for a hidden record, not 404")
            expected_to_work = not hidden and pattern.name not in ALWAYS_NOT_FOUND
            if status >= 500 or (expected_to_work and status >= 400):
                problems.append(f"{url} answers {status}")
            if status != 200 or varied:
                continue
            varied = True  # the query variants, once per pattern
            for query in [*queries, *protocol_queries(pattern, world)]:
                address = f"{url}?{urlencode(query)}"
                status, found = leaks(client, address)
                asked += 1
                if found:
                    problems.append(f"{address} ({status}) shows {sorted(found)}")
                if status >= 500:
                    problems.append(f"{address} answers {status}")
    assert not problems, "\n".join(problems)
    assert asked > 200


def test_the_walk_sees_what_it_hides_once_published(client, world):
    """The tokens would be found if the records were public: the walk can fail."""
    Document.objects.filter(status=Status.DRAFT).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )
    status, found = leaks(client, "/places/")
    assert status == 200 and "zqxdraftplace" in found
    status, found = leaks(client, "/documents/?" + urlencode({"place": "openland"}))
    assert "zqxdrafttitle" in found and "zqxdraftsummary" in found
    status, found = leaks(client, "/api/people/hidden-draft-person/")
    assert status == 200 and "zqxdraftdescription" in found
    # Every facet parameter is among the walk's query variants.
    assert {spec.param for spec in FACETS} == set(world.hidden_slugs)
