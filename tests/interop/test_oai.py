"""OAI-PMH 2.0 at /oai/: the verbs, what is disseminated, datestamps, resumption tokens and
every error condition, as the specification requires them."""

import datetime

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from documents.models import Document, DocumentTombstone
from documents.oai import tokens
from documents.services import workflow
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    LanguageFactory,
    OrganizationFactory,
)
from tests.interop.conftest import NS, error_codes, identifiers

Status = Document.Status
UTC = datetime.UTC


def oai_id(doc) -> str:
    return f"oai:testserver:{doc.record_number}"


def stamp(doc, moment: datetime.datetime) -> None:
    """Set a document's last change (no save, so nothing else moves)."""
    Document.objects.filter(pk=doc.pk).update(updated_at=moment)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- Identify, formats, sets -----------------------------------------------------------------


def test_identify_describes_the_repository(oai, db, settings):
    settings.OAI_REPOSITORY_IDENTIFIER = "archive.example.org"
    settings.OAI_ADMIN_EMAILS = ["archivist@example.org"]
    doc = DocumentFactory()
    stamp(doc, at("2020-05-01T10:00:00"))

    root = oai(verb="Identify")

    identify = root.find("oai:Identify", NS)
    assert identify.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai/"
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("oai:adminEmail", namespaces=NS) == "archivist@example.org"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == "2020-05-01T10:00:00Z"
    sample = identify.find(".//{*}sampleIdentifier")
    assert sample.text == "oai:archive.example.org:1"
    assert root.find("oai:request", NS).get("verb") == "Identify"


def test_identifiers_made_from_an_ipv6_host_resolve(client, db, settings):
    settings.ALLOWED_HOSTS = ["[::1]"]
    doc = DocumentFactory()
    listed = client.get(
        "/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, HTTP_HOST="[::1]:8000"
    )
    identifier = identifiers(etree.fromstring(listed.content))[0]
    assert identifier == f"oai:1:{doc.record_number}"
    record = client.get(
        "/oai/",
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": identifier},
        HTTP_HOST="[::1]:8000",
    )
    assert not error_codes(etree.fromstring(record.content))


def test_list_metadata_formats_offers_oai_dc(oai, db):
    root = oai(verb="ListMetadataFormats")
    prefixes = [e.text for e in root.iterfind(".//oai:metadataPrefix", NS)]
    assert prefixes == ["oai_dc"]
    assert root.findtext(".//oai:metadataNamespace", namespaces=NS) == (
        "http://www.openarchives.org/OAI/2.0/oai_dc/"
    )


def test_list_metadata_formats_for_an_item(oai, db):
    public, draft = DocumentFactory(), DocumentFactory(status=Status.DRAFT)
    assert (
        oai(verb="ListMetadataFormats", identifier=oai_id(public)).find(".//oai:metadataFormat", NS)
        is not None
    )
    assert error_codes(oai(verb="ListMetadataFormats", identifier=oai_id(draft))) == [
        "idDoesNotExist"
    ]


def test_sets_are_the_public_collections(oai, db):
    shown = CollectionFactory(slug="telegrams", description="Telegrams between Moscow and Urumqi.")
    hidden = CollectionFactory(slug="secret-box")
    DocumentFactory().collections.add(shown)
    DocumentFactory(status=Status.DRAFT).collections.add(hidden)

    root = oai(verb="ListSets")

    specs = [e.text for e in root.iterfind(".//oai:setSpec", NS)]
    assert specs == ["collection", "collection:telegrams"]
    descriptions = [e.text for e in root.iterfind(".//oai:setDescription//dc:description", NS)]
    assert descriptions == [
        "Every document that belongs to a collection.",
        "Telegrams between Moscow and Urumqi.",
    ]


def test_no_sets_without_public_collections(oai, db):
    DocumentFactory()
    assert error_codes(oai(verb="ListSets")) == ["noSetHierarchy"]
    assert error_codes(oai(verb="ListRecords", metadataPrefix="oai_dc", set="collection")) == [
        "noSetHierarchy"
    ]


# --- what is disseminated ------------------------------------------------------------------


