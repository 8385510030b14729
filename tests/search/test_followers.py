"""Every app node keeps its own index and applies the whole outbox to it: two indexes both
receive every change, a node that was down catches up, a row committed out of id order is
not skipped, and the cleanup never drops a row a registered index still needs."""

from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from documents.models import Document, SearchFollower, SearchOutbox
from documents.search import engine, followers, outbox
from documents.search.engine import (
    Follower,
    NeedsRebuild,
    SearchRequest,
    apply_pending,
    indexer,
    search,
    store,
)
from documents.search.outbox import Progress, Row
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nodes(settings, tmp_path):
    """`with on(name):` runs the block as that node: its own index directory and name."""
    home = settings.SEARCH_INDEX_DIR

    @contextmanager
    def on(name):
        engine.reset()
        settings.SEARCH_INDEX_DIR = tmp_path / name
        try:
            yield
        finally:
            engine.reset()
            settings.SEARCH_INDEX_DIR = home

    return on


def finds(word: str) -> list[int]:
    return search(SearchRequest(q=word)).ids


def registered() -> dict[str, int]:
    return dict(SearchFollower.objects.values_list("name", "horizon"))


# --- positions in the log ----------------------------------------------------------------------


def test_a_position_passes_only_transactions_that_have_all_ended():
    rows = [Row(1, 10, 100), Row(3, 11, 100), Row(2, 12, 104)]  # 104 is still running
    after = Progress().advance(sorted(rows, key=lambda r: (r.txid, r.id)), 102, more=False)
    assert (after.txid, after.id) == (102, 0)
    assert after.above == {2: 104}  # applied, remembered until the position passes it
    # Transaction 101 commits late with a row id lower than one already applied: still read.
    later = Progress(after.txid, after.id, after.above).advance([Row(4, 13, 103)], 110, more=False)
    assert (later.txid, later.above) == (110, {})


def test_a_read_cut_short_by_its_limit_resumes_inside_a_large_transaction():
    rows = [Row(i, i, 50) for i in range(1, 4)]
    after = Progress().advance(rows, 60, more=True)
    assert (after.txid, after.id, after.above) == (50, 3, {})
    assert Progress.from_json(after.to_json()) == after


# --- two nodes ---------------------------------------------------------------------------------


def test_two_indexes_both_receive_every_change(nodes):
    doc = DocumentFactory(title="Consulate telegram")
    with nodes("a"):
        apply_pending()
        assert finds("telegram") == [doc.pk]
    with nodes("b"):
        apply_pending()
        assert finds("telegram") == [doc.pk]
    Document.objects.filter(pk=doc.pk).update(status=Document.Status.WITHDRAWN)
    for name in ("a", "b"):
        with nodes(name):
            assert finds("telegram") == []  # each applied the withdrawal itself
    assert len(registered()) == 2
    assert SearchOutbox.objects.exists()  # nobody deleted what another node may need


def test_the_cleanup_never_drops_rows_a_registered_index_still_needs(nodes):
    old = DocumentFactory(title="Garrison report")
    # Rows of transactions that ended long ago (ids 1000+, below the live transactions).
    SearchOutbox.objects.all().delete()
    for txid in (1000, 1001, 1002):
        SearchOutbox.objects.create(document_id=old.pk, txid=txid)
    followers.join("node-a", 1003)  # applied everything
    followers.join("node-b", 1001)  # was down: still needs 1001 and 1002
    result = indexer.cleanup()
    assert result.deleted == 1 and result.below == 1001
    assert sorted(SearchOutbox.objects.values_list("txid", flat=True)) == [1001, 1002]
    assert followers.floor() == 1001
    followers.report("node-b", 1003)  # caught up
    assert indexer.cleanup().deleted == 2


def test_an_index_unseen_too_long_is_forgotten_and_must_rebuild(nodes, settings):
    doc = DocumentFactory(title="Caravan")
    with nodes("a"):
        apply_pending()
    SearchFollower.objects.update(seen_at=timezone.now() - timedelta(days=30))
    followers.join("node-b", finished := outbox.finished_below())
    SearchOutbox.objects.create(document_id=doc.pk, txid=finished - 1)  # an older, ended one
    result = indexer.cleanup()
    assert result.expired and "node-b" not in result.expired
    assert followers.floor() == finished
    with nodes("a"), pytest.raises(NeedsRebuild, match="forgotten"):
        indexer.report_position(store.current_build(), Progress(), force=True)


def test_a_new_index_joins_at_the_beginning_only_while_nothing_was_cleaned_up(nodes):
    DocumentFactory(title="Airfield")
    followers.join("elsewhere", 5)
    SearchOutbox.objects.create(document_id=1, txid=1)
    indexer.cleanup()
    with nodes("late"), pytest.raises(NeedsRebuild, match="no search index here yet"):
        apply_pending()
    with nodes("late"):
        call_command("search_index", "--rebuild", stdout=None)
        assert finds("airfield")


