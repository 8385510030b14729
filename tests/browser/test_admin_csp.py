"""The admin works under the strict Content-Security-Policy: a curator opens a document,
links a person and a place through the autocomplete widgets, saves, and the browser reports
no blocked script or style on the way (nor on the public pages the links lead to)."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls between page visits

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from documents.models import Document  # noqa: E402
from people.models import Person, Place  # noqa: E402
from tests.browser_helpers import DESKTOP, keep_offline, launch  # noqa: E402

# Every CSP violation the page sees, recorded before any page script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
      + ` (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, transactional_db, django_user_model):
    call_command("loaddata", "demo", verbosity=0)
    django_user_model.objects.create_superuser("curator", "curator@example.org", "pw")
    context = chromium.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    keep_offline(context, live_server.url)
    context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text))
    page.console_messages = console
    yield page
    context.close()


def violations(page) -> list[str]:
    recorded = page.evaluate("window.__cspViolations")
    reported = [m for m in page.console_messages if "Content Security Policy" in m]
    return recorded + reported


def choose(page, inline_group: str, row: int, text: str):
    """Add a row to an inline and pick `text` in its autocomplete (select2) widget."""
    group = page.locator(f"#{inline_group}")
    group.locator(".add-row a").click()
    rows = group.locator("tr.form-row.dynamic-" + inline_group.removesuffix("-group"))
    rows.nth(row).locator(".select2-selection").click()
    dropdown = page.locator(".select2-container--open .select2-dropdown")
    dropdown.locator(".select2-search__field").fill(text)
    dropdown.locator(".select2-results__option", has_text=text).first.click()


@pytest.mark.browser
def test_curator_saves_a_document_with_links_under_the_csp(page):
    doc = Document.objects.get(record_number=3)
    person = Person.objects.exclude(document_links__document=doc).order_by("name").first()
    place = Place.objects.exclude(document_links__document=doc).order_by("name").first()
    page.goto(f"/admin/login/?next=/admin/documents/document/{doc.pk}/change/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change document")
    # The recorder works: an inline script added now is blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.append(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran") is None
    page.evaluate("window.__cspViolations = []")
    page.console_messages.clear()

    choose(page, "person_links-group", doc.person_links.count(), person.name)
    choose(page, "place_links-group", doc.place_links.count(), place.name)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    assert doc.person_links.filter(person=person).exists()
    assert doc.place_links.filter(place=place).exists()
    assert violations(page) == []

    page.goto(doc.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/documents/?q=Xinjiang")
    page.goto("/places/")
    page.get_by_role("link").filter(has_text="Kashgar").first.click()
    assert violations(page) == []
