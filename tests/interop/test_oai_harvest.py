"""A real harvester (Sickle) takes the collection from a live server: the demo, a larger
generated set through resumption tokens, deleted records, from/until, sets and errors."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from sickle import Sickle, oaiexceptions

from documents.models import Collection, Document, DocumentTombstone
from documents.selectors import published_documents
from documents.services import workflow
from tests.factories import CollectionFactory, DocumentFactory, UserFactory

Status = Document.Status


@pytest.fixture
def harvester(live_server, transactional_db):
    return Sickle(live_server.url + "/oai/", max_retries=0, timeout=30)


@pytest.fixture
def demo_live(harvester):
    call_command("loaddata", "demo", verbosity=0)
    return harvester


def numbers(items) -> list[int]:
    """Record numbers from Sickle's records or headers."""
    headers = [getattr(item, "header", item) for item in items]
    return [int(header.identifier.rsplit(":", 1)[1]) for header in headers]


def test_the_demo_collection_harvests_in_dublin_core(demo_live):
    identify = demo_live.Identify()
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"

    records = list(demo_live.ListRecords(metadataPrefix="oai_dc"))

    published = {d.record_number: d for d in published_documents()}
    assert len(published) == 19
    assert sorted(numbers(records)) == sorted(published)
    for record in records:
        doc = published[numbers([record])[0]]
        assert record.metadata["title"] == [doc.title]
        assert record.metadata["identifier"][0].endswith(doc.get_absolute_url())
        assert record.metadata["publisher"]
    collection = Collection.objects.get()
    sets = {s.setSpec: s.setName for s in demo_live.ListSets()}
    assert sets[f"collection:{collection.slug}"] == collection.title


def test_the_demo_record_by_record(demo_live):
    doc = published_documents().order_by("record_number").first()
    identifier = next(iter(demo_live.ListIdentifiers(metadataPrefix="oai_dc"))).identifier
    record = demo_live.GetRecord(identifier=identifier, metadataPrefix="oai_dc")
    assert record.metadata["title"] == [doc.title]
    formats = [f.metadataPrefix for f in demo_live.ListMetadataFormats(identifier=identifier)]
    assert formats == ["oai_dc"]


def test_a_larger_set_through_resumption_tokens_with_deleted_records(harvester, settings):
    settings.OAI_PAGE_SIZE = 7
    # A superuser: groups made by migrations are gone once a transactional test has flushed.
    editor = UserFactory(is_staff=True, is_superuser=True, username="harvest-editor")
    docs = DocumentFactory.create_batch(40)
    for doc in docs[:3]:
        workflow.withdraw(doc, editor)
    docs[3].delete()
    DocumentFactory.create_batch(5, status=Status.DRAFT)  # never public: never harvested

    pages = harvester.ListIdentifiers(metadataPrefix="oai_dc")
    first_token = pages.resumption_token  # from the first page, before reading on
    headers = list(pages)
    records = list(harvester.ListRecords(metadataPrefix="oai_dc"))

    assert first_token.token and first_token.complete_list_size == "40"
    assert not pages.resumption_token.token  # the last of the 6 pages closes the list

    expected = sorted(d.record_number for d in docs)
    assert sorted(numbers(headers)) == expected  # 36 public + 4 deleted, each once
    assert sorted(numbers(records)) == expected
    deleted = sorted(numbers([r for r in records if r.header.deleted]))
    assert deleted == sorted(d.record_number for d in docs[:4])
    assert all(not hasattr(r, "metadata") for r in records if r.header.deleted)
    assert DocumentTombstone.objects.count() == 4


def test_incremental_harvest_with_from_and_until(harvester):
    old, new = DocumentFactory(), DocumentFactory()
    Document.objects.filter(pk=old.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, 12, tzinfo=datetime.UTC)
    )
    since = timezone.now() - datetime.timedelta(days=1)

    recent = harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": f"{since:%Y-%m-%d}"})
    early = harvester.ListIdentifiers(metadataPrefix="oai_dc", until="2020-01-01T12:00:00Z")

    assert numbers(recent) == [new.record_number]
    assert numbers(early) == [old.record_number]


def test_selective_harvest_by_set(harvester):
    telegrams = CollectionFactory(slug="telegrams", title="Telegrams")
    inside, _outside = DocumentFactory.create_batch(2)
    inside.collections.add(telegrams)

    found = harvester.ListRecords(metadataPrefix="oai_dc", set="collection:telegrams")

    assert numbers(found) == [inside.record_number]


def test_errors_reach_the_harvester_as_protocol_errors(harvester):
    DocumentFactory()
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        list(harvester.ListRecords(metadataPrefix="marc21"))
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        harvester.GetRecord(identifier="oai:nowhere:1", metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(harvester.ListRecords(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))
    with pytest.raises(oaiexceptions.BadArgument):
        list(harvester.ListRecords(metadataPrefix="oai_dc", **{"from": "yesterday"}))
    with pytest.raises(oaiexceptions.BadResumptionToken):
        list(harvester.ListRecords(resumptionToken="stale"))
    answer = harvester.harvest(verb="Harvest")  # Sickle raises only for the verbs it knows
    assert answer.xml.find(".//{*}error").get("code") == "badVerb"
