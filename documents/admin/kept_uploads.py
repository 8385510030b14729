"""Uploads kept across a refused form.

A browser never sends a chosen file twice: when the document form is refused (a bad date, a
missing title), every scan row would come back empty and the next save would fail with
“This field is required” on each. So each checked upload is kept in storage under a random
token (`scans/kept/<32 hex>/<file name>`) that the row carries in a hidden field; the next
submission takes the file from there. The copy is deleted once the scan is saved. The token
is unguessable and its form is checked, so it can name nothing else in storage.
"""

from __future__ import annotations

import re
import uuid
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

KEPT_DIR = "scans/kept"
_TOKEN = re.compile(r"^[0-9a-f]{32}/[^/\\\x00]{1,200}$")


def keep(upload) -> str:
    """Store a copy of `upload`; returns its token."""
    name = PurePosixPath(upload.name or "scan").name
    upload.seek(0)
    stored = default_storage.save(f"{KEPT_DIR}/{uuid.uuid4().hex}/{name}", upload)
    upload.seek(0)
    return stored.removeprefix(f"{KEPT_DIR}/")


def valid(token: str) -> bool:
    return bool(_TOKEN.match(token or "")) and ".." not in token


def reopen(token: str) -> SimpleUploadedFile | None:
    """The kept upload as a fresh upload, or None if the token names nothing kept."""
    if not valid(token):
        return None
    path = f"{KEPT_DIR}/{token}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as stored:
        content = stored.read()
    return SimpleUploadedFile(PurePosixPath(token).name, content)


def forget(token: str) -> None:
    if valid(token):
        default_storage.delete(f"{KEPT_DIR}/{token}")


def kept_name(token: str) -> str:
    return PurePosixPath(token).name if valid(token) else ""
