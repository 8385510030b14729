"""What is inside an uploaded scan, beyond what its name and first bytes promise.

Two checks for scans.py, both on the bytes themselves:

- `web_markup`: HTML or script hidden in a file (a JPEG with a page appended, an HTML file
  dressed as a PDF). Such polyglots are harmless as images but turn into a page on this
  site's origin if anything ever serves or sniffs them as HTML, so they are refused outright.
- `pdf_problem`: a PDF is parsed (pypdf) and refused when it is not a well-formed PDF with
  pages, is password-protected, or carries anything that acts on its own: JavaScript, an
  action run on opening other than going to a page, launching programs, submitting or
  importing data, or embedded files. Archival PDFs are page images and text; none of these
  belong in them.
"""

import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Markup that makes a file a web page or runs script. Matched case-insensitively anywhere;
# compressed image data does not produce these by chance (seven or more fixed characters).
_WEB_MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|svg|object|embed|!doctype\s+html)[\s>/]"
    rb"|javascript:|<\?php",
    re.IGNORECASE,
)
_CHUNK = 1024 * 1024
_OVERLAP = 32

# Action types that do more than move within the document or open a link.
_DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm",
        "/GoToE", "/GoToR", "/RichMediaExecute", "/Rendition",
    }
)  # fmt: skip
# Keys that hold script, embedded files or interactive forms with their own script engine.
_DANGEROUS_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "embedded files",
    "/EF": "embedded files",
    "/XFA": "an XFA form",
    "/RichMediaContent": "rich media",
}
_SAFE_OPEN_ACTIONS = frozenset({"/GoTo", "/URI"})
MAX_PDF_OBJECTS = 500_000


def web_markup(upload) -> bool:
    """True if the file contains HTML or script markup anywhere."""
    upload.seek(0)
    tail = b""
    try:
        while chunk := upload.read(_CHUNK):
            if _WEB_MARKUP.search(tail + chunk):
                return True
            tail = chunk[-_OVERLAP:]
        return False
    finally:
        upload.seek(0)


def pdf_problem(upload) -> str | None:
    """Why this PDF is refused, in words for the archivist; None when it is acceptable."""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return "it is password-protected; upload a copy without a password"
        catalog = reader.trailer["/Root"].get_object()
        if not isinstance(catalog, DictionaryObject) or len(reader.pages) == 0:
            return "it has no pages"
        return _open_action_problem(catalog.get("/OpenAction")) or _walk(reader.trailer)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of error on damaged files
        return "it is damaged or is not a PDF at all"
    finally:
        upload.seek(0)


def _open_action_problem(action) -> str | None:
    """Opening at a page ([page /Fit]) or a GoTo is fine; anything else runs on opening."""
    if action is None:
        return None
    action = action.get_object()
    if isinstance(action, ArrayObject):
        return None
    if isinstance(action, DictionaryObject) and action.get("/S") in _SAFE_OPEN_ACTIONS:
        return None
    return "it runs an action when it is opened"


def _walk(trailer) -> str | None:
    """Visit every object reachable from the trailer (dictionaries and arrays, never stream
    data) and report the first thing that acts on its own."""
    stack, seen = [trailer], set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                return "it is too complex to check"
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            problem = _dictionary_problem(item)
            if problem:
                return problem
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def _dictionary_problem(item: DictionaryObject) -> str | None:
    for key, what in _DANGEROUS_KEYS.items():
        if key in item:
            return f"it contains {what}"
    action = item.get("/S")
    if action in _DANGEROUS_ACTIONS:
        return f"it contains a {str(action).lstrip('/')} action"
    if item.get("/Type") == "/EmbeddedFile" or item.get("/Subtype") == "/FileAttachment":
        return "it contains embedded files"
    return None
