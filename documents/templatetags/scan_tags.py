"""Template filters for the scans gallery (`templates/documents/_scans.html`)."""

from django import template

from documents.services import scans

register = template.Library()


@register.filter
def scan_is_pdf(scan) -> bool:
    return bool(scan.file) and scans.is_pdf(scan.file.name)


@register.filter
def scan_first_page_url(scan) -> str:
    """A PDF's first page as an image (what its thumbnail links to without JavaScript)."""
    return scan.get_page_url(1)


@register.filter
def scan_file_size(scan) -> int | None:
    """The stored file's size in bytes, or None when storage cannot tell (a missing file must
    not turn the public page into an error)."""
    try:
        return scan.file.size
    except Exception:  # OSError locally; remote storages raise their own client errors
        return None
