"""Time what an upload costs, as the portal runs it, for papers of 10, 100 and 1,000 pages, and
print seconds, seconds a page and the peak memory of the limited child process:

- the upload check (``reports.pdf.inspect_pdf``: limits, active content, the text of every
  page) of a clean paper;
- the same check of a paper with a link that runs a script on every page and a script run on
  opening, which it takes out and writes the file again (``neutralise`` and save);
- neutralisation alone (``reports.neutralise.neutralise`` in the child);
- OCR of a scan (``reports.ocr.recognise``, as the worker runs it), 10 pages by default: about
  8 s a page on a shared machine, so 100 and 1,000 pages take 15 minutes and over 2 hours.

    .venv/bin/python bench/uploads.py [--pages 10 100 1000] [--ocr-pages 10] [--repeat 3]

The papers are pages of the seed's safeguarding report repeated. Each measurement runs in a
fresh Python process (so the child's peak memory is its own); the best of ``--repeat`` runs is
printed. Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (
    ROOT / "fixtures" / "reports" / "item6-safeguarding-children-board-annual-report-2013-14.pdf"
)


def paper(pages: int, *, active: bool) -> bytes:
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    source = pikepdf.open(SOURCE)
    pdf = pikepdf.new()
    for n in range(pages):
        pdf.pages.append(source.pages[n % len(source.pages)])
    if active:
        for page in pdf.pages:
            link = Dictionary(
                Type=Name.Annot, Subtype=Name.Link, Rect=[72, 72, 200, 90],
                A=Dictionary(S=Name.JavaScript, JS=String("app.alert('hello')")),
            )  # fmt: skip
            annots = page.obj.get("/Annots")
            if isinstance(annots, Array):
                annots.append(pdf.make_indirect(link))
            else:
                page.obj.Annots = Array([pdf.make_indirect(link)])
        pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert('open')"))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def measure(stage: str, pages: int) -> dict:
    """One measurement, in this (fresh) process: seconds and the child's peak memory."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardpapers.settings")
    import django

    django.setup()
    from django.conf import settings

    from reports import ocr
    from reports.neutralise import neutralise
    from reports.pdf import inspect_pdf, run_limited

    settings.PDF_MAX_PAGES = max(settings.PDF_MAX_PAGES, pages)
    if stage == "ocr":
        sys.path.insert(0, str(ROOT / "bench"))
        from ocr import scan

        data = scan(pages)
    else:
        data = paper(pages, active=stage != "check")
    started = time.perf_counter()
    if stage in ("check", "check+neutralise"):
        facts = inspect_pdf(data, max_bytes=len(data) + 1)
        note = f"{len(facts.removed)} kinds removed" if facts.removed else "nothing removed"
    elif stage == "neutralise":
        _, removals = run_limited(
            neutralise, data, seconds=settings.PDF_READ_SECONDS * 10,
            memory_mb=settings.PDF_READ_MEMORY_MB,
        )  # fmt: skip
        note = f"{sum(removals.values())} removed"
    else:
        texts, _ = run_limited(
            ocr.recognise, data, 120, seconds=ocr.ocr_seconds(pages), memory_mb=ocr.ocr_memory_mb()
        )
        note = f"{sum(len(t.split()) for t in texts)} words"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "size_mb": len(data) / 1_048_576, "note": note}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--ocr-pages", type=int, nargs="*", default=[10])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("STAGE", "PAGES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]))))
        return
    plan = [(s, p) for s in ("check", "check+neutralise", "neutralise") for p in args.pages]
    plan += [("ocr", p) for p in args.ocr_pages]
    print(f"{'stage':<18}{'pages':>6}{'file MB':>9}{'seconds':>9}{'s a page':>10}{'peak MB':>9}")
    for stage, pages in plan:
        runs = []
        for _ in range(1 if stage == "ocr" else args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--one", stage, str(pages)],
                cwd=ROOT, check=True, capture_output=True, text=True,
            )  # fmt: skip
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["seconds"])
        print(
            f"{stage:<18}{pages:>6}{best['size_mb']:>9.2f}{best['seconds']:>9.2f}"
            f"{best['seconds'] / pages:>10.4f}{max(r['peak_mb'] for r in runs):>9.0f}"
            f"  {best['note']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