def test_lists_hold_public_documents_and_deleted_records_only(oai, editor):
    public = DocumentFactory()
    withdrawn = DocumentFactory()
    workflow.withdraw(withdrawn, editor)
    never = [DocumentFactory(status=s) for s in (Status.DRAFT, Status.REVIEW, Status.WITHDRAWN)]
    embargoed = DocumentFactory(publish_on=timezone.now() + datetime.timedelta(days=1))

    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")

    assert sorted(identifiers(root)) == sorted([oai_id(public), oai_id(withdrawn)])
    deleted = root.find(".//oai:header[@status='deleted']", NS)
    assert deleted.findtext("oai:identifier", namespaces=NS) == oai_id(withdrawn)
    for doc in [*never, embargoed]:
        assert error_codes(oai(verb="GetRecord", identifier=oai_id(doc), metadataPrefix="oai_dc"))


def test_a_deleted_record_has_a_header_and_no_metadata(oai, editor):
    telegrams = CollectionFactory(slug="telegrams")
    doc, still_public = DocumentFactory.create_batch(2)
    doc.collections.add(telegrams)
    still_public.collections.add(telegrams)
    workflow.withdraw(doc, editor)

    record = oai(verb="GetRecord", identifier=oai_id(doc), metadataPrefix="oai_dc").find(
        ".//oai:record", NS
    )

    assert record.find("oai:header", NS).get("status") == "deleted"
    assert record.find("oai:metadata", NS) is None
    specs = [e.text for e in record.iterfind(".//oai:setSpec", NS)]
    assert specs == ["collection", "collection:telegrams"]


def test_a_deleted_record_does_not_name_a_collection_that_is_no_longer_public(oai, editor):
    only_it, shared = CollectionFactory(slug="lost-box"), CollectionFactory(slug="telegrams")
    doc, other = DocumentFactory(), DocumentFactory()
    doc.collections.add(only_it, shared)
    other.collections.add(shared)
    workflow.withdraw(doc, editor)

    response = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")

    assert b"lost-box" not in etree.tostring(response)
    header = response.find(".//oai:header[@status='deleted']", NS)
    assert [e.text for e in header.iterfind("oai:setSpec", NS)] == [
        "collection",
        "collection:telegrams",
    ]


def test_a_republished_document_is_a_record_again(oai, editor):
    doc = DocumentFactory()
    workflow.withdraw(doc, editor)
    workflow.publish(doc, editor)
    header = oai(verb="GetRecord", identifier=oai_id(doc), metadataPrefix="oai_dc").find(
        ".//oai:header", NS
    )
    assert header.get("status") is None


