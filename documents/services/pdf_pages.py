"""PDF scans as pictures: the first page as a thumbnail, any page as an image for the scan
viewer, and the page count, rendered with PDFium (pypdfium2, a wheel with PDFium inside: no
outside program to install).

PDFium is not thread-safe, and the production server runs threads: every call into it holds
`PDFIUM_LOCK`. Pages are rendered at most `PAGE_MAX_SIDE` pixels on their long side, enough
to read a typescript when zoomed, and small enough to render in a fraction of a second.
"""

import io
import threading

import pypdfium2 as pdfium
from PIL import Image

PDFIUM_LOCK = threading.Lock()
PAGE_MAX_SIDE = 2400
PAGE_QUALITY = 85


class PdfUnreadable(Exception):
    """PDFium could not open or render the file."""


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfUnreadable(str(exc)) from None


def page_count(data: bytes) -> int:
    with PDFIUM_LOCK:
        pdf = _open(data)
        try:
            return len(pdf)
        finally:
            pdf.close()


def render(data: bytes, number: int, max_side: int) -> Image.Image:
    """Page `number` (from 1) as an RGB image at most `max_side` pixels on its long side.
    Raises IndexError for a page the file does not have, PdfUnreadable for a broken file."""
    with PDFIUM_LOCK:
        pdf = _open(data)
        try:
            if not 1 <= number <= len(pdf):
                raise IndexError(number)
            page = pdf[number - 1]
            try:
                width, height = page.get_size()  # in points (1/72 inch)
                scale = max_side / max(width, height, 1)
                bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
                image = bitmap.to_pil().convert("RGB")
            except pdfium.PdfiumError as exc:
                raise PdfUnreadable(str(exc)) from None
            finally:
                page.close()
        finally:
            pdf.close()
    return image


def page_jpeg(data: bytes, number: int, max_side: int = PAGE_MAX_SIDE) -> bytes:
    buffer = io.BytesIO()
    render(data, number, max_side).save(buffer, "JPEG", quality=PAGE_QUALITY, optimize=True)
    return buffer.getvalue()
