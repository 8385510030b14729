"""The document page: what a reader sees, who may see it, its addresses and its cost."""

import datetime
import json
import re
from html import unescape

import pytest
from django.utils import timezone

from documents.models import Document, Language, Role, Scan
from documents.selectors import published_documents
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    FunderFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    SubjectFactory,
    UserFactory,
)

TITLE = "Politburo Decision of 19 March 1935 concerning Xinjiang"
LOCATOR = "RGASPI, f. 17, op. 162, d. 17, l. 151"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def info_fields(html: str) -> dict[str, str]:
    """The "Document information" list as {label: visible text}."""
    panel = re.search(r'<aside class="document-info".*?</aside>', html, re.S)
    assert panel, "the page has a Document information panel"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", panel.group(0), re.S)
    return {_text(dt): _text(dd) for dt, dd in pairs}


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "the page embeds JSON-LD"
    return json.loads(match.group(1))


def meta(html: str, name: str) -> list[str]:
    return [
        unescape(m) for m in re.findall(rf'<meta name="{re.escape(name)}" content="([^"]*)">', html)
    ]


@pytest.fixture
def rich_doc(db):
    """A published document with every field and link filled in."""
    doc = DocumentFactory(
        title=TITLE,
        date_precision="day",
        date_earliest=datetime.date(1935, 3, 19),
        date_latest=datetime.date(1935, 3, 19),
        summary="The Politburo transfers NKVD members to Xinjiang.",
        full_text="<p>Point 137. <em>Transfer</em> ten NKVD officers to Xinjiang.</p>",
        original_text="<p>Пункт 137. Перевести в Синьцзян десять работников НКВД.</p>",
        source_citation=LOCATOR,
        obtained_by="Jamil Hasanli",
        translated_by="Gary Goldberg",
        original_classification="Top Secret",
    )
    doc.original_languages.add(LanguageFactory(code="ru", name="Russian"))
    doc.funders.add(FunderFactory())
    doc.collections.add(CollectionFactory(title="Xinjiang and the NKVD", slug="xinjiang-nkvd"))
    doc.subjects.add(SubjectFactory(name="Soviet policy in Xinjiang", slug="soviet-policy"))
    politburo = OrganizationFactory(name="Politburo", slug="politburo")
    DocumentOrganizationFactory(document=doc, organization=politburo, role=Role.AUTHOR)
    stalin = PersonFactory(name="Joseph Stalin", sort_name="Stalin, Joseph", slug="stalin")
    DocumentPersonFactory(document=doc, person=stalin, role=Role.SIGNATORY)
    yagoda = PersonFactory(name="Genrikh Yagoda", slug="yagoda", birth="1891", death="1938")
    DocumentPersonFactory(document=doc, person=yagoda, role=Role.RECIPIENT)
    ma = PersonFactory(name="Ma Zhongying", slug="ma-zhongying")
    DocumentPersonFactory(document=doc, person=ma, role=Role.MENTIONED, uncertain=True)
    moscow = PlaceFactory(name="Moscow", slug="moscow")
    DocumentPlaceFactory(document=doc, place=moscow, role="origin")
    DocumentPlaceFactory(document=doc, place=PlaceFactory(name="Xinjiang", slug="xinjiang"))
    return Document.objects.get(pk=doc.pk)


def page(client, doc):
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_information_panel_labels_every_known_fact(client, rich_doc):
    fields = info_fields(page(client, rich_doc))
    assert fields["Date"] == "March 19, 1935"
    assert fields["Title"] == TITLE
    assert fields["Record number"] == str(rich_doc.record_number)
    assert fields["Document type"] == "Decision"
    assert fields["Source"] == LOCATOR
    assert fields["Original archive"] == "Russian State Archive of Socio-Political History (RGASPI)"
    assert fields["Obtained by"] == "Jamil Hasanli"
    assert fields["Translated by"] == "Gary Goldberg"
    assert fields["Original language"] == "Russian"
    assert fields["Original classification"] == "Top Secret"
    assert fields["Funder"] == "MacArthur Foundation"
    assert fields["Collection"] == "Xinjiang and the NKVD"
    assert fields["Subjects"] == "Soviet policy in Xinjiang"
    assert "reproduced for research" in fields["Rights"]


def test_header_shows_date_title_and_funder_line(client, rich_doc):
    html = page(client, rich_doc)
    assert f'<h1 id="document-title">{TITLE}</h1>' in html
    assert '<time datetime="1935-03-19">March 19, 1935</time>' in html
    assert "This document was made possible with support from MacArthur Foundation." in html


