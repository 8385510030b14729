"""The collection at a glance without JavaScript: the timeline's and the map's tables give
the numbers and the links to the narrowed list; result sets; bad input; no leaks."""

import datetime
import re
from decimal import Decimal

import pytest

from documents.models import Document
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


def table_rows(response, table_id: str) -> list[tuple[str, str, str]]:
    """[(link or "", header text, last cell's number)] of the table's body and foot."""
    html = response.content.decode()
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:  # the head's row aside
        head = re.search(r'<th scope="row">(?:<a href="([^"]*)">)?([^<]*)', row)
        number = re.findall(r'class="glance-table__number">(?:<a [^>]*>)?(\d+)', row)
        rows.append((head.group(1) or "", head.group(2), number[-1] if number else ""))
    return rows


def day(year: int, month: int = 3) -> dict:
    moment = datetime.date(year, month, 1)
    return {"date_precision": "day", "date_earliest": moment, "date_latest": moment}


@pytest.fixture
def years():
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar")
    for _ in range(2):
        DocumentPlaceFactory(place=kashgar, document=DocumentFactory(**day(1937)))
    DocumentFactory(**day(1940))
    DocumentFactory(title="Secret 1937", status=Document.Status.DRAFT, **day(1937, 5))
    DocumentFactory(
        title="Undated note", date_precision="undated", date_earliest=None, date_latest=None
    )


def test_timeline_table_counts_public_documents_per_year_with_links(client, years):
    response = client.get("/timeline/")
    assert response.status_code == 200
    assert table_rows(response, "timeline-table") == [
        ("/documents/?date_from=1937&amp;date_to=1937", "1937", "2"),
        ("/documents/?date_from=1940&amp;date_to=1940", "1940", "1"),
        ("", "Undated", "1"),
        ("", "All", "4"),
    ]
    html = response.content.decode()
    # The chart: one link per year with documents, labelled with its count; gaps drawn empty.
    assert html.count('class="timeline__bar"') == 2
    assert 'aria-label="1937: 2 documents"' in html
    assert "Secret" not in html


def test_timeline_of_a_result_set_keeps_its_choices_in_every_link(client, years):
    response = client.get("/timeline/?place=kashgar")
    assert table_rows(response, "timeline-table") == [
        ("/documents/?place=kashgar&amp;date_from=1937&amp;date_to=1937", "1937", "2"),
        ("", "All", "2"),
    ]
    html = response.content.decode()
    assert 'href="/documents/?place=kashgar"' in html  # back to the list of these
    assert 'href="/map/?place=kashgar"' in html


def test_a_year_link_lists_that_years_documents(client, years):
    listed = client.get("/documents/?date_from=1937&date_to=1937").content.decode()
    assert "of 2" in listed or "2 documents" in listed


def test_timeline_and_map_refuse_bad_input_with_400(client, years):
    for path in ("/timeline/", "/map/"):
        bad_date = client.get(path + "?date_from=1937-13")
        assert bad_date.status_code == 400
        assert "Please correct the dates" in bad_date.content.decode()
        assert client.get(path + "?person=x&role=emperor").status_code == 400
        assert client.get(path + "?q=%00").status_code == 400


def test_timeline_with_no_dated_documents_says_so(client):
    response = client.get("/timeline/?q=nothingmatchesthis")
    assert response.status_code == 200
    assert "No published documents match these choices." in response.content.decode()


@pytest.fixture
def places():
    urumqi = PlaceFactory(name="Urumqi", slug="urumqi", latitude=Decimal("43.83"),
                          longitude=Decimal("87.60"))  # fmt: skip
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar", latitude=Decimal("39.47"),
                           longitude=Decimal("75.99"))  # fmt: skip
    nowhere = PlaceFactory(name="Unlocated village", slug="nowhere")
    secret = PlaceFactory(name="Secret base", slug="secret", latitude=Decimal("42.0"),
                          longitude=Decimal("80.0"))  # fmt: skip
    ma = PersonFactory(name="Ma", slug="ma")
    for n in range(3):
        DocumentPlaceFactory(place=kashgar, document__title=f"Kashgar {n}")
    doc = DocumentPlaceFactory(place=urumqi).document
    DocumentPersonFactory(person=ma, document=doc)
    DocumentPlaceFactory(place=kashgar, document=doc)
    DocumentPlaceFactory(place=nowhere)
    draft = DocumentFactory(status=Document.Status.DRAFT)
    DocumentPlaceFactory(place=secret, document=draft)
    return urumqi, kashgar


