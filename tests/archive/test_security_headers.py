"""A strict Content-Security-Policy and a Permissions-Policy on public and admin pages, and
no inline script or style in those pages that the policy would block."""

import re

import pytest

from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_document():
    person = PersonFactory(name="Sheng Shicai", slug="sheng-shicai")
    doc = DocumentFactory(title="Report on Urumqi", full_text="<p>Text</p>")
    DocumentPersonFactory(document=doc, person=person)
    return doc


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response, path):
    assert response.status_code == 200, path
    csp = policy(response)
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive], (path, directive)
        assert "'unsafe-eval'" not in csp[directive], (path, directive)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions, (path, feature)
    nonces = {v.removeprefix("'nonce-").rstrip("'") for v in csp["script-src"] + csp["style-src"]
              if v.startswith("'nonce-")}  # fmt: skip
    assert_nothing_inline_is_blocked(response.content.decode(), nonces, path)


def assert_nothing_inline_is_blocked(html: str, nonces: set[str], path: str):
    """Every inline <script> (not a JSON data block) and <style> carries the request's nonce,
    and no element has a style="" or on*="" attribute."""
    for tag, attributes in re.findall(r"<(script|style)\b([^>]*)>", html):
        if tag == "script" and ("src=" in attributes or "application/ld+json" in attributes):
            continue
        nonce = re.search(r'nonce="([^"]+)"', attributes)
        assert nonce and nonce.group(1) in nonces, (path, tag, attributes)
    assert not re.search(r"<[a-z][^>]*\sstyle=", html), (path, "style attribute")
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html), (path, "event handler attribute")


PUBLIC = [
    "/",
    "/documents/",
    "/documents/?q=urumqi",
    "/people/",
    "/people/sheng-shicai/",
    "/places/",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_have_a_strict_policy(client, linked_document, path):
    assert_strict(client.get(path), path)


def test_document_page_has_a_strict_policy(client, linked_document):
    url = linked_document.get_absolute_url()
    assert_strict(client.get(url), url)


def test_error_pages_have_the_policy_too(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_admin_pages_have_a_strict_policy(admin_client, linked_document):
    doc = linked_document
    person = doc.person_links.get().person
    for path in [
        "/admin/",
        "/admin/documents/document/",
        "/admin/documents/document/add/",
        f"/admin/documents/document/{doc.pk}/change/",
        f"/admin/documents/document/{doc.pk}/history/",
        "/admin/documents/document/import/",
        "/admin/people/person/",
        f"/admin/people/person/{person.pk}/change/",
        "/admin/axes/accessattempt/",
    ]:
        assert_strict(admin_client.get(path), path)


def test_admin_login_page_has_a_strict_policy(client, db):
    assert_strict(client.get("/admin/login/"), "/admin/login/")


def test_admin_history_and_merge_pages_use_nonced_styles(admin_client, linked_document):
    doc = linked_document
    history = admin_client.get(f"/admin/documents/document/{doc.pk}/history/")
    assert_strict(history, "history")
    assert "<style nonce=" in history.content.decode()
    other = PersonFactory(name="Sheng Shih-tsai")
    person = doc.person_links.get().person
    response = admin_client.post(
        "/admin/people/person/",
        {"action": "merge_selected", "_selected_action": [person.pk, other.pk]},
    )
    assert_strict(response, "merge confirmation")
    assert "<style nonce=" in response.content.decode()
