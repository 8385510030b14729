"""Role-aware entity pages, the timeline and the map in a real browser: keyboard use, the
pages without JavaScript, axe-core at desktop and phone widths, and screenshots.

The data is the demo collection (19 published documents), loaded into a live server.
"""

import os
import re

# Playwright's sync API keeps an asyncio loop running in this thread (see test_browser.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

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

PAGES = [
    ("timeline", "/timeline/"),
    ("timeline-result-set", "/timeline/?q=NKVD&place=kashgar"),
    ("map", "/map/"),
    ("map-result-set", "/map/?person=ma-zhongying"),
    ("person-by-role", "/people/joseph-stalin/?role=recipient"),
    (
        "organization-by-role",
        "/organizations/peoples-commissariat-for-internal-affairs/?role=author",
    ),  # noqa: E501
]


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, demo_snapshot):
    restore(demo_snapshot)
    return live_server.url


@pytest.fixture
def open_page(chromium, site):
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
    return page.get_by_role("heading", level=2, name=re.compile(r"^\s*\d+ - \d+ of \d+"))


@pytest.mark.browser
def test_role_filter_from_the_keyboard_keeps_a_shareable_address(open_page):
    page = open_page()
    page.goto("/people/joseph-stalin/")
    roles = page.get_by_role("navigation", name="Documents by role")
    recipient = roles.get_by_role("link", name=re.compile(r"^Recipient \d+"))
    recipient.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?role=recipient$"))
    chosen = page.get_by_role("navigation", name="Documents by role").locator("[aria-current]")
    expect(chosen).to_contain_text("Recipient")
    # Every row says Stalin's role in it, and the count matches the role's number.
    count = int(re.search(r"\d+", chosen.inner_text()).group())
    expect(results_count(page)).to_contain_text(f"of {count}")
    expect(page.locator(".result__roles").first).to_contain_text("Recipient")
    # The address alone gives the same page (it can be shared).
    page.goto(page.url)
    expect(results_count(page)).to_contain_text(f"of {count}")


@pytest.mark.browser
def test_timeline_bar_and_map_marker_open_the_narrowed_list_from_the_keyboard(open_page):
    page = open_page()
    page.goto("/timeline/")
    bar = page.locator("a.timeline__bar").first
    label = bar.get_attribute("aria-label")  # "1935: 2 documents"
    year, count = re.match(r"(\d{4}): (\d+) document", label).groups()
    bar.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/documents/\?date_from={year}&date_to={year}$"))
    expect(results_count(page)).to_contain_text(f"of {count}")

    page.goto("/map/")
    marker = page.locator("a.atlas__marker:not(.atlas__marker--cluster)").first
    name, count = re.match(r"(.+), (\d+) documents?$", marker.get_attribute("aria-label")).groups()
    marker.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/documents/\?place="))
    expect(results_count(page)).to_contain_text(f"of {count}")
    expect(page.get_by_role("link", name=f"Remove place {name}")).to_be_visible()


@pytest.mark.browser
def test_timeline_and_map_tables_work_without_javascript(open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/timeline/")
    table = page.get_by_role("table", name="Documents per year")
    first = table.get_by_role("row").nth(1)
    year = first.get_by_role("rowheader").inner_text()
    count = first.get_by_role("cell").inner_text()
    first.get_by_role("link").click()
    expect(results_count(page)).to_contain_text(f"of {count}")
    assert f"date_from={year}" in page.url

    page.goto("/map/")
    table = page.get_by_role("table", name="Places with coordinates, by number of documents")
    first = table.get_by_role("row").nth(1)
    name = first.get_by_role("rowheader").inner_text()
    count = first.get_by_role("cell").last.inner_text()
    first.get_by_role("cell").last.get_by_role("link").click()
    expect(results_count(page)).to_contain_text(f"of {count}")
    expect(page.get_by_role("link", name=f"Remove place {name}")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("width_name", ["desktop", "phone"])
def test_new_pages_have_no_serious_axe_violations_and_fit_the_screen(open_page, width_name):
    from axe_playwright_python.sync_playwright import Axe

    viewport = DESKTOP if width_name == "desktop" else PHONE
    axe = Axe()
    page = open_page(viewport=viewport)
    problems, overflowing = [], []
    for name, path in PAGES:
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        page.wait_for_load_state("load")
        violations = blocking_violations(axe.run(page).response["violations"])
        if violations:
            problems.append(describe_violations(f"{path} at {width_name}", violations))
        target = screenshot_path(f"{name}-{width_name}")
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000, f"{target} looks empty"
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > viewport["width"]:
            overflowing.append(f"{path} at {viewport['width']}px is {wide}px wide")
    report = "\n".join(problems)
    assert not problems, report
    assert not overflowing, overflowing
