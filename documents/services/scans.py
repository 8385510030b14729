"""Scans of originals: checking uploads, making thumbnails, attaching them to documents.

Every upload is checked by its content before it is stored: a file named `.png` that Pillow
cannot read as a PNG is refused with a message the archivist can act on, instead of breaking
the public page later. Images are refused above `SCAN_MAX_PIXELS` before they are decoded (a
small file can unpack to gigabytes), then decoded in full; PDFs are parsed and refused when
they carry script, actions or embedded files; any file with web markup hidden in it (an
image+HTML polyglot) is refused (scan_content.py). The thumbnail is made from the same decoded
image, so a file is read only once. Everything goes through Django's storage API, so local
disk and S3 behave alike.

A PDF's thumbnail is its first page, rendered with PDFium (`pdf_pages`), and its page count is
kept on the scan for the viewer; a PDF PDFium cannot render keeps no thumbnail (the gallery
shows a PDF card instead) and is still accepted when pypdf found it sound.
"""

import hashlib
import io
import logging
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from documents.models import Document, Scan
from documents.services import pdf_pages
from documents.services.scan_content import pdf_problem, web_markup

# What the extension promises, and the format Pillow must then find in the file.
IMAGE_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".webp": "WEBP",
}
PDF_EXTENSION = ".pdf"
ALLOWED_EXTENSIONS = (*IMAGE_FORMATS, PDF_EXTENSION)
ACCEPT = ",".join(
    [*ALLOWED_EXTENSIONS, "image/jpeg", "image/png", "image/tiff", "image/webp", "application/pdf"]
)
_SUGGESTED_EXTENSION = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif", "WEBP": ".webp"}

THUMBNAIL_WIDTH = 300
# Very tall strips (a scroll, a long telegram tape) stay at most this tall.
THUMBNAIL_MAX_HEIGHT = THUMBNAIL_WIDTH * 4
THUMBNAIL_QUALITY = 85

KIND_IMAGE = "image"
KIND_PDF = "pdf"


def max_upload_bytes() -> int:
    return int(getattr(settings, "SCAN_MAX_UPLOAD_MB", 50)) * 1024 * 1024


def extension(name: str) -> str:
    return PurePosixPath(name or "").suffix.lower()


def is_pdf(name: str) -> bool:
    return extension(name) == PDF_EXTENSION


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `check_upload`, with the thumbnail made from it (None for a PDF
    PDFium cannot render) and, for a PDF, its number of pages."""

    kind: str
    thumbnail: ContentFile | None
    pages: int | None = None


def check_upload(upload) -> CheckedUpload:
    """Refuse anything that is not what its name says; return the thumbnail for images.

    Raises `ValidationError` with a message meant for the archivist.
    """
    name = PurePosixPath(getattr(upload, "name", "") or "").name or "The file"
    ext = extension(name)
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            "“%(name)s” is not a supported scan type. Upload a JPEG, PNG, TIFF or WebP image, "
            "or a PDF.",
            code="scan_type",
            params={"name": name},
        )
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            "“%(name)s” is %(size).1f MB; scans may be at most %(limit)d MB.",
            code="scan_size",
            params={
                "name": name,
                "size": size / 1024 / 1024,
                "limit": max_upload_bytes() // 1024 // 1024,
            },
        )
    if not size:
        raise ValidationError("“%(name)s” is empty.", code="scan_empty", params={"name": name})
    if ext == PDF_EXTENSION:
        _check_pdf(upload, name)
        checked = CheckedUpload(KIND_PDF, *_pdf_thumbnail(upload))
    else:
        checked = CheckedUpload(KIND_IMAGE, _thumbnail(upload, name, IMAGE_FORMATS[ext]))
    if web_markup(upload):
        raise ValidationError(
            "“%(name)s” has web page code (HTML or script) hidden in it, so it cannot be "
            "published safely. Export the scan again from the scanning software.",
            code="scan_markup",
            params={"name": name},
        )
    return checked


def _check_pdf(upload, name: str) -> None:
    """A PDF starts with `%PDF-` and ends with `%%EOF`; a file that does not is not a PDF or
    was cut short in transfer. Then it must parse, with nothing in it that acts by itself."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(0, upload.size - 2048))
    tail = upload.read()
    upload.seek(0)
    if not head.startswith(b"%PDF-"):
        raise ValidationError(
            "“%(name)s” is not a PDF file (it has no PDF header). Check that it is the right "
            "file and that its name has the right extension.",
            code="scan_invalid",
            params={"name": name},
        )
    if b"%%EOF" not in tail:
        raise ValidationError(
            "“%(name)s” looks cut short (the PDF has no end marker). Upload it again.",
            code="scan_invalid",
            params={"name": name},
        )
    problem = pdf_problem(upload)
    if problem:
        raise ValidationError(
            "“%(name)s” cannot be accepted: %(problem)s. Save it again as a plain PDF "
            "(“Print to PDF” or “Reduce file size” will do) and upload that.",
            code="scan_unsafe_pdf",
            params={"name": name, "problem": problem},
        )


