"""Reading a document in a real browser (Playwright driving Debian's Chromium), at 1280 and
390 px: the scan viewer (zoom, pan, page by page, from the mouse and the keyboard), the
translation beside the original (a choice on a phone), the citation block, and the print view;
axe-core finds no violations, nothing breaks the CSP, and screenshots are kept for people.

Record 1 of the demo collection gets a scan image and a three-page PDF (blank test pages,
made here) and the translation and original text the document page tests already use.
"""

import os
import re

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see tests/browser/test_browser.py

import pytest  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from documents.models import Document  # noqa: E402
from documents.services.scans import add_scan  # noqa: E402
from tests.browser_helpers import (  # noqa: E402
    DESKTOP,
    PHONE,
    describe_violations,
    keep_offline,
    launch,
    screenshot_path,
)
from tests.demo_data import restore  # noqa: E402
from tests.scan_files import pdf_upload, png_upload  # noqa: E402

TRANSLATION = "Point 137. Transfer ten NKVD officers to Xinjiang."
ORIGINAL = "Пункт 137."
WIDTHS = [("desktop", DESKTOP), ("phone", PHONE)]


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def reading(live_server, transactional_db, demo_snapshot):
    """(base URL, document path, print path) with the scans and texts in place. All database
    work happens here, before any page opens."""
    restore(demo_snapshot)
    doc = Document.objects.get(record_number=1)
    doc.full_text = f"<p>{TRANSLATION}</p>"
    doc.original_text = f"<p>{ORIGINAL}</p>"
    doc.save()
    add_scan(doc, png_upload("page-1.png", size=(1200, 1600), color="#f4efe4"), caption="Page 1")
    add_scan(doc, pdf_upload(colors=("#ffffff", "#dddddd", "#bbbbbb")), caption="Whole file")
    return live_server.url, doc.get_absolute_url(), f"/documents/{doc.record_number}/print"


