"""The engine answers with the reading room's semantics: web syntax, accents, names, facets,
dates, sorts, pages, counts and the histogram."""

import datetime

import pytest

from archive.partialdates import PartialDate
from documents.models import Document
from documents.search.engine import SearchRequest, indexed_versions, search
from documents.selectors import published_documents
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    DocumentTypeFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    RepositoryFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def titles(**request) -> list[str]:
    ids = search(SearchRequest(page_size=100, **request)).ids
    by_id = dict(Document.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [by_id[pk] for pk in ids]


def dated(title: str, text: str, **kwargs) -> Document:
    date = PartialDate.parse(text)
    return DocumentFactory(
        title=title,
        date_precision=date.precision,
        date_earliest=date.earliest,
        date_latest=date.latest,
        **kwargs,
    )


def test_phrase_or_and_exclusion():
    DocumentFactory(title="Secret cipher unit", summary="The cipher unit in Urumqi.")
    DocumentFactory(title="Unit of cipher clerks", summary="Clerks and a unit.")
    DocumentFactory(title="Oil concession", summary="Oil near the border.")
    assert titles(q='"cipher unit"') == ["Secret cipher unit"]
    assert sorted(titles(q="concession or clerks")) == ["Oil concession", "Unit of cipher clerks"]
    assert titles(q="cipher -clerks") == ["Secret cipher unit"]
    assert titles(q="-cipher") == ["Oil concession"]
    assert titles(q="the of") == []  # only stop words: nothing, as before
    assert len(titles(q="")) == 3


def test_accents_fold_both_ways_and_words_stem():
    DocumentFactory(title="Consulate in Ürümqi", summary="Reports on trade.")
    DocumentFactory(title="Trade mission in Urumqi", summary="A report.")
    for q in ("Urumqi", "Ürümqi", "urümqi"):
        assert sorted(titles(q=q)) == ["Consulate in Ürümqi", "Trade mission in Urumqi"], q
    assert len(titles(q="reports")) == len(titles(q="report")) == 2


def test_names_and_variants_of_linked_entities_find_documents():
    ma = PersonFactory(name="Ma Zhongying", variants="Ma Chung-ying\n马仲英")
    DocumentPersonFactory(person=ma, document__title="Relations with the 36th Division")
    urumqi = PlaceFactory(name="Ürümqi", variants="Urumchi\nTihwa")
    DocumentPlaceFactory(place=urumqi, document__title="Cipher unit of the consulate")
    nkvd = OrganizationFactory(name="People's Commissariat", abbreviation="NKVD")
    DocumentOrganizationFactory(organization=nkvd, document__title="Orders")
    DocumentFactory(title="Unrelated")
    assert titles(q="Ma Chung-ying") == ["Relations with the 36th Division"]
    assert titles(q="马仲英") == ["Relations with the 36th Division"]
    assert titles(q="Urumchi") == ["Cipher unit of the consulate"]
    assert titles(q="Urumqi") == ["Cipher unit of the consulate"]
    assert titles(q="NKVD") == ["Orders"]


def test_archive_type_and_subjects_are_searchable_text():
    doc = DocumentFactory(
        title="Plain",
        repository=RepositoryFactory(name="State Archive", abbreviation="GARF", slug="garf"),
        document_type=DocumentTypeFactory(name="Telegram", slug="telegram"),
    )
    doc.subjects.add(SubjectFactory(name="Gold mining"))
    DocumentFactory(title="Other")
    for q in ("GARF", "telegram", '"gold mining"'):
        assert titles(q=q) == ["Plain"], q


def test_relevance_first_then_oldest_then_record_number():
    DocumentFactory(title="Report", summary="Nothing", full_text="<p>An oil field.</p>")
    DocumentFactory(title="Oil in Xinjiang", summary="Oil, oil and more oil.")
    assert titles(q="oil") == ["Oil in Xinjiang", "Report"]
    result = search(SearchRequest(q="oil"))
    assert result.sort == "relevance"
    # Equal scores: the oldest first, then the lower record number, across page boundaries.
    docs = [dated(f"Same {i}", day, summary="tin") for i, day in enumerate(
        ["1940-01-01", "1936-01-01", "1938-01-01", "1936-01-01", "1937-01-01"]
    )]  # fmt: skip
    expected = [docs[1].title, docs[3].title, docs[4].title, docs[2].title, docs[0].title]
    pages = [search(SearchRequest(q="tin", page=p, page_size=2)).ids for p in (1, 2, 3)]
    by_id = {d.pk: d.title for d in docs}
    assert [by_id[pk] for page in pages for pk in page] == expected


def test_unpublished_never_match_and_an_embargo_lifts_by_itself():
    now = datetime.datetime.now(datetime.UTC)
    DocumentFactory(title="Public telegram")
    DocumentFactory(title="Draft telegram", status=Document.Status.DRAFT)
    DocumentFactory(title="Review telegram", status=Document.Status.REVIEW)
    DocumentFactory(title="Withdrawn telegram", status=Document.Status.WITHDRAWN)
    DocumentFactory(title="Embargoed telegram", publish_on=now + datetime.timedelta(days=3))
    assert titles(q="telegram") == ["Public telegram"]
    result = search(SearchRequest(q="telegram"))
    assert result.total == 1 and sum(result.years.values()) + result.undated == 1
    before = indexed_versions()
    later = now + datetime.timedelta(days=3, seconds=1)
    assert sorted(titles(q="telegram", now=later)) == ["Embargoed telegram", "Public telegram"]
    assert indexed_versions() == before  # nothing was re-indexed


@pytest.fixture
def places():
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang")
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar", parent=xinjiang)
    moscow = PlaceFactory(name="Moscow", slug="moscow")
    return xinjiang, kashgar, moscow


def test_or_within_a_facet_and_across_facets_with_other_facet_counts(places):
    xinjiang, kashgar, moscow = places
    nkvd = OrganizationFactory(name="NKVD", slug="nkvd")
    a = DocumentPlaceFactory(place=xinjiang, document__title="A").document
    DocumentPlaceFactory(place=kashgar, document__title="B")
    DocumentPlaceFactory(place=moscow, document__title="C")
    DocumentOrganizationFactory(organization=nkvd, document=a)
    DocumentOrganizationFactory(organization=nkvd, document__title="D")

    either = search(SearchRequest(facets={"place": [xinjiang.pk, kashgar.pk]}))
    assert either.total == 2
    both = search(
        SearchRequest(facets={"place": [xinjiang.pk, kashgar.pk], "organization": [nkvd.pk]})
    )
    assert both.total == 1
    # Within a facet, counts ignore its own choices; across facets they respect the others'.
    assert dict(either.facet_counts["place"]) == {xinjiang.pk: 1, kashgar.pk: 1, moscow.pk: 1}
    assert dict(either.facet_counts["organization"]) == {nkvd.pk: 1}
    assert dict(both.facet_counts["place"]) == {xinjiang.pk: 1, kashgar.pk: 0}
    assert dict(both.facet_counts["organization"]) == {nkvd.pk: 1}
    assert both.years == {a.date_earliest.year: 1} and both.undated == 0


def test_every_facet_filters_by_value_ids():
    lang = LanguageFactory(code="zh", name="Chinese")
    collection = CollectionFactory()
    subject = SubjectFactory()
    person = PersonFactory()
    telegram = DocumentTypeFactory(name="Telegram", slug="telegram")
    garf = RepositoryFactory(name="GARF", slug="garf")
    doc = DocumentFactory(title="Target", document_type=telegram, repository=garf)
    doc.original_languages.add(lang)
    doc.collections.add(collection)
    doc.subjects.add(subject)
    DocumentPersonFactory(document=doc, person=person)
    DocumentFactory(title="Other")
    for facet, value in (
        ("language", lang.pk),
        ("collection", collection.pk),
        ("subject", subject.pk),
        ("person", person.pk),
        ("type", telegram.pk),
        ("archive", garf.pk),
    ):
        assert titles(facets={facet: [value]}) == ["Target"], facet
    assert titles(facets={"archive": [999999]}) == []  # an unknown value matches nothing


def test_facet_counts_never_count_unpublished_documents(places):
    xinjiang, kashgar, _ = places
    for _ in range(3):
        DocumentPlaceFactory(place=xinjiang)
    DocumentPlaceFactory(place=xinjiang, document__status=Document.Status.DRAFT)
    DocumentPlaceFactory(place=kashgar, document__status=Document.Status.REVIEW)
    assert dict(search(SearchRequest()).facet_counts["place"]) == {xinjiang.pk: 3}


def test_an_entity_page_is_restricted_to_its_entity_and_leaves_it_out_of_its_facet(places):
    xinjiang, kashgar, _ = places
    both = DocumentPlaceFactory(place=xinjiang, document__title="Both").document
    DocumentPlaceFactory(place=kashgar, document=both)
    DocumentPlaceFactory(place=kashgar, document__title="Kashgar only")
    result = search(SearchRequest(within=("place", kashgar.pk)))
    assert result.total == 2
    assert dict(result.facet_counts["place"]) == {xinjiang.pk: 1}


def test_date_range_uses_overlap():
    dated("Year 1945", "1945")
    dated("June 1945", "1945-06-15")
    dated("July 1945", "1945-07")
    dated("Range 1944-1946", "1944/1946")
    dated("1935", "1935-09-29")
    dated("Undated", "")
    june = titles(date_from=datetime.date(1945, 6, 1), date_to=datetime.date(1945, 6, 30))
    assert sorted(june) == ["June 1945", "Range 1944-1946", "Year 1945"]
    from_1940 = titles(date_from=datetime.date(1940, 1, 1))
    assert sorted(from_1940) == ["July 1945", "June 1945", "Range 1944-1946", "Year 1945"]
    assert titles(date_to=datetime.date(1935, 12, 31)) == ["1935"]


def test_histogram_counts_each_document_once_by_its_earliest_year():
    for day in ("1945-01-02", "1945-03-04", "1935-05-06", "1944/1946"):
        dated(f"Doc {day}", day)
    dated("Undated", "")
    dated("Draft", "1937", status=Document.Status.DRAFT)
    result = search(SearchRequest())
    assert result.years == {1945: 2, 1935: 1, 1944: 1}
    assert result.undated == 1 and result.total == 5
    assert (result.first_year, result.last_year) == (1935, 1946)


def test_sorts_by_date_both_ways_and_title_with_undated_last():
    dated("Bravo", "1940")
    dated("alpha", "1945")
    dated("Charlie", "1935")
    dated("delta", "")
    assert titles() == ["Charlie", "Bravo", "alpha", "delta"]
    assert titles(sort="-date") == ["alpha", "Bravo", "Charlie", "delta"]
    assert titles(sort="title") == ["alpha", "Bravo", "Charlie", "delta"]
    assert titles(sort="relevance") == ["Charlie", "Bravo", "alpha", "delta"]  # no words: date
    assert titles(sort="banana") == ["Charlie", "Bravo", "alpha", "delta"]


def test_same_title_and_same_day_fall_back_to_record_number():
    first = dated("Same", "1936-01-01")
    second = dated("Same", "1936-01-01")
    assert search(SearchRequest(sort="title")).ids == [first.pk, second.pk]
    assert search(SearchRequest(sort="date")).ids == [first.pk, second.pk]
    assert search(SearchRequest(sort="-date")).ids == [second.pk, first.pk]


def test_any_page_with_exact_counts():
    docs = [DocumentFactory(title=f"NKVD item {i:03d}") for i in range(125)]
    DocumentFactory(title="Draft NKVD", status=Document.Status.DRAFT)
    result = search(SearchRequest(q="NKVD", page=13, page_size=10, sort="title"))
    assert result.total == 125 and result.num_pages == 13 and result.page_exists
    assert result.ids == [d.pk for d in docs[120:]]
    for page in (5000, 10**15):
        beyond = search(SearchRequest(q="NKVD", page=page))
        assert beyond.ids == [] and not beyond.page_exists and beyond.total == 125


def test_facet_limit_keeps_the_most_frequent_and_every_chosen_value():
    towns = [PlaceFactory(name=f"Town {i}") for i in range(5)]
    for i, town in enumerate(towns):
        for _ in range(i + 1):
            DocumentPlaceFactory(place=town)
    result = search(SearchRequest(facet_limit=2, facets={"place": [towns[0].pk]}))
    counts = result.facet_counts["place"]
    assert counts[:2] == [(towns[4].pk, 5), (towns[3].pk, 4)]
    assert (towns[0].pk, 1) in counts and result.facet_truncated["place"]


def test_demo_searches_find_what_the_database_search_found(demo):
    for q in ("NKVD", "consulate", '"cipher unit"', "Urumqi or Kashgar", "oil -tin", "troops"):
        expected = set(published_documents().search(q).values_list("pk", flat=True))
        assert set(search(SearchRequest(q=q, page_size=100)).ids) == expected, q


def test_the_unfiltered_lists_counts_follow_new_documents_and_lifted_embargoes():
    now = datetime.datetime.now(datetime.UTC)
    place = PlaceFactory()
    DocumentPlaceFactory(place=place)
    DocumentPlaceFactory(place=place, document__publish_on=now + datetime.timedelta(days=1))
    assert dict(search(SearchRequest(now=now)).facet_counts["place"]) == {place.pk: 1}
    later = now + datetime.timedelta(days=2)
    assert dict(search(SearchRequest(now=later)).facet_counts["place"]) == {place.pk: 2}
    assert dict(search(SearchRequest(now=now)).facet_counts["place"]) == {place.pk: 1}
    DocumentPlaceFactory(place=place)
    result = search(SearchRequest(now=now))
    assert dict(result.facet_counts["place"]) == {place.pk: 2}
    assert sum(result.years.values()) + result.undated == result.total == 2


def test_stop_words_inside_a_phrase_keep_their_places():
    DocumentFactory(title="Orders to the cipher of the unit")
    DocumentFactory(title="Cipher for a unit")  # the same distance
    DocumentFactory(title="Cipher unit")
    q = '"cipher of the unit"'
    found = titles(q=q)
    assert sorted(found) == ["Cipher for a unit", "Orders to the cipher of the unit"]
    assert set(found) == set(published_documents().search(q).values_list("title", flat=True))


def test_kept_facet_groups_follow_new_documents_lifted_embargoes_and_other_choices():
    """A chosen facet's own counts under dates are kept per process and shared by every
    choice, but never past a change, an embargo lifting, or for other dates."""
    now = datetime.datetime.now(datetime.UTC)
    first, second = PersonFactory(), PersonFactory()
    dated("A", "1938-05-01").person_links.create(person=first)
    embargoed = dated("B", "1938-06-01", publish_on=now + datetime.timedelta(days=1))
    embargoed.person_links.create(person=second)

    def people(person, when=now, **request):
        request = SearchRequest(facets={"person": [person.pk]}, date_from=datetime.date(1938, 1, 1),
                                now=when, **request)  # fmt: skip
        return dict(search(request).facet_counts["person"])

    assert people(first) == {first.pk: 1}
    assert people(second) == {first.pk: 1, second.pk: 0}  # the same group, reused
    assert people(second, now + datetime.timedelta(days=2)) == {first.pk: 1, second.pk: 1}
    assert people(first) == {first.pk: 1}  # before the embargo lifts
    dated("C", "1939-01-01").person_links.create(person=second)
    assert people(first) == {first.pk: 1, second.pk: 1}  # a new index state
    early = SearchRequest(facets={"person": [first.pk]}, date_from=datetime.date(1939, 1, 1))
    assert dict(search(early).facet_counts["person"]) == {second.pk: 1, first.pk: 0}