def test_get_record_in_dublin_core(oai, db):
    org = OrganizationFactory(name="Politburo of the Central Committee")
    doc = DocumentFactory(
        title="Concerning NKVD operations in Xinjiang",
        summary="The Politburo approves the operations.",
        date_precision="year",
        date_earliest=datetime.date(1936, 1, 1),
        date_latest=datetime.date(1936, 12, 31),
        date_circa=True,
        source_citation="RGASPI, f. 17, op. 162, d. 19, l. 12",
        translated_by="Gary Goldberg",
    )
    doc.original_languages.add(LanguageFactory())
    DocumentOrganizationFactory(document=doc, organization=org, role="author")

    dc = oai(verb="GetRecord", identifier=oai_id(doc), metadataPrefix="oai_dc").find(
        ".//{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    )

    def values(name):
        return [e.text for e in dc.iterfind(f"dc:{name}", NS)]

    assert values("title") == ["Concerning NKVD operations in Xinjiang"]
    assert values("creator") == ["Politburo of the Central Committee"]
    assert values("date") == ["1936~"]  # circa kept
    assert values("language") == ["ru"]
    assert values("contributor") == ["Gary Goldberg"]
    assert "RGASPI, f. 17, op. 162, d. 19, l. 12" in values("source")[0]
    assert values("identifier") == [f"http://testserver{doc.get_absolute_url()}"]
    assert values("type") == ["Text", "Decision"]
    assert values("rights") == [doc.rights_statement]


def test_control_characters_in_text_do_not_break_the_xml(oai, db):
    DocumentFactory(title="Report\x0b on\x01 Hami")
    root = oai(verb="ListRecords", metadataPrefix="oai_dc")
    assert root.findtext(".//dc:title", namespaces=NS) == "Report on Hami"


def test_post_requests_are_answered_like_get(client, db):
    DocumentFactory()
    response = client.post("/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert response.status_code == 200
    assert len(identifiers(etree.fromstring(response.content))) == 1


def test_other_methods_are_refused(client, db):
    assert client.put("/oai/?verb=Identify").status_code == 405


def test_a_page_costs_the_same_queries_whatever_its_size(db, client, settings):
    settings.OAI_PAGE_SIZE = 50
    for _ in range(2):
        DocumentOrganizationFactory(document=DocumentFactory(), organization=OrganizationFactory())
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    with CaptureQueriesContext(connection) as small:
        client.get("/oai/", params)
    for _ in range(8):
        DocumentOrganizationFactory(document=DocumentFactory(), organization=OrganizationFactory())
    with CaptureQueriesContext(connection) as large:
        client.get("/oai/", params)
    assert len(large.captured_queries) == len(small.captured_queries)


# --- datestamps: from and until ------------------------------------------------------------


@pytest.fixture
def dated(db):
    docs = DocumentFactory.create_batch(3)
    moments = ["2021-03-01T09:00:00", "2021-03-02T12:00:00.500000", "2021-03-03T18:30:00"]
    for doc, moment in zip(docs, moments, strict=True):
        stamp(doc, at(moment))
    return docs


def test_from_and_until_by_day(oai, dated):
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", from_="2021-03-02")
    assert identifiers(root) == [oai_id(dated[1]), oai_id(dated[2])]
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2021-03-02")
    assert identifiers(root) == [oai_id(dated[0]), oai_id(dated[1])]  # until takes the whole day


def test_from_and_until_by_second(oai, dated):
    root = oai(
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        from_="2021-03-02T12:00:00Z",
        until="2021-03-02T12:00:00Z",
    )
    assert identifiers(root) == [oai_id(dated[1])]
    assert root.findtext(".//oai:datestamp", namespaces=NS) == "2021-03-02T12:00:00Z"


def test_an_embargo_lifting_dates_the_record(oai, db):
    doc = DocumentFactory(publish_on=timezone.now() - datetime.timedelta(minutes=1))
    stamp(doc, at("2021-01-01T00:00:00"))
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", from_="2022-01-01")
    assert identifiers(root) == [oai_id(doc)]


def test_a_deleted_record_is_dated_when_it_went(oai, editor):
    doc = DocumentFactory()
    stamp(doc, at("2021-01-01T00:00:00"))
    workflow.withdraw(doc, editor)
    DocumentTombstone.objects.update(removed_at=at("2023-06-01T08:00:00"))
    assert identifiers(
        oai(verb="ListIdentifiers", metadataPrefix="oai_dc", from_="2023-06-01")
    ) == [oai_id(doc)]
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2023-05-31")
    assert error_codes(root) == ["noRecordsMatch"]


# --- resumption tokens ---------------------------------------------------------------------


def _token(root):
    return root.find(".//oai:resumptionToken", NS)


def test_long_lists_come_in_pages_with_size_and_cursor(oai, db, settings):
    settings.OAI_PAGE_SIZE = 2
    docs = DocumentFactory.create_batch(5)
    seen, cursors = [], []
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    while True:
        seen += identifiers(root)
        token = _token(root)
        assert token.get("completeListSize") == "5"
        cursors.append(token.get("cursor"))
        if not token.text:
            break
        assert token.get("expirationDate")
        root = oai(verb="ListIdentifiers", resumptionToken=token.text)
    assert seen == [oai_id(d) for d in docs]
    assert cursors == ["0", "2", "4"]


def test_a_list_does_not_shift_when_documents_change_during_a_harvest(oai, editor, settings):
    settings.OAI_PAGE_SIZE = 2
    docs = DocumentFactory.create_batch(6)
    for i, doc in enumerate(docs):
        stamp(doc, at(f"2021-01-0{i + 1}T00:00:00"))
    first = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    # Meanwhile: one already sent is edited, one not yet sent is withdrawn, one is added.
    docs[0].summary = "Edited during the harvest."
    docs[0].save()
    workflow.withdraw(docs[3], editor)
    DocumentFactory()
    seen = identifiers(first)
    root = first
    while _token(root).text:
        root = oai(verb="ListIdentifiers", resumptionToken=_token(root).text)
        seen += identifiers(root)

    assert seen == [oai_id(d) for d in (docs[0], docs[1], docs[2], docs[4], docs[5])]


def test_bad_resumption_tokens(oai, db, settings):
    settings.OAI_PAGE_SIZE = 1
    DocumentFactory.create_batch(2)
    token = _token(oai(verb="ListIdentifiers", metadataPrefix="oai_dc")).text

    assert error_codes(oai(verb="ListIdentifiers", resumptionToken="nonsense")) == [
        "badResumptionToken"
    ]
    assert error_codes(oai(verb="ListIdentifiers", resumptionToken=token[:-2] + "xx")) == [
        "badResumptionToken"
    ]
    assert error_codes(oai(verb="ListRecords", resumptionToken=token)) == ["badResumptionToken"]
    assert error_codes(oai(verb="ListSets", resumptionToken=token)) == ["badResumptionToken"]


def test_expired_resumption_tokens_are_refused(oai, db, settings):
    settings.OAI_PAGE_SIZE = 1
    DocumentFactory.create_batch(2)
    token = _token(oai(verb="ListIdentifiers", metadataPrefix="oai_dc")).text
    settings.OAI_TOKEN_LIFETIME = -1
    root = oai(verb="ListIdentifiers", resumptionToken=token)
    assert error_codes(root) == ["badResumptionToken"]
    assert "expired" in root.findtext("oai:error", namespaces=NS)


def test_a_token_signed_with_another_key_is_refused(oai, db):
    forged = signing.dumps({"verb": "ListIdentifiers"}, key="x" * 50, salt=tokens._SALT)
    assert error_codes(oai(verb="ListIdentifiers", resumptionToken=forged)) == [
        "badResumptionToken"
    ]


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, code",
    [
        ("", "badVerb"),
        ("verb=Explode", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&extra=1", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc", "badArgument"),
        ("verb=ListRecords&metadataPrefix=", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2021-13-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-01T00:00", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-01&until=2021-02-01T00:00:00Z",
            "badArgument",
        ),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2022-01-01&until=2021-01-01", "badArgument"),
        ("verb=GetRecord&identifier=oai:testserver:1", "badArgument"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=ListIdentifiers&metadataPrefix=mods", "cannotDisseminateFormat"),
        (
            "verb=GetRecord&identifier=oai:testserver:1&metadataPrefix=mods",
            "cannotDisseminateFormat",
        ),
        ("verb=GetRecord&identifier=oai:testserver:999999&metadataPrefix=oai_dc", "idDoesNotExist"),
        ("verb=GetRecord&identifier=oai:elsewhere.org:1&metadataPrefix=oai_dc", "idDoesNotExist"),
        ("verb=GetRecord&identifier=oai:testserver:1%00&metadataPrefix=oai_dc", "idDoesNotExist"),
        ("verb=ListMetadataFormats&identifier=nonsense", "idDoesNotExist"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01", "noRecordsMatch"),
        ("verb=ListRecords&metadataPrefix=oai_dc&set=collection:no-such-set", "noRecordsMatch"),
        ("verb=ListRecords&metadataPrefix=oai_dc&set=bad%00set", "noRecordsMatch"),
    ],
)
def test_errors(client, db, query, code):
    DocumentFactory().collections.add(CollectionFactory(slug="telegrams"))
    response = client.get("/oai/?" + query)
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert error_codes(root) == [code]
    request = root.find("oai:request", NS)
    assert request.text == "http://testserver/oai/"
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}


def test_selective_harvest_by_set(oai, db):
    telegrams, decisions = CollectionFactory(slug="telegrams"), CollectionFactory(slug="decisions")
    telegram, decision, loose = DocumentFactory.create_batch(3)
    telegram.collections.add(telegrams)
    decision.collections.add(decisions)

    by_set = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="collection:telegrams")
    parent = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="collection")

    assert identifiers(by_set) == [oai_id(telegram)]
    assert sorted(identifiers(parent)) == sorted([oai_id(telegram), oai_id(decision)])
