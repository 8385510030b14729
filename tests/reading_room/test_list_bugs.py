"""Issue 10's list-page bugs, each as a reader sees it (written before the fixes)."""

import re

import pytest

from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    PersonFactory,
    PlaceFactory,
)
from tests.reading_room.test_listing import dated, facet_count, html_of, titles

pytestmark = pytest.mark.django_db


def heading(html: str) -> str:
    """The results heading's text, spaces collapsed."""
    found = re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", found).split())


def test_a_quoted_phrase_is_not_quoted_twice(client):
    DocumentFactory(title="Ma Chung-ying in Kashgar")
    html = html_of(client.get("/documents/", {"q": '"Ma Chung-ying"'}))
    assert "<h1>Documents matching “Ma Chung-ying”</h1>" in html
    assert "“&quot;" not in html and "&quot;”" not in html


def test_one_result_says_one_document(client):
    DocumentFactory(title="Alone")
    html = html_of(client.get("/documents/"))
    assert heading(html) == "1 document"
    assert "1 - 1 of 1" not in html


def test_several_results_keep_their_range(client):
    for i in range(12):
        DocumentFactory(title=f"Doc {i}")
    assert heading(html_of(client.get("/documents/"))) == "1 - 10 of 12 documents"


def test_a_page_past_the_end_says_so_and_offers_the_last_page(client):
    for i in range(19):
        DocumentFactory(title=f"Doc {i}")
    response = client.get("/documents/", {"page": "99"})
    html = html_of(response)
    assert response.status_code == 404
    assert "0 - 0" not in html
    assert heading(html) == "19 documents"
    assert "There is no page “99” of these results: pages run from 1 to 2." in html
    assert '<a href="?page=2">Go to the last page (2)</a>' in html


def test_a_chosen_facet_value_goes_to_the_top_of_its_list(client):
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar")
    moscow = PlaceFactory(name="Moscow", slug="moscow")
    for _ in range(3):
        DocumentPlaceFactory(place=moscow)
    DocumentPlaceFactory(place=kashgar)
    html = html_of(client.get("/documents/", {"place": "kashgar"}))
    places = re.search(r'id="facet-place">.*?</ul>', html, re.S).group(0)
    labels = re.findall(r'facet-value__label">(?:<span[^>]*>✓ </span>)?([^<]+)<', places)
    assert labels == ["Kashgar", "Moscow"]
    assert facet_count(client.get("/documents/", {"place": "kashgar"}), "Moscow") == 3


def test_counts_beside_a_chosen_value_say_what_they_count(client):
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar")
    moscow = PlaceFactory(name="Moscow", slug="moscow")
    DocumentPlaceFactory(place=moscow)
    DocumentPlaceFactory(place=kashgar)
    html = html_of(client.get("/documents/", {"place": "kashgar"}))
    rule = re.search(r'<p class="facet__rule"[^>]*>(.*?)</p>', html, re.S)
    assert rule, "a facet with a chosen value explains its other counts"
    assert "if added" in rule.group(1)
    # Without a choice in the group, no rule is repeated under it.
    assert 'class="facet__rule"' not in html_of(client.get("/documents/"))


def fill_heights(html: str) -> list[float]:
    return [float(h) for h in re.findall(r'height="([\d.]+)" class="histogram__fill"', html)]


def test_histogram_of_one_document_a_year_is_not_a_wall_of_full_bars(client):
    for year in ("1935", "1936", "1937"):
        dated(f"Doc {year}", year)
    html = html_of(client.get("/documents/"))
    heights = fill_heights(html)
    assert len(heights) == 3
    assert max(heights) < 60, heights  # of 116: scaled to a sensible top, not to the tallest bar
    # Every bar's count is written beside it (and the link says it too).
    assert len(re.findall(r'class="histogram__count"[^>]*>1</text>', html)) == 3


