"""Admin search matches words from their start, and the autocomplete offers the best match
first (issue: “Beria” found “Eastern Siberia”; “NKVD” ranked a department above the NKVD)."""

from django.urls import reverse

from tests.factories import DocumentFactory, OrganizationFactory, PersonFactory, PlaceFactory


def _changelist(model):
    return reverse(f"admin:{model}_changelist")


def test_search_matches_words_not_the_middle_of_words(archivist_client, db):
    beria = PersonFactory(name="Lavrentiy Beria")
    PlaceFactory(name="Eastern Siberia")
    siberia_doc = DocumentFactory(title="Troops in Eastern Siberia")
    beria_doc = DocumentFactory(title="Report to Beria")

    people = archivist_client.get(_changelist("people_person"), {"q": "Beria"})
    assert list(people.context["cl"].result_list) == [beria]
    places = archivist_client.get(_changelist("people_place"), {"q": "Beria"})
    assert list(places.context["cl"].result_list) == []
    docs = archivist_client.get(_changelist("documents_document"), {"q": "beria"})
    assert list(docs.context["cl"].result_list) == [beria_doc]
    assert siberia_doc not in docs.context["cl"].result_list
    # A word's start still matches, accents still optional.
    docs = archivist_client.get(_changelist("documents_document"), {"q": "Siber"})
    assert list(docs.context["cl"].result_list) == [siberia_doc]


def test_search_terms_are_literal_not_patterns(archivist_client, db):
    DocumentFactory(title="Report (draft)")
    for q in ["(draft", "[", "a.b*", "\\m", "?"]:
        response = archivist_client.get(_changelist("documents_document"), {"q": q})
        assert response.status_code == 200, q
    found = archivist_client.get(_changelist("documents_document"), {"q": "(draft"})
    assert [d.title for d in found.context["cl"].result_list] == ["Report (draft)"]


def _autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "documents",
            "model_name": "documentorganization",
            "field_name": "organization",
            "term": term,
        },
    )
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_autocomplete_offers_the_exact_name_first(archivist_client, db):
    OrganizationFactory(name="NKVD Department of Special Tasks")
    OrganizationFactory(name="NKVD Border Troops")
    OrganizationFactory(
        name="People's Commissariat for Internal Affairs",
        abbreviation="NKVD",
        variants="Narkomvnudel",
    )
    texts = _autocomplete(archivist_client, "nkvd")
    assert texts[0] == "People's Commissariat for Internal Affairs (NKVD)"
    assert texts[1:] == ["NKVD Border Troops", "NKVD Department of Special Tasks"]
