"""The pages the document page's scan viewer steps through: each image scan, then every page
of each PDF (rendered by the access-checked `scan_page` view). TIFF scans are left out (most
browsers cannot show them); they stay in the gallery as links to the file."""

from documents.services.scan_dimensions import is_image
from documents.services.scans import extension, is_pdf

BROWSER_IMAGES = (".jpg", ".jpeg", ".png", ".webp")


def viewer_pages(scans: list) -> list[dict]:
    """[{"src", "label"}] in reading order; sets `scan.viewer_index` (its first page's index,
    or None when the viewer cannot show it) on each scan for the gallery's links."""
    pages = []
    for number, scan in enumerate(scans, start=1):
        name = scan.caption or f"Scan {number}"
        scan.viewer_index = None
        if is_image(scan) and extension(scan.file.name) in BROWSER_IMAGES:
            scan.viewer_index = len(pages)
            pages.append({"src": scan.get_file_url(), "label": name})
        elif scan.file and is_pdf(scan.file.name) and scan.page_count:
            scan.viewer_index = len(pages)
            total = scan.page_count
            pages += [
                {"src": scan.get_page_url(page), "label": f"{name}, page {page} of {total}"}
                for page in range(1, total + 1)
            ]
    return pages