def test_map_table_lists_places_with_counts_and_list_links(client, places):
    response = client.get("/map/")
    assert response.status_code == 200
    assert table_rows(response, "atlas-table") == [
        ("/places/kashgar/", "Kashgar", "4"),
        ("/places/urumqi/", "Urumqi", "1"),
    ]
    html = response.content.decode()
    assert 'href="/documents/?place=kashgar"' in html
    assert "1 other place named in these documents has no coordinates" in html
    assert "Secret base" not in html


def test_map_markers_link_to_the_list_of_their_place(client, places):
    html = client.get("/map/").content.decode()
    markers = re.findall(r'<a class="atlas__marker[^"]*" href="([^"]+)" aria-label="([^"]+)"', html)
    assert sorted(markers) == [
        ("/documents/?place=kashgar", "Kashgar, 4 documents"),
        ("/documents/?place=urumqi", "Urumqi, 1 document"),
    ]


def test_nearby_places_share_a_marker_that_lists_all_of_them(client, places):
    suburb = PlaceFactory(name="Urumqi suburb", slug="suburb", latitude=Decimal("43.85"),
                          longitude=Decimal("87.62"))  # fmt: skip
    DocumentPlaceFactory(place=suburb)
    html = client.get("/map/").content.decode()
    cluster = re.search(r'<a class="atlas__marker atlas__marker--cluster" href="([^"]+)" '
                        r'aria-label="([^"]+)"', html)  # fmt: skip
    assert cluster.group(1) == "/documents/?place=urumqi&amp;place=suburb"
    assert cluster.group(2) == "2 places: Urumqi, 1 document; Urumqi suburb, 1 document"


def test_map_of_a_result_set_counts_only_its_documents(client, places):
    response = client.get("/map/?person=ma")
    assert table_rows(response, "atlas-table") == [
        ("/places/kashgar/", "Kashgar", "1"),
        ("/places/urumqi/", "Urumqi", "1"),
    ]
    assert 'href="/documents/?place=kashgar&amp;person=ma"' in response.content.decode()


def test_map_follows_a_withdrawal(client, places):
    client.get("/map/")  # the whole archive's counts are kept until something changes
    from documents.services.search_upkeep import documents_changed

    withdrawn = Document.objects.filter(title__startswith="Kashgar")
    ids = list(withdrawn.values_list("pk", flat=True))
    withdrawn.update(status=Document.Status.WITHDRAWN)
    documents_changed(ids)
    rows = table_rows(client.get("/map/"), "atlas-table")
    assert ("/places/kashgar/", "Kashgar", "1") in rows


def test_a_large_map_keeps_its_table_and_marker_links_within_limits():
    from urllib.parse import parse_qs, urlsplit

    from documents.reading_room.atlas import MAX_LINKED, TABLE_LIMIT, MapPlace, Point, build_atlas

    # 400 places in a tight square (one marker) and one far away.
    places = [
        MapPlace(Point(f"Village {i}", f"village-{i}", 40 + i / 10_000, 80 + i / 10_000), 400 - i)
        for i in range(400)
    ]
    places.append(MapPlace(Point("Moscow", "moscow", 55.76, 37.62), 1))
    atlas = build_atlas(places, lambda chosen: "?" + "&".join(f"place={p.slug}" for p in chosen))
    assert len(atlas.table) == TABLE_LIMIT and atlas.left_out == 401 - TABLE_LIMIT
    cluster = next(m for m in atlas.markers if m.cluster)
    linked = parse_qs(urlsplit(cluster.url).query)["place"]
    assert linked == [f"village-{i}" for i in range(MAX_LINKED)]  # the busiest
    assert cluster.description.startswith("400 places: Village 0, 400 documents;")
    assert "and 395 more (the list shows the 50 with the most documents)" in cluster.description
    assert all(p.list_url for p in atlas.table)
