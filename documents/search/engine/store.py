"""Where the index lives on disk, and the process-wide handles to it.

`SEARCH_INDEX_DIR` holds one directory per build (`gen-…`) and a symlink `current` naming the
live one. A rebuild fills a new directory beside the live one and swaps the symlink with one
atomic rename; every process re-reads the symlink (one `readlink`) before each search, so
readers everywhere move to the new build on their next request, while a request already
running finishes on the old one. Within a build, tantivy reloads readers by itself after each
commit of the indexer (it watches the build's `meta.json`).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import tantivy
from django.conf import settings

from archive.errors import TemporarilyUnavailable
from documents.search.engine.analysis import register
from documents.search.engine.schema import SCHEMA_VERSION, schema

VERSION_MARK = f"-v{SCHEMA_VERSION}-"  # in every build's name

CURRENT = "current"
PREFIX = "gen-"


class SearchUnavailable(TemporarilyUnavailable):
    """There is no usable index yet (run `manage.py search_index --rebuild`). Readers get a
    styled 503 (`archive.errors.UnavailableMiddleware`)."""

    reader_message = (
        "Searching and browsing the documents is not available just now: the archive's "
        "search index is being prepared. Please try again in a few minutes."
    )


def root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def current_build() -> Path | None:
    try:
        name = os.readlink(root() / CURRENT)
    except (FileNotFoundError, OSError):
        return None
    return root() / name


def new_build() -> Path:
    """An empty directory for a new build, beside the live one."""
    root().mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = root() / f"{PREFIX}{stamp}{VERSION_MARK}{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


def create(path: Path) -> tantivy.Index:
    index = tantivy.Index(schema(), str(path), reuse=False)
    register(index)
    return index


def publish(path: Path) -> None:
    """Make `path` the live build: one atomic rename of the `current` symlink."""
    link = root() / CURRENT
    temporary = root() / f".{CURRENT}-{os.getpid()}-{threading.get_ident()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(path.name, temporary)
    os.replace(temporary, link)


def prune(keep: int = 2) -> list[Path]:
    """Delete old builds, keeping the live one and the one before it (a reader may still be
    finishing a request on it). Unfinished builds of failed rebuilds go too."""
    live = current_build()
    builds = sorted(p for p in root().glob(f"{PREFIX}*") if p.is_dir())
    kept = [p for p in builds if p == live] + [p for p in builds if p != live][-(keep - 1) :]
    removed = [p for p in builds if p not in kept]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def outdated(path: Path) -> bool:
    """Built by a version of this code with other fields: it must be rebuilt."""
    return VERSION_MARK not in path.name


def ensure_current() -> Path:
    """The live build, creating an empty first one if there is none (indexer only)."""
    live = current_build()
    if live is not None and live.exists():
        if outdated(live):
            raise SearchUnavailable(
                f"The search index {live.name} was built for another version of its fields: "
                "run `manage.py search_index --rebuild`."
            )
        return live
    path = new_build()
    create(path)
    publish(path)
    return path


# Process-wide handles ------------------------------------------------------------------------

_lock = threading.Lock()
_opened: dict[Path, tuple[tantivy.Index, tuple]] = {}  # build -> (index, meta.json stamp)


def _stamp(path: Path) -> tuple:
    """Changes with every commit: tantivy rewrites the build's meta.json atomically."""
    meta = os.stat(path / "meta.json")
    return meta.st_mtime_ns, meta.st_size, meta.st_ino


def open_current() -> tantivy.Index:
    """The live index at its latest commit, opened once per process and build.

    One `readlink` and one `stat` per call: a new build is opened, a new commit is loaded
    (`reload`, cheap: only new segments are opened) before the caller searches, so every
    process answers from the latest commit without waiting for tantivy's file watcher."""
    return opened()[0]


def opened() -> tuple[tantivy.Index, tuple]:
    """(the live index, a key that changes whenever its content may have changed)."""
    path = current_build()
    if path is not None and outdated(path):
        raise SearchUnavailable(
            f"The search index {path.name} was built for another version of its fields: "
            "run `manage.py search_index --rebuild`."
        )
    try:
        if path is None:
            raise FileNotFoundError
        stamp = _stamp(path)
    except FileNotFoundError:
        raise SearchUnavailable(
            "The search index has not been built yet: run `manage.py search_index --rebuild`."
        ) from None
    with _lock:
        known = _opened.get(path)
        if known is None:
            index = tantivy.Index.open(str(path))
            register(index)
            _opened.clear()  # one build at a time; the old one closes when unused
        else:
            index, seen = known
            if seen != stamp:
                index.reload()
        _opened[path] = (index, stamp)
    return index, (path, stamp)


def forget() -> None:
    """Drop this process's handles (tests switch index directories)."""
    with _lock:
        _opened.clear()
