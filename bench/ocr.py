"""Time OCR of a scan as the worker runs it (reports.ocr.recognise in the limited child process):
pages of the seed's safeguarding report drawn as 150 dpi pictures into a PDF with no text, then
recognised (Tesseract, English and Welsh). Prints seconds per page and the child's peak memory.

    .venv/bin/python bench/ocr.py [--pages 10 100]

Needs Tesseract with eng and cym (make ocr-deps). Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (
    ROOT / "fixtures" / "reports" / "item6-safeguarding-children-board-annual-report-2013-14.pdf"
)


def scan(pages: int, dpi: int = 150) -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument(SOURCE.read_bytes())
    count = len(document)
    images = [
        document[n % count].render(scale=dpi / 72).to_pil().convert("L") for n in range(pages)
    ]
    document.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, nargs="+", default=[10])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardpapers.settings")
    import django

    django.setup()
    from reports import ocr
    from reports.pdf import run_limited

    problem = ocr.missing()
    if problem:
        raise SystemExit(f"OCR is not available: {problem}")
    for pages in args.pages:
        data = scan(pages)
        started = time.perf_counter()
        texts, _ = run_limited(
            ocr.recognise, data, 120, seconds=ocr.ocr_seconds(pages), memory_mb=ocr.ocr_memory_mb()
        )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        words = sum(len(t.split()) for t in texts)
        print(
            f"{pages:>5} pages ({len(data) / 1_048_576:.1f} MB scan): {seconds:7.1f} s, "
            f"{seconds / pages:5.2f} s a page, {words} words, peak child memory {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