def test_entities_are_grouped_by_role_and_linked(client, rich_doc):
    html = page(client, rich_doc)
    fields = info_fields(html)
    assert fields["Authors"] == "Politburo"
    assert fields["Signatories"] == "Joseph Stalin"
    assert fields["Recipients"] == "Genrikh Yagoda (1891–1938)"
    assert fields["Mentioned"] == "Ma Zhongying (uncertain)"
    assert fields["Place of writing"] == "Moscow"
    assert fields["Places discussed"] == "Xinjiang"
    assert "Destination" not in fields
    for href in [
        "/people/stalin/",
        "/people/yagoda/",
        "/people/ma-zhongying/",
        "/organizations/politburo/",
        "/places/moscow/",
        "/places/xinjiang/",
        "/subjects/soviet-policy/",
        "/collections/xinjiang-nkvd/",
    ]:
        assert f'href="{href}"' in html


def test_translation_is_html_and_original_text_carries_its_language(client, rich_doc):
    html = page(client, rich_doc)
    assert "<p>Point 137. <em>Transfer</em> ten NKVD officers to Xinjiang.</p>" in html
    assert re.search(r'<div class="prose" lang="ru"><p>Пункт 137\.', html)
    assert "Original text (Russian)" in html


def test_empty_fields_are_omitted_but_missing_locator_is_explained(client, db):
    doc = DocumentFactory(repository=None, document_type=None, summary="")
    html = page(client, doc)
    fields = info_fields(html)
    assert fields["Source"] == "Exact archival locator not known"
    for label in [
        "Original archive",
        "Obtained by",
        "Translated by",
        "Original classification",
        "Funder",
        "Funders",
        "Subjects",
        "Authors",
        "Mentioned",
        "Document type",
        "Collection",
        "Original language",
    ]:
        assert label not in fields
    assert all(value for value in fields.values()), fields
    assert "English translation" not in html
    assert "made possible with support" not in html
    assert "Related documents" not in html


def test_undated_document_says_undated(client, db):
    doc = DocumentFactory(date_precision="undated", date_earliest=None, date_latest=None)
    html = page(client, doc)
    assert info_fields(html)["Date"] == "Undated"
    assert "<time" not in html.split('class="document-date"')[1].split("</p>")[0]


def test_month_precision_date(client, db):
    doc = DocumentFactory()
    doc.set_date("1945-07")
    doc.save()
    html = page(client, doc)
    assert '<time datetime="1945-07">July 1945</time>' in html


# --- addresses -------------------------------------------------------------------------


def test_short_and_stale_addresses_redirect_permanently(client, rich_doc):
    n = rich_doc.record_number
    current = f"/documents/{n}/{rich_doc.slug}/"
    for address in [f"/documents/{n}/", f"/documents/{n}/old-slug/", f"/documents/{n}/%00/"]:
        response = client.get(address)
        assert response.status_code == 301, address
        assert response["Location"] == current


@pytest.mark.parametrize(
    "address",
    [
        "/documents/999999/",
        "/documents/999999/some-slug/",
        "/documents/abc/",
        "/documents/1.5/",
        "/documents/-1/",
        "/documents/99999999999999999999999/",
        "/documents/99999999999999999999999/x/",
    ],
)
def test_unknown_or_malformed_numbers_are_404(client, db, address):
    assert client.get(address).status_code == 404


# --- visibility ------------------------------------------------------------------------


def _hidden_documents():
    future = timezone.now() + datetime.timedelta(days=30)
    return {
        "draft": DocumentFactory(status=Document.Status.DRAFT),
        "review": DocumentFactory(status=Document.Status.REVIEW),
        "withdrawn": DocumentFactory(status=Document.Status.WITHDRAWN),
        "embargoed": DocumentFactory(publish_on=future),
    }


def test_unpublished_documents_are_404_for_the_public(client, db):
    for doc in _hidden_documents().values():
        n = doc.record_number
        for address in [
            doc.get_absolute_url(),
            f"/documents/{n}/",
            f"/documents/{n}/cite.bib",
            f"/documents/{n}/cite.ris",
        ]:
            assert client.get(address).status_code == 404, address


def test_logged_in_non_staff_users_do_not_see_drafts(client, db):
    client.force_login(UserFactory())
    doc = DocumentFactory(status=Document.Status.DRAFT)
    assert client.get(doc.get_absolute_url()).status_code == 404