def _thumbnail(upload, name: str, expected_format: str) -> ContentFile:
    """Decode the image fully (a damaged file fails here, not on the public page) and return
    a JPEG thumbnail, THUMBNAIL_WIDTH wide at most, upright and on white."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Large archival scans are legitimate; only true decompression bombs are refused.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                found = image.format
                if found != expected_format:
                    raise _FormatMismatch(found)
                # Refuse before decoding: the header alone says how big the pixels will be.
                if image.width * image.height > settings.SCAN_MAX_PIXELS:
                    raise Image.DecompressionBombError(image.size)
                image.draft("RGB", (THUMBNAIL_WIDTH * 2, THUMBNAIL_MAX_HEIGHT * 2))
                image = ImageOps.exif_transpose(image)  # loads (and so checks) the pixels
                image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT), Image.Resampling.LANCZOS)
                image = _for_jpeg(image)
    except _FormatMismatch as mismatch:
        raise ValidationError(
            "“%(name)s” is a %(found)s image but its name says %(expected)s. Rename it to end "
            "in %(suggested)s and upload it again.",
            code="scan_mismatch",
            params={
                "name": name,
                "found": mismatch.found,
                "expected": expected_format,
                "suggested": _SUGGESTED_EXTENSION.get(mismatch.found, "the right extension"),
            },
        ) from None
    except Image.DecompressionBombError:
        raise ValidationError(
            "“%(name)s” has too many pixels to process safely (at most %(limit)s megapixels). "
            "Reduce its resolution and upload it again.",
            code="scan_too_many_pixels",
            params={"name": name, "limit": f"{settings.SCAN_MAX_PIXELS / 1_000_000:g}"},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            "“%(name)s” is not a readable %(expected)s image: the file is damaged or is not an "
            "image at all.",
            code="scan_invalid",
            params={"name": name, "expected": expected_format},
        ) from None
    finally:
        upload.seek(0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue())


def _pdf_thumbnail(upload) -> tuple[ContentFile | None, int]:
    """The first page as a JPEG thumbnail, and the page count; (None, 0) when PDFium cannot
    read the file (pypdf found it sound, so it is kept, shown as a PDF card, not in the viewer)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        pages = pdf_pages.page_count(data)
        image = pdf_pages.render(data, 1, THUMBNAIL_MAX_HEIGHT)
    except (pdf_pages.PdfUnreadable, IndexError):
        return None, 0
    image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue()), pages


class _FormatMismatch(Exception):
    def __init__(self, found):
        super().__init__(found)
        self.found = found or "unknown"


