"""Issue 10's list pages in a real browser at 1280 and 390 px: the filter drawer and its
"Show N results" button, did-you-mean, sort applied on change, a compact phone header, tap
targets, the A–Z filter row, the citation links apart, axe-core and screenshots.

The data is the demo collection (19 published documents), loaded into a live server.
"""

import os
import re

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.browser import test_browser as journey  # noqa: E402
from tests.browser_helpers import DESKTOP, PHONE, describe_violations, screenshot_path  # noqa: E402

pytestmark = pytest.mark.browser
# The journey's fixtures: one Chromium per module, the demo collection behind a live server.
chromium, site, open_page = journey.chromium, journey.site, journey.open_page
WIDTHS = [("desktop", DESKTOP), ("phone", PHONE)]
TAP = 44


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, f"{locator} is not on screen"
    return found


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def assert_no_axe_violations(page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(label, violations)


def no_sideways_scroll(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("width_name, viewport", WIDTHS)
def test_list_page_with_its_drawer_is_accessible(open_page, width_name, viewport):
    page = open_page(viewport=viewport)
    page.goto("/documents/?q=NKVD&place=xinjiang")
    heading = page.locator("#results-heading")
    expect(heading).to_have_text(re.compile(r"1 - 10 of 18 documents"))
    # One search box, at the top of the list, on every width.
    expect(page.get_by_role("search")).to_have_count(1)
    expect(page.get_by_role("search").get_by_label("Search the documents")).to_be_visible()
    drawer = page.locator("details.refine-panel")
    if width_name == "phone":
        expect(drawer).not_to_have_attribute("open", "")  # results come first
        page.get_by_text("Dates and filters (2 chosen)").click()
        expect(drawer).to_have_attribute("open", "")
        done = page.get_by_role("link", name="Show 18 results")
        expect(done).to_be_visible()
        # Sticky: at the bottom of the screen while ~2,000 px of facets are below it.
        assert box(done)["y"] + box(done)["height"] <= viewport["height"] + 1
        page.screenshot(path=str(screenshot_path("list-drawer-open-phone")))
        assert_no_axe_violations(page, f"list with the drawer open ({width_name})")
        done.click()
        expect(drawer).not_to_have_attribute("open", "")
        assert page.evaluate("document.activeElement.id") == "results-heading"
    else:
        expect(page.get_by_role("region", name="Refine by")).to_be_visible()
        expect(page.get_by_role("link", name="Show 18 results")).to_be_hidden()
    page.screenshot(path=str(screenshot_path(f"list-drawer-{width_name}")), full_page=True)
    assert_no_axe_violations(page, f"list ({width_name})")
    no_sideways_scroll(page, viewport)


@pytest.mark.parametrize("width_name, viewport", WIDTHS)
def test_did_you_mean_offers_the_name_and_leads_to_it(open_page, width_name, viewport):
    page = open_page(viewport=viewport)
    page.goto("/documents/?q=Berya")
    expect(page.locator("#results-heading")).to_have_text("0 documents")
    suggestion = page.get_by_role("status").get_by_role("link", name="Beria", exact=True)
    expect(suggestion).to_be_visible()
    page.screenshot(path=str(screenshot_path(f"did-you-mean-{width_name}")), full_page=True)
    assert_no_axe_violations(page, f"did you mean ({width_name})")
    suggestion.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents matching “Beria”")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"\d+ documents\s*$"))


def test_sort_and_page_size_apply_on_change(open_page):
    page = open_page()
    page.goto("/documents/?q=NKVD")
    expect(page.get_by_role("button", name="Update")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_label("Sort by").select_option("title")
    assert "sort=title" in page.url and "q=NKVD" in page.url
    with page.expect_navigation():
        page.get_by_label("Per page").select_option("20")
    expect(page.locator("#results-heading")).to_have_text("1 - 19 of 19 documents")


# Every control and every link that is not part of running text (a link inside a sentence is
# exempt, as in WCAG 2.5.8); each must be at least 44 x 44 CSS px on a phone.
TAP_TARGETS = """(tap) => {
  const wide = ['.pagination a', '.chip__remove', '.histogram__hit', '.letters a'];
  const prose = 'p a, dd a, .facts a, .entity-description a, .document-body a, .cite-text a, '
    + '.leaflet-control-attribution a';
  const out = [];
  document.querySelectorAll('details.refine-panel').forEach(d => { d.open = true; });
  const all = 'a[href], button, select, input:not([type=hidden]), summary, .histogram__hit';
  for (const el of document.querySelectorAll(all)) {
    if (el.matches(prose) && !el.matches('.cite-permalink a, .did-you-mean a')) continue;
    if (el.closest('svg') && !el.matches('.histogram__hit')) continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden') continue;
    if (el.matches('.skip-link')) continue;  // off screen until focused
    const needsWidth = wide.some(sel => el.matches(sel));
    if (r.height < tap - 0.5 || (needsWidth && r.width < tap - 0.5)) {
      const text = (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30);
      out.push(`${el.tagName.toLowerCase()}.${el.className} "${text}" ${r.width}x${r.height}`);
    }
  }
  return out; }"""


def test_phone_header_is_compact(open_page):
    page = open_page(viewport=PHONE)
    for path in ("/documents/?q=NKVD", "/people/", "/documents/1/"):
        page.goto(path)
        header = box(page.locator(".site-header"))
        assert header["height"] <= 160, (path, header)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/documents/?q=NKVD&place=xinjiang",
        "/documents/?q=Berya",
        "/people/",
        "/documents/1/",
        "/places/urumqi/",
        "/people/ma-zhongying/",
    ],
)
def test_tap_targets_are_a_finger_wide_on_a_phone(open_page, path):
    page = open_page(viewport=PHONE)
    page.goto(path)
    small = page.evaluate(TAP_TARGETS, TAP)
    assert not small, small


def test_a_z_filter_button_sits_beside_its_input(open_page):
    for viewport in (DESKTOP, PHONE):
        page = open_page(viewport=viewport)
        page.goto("/people/")
        field, button = (
            box(page.get_by_label("Find people by name")),
            box(page.get_by_role("button", name="Filter")),
        )
        assert abs(field["y"] - button["y"]) <= 1 and abs(field["height"] - button["height"]) <= 1
        assert 0 <= button["x"] - (field["x"] + field["width"]) <= 1
        assert button["height"] >= TAP
        assert_no_axe_violations(page, f"people A-Z ({viewport['width']})")
        page.screenshot(path=str(screenshot_path(f"people-a-z-{viewport['width']}")))


def test_show_bibtex_and_permanent_address_are_apart_on_a_phone(open_page):
    page = open_page(viewport=PHONE)
    page.goto("/documents/1/")
    summary = box(page.get_by_text("Show BibTeX"))
    permalink = box(page.locator(".cite-permalink"))
    assert permalink["y"] - (summary["y"] + summary["height"]) >= 12
    assert summary["height"] >= TAP
