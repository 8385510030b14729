"""IIIF Presentation 3.0 manifests: valid (iiif-prezi3's models, generated from the official
schema), sized canvases for image scans, PDFs as renderings, the document page's visibility
rule, and links from the document page and its JSON-LD."""

import json
import re

import pytest
from iiif_prezi3 import Manifest
from pydantic import ValidationError

from documents.models import Document, Scan
from documents.services.scans import add_scan
from tests.factories import DocumentFactory, DocumentOrganizationFactory, OrganizationFactory
from tests.interop.conftest import image_upload, pdf_upload

PROFILE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


@pytest.fixture
def scanned(db):
    doc = DocumentFactory(title="Telegram from Urumqi", summary="Sheng Shicai asks for help.")
    DocumentOrganizationFactory(
        document=doc, organization=OrganizationFactory(name="NKVD"), role="author"
    )
    add_scan(doc, image_upload("page-1.png", (240, 320)), caption="Page 1")
    add_scan(doc, image_upload("page-2.jpg", (220, 300), fmt="JPEG"), caption="Page 2")
    add_scan(doc, pdf_upload(), caption="Whole telegram")
    return doc


def manifest_url(doc) -> str:
    return f"/documents/{doc.record_number}/manifest.json"


def test_manifest_is_valid_iiif_presentation_3(client, scanned):
    response = client.get(manifest_url(scanned), HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 200
    assert response["Content-Type"] == PROFILE
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    Manifest(**data)  # raises ValidationError on anything the schema forbids
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["id"] == f"http://testserver{manifest_url(scanned)}"
    assert data["label"] == {"en": ["Telegram from Urumqi"]}
    assert data["summary"] == {"en": ["Sheng Shicai asks for help."]}
    labels = {m["label"]["en"][0]: m["value"]["en"][0] for m in data["metadata"]}
    assert labels["Author"] == "NKVD"
    assert labels["Record number"] == str(scanned.record_number)
    assert data["requiredStatement"]["value"]["en"] == [scanned.rights_statement]
    assert data["homepage"][0]["id"] == f"http://testserver{scanned.get_absolute_url()}"
    assert data["seeAlso"][0]["format"] == "application/json"


def test_the_validator_refuses_a_broken_manifest(client, scanned):
    data = json.loads(client.get(manifest_url(scanned)).content)
    data["items"][0]["width"] = "wide"
    with pytest.raises(ValidationError):
        Manifest(**data)


def test_a_canvas_per_image_with_its_size_and_the_pdf_as_rendering(client, scanned):
    data = client.get(manifest_url(scanned)).json()

    canvases = data["items"]
    assert [c["label"]["en"][0] for c in canvases] == ["Page 1", "Page 2"]
    assert [(c["width"], c["height"]) for c in canvases] == [(240, 320), (220, 300)]
    for canvas in canvases:
        annotation = canvas["items"][0]["items"][0]
        assert annotation["motivation"] == "painting"
        assert annotation["target"] == canvas["id"]
        body = annotation["body"]
        assert (body["width"], body["height"]) == (canvas["width"], canvas["height"])
        image = client.get(body["id"].removeprefix("http://testserver"))
        assert image.status_code == 200
        assert image["Content-Type"] == body["format"]
    assert [r["format"] for r in data["rendering"]] == ["application/pdf"]
    assert data["rendering"][0]["label"] == {"en": ["Whole telegram"]}


def test_sizes_are_stored_on_upload_with_exif_rotation(db):
    doc = DocumentFactory()
    upright = add_scan(doc, image_upload("a.png", (300, 200)))
    turned = add_scan(doc, image_upload("b.jpg", (300, 200), fmt="JPEG", exif_orientation=6))
    pdf = add_scan(doc, pdf_upload())

    assert (upright.width, upright.height) == (300, 200)
    assert Scan.objects.values_list("width", "height").get(pk=turned.pk) == (200, 300)
    assert (pdf.width, pdf.height) == (None, None)


def test_a_manifest_with_stored_sizes_opens_no_file(client, scanned):
    for scan in scanned.scans.all():
        scan.file.storage.delete(scan.file.name)  # any attempt to read one would now fail
    data = client.get(manifest_url(scanned)).json()
    assert [(c["width"], c["height"]) for c in data["items"]] == [(240, 320), (220, 300)]


def test_sizes_missing_from_older_scans_are_measured_once_and_stored(client, scanned):
    Scan.objects.update(width=None, height=None)
    data = client.get(manifest_url(scanned)).json()
    assert [(c["width"], c["height"]) for c in data["items"]] == [(240, 320), (220, 300)]
    assert list(Scan.objects.exclude(width=None).values_list("width", flat=True)) == [240, 220]


def test_an_unreadable_image_is_left_out_rather_than_given_a_size(client, scanned):
    first = scanned.scans.get(caption="Page 1")
    Scan.objects.filter(pk=first.pk).update(width=None, height=None)
    first.file.storage.delete(first.file.name)
    data = client.get(manifest_url(scanned)).json()
    assert [c["label"]["en"][0] for c in data["items"]] == ["Page 2"]


def test_documents_without_page_images_have_no_manifest(client, db):
    pdf_only, bare = DocumentFactory(), DocumentFactory()
    add_scan(pdf_only, pdf_upload())
    for doc in (pdf_only, bare):
        response = client.get(manifest_url(doc))
        assert response.status_code == 404
        assert "error" in response.json()
        page = client.get(doc.get_absolute_url()).content.decode()
        assert "manifest.json" not in page


def test_unpublished_manifests_are_hidden_from_readers_and_previewed_by_staff(
    client, admin_client, db
):
    draft = DocumentFactory(status=Document.Status.DRAFT)
    add_scan(draft, image_upload())
    assert client.get(manifest_url(draft)).status_code == 404
    assert client.get("/documents/999999/manifest.json").status_code == 404
    preview = admin_client.get(manifest_url(draft))
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"]
    assert "seeAlso" not in preview.json()  # the API never shows drafts


def test_the_document_page_and_its_json_ld_link_the_manifest(client, scanned):
    html = client.get(scanned.get_absolute_url()).content.decode()
    url = manifest_url(scanned)

    assert re.search(
        r'<link rel="alternate" type="application/ld\+json;profile=&quot;'
        r'http://iiif.io/api/presentation/3/context.json&quot;" href="' + re.escape(url),
        html,
    )
    assert re.search(r'<a href="' + re.escape(url) + r'"[^>]*>IIIF manifest</a>', html)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    json_ld = json.loads(script.group(1))
    assert json_ld["subjectOf"]["url"] == f"http://testserver{url}"
    assert json_ld["subjectOf"]["encodingFormat"] == PROFILE


def test_cross_origin_viewers_may_preflight_and_nothing_writes(client, scanned):
    preflight = client.options(manifest_url(scanned), HTTP_ORIGIN="https://viewer.example")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in preflight["Access-Control-Allow-Headers"]
    refused = client.post(manifest_url(scanned))
    assert refused.status_code == 405