def test_histogram_tallest_bar_keeps_its_proportion(client):
    for _ in range(20):
        dated("Busy", "1940")
    dated("Quiet", "1941")
    heights = fill_heights(html_of(client.get("/documents/")))
    assert max(heights) == pytest.approx(116, abs=1)
    assert min(heights) < 10


def test_histogram_draws_wide_enough_bars_for_a_finger(client):
    """On a phone the chart keeps bars at least 44 px wide (it scrolls sideways instead)."""
    for year in range(1935, 1946):
        dated(f"Doc {year}", str(year))
    html = html_of(client.get("/documents/"))
    svg = re.search(r'<svg class="histogram__chart"[^>]*>', html).group(0)
    width = int(re.search(r'data-min-width="(\d+)"', svg).group(1))
    assert width >= 11 * 44


def test_a_z_filter_button_sits_beside_its_input(client):
    DocumentPersonFactory(person=PersonFactory(name="Lavrentiy Beria"))
    html = html_of(client.get("/people/"))
    row = re.search(r'<span class="browse-search__row">(.*?)</span>', html, re.S)
    assert row, "input and button share one row"
    assert 'id="browse-q"' in row.group(1) and ">Filter</button>" in row.group(1)


def search_forms(html: str) -> int:
    return len(re.findall(r'role="search"', html))


def search_inputs(html: str) -> int:
    return len(re.findall(r'<input[^>]*name="q" type="search"', html))


def test_one_search_box_on_home_and_list_pages(client):
    DocumentFactory(title="Concerning Xinjiang")
    home = html_of(client.get("/"))
    listing = html_of(client.get("/documents/", {"q": "Xinjiang"}))
    assert search_forms(home) == 1 and search_inputs(home) == 1
    assert search_forms(listing) == 1 and search_inputs(listing) == 1
    # The list's box keeps the search and is the page's; other pages keep the header's.
    assert 'value="Xinjiang"' in listing
    assert search_forms(html_of(client.get("/people/"))) >= 1


def test_sort_and_page_size_apply_on_change_with_a_plain_form_beneath(client):
    for i in range(3):
        DocumentFactory(title=f"Doc {i}")
    html = html_of(client.get("/documents/"))
    toolbar = re.search(r'<form class="results-toolbar"[^>]*>', html).group(0)
    assert "data-autosubmit" in toolbar
    assert ">Update</button>" in html  # still a working form without JavaScript
    assert re.search(r'<script src="/static/archive/js/listing\.[\w.]*js" defer>', html)
    assert "onchange" not in html


def test_filter_drawer_ends_with_a_show_results_link(client):
    for i in range(3):
        DocumentFactory(title=f"Doc {i}")
    html = html_of(client.get("/documents/"))
    done = r'<a class="refine-panel__done[^"]*" href="#results-heading">Show 3 results</a>'
    assert re.search(done, html)
    one = html_of(client.get("/documents/", {"q": "Doc 0"}))
    assert ">Show 1 result</a>" in one


def test_a_quoted_name_variant_highlights_the_name_in_the_text(client):
    ma = PersonFactory(name="Ma Zhongying", variants="Ma Chung-ying\n马仲英")
    DocumentPersonFactory(
        person=ma,
        document__title="Relations with Ma Zhongying",
        document__summary="The NKVD seeks the cooperation of Ma Zhongying, commander.",
    )
    html = html_of(client.get("/documents/", {"q": '"Ma Chung-ying"'}))
    assert "<mark>Ma Zhongying</mark>, commander" in html
    assert "Relations with <mark>Ma Zhongying</mark>" in html
    assert "<mark>Ma</mark> " not in html


def test_matches_in_titles_are_highlighted(client):
    DocumentFactory(title="Telegram on the Kashgar uprising", summary="Nothing here.")
    response = client.get("/documents/", {"q": "Kashgar"})
    assert titles(response) == ["Telegram on the Kashgar uprising"]
    assert "Telegram on the <mark>Kashgar</mark> uprising" in html_of(response)
