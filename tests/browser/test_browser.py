"""The reading room in a real browser (Playwright driving Debian's Chromium): the reader's
whole journey, keyboard use, pages without JavaScript, axe-core accessibility checks and
screenshots at desktop and phone widths for people to look at.

The data is the demo collection (19 published documents), loaded into a live server.
"""

import os
import re
from pathlib import Path

# Playwright's sync API keeps an asyncio loop running in this thread, and the tests load data
# and create users between page visits: without this Django refuses those ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from documents.models import Document  # noqa: E402
from tests.browser_helpers import (  # noqa: E402
    DESKTOP,
    PHONE,
    blocking_violations,
    describe_violations,
    keep_offline,
    launch,
    screenshot_path,
)
from tests.demo_data import restore  # noqa: E402

RESULTS_COUNT = re.compile(r"^\s*\d+ - \d+ of \d+")
NKVD_ORG = re.compile(r"^People's Commissariat for Internal Affairs \(NKVD\) \d")


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for the whole module. Module scope (not session) so the Playwright loop is
    gone before other files' tests run: they may start their own sync Playwright."""
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, demo_snapshot):
    """The demo collection behind the live server (the session's copy of it, see
    tests/demo_data.py); returns its base URL."""
    restore(demo_snapshot)
    return live_server.url


