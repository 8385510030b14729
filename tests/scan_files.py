"""Real scan files for tests that need them: images and multi-page PDFs written by Pillow, so
the upload checks (and PDFium) accept them exactly as they would a reader's file."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name="page-1.png", size=(800, 1100), color="white") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="original.pdf", colors=("white",), size=(600, 800)) -> SimpleUploadedFile:
    """A PDF with one page per colour, each page filled with its colour."""
    pages = [Image.new("RGB", size, color) for color in colors]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:])
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
