"""Did you mean: corrections come from the collection's own public words and names."""

import datetime

import pytest
from django.utils import timezone

from documents.models import Document
from documents.search.suggestions import suggest
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    beria = PersonFactory(name="Lavrentiy Beria", variants="L. P. Beria")
    molotov = PersonFactory(name="Vyacheslav Molotov", variants="V. M. Molotov")
    urumqi = PlaceFactory(name="Ürümqi", variants="Urumchi\nTihwa")
    DocumentPersonFactory(person=beria, document__title="Telegram about the Kashgar uprising")
    DocumentPersonFactory(person=molotov, document__title="Letter on trade")
    DocumentPlaceFactory(place=urumqi, document__title="Consulate cipher unit")


def test_a_misspelled_name_gets_the_name_as_the_collection_spells_it(names):
    assert suggest("Berya").best == "Beria"
    assert suggest("Molotof").best == "Molotov"
    assert suggest("Urumcy").best == "Urumchi"
    # "Urumchy" needs none: it stems as "Urumchi" does, so the search finds the place.
    assert suggest("Urumchy") is None


def test_a_misspelled_common_word_gets_the_word(names):
    assert suggest("uprisng").best == "uprising"
    assert suggest("Kashgar uprisng").best == "Kashgar uprising"


def test_known_words_get_no_suggestion(names):
    assert suggest("Beria uprising") is None
    assert suggest("Urumqi") is None  # folded: the name in its other spelling is known
    assert suggest("") is None


def test_only_the_unknown_word_is_changed_and_excluded_words_are_left_alone(names):
    assert suggest('Berya "trade" -uprising').best == 'Beria "trade" -uprising'
    assert suggest("Beria -uprisng") is None


def test_close_alternatives_are_offered_best_first(names):
    berman = PersonFactory(name="Boris Berman")
    DocumentPersonFactory(person=berman, document__title="Report")
    found = suggest("Berya")
    assert found.best == "Beria"
    assert found.alternatives == ["Berman"]


def test_never_a_word_or_name_only_unpublished_documents_hold(names):
    yezhov = PersonFactory(name="Nikolai Yezhov")
    DocumentPersonFactory(
        person=yezhov, document__title="Memorandum", document__status=Document.Status.DRAFT
    )
    DocumentFactory(
        title="Ultimatum", publish_on=timezone.now() + datetime.timedelta(days=2)
    )  # embargoed
    DocumentFactory(title="Reconnaissance", status=Document.Status.WITHDRAWN)
    assert suggest("Yezhof") is None
    assert suggest("memorandun") is None
    assert suggest("ultimatun") is None
    assert suggest("reconnaisance") is None


def test_a_kept_vocabulary_never_offers_a_word_withdrawn_since(names):
    hidden = DocumentFactory(title="Reconnaissance flights")
    assert suggest("reconnaisance").best == "reconnaissance"  # the vocabulary is now kept
    hidden.status = Document.Status.WITHDRAWN
    hidden.save()
    assert suggest("reconnaisance") is None