def test_a_rebuild_holds_the_rows_written_since_it_started(nodes, monkeypatch):
    DocumentFactory(title="Oil concession")
    seen = {}

    def fill_and_look(*args):
        seen["holds"] = dict(
            SearchFollower.objects.filter(kind=SearchFollower.Kind.REBUILD).values_list(
                "name", "horizon"
            )
        )
        seen["running"] = indexer.running_rebuilds()
        return fill(*args)

    fill = indexer._fill
    monkeypatch.setattr(indexer, "_fill", fill_and_look)
    with nodes("a"):
        indexer.rebuild(lambda _: None)
        name = store.index_name()
    assert list(seen["holds"]) == [name + indexer.HOLD]
    assert seen["running"] == {name + indexer.HOLD}
    assert not SearchFollower.objects.filter(kind=SearchFollower.Kind.REBUILD).exists()
    assert name in registered()  # the index itself, at the rebuilt build's position


def test_a_hold_left_by_a_rebuild_that_died_is_dropped():
    followers.join("gone" + indexer.HOLD, 1, kind=SearchFollower.Kind.REBUILD)
    followers.join("node-a", 10)
    SearchOutbox.objects.create(document_id=1, txid=5)
    assert indexer.cleanup().deleted >= 1
    assert list(registered()) == ["node-a"]


def test_status_lists_every_index_and_forget_unregisters_one(nodes, capsys):
    DocumentFactory()
    with nodes("a"):
        apply_pending()
        call_command("search_index", "--status")
    out = capsys.readouterr().out
    assert "Indexes reading the outbox:" in out and "[index]" in out
    name = next(iter(registered()))
    call_command("search_index", "--forget", name)
    assert registered() == {}
    with pytest.raises(CommandError, match="No index called"):
        call_command("search_index", "--forget", name)


def test_find_shows_what_this_nodes_index_has_applied(nodes, settings, capsys):
    settings.SEARCH_INLINE = False  # as in production: only the follower applies changes
    with nodes("b"):
        apply_pending()
        doc = DocumentFactory(title="Airfield at Hami")
        call_command("search_index", "--find", "airfield")
        assert "0 document(s) found" in capsys.readouterr().out
        apply_pending()  # what node B's follower does
        call_command("search_index", "--find", "airfield")
        assert f"1 document(s) found; first page ids: {doc.pk}" in capsys.readouterr().out


# --- real concurrency: separate sessions that commit ---------------------------------------------


@pytest.fixture
def session():
    """Another database session, as another process would have."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as conn:
        yield conn


@pytest.mark.django_db(transaction=True)
def test_a_row_committed_after_a_later_one_is_not_skipped(nodes, session, settings):
    settings.SEARCH_INLINE = False
    slow = DocumentFactory(title="Border agreement")
    fast = DocumentFactory(title="Border trade")
    with nodes("a"):
        apply_pending()
        # A long transaction writes its row first (lower id) and commits last.
        session.execute("UPDATE documents_document SET title = 'Border uprising' WHERE id = %s",
                        [slow.pk])  # fmt: skip
        fast.title = "Border caravan"
        fast.save()
        apply_pending()
        assert finds("caravan") == [fast.pk] and finds("uprising") == []
        session.commit()
        apply_pending()
        assert finds("uprising") == [slow.pk]


@pytest.mark.django_db(transaction=True)
def test_a_node_that_was_down_catches_up(nodes, settings):
    settings.SEARCH_INLINE = False
    first = DocumentFactory(title="Mission report")
    for name in ("a", "b"):
        with nodes(name):
            apply_pending()
    with nodes("b"):
        b_name = store.index_name()
    # Node B is down; node A follows and cleans up meanwhile.
    later = [DocumentFactory(title=f"Mission telegram {i}") for i in range(3)]
    Document.objects.filter(pk=first.pk).update(status=Document.Status.DRAFT)
    with nodes("a"):
        Follower(lambda _: None, cleanup_every=0)._step()
        live = store.current_build()
        indexer.report_position(live, store.read_progress(live), force=True)
        indexer.cleanup()
        assert sorted(finds("mission")) == sorted(d.pk for d in later)
    assert b_name in registered()
    with nodes("b"):
        apply_pending()
        assert sorted(finds("mission")) == sorted(d.pk for d in later)


# --- /health/ ------------------------------------------------------------------------------------


def test_health_reports_the_build_pending_rows_and_lag(client, settings):
    settings.SEARCH_INLINE = False  # production: the follower applies, not the request
    DocumentFactory()
    body = client.get("/health/").json()
    assert body["status"] == "degraded"
    assert body["search"]["status"].startswith("no index")
    apply_pending()
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["search"] == {
        "status": "ok", "build": store.current_build().name, "pending": 0, "lag_seconds": 0.0
    }  # fmt: skip
    SearchOutbox.objects.create(document_id=1)
    SearchOutbox.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    body = client.get("/health/").json()
    assert body["status"] == "degraded"
    assert body["search"]["pending"] == 1 and body["search"]["lag_seconds"] >= 300
    assert body["search"]["status"].startswith("behind")
