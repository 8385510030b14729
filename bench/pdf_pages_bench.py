"""PDF scans as page images: `python bench/pdf_pages_bench.py [--pages 10] [--runs 30]`.

Builds a PDF like a scanned typescript (each page an A4 greyscale scan at 300 dpi with noise,
stored as JPEG), then times what the site does with it: the first-page thumbnail and page count
at upload, and one page rendered for the scan viewer (`documents/services/pdf_pages.py`),
reading the whole file each time as the view does. Prints the median and p95 in ms. No
database needed.
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from documents.services import pdf_pages  # noqa: E402

A4_300_DPI = (2480, 3508)


def scanned_pdf(pages: int) -> bytes:
    images = []
    for number in range(pages):
        noise = Image.effect_noise(A4_300_DPI, 40 + number).convert("L")
        images.append(Image.eval(noise, lambda v: 200 + v // 5).convert("RGB"))
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=300)
    return buffer.getvalue()


def timed(runs: int, work) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(0.95 * len(samples)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    data = scanned_pdf(args.pages)
    print(f"PDF: {args.pages} pages, {len(data) / 1e6:.1f} MB")

    def thumbnail():
        pdf_pages.page_count(data)
        pdf_pages.render(data, 1, 1200)

    def page():
        pdf_pages.page_jpeg(data, args.pages // 2 + 1)

    for name, work in [("upload: page count + first page", thumbnail), ("viewer page", page)]:
        median, p95 = timed(args.runs, work)
        print(f"{name}: median {median:.0f} ms, p95 {p95:.0f} ms ({args.runs} runs)")
    print(f"viewer page size: {len(pdf_pages.page_jpeg(data, 1)) / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
