"""Full-text search on /documents/: web-search syntax, accents, entity names, ranking, snippets."""

import re

import pytest

from documents.models import Document
from documents.selectors import published_documents
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    html = re.sub(r"</?mark>", "", response.content.decode())  # words marked in titles
    return re.findall(r'class="result__title"><a href="[^"]*">([^<]*)</a>', html)


def test_search_is_a_queryset_method_that_ranks_and_keeps_drafts_out():
    DocumentFactory(title="NKVD report", summary="On the NKVD.")
    DocumentFactory(title="Trade note", summary="Mentions the NKVD once.")
    DocumentFactory(title="NKVD draft", status=Document.Status.DRAFT)
    found = list(published_documents().search("NKVD").order_by("-rank"))
    assert [d.title for d in found] == ["NKVD report", "Trade note"]
    assert found[0].rank > found[1].rank


def test_websearch_phrase_or_and_exclusion(client):
    DocumentFactory(title="Secret cipher unit", summary="The cipher unit in Urumqi.")
    DocumentFactory(title="Unit of cipher clerks", summary="Clerks and a unit.")
    DocumentFactory(title="Oil concession", summary="Oil near the border.")

    assert titles(client.get("/documents/", {"q": '"cipher unit"'})) == ["Secret cipher unit"]
    assert sorted(titles(client.get("/documents/", {"q": "concession or clerks"}))) == [
        "Oil concession",
        "Unit of cipher clerks",
    ]
    assert titles(client.get("/documents/", {"q": "cipher -clerks"})) == ["Secret cipher unit"]


def test_accents_fold_both_ways(client):
    DocumentFactory(title="Consulate in Ürümqi")
    DocumentFactory(title="Trade mission in Urumqi")
    for q in ("Urumqi", "Ürümqi", "urümqi"):
        assert sorted(titles(client.get("/documents/", {"q": q}))) == [
            "Consulate in Ürümqi",
            "Trade mission in Urumqi",
        ], q


def test_linked_entity_names_and_variants_find_documents(client):
    ma = PersonFactory(name="Ma Zhongying", variants="Ma Chung-ying\n马仲英")
    DocumentPersonFactory(person=ma, document__title="Relations with the 36th Division")
    urumqi = PlaceFactory(name="Ürümqi", variants="Urumchi\nTihwa")
    DocumentPlaceFactory(place=urumqi, document__title="Cipher unit of the consulate")
    DocumentFactory(title="Unrelated")

    assert titles(client.get("/documents/", {"q": "Ma Chung-ying"})) == [
        "Relations with the 36th Division"
    ]
    assert titles(client.get("/documents/", {"q": "Urumchi"})) == ["Cipher unit of the consulate"]
    assert titles(client.get("/documents/", {"q": "Urumqi"})) == ["Cipher unit of the consulate"]


def test_relevance_is_the_default_order_when_searching(client):
    DocumentFactory(title="Report", summary="Nothing", full_text="<p>An oil field.</p>")
    DocumentFactory(title="Oil in Xinjiang", summary="Oil, oil and more oil.")
    response = client.get("/documents/", {"q": "oil"})
    assert titles(response) == ["Oil in Xinjiang", "Report"]
    assert '<option value="relevance" selected>' in response.content.decode()


def test_snippet_highlights_matches_and_escapes_the_source(client):
    DocumentFactory(
        title="Cipher report",
        summary='The NKVD & the "consulate" <img src=x onerror=alert(1)> <script>bad()</script>',
        full_text="<p>Later the NKVD <em>cipher</em> unit moved.</p>",
    )
    html = client.get("/documents/", {"q": "NKVD"}).content.decode()
    snippet = re.search(r'result__summary--snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>NKVD</mark>" in snippet
    assert "<img" not in snippet and "<script" not in snippet and "<em>" not in snippet
    # Only <mark> survives as markup; everything else is text.
    assert set(re.findall(r"<(/?\w+)", snippet)) <= {"mark", "/mark"}


def test_summary_shown_when_the_match_is_only_in_linked_names(client):
    ma = PersonFactory(name="Ma Zhongying", variants="Ma Chung-ying")
    DocumentPersonFactory(
        person=ma, document__title="Division report", document__summary="A plain summary."
    )
    html = client.get("/documents/", {"q": "Chung-ying"}).content.decode()
    assert '<p class="result__summary">A plain summary.</p>' in html


def test_unpublished_and_embargoed_documents_never_match(client):
    import datetime

    from django.utils import timezone

    DocumentFactory(title="Public NKVD telegram")
    DocumentFactory(title="Draft NKVD telegram", status=Document.Status.DRAFT)
    DocumentFactory(title="Withdrawn NKVD telegram", status=Document.Status.WITHDRAWN)
    DocumentFactory(
        title="Embargoed NKVD telegram",
        publish_on=timezone.now() + datetime.timedelta(days=3),
    )
    response = client.get("/documents/", {"q": "telegram"})
    assert titles(response) == ["Public NKVD telegram"]
    assert ">1 document<" in response.content.decode()
