"""Words are found as PostgreSQL's `english` configuration found them: same stop words, same
query syntax, accents folded by the one table in `archive.text`."""

import pytest
from django.db import connection

from archive.text import fold
from documents.search.engine.analysis import STOP_WORDS, english
from documents.search.engine.query import parse, to_tsquery_text

pytestmark = pytest.mark.django_db


def pg(sql: str, params) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_every_stop_word_is_one_for_postgresql_and_no_other_common_word_is():
    dropped = pg(
        "SELECT array_agg(w) FROM unnest(%s::text[]) w WHERE to_tsvector('english', w) = ''",
        [STOP_WORDS],
    )
    assert sorted(dropped) == sorted(STOP_WORDS)
    others = "also among could must upon would shall yet within without report oil".split()
    assert not pg(
        "SELECT array_agg(w) FROM unnest(%s::text[]) w WHERE to_tsvector('english', w) = ''",
        [others],
    )
    assert all(english().analyze(w) for w in others)
    assert not any(english().analyze(w) for w in STOP_WORDS)


def test_plural_and_tenses_stem_to_one_word_as_before():
    for a, b in (("reports", "report"), ("telegrams", "telegram"), ("arrested", "arrest")):
        assert english().analyze(a) == english().analyze(b)


@pytest.mark.parametrize(
    "query",
    [
        "cipher -clerks",
        '"cipher of the unit"',
        "a b or c d",
        "-a or b",
        "or cipher",
        "cipher or",
        "cipher or -unit",
        '-"cipher unit" oil',
        "the",
        "-the",
        "oil -",
        '"the of"',
        "oil & (gas | coal)",
        "reports OR",
        "x or or y",
        "oil ORunit",
        '"unclosed phrase',
        "- oil",
        "oil - gas",
        'a" b',
        "Stalin's",
        "foo:*",
        'oil or "gas pipe" -coal',
        "-oil -gas",
        "one two three or four",
        '"oil or gas"',
        '"-oil"',
        "oil -or gas",
        "x <-> y",
        "x <- y",
        'x"y z"w',
        "x:y",
        "oil,gas",
        "oil's,gas",
        "a or b c or d",
        '-"a b" or c -d',
        '"" or oil',
        "OR oil or OR gas",
        'troops "border trade agreement"',
        "Ürümqi or Kashgar",
    ],
)
def test_queries_parse_exactly_as_websearch_to_tsquery(query):
    expected = pg("SELECT websearch_to_tsquery('english', %s)::text", [fold(query)])
    assert to_tsquery_text(parse(query).root) == expected


def test_known_differences_are_only_hyphenated_compounds():
    # PostgreSQL also indexes "chung-ying" whole; here it is the phrase "chung ying", which
    # the same text matches.
    assert to_tsquery_text(parse("Ma Chung-ying").root) == "'ma' & 'chung' <-> 'ying'"


def test_only_stop_words_match_nothing_while_blank_matches_everything():
    assert parse("the of").matches_nothing
    assert parse("  ").blank and not parse("  ").matches_nothing


def test_the_engines_folding_is_archive_text_fold():
    import random

    from archive.text import FOLD_FROM
    from documents.search.engine.analysis import fold as engine_fold

    rng = random.Random(7)
    alphabet = FOLD_FROM + "abcXYZ 0123 .,-'\n" + "Ёжик 马仲英 ʻʼ"
    samples = ["", "plain ascii", FOLD_FROM, "Ürümqi, Çöchek and Ghulja"]
    samples += ["".join(rng.choice(alphabet) for _ in range(200)) for _ in range(50)]
    for text in samples:
        assert engine_fold(text) == fold(text)
