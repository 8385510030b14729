"""Where the index lives on disk, and the process-wide handles to it.

`SEARCH_INDEX_DIR` holds one directory per build (`gen-…`) and a symlink `current` naming
the live one. Each app node keeps its own index (named by `index_name()`); a build carries
its own position in the search outbox (`outbox-progress.json`, written after each commit),
so a build swapped in by a rebuild brings its position with it. A rebuild fills a new
directory beside the live one and swaps the symlink with one atomic rename; every process
re-reads the symlink (one `readlink`) before each search, so readers everywhere move to the
new build on their next request, while a request already running finishes on the old one.
Within a build, tantivy reloads readers by itself after each commit of the indexer (it
watches the build's `meta.json`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import tantivy
from django.conf import settings

from archive.errors import TemporarilyUnavailable
from documents.search.engine.analysis import register
from documents.search.engine.schema import SCHEMA_VERSION, schema
from documents.search.outbox import Progress

VERSION_MARK = f"-v{SCHEMA_VERSION}-"  # in every build's name

CURRENT = "current"
PREFIX = "gen-"
PROGRESS = "outbox-progress.json"


class SearchUnavailable(TemporarilyUnavailable):
    """There is no usable index yet (run `manage.py search_index --rebuild`). Readers get a
    styled 503 (`archive.errors.UnavailableMiddleware`)."""

    reader_message = (
        "Searching and browsing the documents is not available just now: the archive's "
        "search index is being prepared. Please try again in a few minutes."
    )


def root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def index_name() -> str:
    """This node's index, as the outbox's list of followers knows it: `SEARCH_INDEX_NAME`, or
    the host and directory (unique per index, readable in `search_index --status`)."""
    return settings.SEARCH_INDEX_NAME or f"{socket.gethostname()}:{root().resolve()}"


def read_progress(path: Path) -> Progress:
    """How far the build at `path` has applied the outbox (a build without the file, made
    before positions were kept, starts from the beginning: applying twice changes nothing)."""
    try:
        return Progress.from_json(json.loads((path / PROGRESS).read_text()))
    except FileNotFoundError:
        return Progress()


def write_progress(path: Path, progress: Progress) -> None:
    """Record the position after the index's commit (a crash in between only means the
    last batch is applied again). One atomic rename."""
    temporary = path / f".{PROGRESS}-{os.getpid()}-{threading.get_ident()}"
    temporary.write_text(json.dumps(progress.to_json()))
    os.replace(temporary, path / PROGRESS)


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


def live_build() -> Path | None:
    """The live build, None if there is none yet; refused if built for other fields."""
    live = current_build()
    if live is None or not live.exists():
        return None
    if outdated(live):
        raise SearchUnavailable(
            f"The search index {live.name} was built for another version of its fields: "
            "run `manage.py search_index --rebuild`."
        )
    return live


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
