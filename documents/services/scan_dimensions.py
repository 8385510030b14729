"""Pixel sizes of image scans, stored on the scan so IIIF manifests never open files per request.

An upload is measured when its scan is saved (Pillow reads only the image header). Scans saved
before sizes were kept, or whose stored file was swapped for another, are measured the first time
something needs them (`ensure_dimensions`), and the result is stored.
"""

import logging
import warnings

from django.db.models.signals import pre_save
from django.dispatch import receiver
from PIL import Image, UnidentifiedImageError

from documents.models import Scan
from documents.services.scans import IMAGE_FORMATS, extension

logger = logging.getLogger(__name__)

# EXIF orientations that turn the picture a quarter: viewers show it with width and height
# swapped.
_QUARTER_TURNS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112


def is_image(scan: Scan) -> bool:
    return bool(scan.file) and extension(scan.file.name) in IMAGE_FORMATS


def measure(handle) -> tuple[int, int] | None:
    """(width, height) of the image in `handle` as viewers display it, or None if unreadable."""
    try:
        handle.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(handle) as image:
                width, height = image.size
                if image.getexif().get(_EXIF_ORIENTATION) in _QUARTER_TURNS:
                    width, height = height, width
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None
    except Image.DecompressionBombError:
        return None
    finally:
        try:
            handle.seek(0)
        except (OSError, ValueError):
            pass
    return width, height


def _measure_stored(scan: Scan) -> tuple[int, int] | None:
    try:
        with scan.file.storage.open(scan.file.name, "rb") as handle:
            return measure(handle)
    except Exception:  # a missing or unreachable file must not break a public response
        logger.warning("Could not measure scan %s (%s)", scan.pk, scan.file.name, exc_info=True)
        return None


def ensure_dimensions(scans) -> None:
    """Measure and store the size of each image scan in `scans` that has none yet."""
    for scan in scans:
        if scan.width and scan.height or not is_image(scan):
            continue
        size = _measure_stored(scan)
        if size:
            scan.width, scan.height = size
            Scan.objects.filter(pk=scan.pk).update(width=scan.width, height=scan.height)


@receiver(pre_save, sender=Scan, dispatch_uid="scan_dimensions_on_upload")
def _measure_upload(sender, instance, raw=False, **kwargs):
    """A new upload is measured now; a stored file that changed is measured when needed."""
    if not instance.file or not is_image(instance):
        instance.width = instance.height = None
        return
    if not getattr(instance.file, "_committed", True):
        size = measure(instance.file.file)
        instance.width, instance.height = size if size else (None, None)
        return
    if instance.pk and not raw:
        stored = Scan.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
        if stored is not None and stored != instance.file.name:
            instance.width = instance.height = None
