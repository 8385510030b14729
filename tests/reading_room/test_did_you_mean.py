"""Did you mean, as a reader sees it on the list page."""

import pytest

from tests.factories import DocumentPersonFactory, PersonFactory
from tests.reading_room.test_listing import html_of, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    beria = PersonFactory(name="Lavrentiy Beria")
    berman = PersonFactory(name="Boris Berman")
    DocumentPersonFactory(person=beria, document__title="Telegram to Beria")
    DocumentPersonFactory(person=berman, document__title="Report by Berman")


def test_a_search_that_finds_nothing_offers_the_closest_names(client, people):
    response = client.get("/documents/", {"q": "Berya"})
    html = html_of(response)
    assert response.status_code == 200 and titles(response) == []
    assert (
        'Nothing matches; did you mean <a href="?q=Beria" rel="nofollow">Beria</a>, '
        '<a href="?q=Berman" rel="nofollow">Berman</a>?'
    ) in html


def test_a_search_with_results_suggests_the_correction_and_keeps_the_filters(client, people):
    response = client.get("/documents/", {"q": "telegram or Berya", "sort": "title"})
    html = html_of(response)
    assert titles(response) == ["Telegram to Beria"]
    assert 'Did you mean <a href="?q=telegram+or+Beria&amp;sort=title" rel="nofollow">' in html
    assert "telegram or Beria</a>?" in html


def test_no_suggestion_for_a_search_spelled_as_the_collection_spells_it(client, people):
    assert "did-you-mean" not in html_of(client.get("/documents/", {"q": "Beria"}))
