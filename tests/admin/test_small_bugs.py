"""Small admin bugs from the curation round: wording, order of link rows, icons, the date
drill-down, the import report's colours."""

import datetime
import re

from django.conf import settings
from django.urls import reverse

from documents.models import Document
from tests.admin_forms import change_url
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    PersonFactory,
)


def test_link_rows_keep_the_order_they_were_entered(archivist_client, db):
    doc = DocumentFactory(status=Document.Status.DRAFT)
    zed, abe = PersonFactory(name="Zed"), PersonFactory(name="Abe")
    DocumentPersonFactory(document=doc, person=zed, role="signatory")
    DocumentPersonFactory(document=doc, person=abe, role="author")
    page = archivist_client.get(change_url(doc)).content.decode()
    # Entered Zed (signatory) first: “author” sorts first by name, but the rows keep entry order.
    assert page.index(">Zed<") < page.index(">Abe<")


def test_inline_headings_and_add_links_say_what_they_add(archivist_client, db):
    page = archivist_client.get(reverse("admin:documents_document_add")).content.decode()
    assert "in document" not in page  # was “Add another Person in document”
    for noun in ("Person", "Organization", "Place"):
        assert f"&quot;addText&quot;: &quot;Add another {noun}&quot;" in page


def test_certain_links_show_no_red_cross_on_the_entity_page(editor_client, db):
    person = PersonFactory(name="Sheng Shicai")
    DocumentPersonFactory(document=DocumentFactory(), person=person, role="author")
    DocumentPersonFactory(
        document=DocumentFactory(), person=person, role="mentioned", uncertain=True
    )
    page = editor_client.get(change_url(person)).content.decode()
    documents = page[page.index("Documents (the first") :]
    assert "icon-no.svg" not in documents
    assert documents.count(">Uncertain<") == 1


def test_review_queue_date_drilldown_stops_at_the_month(editor_client, db):
    DocumentFactory(
        status=Document.Status.REVIEW,
        date_precision="month",
        date_earliest=datetime.date(1941, 2, 1),
        date_latest=datetime.date(1941, 2, 28),
    )
    url = reverse("admin:documents_document_changelist")
    page = editor_client.get(
        url, {"status__exact": "review", "date_earliest__year": 1941, "date_earliest__month": 2}
    ).content.decode()
    nav = re.search(r'<nav class="toplinks">(.*?)</nav>', page, re.S).group(1)
    assert "1941" in nav
    assert "February 1" not in nav


def test_import_report_created_is_not_written_in_the_success_background_colour():
    css = (settings.BASE_DIR / "archive/static/archive/admin/curation.css").read_text()
    rule = re.search(r"\.action-created \{([^}]*)\}", css).group(1)
    assert "message-success-bg" not in rule
    assert "color: #1e6b2d" in rule
