"""Curation in a real browser (Playwright driving Debian's Chromium): a document with 3 people,
1 organization, 2 places, 2 subjects and 2 scans made in at most 30 interactions, and
screenshots of the review desk, a pending revision's diff, the duplicate warning and bulk
edit for people to look at.

How interactions are counted (`Counter`): every click is one; filling one field is one (the
typing of a name or a date, however many letters); every other key press (Enter to choose
an autocomplete suggestion, Ctrl+S) is one; choosing files in the file dialog is one. Waiting
for the page is not an interaction. Reaching the page (navigation, signing in) is not counted.
"""

import importlib
import io
import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls between page visits (see test_browser)

import pytest  # noqa: E402
from django.apps import apps  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from documents.models import Document, PendingRevision  # noqa: E402
from documents.services import workflow  # noqa: E402
from documents.services.pending import document_propose  # noqa: E402
from people.models import Person  # noqa: E402
from tests.browser_helpers import DESKTOP, keep_offline, launch, screenshot_path  # noqa: E402
from tests.demo_data import restore  # noqa: E402
from tests.roles import staff  # noqa: E402

PASSWORD = "correct horse battery staple"
LIMIT = 30


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, demo_snapshot):
    restore(demo_snapshot)
    # A transactional test starts from an emptied database: make the roles again.
    importlib.import_module("documents.migrations.0003_roles").create_roles(apps, None)
    return live_server.url


