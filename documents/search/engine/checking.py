"""What the index holds compared with the database, and its state for status and health."""

from __future__ import annotations

from dataclasses import dataclass

import tantivy
from django.conf import settings
from django.utils import timezone

from archive.health import Unhealthy
from documents.search import followers, outbox
from documents.search.engine import indexer, locks, store
from documents.search.engine.schema import ID, VERSION
from documents.selectors import published_or_embargoed


@dataclass
class CheckReport:
    indexed: int
    expected: int
    pending: int
    missing: list[int]  # should be in the index and is not
    extra: list[int]  # is in the index and should not be (unpublished or deleted)
    stale: list[int]  # in the index with another version than the database's
    duplicated: list[int]

    @property
    def drift(self) -> bool:
        return bool(self.missing or self.extra or self.stale or self.duplicated)


def indexed_versions() -> dict[int, int]:
    """{document id: version} of everything in the live index (ids counted once)."""
    return dict(_indexed_pairs())


def _indexed_pairs() -> list[tuple[int, int]]:
    searcher = store.open_current().searcher()
    limit = max(searcher.num_docs, 1)
    hits = searcher.search(
        tantivy.Query.all_query(), limit, count=False, order_by_field=ID, order=tantivy.Order.Asc
    ).hits
    versions = searcher.fast_field_values(VERSION, [address for _, address in hits])
    return [(pk, version) for (pk, _), version in zip(hits, versions, strict=True)]


def check() -> CheckReport:
    """Compare the live index with the database: ids and versions."""
    pairs = _indexed_pairs()
    indexed = dict(pairs)
    counts: dict[int, int] = {}
    for pk, _ in pairs:
        counts[pk] = counts.get(pk, 0) + 1
    expected = dict(published_or_embargoed().values_list("pk", "version"))
    pending = outbox.pending_documents(store.read_progress(store.current_build()))
    return CheckReport(
        indexed=len(indexed),
        expected=len(expected),
        pending=len(pending),
        missing=sorted(pk for pk in expected if pk not in indexed and pk not in pending),
        extra=sorted(pk for pk in indexed if pk not in expected and pk not in pending),
        stale=sorted(
            pk
            for pk, version in expected.items()
            if pk in indexed and indexed[pk] != version and pk not in pending
        ),
        duplicated=sorted(pk for pk, n in counts.items() if n > 1),
    )


def lag() -> dict:
    """This node's index against the outbox: its build, the rows it has yet to apply and
    how long the oldest of them has waited (cheap enough for every health check)."""
    live = store.current_build()
    position = store.read_progress(live) if live is not None else outbox.Progress()
    pending = outbox.pending(position)
    waited = (timezone.now() - pending.oldest).total_seconds() if pending.oldest else 0.0
    return {
        "build": live.name if live is not None else None,
        "pending": pending.rows,
        "lag_seconds": round(max(waited, 0.0), 1),
    }


def health() -> dict:
    """/health/'s "search": this node's build, the outbox rows it has yet to apply and how
    long the oldest has waited. Degraded with no index, or more than
    `SEARCH_HEALTH_MAX_LAG_SECONDS` behind (is this node's `search_index --follow` running?)."""
    state = lag()
    if settings.SEARCH_INLINE:
        return {"status": "ok (applied by each search: SEARCH_INLINE)", **state}
    if state["build"] is None:
        raise Unhealthy({"status": "no index: run `manage.py search_index --rebuild`", **state})
    if state["lag_seconds"] > settings.SEARCH_HEALTH_MAX_LAG_SECONDS:
        raise Unhealthy({"status": "behind: is `search_index --follow` running?", **state})
    return {"status": "ok", **state}


def status() -> dict:
    """The index's state, for `search_index --status`."""
    live = store.current_build()
    documents = None
    if live is not None:
        try:
            documents = store.open_current().searcher().num_docs
        except (store.SearchUnavailable, ValueError):
            live = None
    writers = locks.holders(locks.WRITER)
    return {
        "name": store.index_name(),
        "directory": str(store.root()),
        "documents": documents,
        **lag(),
        "indexer": str(writers[0]) if writers else None,
        "rebuilding": indexer.rebuild_running(),
        "followers": followers.listed(),
        "outbox_rows": outbox.size(),
        "floor": followers.floor(),
    }