def _for_jpeg(image: Image.Image) -> Image.Image:
    """JPEG holds only 8-bit grey or RGB: flatten transparency on white, scale 16-bit and
    float scans (common from archive TIFFs) down to 8 bits."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I;16") or image.mode == "I":
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("1", "F"):
        return image.convert("L")
    if image.mode in ("L", "RGB"):
        return image
    return image.convert("RGB")


def store_thumbnail(scan: Scan, checked: CheckedUpload) -> None:
    """Save the thumbnail (or clear it when there is none) and a PDF's page count; the
    thumbnail it replaces is deleted once the transaction commits, so a rolled-back edit keeps
    its thumbnail."""
    previous = scan.thumbnail.name or ""
    if checked.thumbnail is not None:
        stem = PurePosixPath(scan.file.name).stem[:60] or "scan"
        scan.thumbnail.save(f"{stem}.jpg", checked.thumbnail, save=False)
    else:
        scan.thumbnail = ""
    current = scan.thumbnail.name or ""
    scan.page_count = checked.pages
    Scan.objects.filter(pk=scan.pk).update(thumbnail=current, page_count=checked.pages)
    forget_pages(scan)
    if previous and previous != current:
        storage = scan.thumbnail.storage
        transaction.on_commit(lambda: storage.delete(previous))


@transaction.atomic
def add_scan(document: Document, upload, *, caption: str = "", position: int | None = None) -> Scan:
    """Check an upload and attach it as a scan (after the last one unless `position` is
    given), with its thumbnail. Raises `ValidationError` for a file that is refused."""
    checked = check_upload(upload)
    if position is None:
        last = document.scans.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    scan = Scan(document=document, file=upload, caption=caption, position=position)
    scan.full_clean(exclude=["document"])
    scan.save()
    store_thumbnail(scan, checked)
    return scan


@transaction.atomic
def rebuild_thumbnail(scan: Scan) -> None:
    """Remake a scan's thumbnail from its stored file (e.g. scans loaded from fixtures)."""
    with scan.file.open("rb") as stored:
        store_thumbnail(scan, check_upload(stored))


def ensure_page_counts(scans) -> None:
    """Count and store the pages of each PDF scan in `scans` that has no count yet (scans
    uploaded before counts were kept). A file PDFium cannot read is stored as 0 pages, so it is
    not read again on every visit; a missing file is left uncounted."""
    for scan in scans:
        if scan.page_count is not None or not scan.file or not is_pdf(scan.file.name):
            continue
        try:
            with scan.file.storage.open(scan.file.name, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        try:
            scan.page_count = pdf_pages.page_count(data)
        except pdf_pages.PdfUnreadable:
            scan.page_count = 0
        Scan.objects.filter(pk=scan.pk).update(page_count=scan.page_count)


logger = logging.getLogger(__name__)
# Rendered viewer pages are kept this long in the shared cache, keyed by the scan's page
# generation (renewed by `store_thumbnail`, which every new or replaced file passes through)
# and the stored file's name: a replaced file never shows its predecessor's pages.
PAGE_CACHE_SECONDS = 24 * 3600


def _generation_key(scan: Scan) -> str:
    return f"archive:scan-pages:{scan.pk}"


def forget_pages(scan: Scan) -> None:
    """Drop the scan's rendered pages from use (its file is new or replaced)."""
    try:
        cache.delete(_generation_key(scan))
    except Exception:  # noqa: BLE001 - an unreachable cache means "uncached", not an error
        logger.warning("cache unreachable: scan %s keeps its page generation", scan.pk)


def _page_key(scan: Scan, number: int) -> str:
    """The cache key of one rendered page (a new generation when the cache lost the last)."""
    key = _generation_key(scan)
    generation = cache.get(key)
    if generation is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        generation = cache.get(key) or uuid.uuid4().hex
    digest = hashlib.sha256(scan.file.name.encode()).hexdigest()[:20]
    return f"archive:scan-page:{scan.pk}:{generation}:{digest}:{number}"


def pdf_page_jpeg(scan: Scan, number: int) -> bytes:
    """Page `number` of a PDF scan as a JPEG for the scan viewer. Rendering reads the whole
    file (from S3, perhaps) and keeps PDFium busy for about half a second, so a page is taken
    from the shared cache when any reader asked for it lately, and a page past the known
    count is refused without reading the file. Raises IndexError (no such page), OSError (the
    file is missing) or pdf_pages.PdfUnreadable; a cache that fails is only skipped."""
    if scan.page_count is not None and not 1 <= number <= scan.page_count:
        raise IndexError(number)
    key = None
    try:
        key = _page_key(scan, number)
        image = cache.get(key)
    except Exception:  # noqa: BLE001 - an unreachable cache means "uncached", not an error
        logger.warning("cache unreachable while reading scan %s's pages", scan.pk, exc_info=True)
        image = None
    if image is not None:
        return image
    with scan.file.open("rb") as handle:
        image = pdf_pages.page_jpeg(handle.read(), number)
    if key is not None:
        try:
            cache.set(key, image, timeout=PAGE_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable while storing %s", key, exc_info=True)
    return image