@pytest.fixture
def page_as(chromium, site):
    contexts = []

    def make(user):
        context = chromium.new_context(base_url=site, viewport=DESKTOP)
        context.set_default_timeout(10_000)
        keep_offline(context, site)
        contexts.append(context)
        page = context.new_page()
        page.goto("/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("#review-desk-heading")).to_be_visible()
        return page

    yield make
    for context in contexts:
        context.close()


class Counter:
    """Drives the page and counts the interactions (see the module docstring)."""

    def __init__(self, page):
        self.page, self.count, self.log = page, 0, []

    def _add(self, what):
        self.count += 1
        self.log.append(what)

    def click(self, locator, what):
        locator.click()
        self._add(f"click {what}")

    def fill(self, locator, text):
        locator.fill(text)
        self._add(f"fill {text!r}")

    def type(self, text):
        self.page.keyboard.type(text)
        self._add(f"type {text!r}")

    def press(self, key):
        self.page.keyboard.press(key)
        self._add(f"press {key}")

    def files(self, locator, files):
        locator.set_input_files(files)
        self._add(f"choose {len(files)} files")

    def choose(self, text, *, expect_text=None):
        """Type into the open autocomplete and take its highlighted suggestion with Enter."""
        # The autocomplete's search box has the focus (after a click, or after a choice in a
        # box that takes several values).
        expect(self.page.locator("input.select2-search__field:focus")).to_have_count(1)
        self.type(text)
        highlighted = self.page.locator(".select2-results__option--highlighted")
        # Generous: other test runs may share this machine's two cores.
        expect(highlighted).to_contain_text(expect_text or text, timeout=20_000)
        self.press("Enter")


def _png(name, color):
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), color).save(buffer, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def _rows(page, group):
    return page.locator(f"#{group}-group tr.form-row:not(.empty-form)")


def _link(counter, group, index, name, expect_text=None):
    row = _rows(counter.page, group).nth(index)
    counter.click(row.locator(".select2-selection"), f"{group} row {index + 1}")
    counter.choose(name, expect_text=expect_text)
    expect(row.locator(".select2-selection__rendered")).not_to_contain_text("Create")


@pytest.mark.browser
def test_a_full_document_takes_at_most_30_interactions(page_as):
    archivist = staff("Archivist", username="archie", password=PASSWORD)
    page = page_as(archivist)
    page.goto("/admin/documents/document/add/")
    c = Counter(page)

    c.fill(page.locator("#id_title"), "Test document: a telegram with two pages")
    c.fill(page.locator("#id_date"), "1941-02")
    _link(c, "person_links", 0, "Beria", "Lavrentiy Beria")
    _link(c, "person_links", 1, "Sheng Shicai")
    _link(c, "person_links", 2, "New Person Alpha", "Create “New Person Alpha”")  # made inline
    _link(c, "organization_links", 0, "NKVD", "People's Commissariat for Internal Affairs")
    _link(c, "place_links", 0, "Urumqi")
    _link(c, "place_links", 1, "Kashgar")
    subjects = page.locator(".field-subjects .select2-selection")
    c.click(subjects, "subjects")
    c.choose("Aviation")
    c.choose("Military supply")
    c.files(
        page.locator("#scans-group input[aria-label='Add scans']"),
        [_png("page-1.png", "white"), _png("page-2.png", "gray")],
    )
    c.press("Control+s")

    expect(page.locator(".messagelist")).to_contain_text("You may edit it again below")
    doc = Document.objects.get(title="Test document: a telegram with two pages")
    assert (doc.date_precision, doc.date_display) == ("month", "February 1941")
    assert sorted(doc.people.values_list("name", flat=True)) == [
        "Lavrentiy Beria",
        "New Person Alpha",
        "Sheng Shicai",
    ]
    assert doc.organizations.count() == 1 and doc.places.count() == 2
    assert sorted(doc.subjects.names()) == ["Aviation", "Military supply"]
    assert list(doc.scans.values_list("position", flat=True)) == [1, 2]
    assert doc.scans.order_by("position").first().file.name.endswith("page-1.png")
    assert Person.objects.filter(name="New Person Alpha").count() == 1
    print(f"{c.count} interactions:", "; ".join(c.log))
    assert c.count <= LIMIT, c.log


@pytest.mark.browser
def test_scans_reorder_with_the_keyboard(page_as):
    editor = staff("Editor", username="edith", password=PASSWORD)
    page = page_as(editor)
    page.goto("/admin/documents/document/add/")
    page.locator("#id_title").fill("Test document: order of scans")
    page.locator("#scans-group input[aria-label='Add scans']").set_input_files(
        [_png("first.png", "white"), _png("second.png", "gray")]
    )
    second = _rows(page, "scans").nth(1)
    second.get_by_role("button", name="Move up").focus()
    page.keyboard.press("Enter")
    expect(_rows(page, "scans").nth(0).locator("input[name$='-position']")).to_have_value("1")
    page.keyboard.press("Control+s")
    expect(page.locator(".messagelist")).to_contain_text("You may edit it again below")
    doc = Document.objects.get(title="Test document: order of scans")
    names = [s.file.name.rsplit("/", 1)[-1] for s in doc.scans.order_by("position")]
    assert names[0].startswith("second") and names[1].startswith("first")


@pytest.mark.browser
def test_screenshots_of_the_review_desk_pending_diff_duplicates_and_bulk_edit(page_as):
    archivist = staff("Archivist", username="archie", first_name="Archie", password=PASSWORD)
    editor = staff("Editor", username="edith", first_name="Edith", password=PASSWORD)
    docs = list(Document.objects.order_by("record_number")[:4])
    workflow.return_to_draft(docs[0], editor, note="Back to draft for a check of the date.")
    workflow.submit_for_review(docs[0], archivist, note="Date checked against the original.")
    document_propose(
        document=docs[1],
        data={"title": docs[1].title + " (corrected)", "summary": docs[1].summary + " Revised."},
        user=archivist,
        note="Corrected the title after comparing with the scan.",
    )

    page = page_as(editor)
    expect(page.locator("#desk-review")).to_contain_text("Date checked against the original.")
    page.screenshot(path=str(screenshot_path("admin-review-desk")), full_page=True)

    pending = PendingRevision.objects.get()
    page.goto(f"/admin/documents/pendingrevision/{pending.pk}/change/")
    expect(page.locator(".history-diff")).to_contain_text("(corrected)")
    page.screenshot(path=str(screenshot_path("admin-pending-revision-diff")), full_page=True)

    page.goto("/admin/people/person/add/")
    page.locator("#id_name").fill("L. P. Beria")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist.nonfield")).to_contain_text("Possible duplicate")
    expect(page.get_by_role("link", name="Lavrentiy Beria")).to_be_visible()
    page.screenshot(path=str(screenshot_path("admin-duplicate-warning")), full_page=True)

    page.goto("/admin/documents/document/")
    # At 1280 px titles have room and every column, “Updated” included, is in view.
    title = page.locator("#result_list th.column-title")
    assert title.bounding_box()["width"] >= 250
    updated = page.locator("#result_list th.column-updated_column")
    box = updated.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"], box
    assert page.evaluate("el => el.scrollWidth <= el.clientWidth + 1", updated.element_handle())
    page.screenshot(path=str(screenshot_path("admin-document-list")), full_page=False)
    for doc in docs[2:4]:
        page.locator(f"input[name='_selected_action'][value='{doc.pk}']").check()
    page.locator("select[name='action']").select_option("bulk_edit")
    page.get_by_role("button", name="Go").click()
    page.locator(".bulk-edit__subject .select2-selection").click()
    page.keyboard.type("Aviation")
    expect(page.locator(".select2-results__option--highlighted")).to_contain_text("Aviation")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".bulk-edit__preview")).to_contain_text("Will add subject “Aviation”")
    page.screenshot(path=str(screenshot_path("admin-bulk-edit")), full_page=True)