@pytest.fixture
def open_page(chromium, reading):
    """`open_page(viewport)` -> a page that records the console (CSP reports land there)."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = chromium.new_context(base_url=reading[0], viewport=viewport, **options)
        context.set_default_timeout(10_000)
        keep_offline(context, reading[0])
        contexts.append(context)
        page = context.new_page()
        page.console_messages = []
        page.on("console", lambda message: page.console_messages.append(message.text))
        return page

    yield make
    for context in contexts:
        context.close()


def viewer(page):
    return page.locator("#scan-viewer")


def status(page):
    return page.locator("#scan-viewer-status")


def image_box(page) -> dict:
    return page.locator("#scan-viewer-stage img.leaflet-image-layer").bounding_box()


def csp_reports(page) -> list[str]:
    return [m for m in page.console_messages if "Content Security Policy" in m]


@pytest.mark.browser
@pytest.mark.parametrize(("width_name", "viewport"), WIDTHS)
def test_viewer_zooms_pans_and_pages(open_page, reading, width_name, viewport):
    page = open_page(viewport)
    page.goto(reading[1])
    expect(viewer(page)).to_be_visible()
    expect(viewer(page)).to_have_attribute("data-loaded", "1")
    expect(status(page)).to_have_text("Page 1 of 4: Page 1")
    expect(page.get_by_role("button", name="Previous page")).to_be_disabled()

    page.get_by_role("button", name="Next page").click()
    expect(status(page)).to_have_text("Page 2 of 4: Whole file, page 1 of 3")
    expect(viewer(page)).to_have_attribute("data-loaded", "2")
    fitted = image_box(page)
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_timeout(400)  # Leaflet's zoom animation
    assert image_box(page)["width"] > fitted["width"] * 1.3
    page.get_by_role("button", name="Fit page").click()
    page.wait_for_timeout(400)
    assert abs(image_box(page)["width"] - fitted["width"]) < 2

    # The keyboard: the stage takes focus; + zooms, arrows pan, PageDown turns the page.
    stage = page.locator("#scan-viewer-stage")
    stage.focus()
    page.keyboard.press("Equal")
    page.wait_for_timeout(400)
    zoomed = image_box(page)
    assert zoomed["width"] > fitted["width"] * 1.3
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    assert image_box(page)["x"] < zoomed["x"] - 50  # the page moved left: we look further right
    page.keyboard.press("PageDown")
    expect(status(page)).to_have_text("Page 3 of 4: Whole file, page 2 of 3")
    expect(viewer(page)).to_have_attribute("data-loaded", "3")
    page.get_by_role("button", name="Next page").click()
    expect(status(page)).to_have_text("Page 4 of 4: Whole file, page 3 of 3")
    expect(page.get_by_role("button", name="Next page")).to_be_disabled()
    expect(page.get_by_role("link", name="Open full size")).to_have_attribute(
        "href", re.compile(r"/scans/\d+/pages/3$")
    )

    # A thumbnail in the gallery opens its page in the viewer instead of leaving the page.
    page.get_by_role("link", name="Full-size image: Page 1").click()
    expect(status(page)).to_have_text("Page 1 of 4: Page 1")
    expect(viewer(page)).to_have_attribute("data-loaded", "1")
    assert page.url.endswith(reading[1])
    page.wait_for_timeout(300)
    # Fitted and centred, however far the last page was zoomed and moved.
    box, frame = image_box(page), stage.bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    middle = (frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    assert abs(centre[0] - middle[0]) < 3 and abs(centre[1] - middle[1]) < 3, (box, frame)
    assert box["width"] <= frame["width"] + 1 and box["height"] <= frame["height"] + 1
    page.screenshot(path=str(screenshot_path(f"scan-viewer-{width_name}")))
    assert not csp_reports(page), csp_reports(page)


@pytest.mark.browser
def test_without_javascript_the_gallery_links_to_files(open_page, reading):
    page = open_page(java_script_enabled=False)
    page.goto(reading[1])
    expect(viewer(page)).to_be_hidden()
    expect(page.get_by_role("link", name="First page of the PDF: Whole file")).to_have_attribute(
        "href", re.compile(r"/scans/\d+/pages/1$")
    )
    expect(page.get_by_role("link", name="Download the PDF of Whole file")).to_be_visible()
    # The texts still follow the reader's choice: radio buttons and CSS need no script.
    expect(page.get_by_text(TRANSLATION)).to_be_visible()


@pytest.mark.browser
def test_on_a_phone_the_reader_chooses_translation_original_or_both(open_page, reading):
    page = open_page(PHONE)
    page.goto(reading[1])
    translation, original = page.get_by_text(TRANSLATION), page.get_by_text(ORIGINAL)
    expect(translation).to_be_visible()
    expect(original).to_be_hidden()
    page.get_by_label("Original (Russian)").check()
    expect(original).to_be_visible()
    expect(translation).to_be_hidden()
    page.get_by_label("Both").check()
    expect(original).to_be_visible()
    expect(translation).to_be_visible()
    page.screenshot(path=str(screenshot_path("parallel-texts-phone")), full_page=True)


@pytest.mark.browser
def test_on_a_wide_screen_the_texts_sit_side_by_side(open_page, reading):
    page = open_page(DESKTOP)
    page.goto(reading[1])
    expect(page.get_by_role("group", name="Show")).to_be_hidden()
    left = page.get_by_text(TRANSLATION).bounding_box()
    right = page.get_by_text(ORIGINAL).bounding_box()
    assert right["x"] > left["x"] + left["width"] - 1
    assert abs(right["y"] - left["y"]) < 5


@pytest.mark.browser
def test_on_a_phone_show_bibtex_and_the_permanent_address_are_apart(open_page, reading):
    page = open_page(PHONE)
    page.goto(reading[1])
    summary = page.get_by_text("Show BibTeX").bounding_box()
    address = page.locator(".cite-permalink").bounding_box()
    assert address["y"] >= summary["y"] + summary["height"] + 8, (summary, address)
    assert summary["height"] >= 44  # a tap target


@pytest.mark.browser
def test_print_view_shows_the_document_with_its_citations(open_page, reading):
    page = open_page(DESKTOP)
    page.goto(reading[2])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Politburo Decision of 19 March 1935 concerning Xinjiang"
    )
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # script can print
    cite = page.get_by_role("region", name="Cite this document")
    for label in ("The archive's form", "Chicago (note)", "MLA", "APA"):
        expect(cite.get_by_text(label, exact=True)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_text(ORIGINAL)).to_be_visible()
    page.screenshot(path=str(screenshot_path("print-view-print-media")), full_page=True)
    assert not csp_reports(page), csp_reports(page)


@pytest.mark.browser
def test_document_page_viewer_and_print_view_pass_axe_at_both_widths(open_page, reading):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems, overflowing = [], []
    for width_name, viewport in WIDTHS:
        page = open_page(viewport)
        for name, path in [("document-reading", reading[1]), ("print-view", reading[2])]:
            response = page.goto(path)
            assert response.status == 200, path
            page.wait_for_load_state("load")
            if name == "document-reading":
                expect(viewer(page)).to_have_attribute("data-loaded", "1")
            violations = axe.run(page).response["violations"]
            if violations:
                problems.append(describe_violations(f"{name} at {width_name}", violations))
            page.screenshot(path=str(screenshot_path(f"{name}-{width_name}")), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                overflowing.append(f"{path} at {viewport['width']}px is {wide}px wide")
            assert not csp_reports(page), csp_reports(page)
    assert not problems, "\n".join(problems)
    assert not overflowing, overflowing
