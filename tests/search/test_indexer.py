"""One writer at a time, rebuilds beside the live index while it keeps answering, and a check
that finds drift."""

import threading

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from documents.models import Document, SearchOutbox
from documents.search.engine import (
    Follower,
    IndexerBusy,
    SearchRequest,
    apply_pending,
    checking,
    indexer,
    locks,
    search,
    store,
)
from documents.search.engine.loading import Loader
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_session():
    """A second database session, as another process would have."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        yield conn


def hold(conn, kind: str) -> None:
    """Take this test's index's lock `kind` in another session."""
    conn.execute("SELECT pg_advisory_lock(%s, %s)", [locks.NAMESPACE, locks.key(kind)])


def test_a_second_indexer_exits_with_a_message_naming_the_first(other_session):
    DocumentFactory()
    hold(other_session, locks.WRITER)
    for option in ("--apply", "--follow"):
        with pytest.raises(CommandError, match="An indexer is already running in PostgreSQL"):
            call_command("search_index", option)
    assert store.current_build() is None  # nothing was applied


def test_a_second_rebuild_exits_with_a_message(other_session):
    hold(other_session, locks.REBUILD)
    with pytest.raises(CommandError, match="A rebuild is already running"):
        call_command("search_index", "--rebuild")


def test_the_in_process_indexer_leaves_the_work_to_a_running_follower(other_session, settings):
    doc = DocumentFactory(title="Pending")
    hold(other_session, locks.WRITER)
    with pytest.raises(store.SearchUnavailable):
        search(SearchRequest(q="pending"))  # no index yet, and this process may not build it
    other_session.execute("SELECT pg_advisory_unlock_all()")
    assert search(SearchRequest(q="pending")).ids == [doc.pk]


def test_tantivy_refuses_a_second_writer_on_one_build():
    DocumentFactory()
    apply_pending()  # this process now holds the build's writer
    index = store.open_current()
    with pytest.raises(ValueError, match="LockBusy"):
        index.writer(15_000_000, 1)
    indexer.close_writers()
    with pytest.raises(IndexerBusy):
        path = store.current_build()
        other = store.tantivy.Index.open(str(path))
        blocker = other.writer(15_000_000, 1)
        try:
            indexer._writer(path, index)
        finally:
            blocker.wait_merging_threads()


def test_a_rebuild_swaps_in_a_new_build_while_readers_keep_answering(settings):
    docs = [DocumentFactory(title=f"Telegram {i}") for i in range(30)]
    apply_pending()
    settings.SEARCH_INLINE = False  # readers only read, as web workers do
    first = store.current_build()
    answers, errors, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                answers.append(search(SearchRequest(q="telegram")).total)
            except Exception as exc:  # noqa: BLE001 - any failure fails the test below
                errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        for _ in range(2):
            indexer.rebuild(lambda _: None, chunk=7)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert errors == []
    assert answers and set(answers) == {len(docs)}
    assert store.current_build() != first
    assert len(list(store.root().glob("gen-*"))) == 2  # the live build and the one before


def test_changes_during_a_rebuild_are_replayed_into_it(settings, monkeypatch):
    kept = DocumentFactory(title="Old title")
    apply_pending()
    fill = indexer._fill

    def fill_then_edit(*args):
        done = fill(*args)  # the build has read the old title...
        kept.title = "New title"
        kept.save()  # ...and the change comes after it read that document
        return done

    monkeypatch.setattr(indexer, "_fill", fill_then_edit)
    report = indexer.rebuild(lambda _: None)
    assert report.replayed >= 1
    assert search(SearchRequest(q="new")).ids == [kept.pk]
    assert search(SearchRequest(q="old")).ids == []


def test_rebuild_reports_progress_and_size():
    for _ in range(3):
        DocumentFactory()
    lines = []
    report = indexer.rebuild(lines.append, chunk=2)
    assert report.documents == 3 and report.bytes > 0
    assert any("3 / 3 (100%)" in line for line in lines)


def test_check_finds_documents_missing_extra_and_stale(capsys):
    ok, gone, edited = DocumentFactory(), DocumentFactory(), DocumentFactory()
    apply_pending()
    call_command("search_index", "--check")
    assert "The index matches the database." in capsys.readouterr().out
    # Drift behind the outbox's back (as after restoring an old copy of the index):
    Document.objects.filter(pk=gone.pk).update(status=Document.Status.DRAFT)
    Document.objects.filter(pk=edited.pk).update(version=9)
    added = DocumentFactory()
    SearchOutbox.objects.all().delete()
    report = checking.check()
    assert (report.missing, report.extra, report.stale) == ([added.pk], [gone.pk], [edited.pk])
    with pytest.raises(CommandError, match="drifted"):
        call_command("search_index", "--check")
    out = capsys.readouterr().out
    assert "in the index but not published" in out and str(gone.pk) in out
    assert ok.pk not in report.missing + report.extra + report.stale


def test_pending_changes_are_not_drift():
    doc = DocumentFactory()
    apply_pending()
    Document.objects.filter(pk=doc.pk).update(version=5)
    report = checking.check()
    assert report.pending == 1 and not report.drift


def test_status_says_what_is_there(capsys):
    DocumentFactory()
    call_command("search_index", "--status")
    out = capsys.readouterr().out
    assert "Live build: none" in out and "Pending changes: 1" in out
    call_command("search_index", "--apply")
    call_command("search_index", "--status")
    out = capsys.readouterr().out
    assert "Documents: 1" in out and "Pending changes: 0" in out


def test_loader_reads_a_rebuild_in_id_order_and_skips_the_unpublished():
    docs = [DocumentFactory() for _ in range(5)]
    DocumentFactory(status=Document.Status.DRAFT)
    chunks = list(Loader().chunks(size=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert [e.id for c in chunks for e in c] == [d.pk for d in docs]


def wait_for(condition, seconds: float = 15.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_follower_applies_changes_and_hands_over_to_a_rebuild(settings):
    """Two processes' worth of sessions: the follower in a thread, a rebuild in the test."""
    settings.SEARCH_INLINE = False
    said: list[str] = []
    follower = Follower(said.append, poll=0.05)

    def run():
        try:
            follower.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        first = DocumentFactory(title="First telegram")

        def finds(pk):
            try:
                return pk in search(SearchRequest(q="telegram")).ids
            except store.SearchUnavailable:
                return False

        assert wait_for(lambda: finds(first.pk))
        with pytest.raises(CommandError, match="An indexer is already running"):
            call_command("search_index", "--apply")
        indexer.rebuild(said.append)  # waits for the follower to hand over, then swaps
        second = DocumentFactory(title="Second telegram")
        assert wait_for(lambda: finds(second.pk))
    finally:
        follower.stop()
        thread.join()
    assert any("handing over" in line for line in said)
    assert any("Resumed" in line for line in said)


def test_an_index_built_for_other_fields_is_refused_or_rebuilt_in_development():
    from documents.search import engine

    kept = DocumentFactory(title="Kept")
    apply_pending()
    live = store.current_build()
    older = live.with_name(live.name.replace(store.VERSION_MARK, "-v0-"))
    engine.reset()
    live.rename(older)
    store.publish(older)
    DocumentFactory(title="Added")
    with pytest.raises(CommandError, match="built for another version of its fields"):
        call_command("search_index", "--apply")
    # In development and tests (SEARCH_INLINE) the next search rebuilds it on the spot.
    assert search(SearchRequest(q="kept")).ids == [kept.pk]
    assert not store.outdated(store.current_build())