def test_staff_preview_says_why_the_public_cannot_see_it(archivist_client):
    client = archivist_client
    docs = _hidden_documents()
    expected = {
        "draft": "Draft — not visible to the public",
        "review": "In review — not visible to the public",
        "withdrawn": "Withdrawn — no longer visible to the public",
        "embargoed": "Embargoed until ",
    }
    for key, doc in docs.items():
        response = client.get(doc.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        banner = re.search(r'<div class="preview-banner".*?</div>\s*</div>', html, re.S)
        assert banner and expected[key] in unescape(banner.group(0)), key
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert "no-store" in response["Cache-Control"]
    embargo_banner = client.get(docs["embargoed"].get_absolute_url()).content.decode()
    assert docs["embargoed"].publish_on.strftime("%B") in embargo_banner


def test_published_page_has_no_preview_banner_even_for_staff(archivist_client, rich_doc):
    client = archivist_client
    html = page(client, rich_doc)
    assert "preview-banner" not in html
    assert "noindex" not in html


# --- related documents -----------------------------------------------------------------


def test_related_documents_rank_by_overlap_and_stay_published(client, db):
    people = [PersonFactory() for _ in range(3)]
    place = PlaceFactory()
    subject = SubjectFactory()
    doc = DocumentFactory()
    for person in people:
        DocumentPersonFactory(document=doc, person=person)
    DocumentPlaceFactory(document=doc, place=place)
    doc.subjects.add(subject)

    def sharing(n_people, with_place=False, with_subject=False, **kwargs):
        other = DocumentFactory(**kwargs)
        for person in people[:n_people]:
            DocumentPersonFactory(document=other, person=person, role=Role.RECIPIENT)
        if with_place:
            DocumentPlaceFactory(document=other, place=place)
        if with_subject:
            other.subjects.add(subject)
        return other

    best = sharing(3, with_place=True, with_subject=True)  # 5 shared
    second = sharing(3)  # 3
    third = sharing(1, with_subject=True)  # 2
    fourth = sharing(1)  # 1
    fifth = sharing(0, with_place=True)  # 1, later date
    sixth = sharing(0, with_subject=True)  # 1, even later: cut by the limit of five
    draft = sharing(3, with_place=True, with_subject=True, status=Document.Status.DRAFT)
    embargoed = sharing(3, with_place=True, publish_on=timezone.now() + datetime.timedelta(days=1))
    unrelated = DocumentFactory()

    html = page(client, doc)
    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    order = [d.title for d in (best, second, third, fourth, fifth)]
    positions = [related.find(f">{title}</a>") for title in order]
    assert all(p > 0 for p in positions), positions
    assert positions == sorted(positions)
    for absent in (sixth, draft, embargoed, unrelated, doc):
        assert f">{absent.title}</a>" not in related
    assert "In common: 5 names or subjects" in related


def test_staff_previewing_a_draft_still_get_only_published_related(archivist_client):
    client = archivist_client
    person = PersonFactory()
    doc = DocumentFactory(status=Document.Status.DRAFT)
    DocumentPersonFactory(document=doc, person=person)
    other_draft = DocumentFactory(status=Document.Status.DRAFT)
    DocumentPersonFactory(document=other_draft, person=person)
    public = DocumentFactory()
    DocumentPersonFactory(document=public, person=person)
    html = page(client, doc)
    assert f">{public.title}</a>" in html
    assert f">{other_draft.title}</a>" not in html


# --- query count -----------------------------------------------------------------------


@pytest.mark.parametrize("staff", [False, True])
def test_query_count_does_not_grow_with_links(
    client, archivist, staff, django_assert_max_num_queries
):
    if staff:
        client.force_login(archivist)
    doc = DocumentFactory(full_text="<p>Text</p>")
    doc.original_languages.add(LanguageFactory(), Language.objects.create(code="uz", name="Uzbek"))
    for role in Role.values:
        for _ in range(4):
            DocumentPersonFactory(document=doc, role=role)
            DocumentOrganizationFactory(document=doc, role=role)
    for role in ("origin", "destination", "mentioned"):
        for _ in range(3):
            DocumentPlaceFactory(document=doc, role=role)
    for _ in range(5):
        doc.subjects.add(SubjectFactory())
        doc.collections.add(CollectionFactory())
    for position in range(3):
        Scan.objects.create(document=doc, position=position, file=f"scans/p{position}.png")
    for link in list(doc.person_links.all())[:8]:
        other = DocumentFactory()
        DocumentPersonFactory(document=other, person=link.person)
    # Readers get at most 12 queries; a staff preview adds its session, user and permission
    # lookups (who may preview is a permission, not just is_staff).
    with django_assert_max_num_queries(14 if staff else 12):
        response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="entity-list"') == 7
    assert "Scans of the original" in html


# --- machine-readable metadata ---------------------------------------------------------


def test_canonical_link_and_citation_meta_tags(client, rich_doc):
    html = page(client, rich_doc)
    url = f"http://testserver{rich_doc.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "citation_title") == [TITLE]
    assert meta(html, "citation_date") == ["1935/03/19"]
    # An organization ends in a comma: Zotero then keeps it whole, as a single-field name.
    assert meta(html, "citation_author") == ["Politburo,"]
    assert meta(html, "citation_language") == ["ru"]
    assert meta(html, "citation_public_url") == [url]
    assert meta(html, "citation_abstract_html_url") == [url]
    # Zotero would read these as a journal and a journal title: a document is not an article.
    for name in ("citation_publisher", "citation_journal_title", "DC.source"):
        assert meta(html, name) == []


def test_json_ld_describes_the_archive_component(client, rich_doc):
    data = json_ld(page(client, rich_doc))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ArchiveComponent"
    assert data["name"] == TITLE
    assert data["dateCreated"] == "1935-03-19"
    assert data["inLanguage"] == "ru"
    assert data["url"] == f"http://testserver{rich_doc.get_absolute_url()}"
    assert data["holdingArchive"]["name"] == "Russian State Archive of Socio-Political History"
    assert data["holdingArchive"]["alternateName"] == "RGASPI"
    assert [a["name"] for a in data["author"]] == ["Politburo"]
    assert {"propertyID": "archival locator", "value": LOCATOR, "@type": "PropertyValue"} in data[
        "identifier"
    ]
    assert [s["name"] for s in data["about"]] == ["Soviet policy in Xinjiang"]
    assert data["locationCreated"]["name"] == "Moscow"


def test_json_ld_cannot_break_out_of_its_script(client, db):
    title = 'Evil </script><script>alert("x")</script> & <!-- title'
    doc = DocumentFactory(title=title, summary="</SCRIPT>")
    html = page(client, doc)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    body = script.group(1)
    assert "<" not in body and ">" not in body
    assert json.loads(body)["name"] == title
    assert "<script>alert" not in html


def test_title_markup_is_escaped_in_the_page(client, db):
    doc = DocumentFactory(title='<img src=x onerror="alert(1)">')
    html = page(client, doc)
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


# --- the demo collection ---------------------------------------------------------------


def test_demo_politburo_decision_page(client, demo):
    doc = published_documents().get(title=TITLE)
    response = client.get(f"/documents/{doc.record_number}/")
    assert response.status_code == 301
    response = client.get(response["Location"])
    html = response.content.decode()
    fields = info_fields(html)
    assert fields["Source"] == LOCATOR
    assert fields["Date"] == "March 19, 1935"
    assert "RGASPI" in fields["Original archive"]
    assert fields["Obtained by"] == "Jamil Hasanli"
    assert fields["Translated by"] == "Gary Goldberg"
    citation = _text(re.search(r'<p class="cite-text".*?</p>', html, re.S).group(0))
    assert citation.startswith(f'"{TITLE}," March 19, 1935, ')
    assert "(RGASPI), f. 17, op. 162, d. 17, l. 151." in citation
    assert "Obtained by Jamil Hasanli and translated by Gary Goldberg." in citation
    assert f"http://testserver{doc.get_absolute_url()}. Accessed " in citation
    bib = client.get(f"/documents/{doc.record_number}/cite.bib")
    assert bib.status_code == 200
    text = bib.content.decode()
    assert text.startswith("@unpublished{")
    assert "title = {Politburo {Decision} of 19 {March} 1935 concerning {Xinjiang}}" in text
    assert "year = {1935}" in text


def test_demo_pages_all_render_within_the_query_budget(client, demo, django_assert_max_num_queries):
    for doc in published_documents():
        with django_assert_max_num_queries(12):
            response = client.get(doc.get_absolute_url())
        assert response.status_code == 200, doc.get_absolute_url()


# --- in a real browser -----------------------------------------------------------------


@pytest.mark.browser
def test_document_and_home_pages_pass_axe(live_server, transactional_db, demo_snapshot):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM
    from tests.demo_data import restore

    # All database work first: while Playwright's event loop runs, the ORM would open a
    # separate connection for that context and leave it behind.
    restore(demo_snapshot)
    doc = published_documents().get(title=TITLE)
    doc.full_text = "<p>Point 137. Transfer ten NKVD officers to Xinjiang.</p>"
    doc.original_text = "<p>Пункт 137.</p>"
    doc.save()
    doc_url = live_server.url + doc.get_absolute_url()

    axe = Axe()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        for url in [doc_url, live_server.url + "/"]:
            page.goto(url)
            results = axe.run(page)
            assert results.violations_count == 0, (url, results.generate_report())
        page.goto(doc_url)
        assert "(RGASPI), f. 17, op. 162, d. 17, l. 151" in page.inner_text("#citation-text")
        assert page.is_visible("details.cite-bibtex")
        # Narrow screens: the information panel stacks below the text; no sideways scrolling.
        page.set_viewport_size({"width": 360, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        info_top = page.eval_on_selector(".document-info", "e => e.getBoundingClientRect().top")
        text_top = page.eval_on_selector(".document-main", "e => e.getBoundingClientRect().top")
        assert info_top > text_top
        browser.close()