@pytest.fixture
def open_page(chromium, site):
    """`open_page(**context_options)` -> a fresh page in its own context (own cookies, own
    JavaScript setting), offline except for the live server; all closed after the test."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = chromium.new_context(base_url=site, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        keep_offline(context, site)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def results_count(page):
    """The results heading, e.g. "1 - 10 of 19 documents"."""
    return page.get_by_role("heading", level=2, name=RESULTS_COUNT)


def facet(page, group: str):
    return page.get_by_role("region", name="Refine by").get_by_role("region", name=group)


def pagination(page):
    return page.get_by_role("navigation", name="Pages of results")


def search_from_header(page, words: str) -> None:
    """The page's one search box (issue 10: the list page has its own, not the header's)."""
    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill(words)
    box.press("Enter")


# --- 1. the reader's journey -------------------------------------------------------------


@pytest.mark.browser
def test_reader_searches_refines_pages_reads_follows_a_person_and_cites(open_page):
    page = open_page(accept_downloads=True)
    page.goto("/documents/")

    search_from_header(page, "NKVD")
    expect(results_count(page)).to_contain_text("1 - 10 of 19")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents matching “NKVD”")

    # Two facet values that keep more than one page of results (10 per page): the place
    # Xinjiang (18 of the 19) and the NKVD as an organization, so page 2 comes after them.
    facet(page, "Places").get_by_role("link", name=re.compile(r"^Xinjiang \d")).click()
    expect(results_count(page)).to_contain_text("1 - 10 of 18")
    facet(page, "Organizations").get_by_role("link", name=NKVD_ORG).click()
    expect(results_count(page)).to_contain_text("1 - 10 of 18")
    assert "place=xinjiang" in page.url and "organization=" in page.url

    remove_place = page.get_by_role("link", name="Remove place Xinjiang")
    remove_org = page.get_by_role("link", name=re.compile(r"^Remove organization People's"))
    expect(remove_place).to_be_visible()
    expect(remove_org).to_be_visible()
    # The chosen values are marked in their facet, and choosing one again removes it.
    expect(
        facet(page, "Places").get_by_role(
            "link", name=re.compile(r"^Xinjiang \d+ documents; chosen")
        )
    ).to_be_visible()

    pagination(page).get_by_role("link", name="Next page").click()
    expect(results_count(page)).to_contain_text("11 - 18 of 18")
    expect(page.get_by_role("link", name="Remove place Xinjiang")).to_be_visible()
    expect(pagination(page).get_by_role("link", name="Page 2")).to_have_attribute(
        "aria-current", "page"
    )

    first_result = page.locator(".result__title").get_by_role("link").first
    title = first_result.inner_text().strip()
    first_result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    info = page.get_by_role("complementary", name="Document information")
    person_link = info.locator('a[href^="/people/"]').first
    person = person_link.inner_text().strip()
    person_link.click()
    expect(page).to_have_url(re.compile(r"/people/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(person)
    # The person's page lists this document among those naming them.
    expect(page.get_by_role("link", name=title, exact=True)).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download BibTeX")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".bib")
    bibtex = Path(download.path()).read_text(encoding="utf-8")
    assert bibtex.startswith("@")
    # Words with capitals are brace-protected ({NKVD}): the title is there without the braces.
    assert title in bibtex.replace("{", "").replace("}", "")


# --- 2. keyboard ------------------------------------------------------------------------


def tab_until(page, matches: str, limit: int = 400) -> None:
    """Press Tab from where focus is until `matches` (a JS predicate on the focused element)
    holds: proves the control is in the tab order and nothing traps focus on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {matches})(document.activeElement)"):
            return
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{limit} Tabs never reached {matches!r}; focus ended on {focused}")


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                           shadow: s.boxShadow}; }"""
    )


def assert_visible_focus(page) -> None:
    ring = focus_ring(page)
    outlined = ring["style"] not in ("none", "hidden") and ring["width"] >= 2
    assert outlined or ring["shadow"] not in ("", "none"), f"no visible focus indicator: {ring}"


@pytest.mark.browser
def test_pagination_and_facets_work_from_the_keyboard(open_page):
    page = open_page()
    page.goto("/documents/?q=NKVD")
    expect(results_count(page)).to_contain_text("1 - 10 of 19")

    # From the top of the page, Tab reaches "Next page"; Enter follows it.
    tab_until(page, "el.getAttribute('aria-label') === 'Next page'")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(results_count(page)).to_contain_text("11 - 19 of 19")

    # A facet value: reached by Tab, chosen with Enter (back on page 1 of the narrower set).
    tab_until(page, "el.matches('a.facet-value') && el.textContent.trim().startsWith('Xinjiang')")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(results_count(page)).to_contain_text("1 - 10 of 18")
    expect(page.get_by_role("link", name="Remove place Xinjiang")).to_be_visible()

    # The "N more …" disclosure of a long facet opens from the keyboard too.
    tab_until(page, "el.matches('.facet__more > summary')")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(page.locator(".facet__more").first).to_have_attribute("open", "")

    # And the chip's remove control: Tab to it, Enter, the filter is gone.
    page.get_by_role("link", name="Skip to content").focus()
    tab_until(page, "el.getAttribute('aria-label') === 'Remove place Xinjiang'")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(results_count(page)).to_contain_text("1 - 10 of 19")
    expect(page.get_by_role("link", name="Remove place Xinjiang")).to_have_count(0)


# --- 3. without JavaScript -----------------------------------------------------------------


@pytest.mark.browser
def test_search_and_pagination_work_without_javascript(open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/documents/")
    search_from_header(page, "NKVD")
    expect(results_count(page)).to_contain_text("1 - 10 of 19")

    pagination(page).get_by_role("link", name="Next page").click()
    expect(results_count(page)).to_contain_text("11 - 19 of 19")
    pagination(page).get_by_role("link", name="Previous page").click()
    expect(results_count(page)).to_contain_text("1 - 10 of 19")

    # The search box and the per-page choice submit as plain forms too.
    page.get_by_role("search").get_by_label("Search the documents").fill("Beria")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents matching “Beria”")
    page.get_by_label("Per page").select_option("20")
    page.get_by_role("button", name="Update").click()
    expect(results_count(page)).to_contain_text(re.compile(r"1 - (\d+) of \1\b"))
    # Without JavaScript the filter panel stays open, so the facets can be used at once.
    expect(page.get_by_role("region", name="Refine by")).to_be_visible()


# --- 4. accessibility (axe-core) ----------------------------------------------------------

AXE_PAGES = [
    ("list: search NKVD + place Xinjiang", "/documents/?q=NKVD&place=xinjiang"),
    ("document: record 1", "/documents/1/"),
    ("person: Ma Zhongying", "/people/ma-zhongying/"),
    ("place: Urumqi", "/places/urumqi/"),
]


@pytest.mark.browser
def test_reading_room_pages_have_no_serious_axe_violations(open_page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = open_page()
    problems = []
    for label, path in AXE_PAGES:
        response = page.goto(path)
        assert response.status == 200, (label, response.status)
        page.wait_for_load_state("load")
        violations = blocking_violations(axe.run(page).response["violations"])
        if violations:
            problems.append(describe_violations(f"{label} ({path})", violations))
    report = "\n".join(problems)
    if report:
        print(report)
    assert not problems, report


# --- 5. screenshots for people to look at -----------------------------------------------

SCREENSHOT_PAGES = [
    ("list-search-nkvd", "/documents/?q=NKVD"),
    ("document-1", "/documents/1/"),
    ("person-ma-zhongying", "/people/ma-zhongying/"),
    ("place-urumqi", "/places/urumqi/"),
]


@pytest.mark.browser
def test_screenshots_at_desktop_and_phone_widths(open_page):
    overflowing = []
    for width_name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page = open_page(viewport=viewport)
        for name, path in SCREENSHOT_PAGES:
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            page.wait_for_load_state("load")
            target = screenshot_path(f"{name}-{width_name}")
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000, f"{target} looks empty"
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                overflowing.append(f"{path} at {viewport['width']}px is {wide}px wide")
    # Nothing should make a reader scroll sideways, on a phone least of all.
    assert not overflowing, overflowing


# --- admin screenshots for the curation issue -----------------------------------------------


def sign_in_to_admin(page, next_path: str) -> None:
    page.goto(f"/admin/login/?next={next_path}")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def curator(site, django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", "pw")


@pytest.mark.browser
def test_admin_merge_confirmation_screenshot(open_page, curator):
    page = open_page()
    sign_in_to_admin(page, "/admin/people/person/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("person to change")
    for name in ("Ma Zhongying", "Sheng Shicai"):
        page.get_by_role("checkbox", name=f"Select this object for an action - {name}").check()
    page.get_by_role("combobox", name="Action").select_option(label="Merge selected people")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merge people")
    expect(page.get_by_role("radio", name="Ma Zhongying")).to_be_visible()
    expect(page.get_by_role("radio", name="Sheng Shicai")).to_be_visible()
    page.screenshot(path=str(screenshot_path("admin-merge-confirm")), full_page=True)


@pytest.mark.browser
def test_admin_history_diff_screenshot(open_page, curator):
    doc = Document.objects.get(record_number=1)
    old_title = doc.title
    new_title = "Politburo Decision of 19 March 1935 on Xinjiang"
    page = open_page()
    sign_in_to_admin(page, f"/admin/documents/document/{doc.pk}/change/")
    page.get_by_role("textbox", name="Title:", exact=True).fill(new_title)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    page.goto(f"/admin/documents/document/{doc.pk}/history/")
    page.get_by_role("link", name="Changes").first.click()
    content = page.locator("#content-main")
    expect(content).to_contain_text(old_title)
    expect(content).to_contain_text(new_title)
    page.screenshot(path=str(screenshot_path("admin-history-diff")), full_page=True)
    # Only the title was edited, so only the title may show as changed. (Browsers submit
    # textareas with CRLF line ends; a save must not turn "\n" into "\r\n" in other fields.)
    expect(content.get_by_role("heading", level=2)).to_have_text("1 change")
    assert "\r" not in Document.objects.get(pk=doc.pk).internal_notes
    expect(content).to_contain_text("Changed Title.")
    expect(content).not_to_contain_text("Internal notes")
