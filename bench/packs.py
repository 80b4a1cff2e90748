"""Benchmark: building PDF agenda packs (issue 4, docs/performance.md "PDF packs").

Builds three packs, each a front sheet, the minutes of the previous meeting rendered from the
data, and uploaded PDFs of mixed sizes (A4 portrait and landscape, A3, pages turned with
/Rotate) in agenda order:

* the seed pack (the Coventry Health and Well-being Board, 22 September 2014: 94 pages);
* a pack of about 300 pages;
* a pack of about 1,000 pages.

For each it prints seconds, pages per second, peak memory (the maximum resident set of a
process that does only that build) and the ratio of the time to a baseline measured in the
same run: a bare WeasyPrint render of the portal's own pages (front sheet and minutes, once)
plus a bare pikepdf join of the same uploads, written to a file. Seconds are wall-clock time;
the CPU seconds of the process (all of this work is single-threaded) are printed beside them,
as they hold still when other work shares the machine.

Measured, each in a fresh process (the baseline and the rebuild timed on their second run,
so both have the warm process a task worker has):

* ``baseline``: the bare render and join;
* ``pack``: the design the portal uses (reports.packs.build_pack_pdf): the portal's pages
  rendered, the uploads joined, stamps drawn into each page, tags, bookmarks, metadata. As
  a rebuild: the uploads' edge text already read and the front sheet's page count known
  from the build before, as for every build of a meeting but its first;
* ``first-build``: the first build of a meeting in a fresh worker process: the front sheet
  laid out again when its page count was guessed wrong, the stamp font subset once, the
  uploads' edge text (where a stamp could cover it) read at upload;
* ``first-unread``: the same with the uploads' edge text read during the build (PDFium,
  about 4 ms a page), as happens while uploads do not queue ``reports.tasks.analyse_upload``;
* ``placeholders``: the other design the issue names, as a prototype: WeasyPrint lays out
  the whole pack with an empty page of the right size (a CSS named page, stamps in its margin
  boxes) for every uploaded page, then pikepdf places each uploaded page under its
  placeholder (``add_underlay``).

Run from the repository root (a few minutes; nothing outside a temporary folder is touched):

    .venv/bin/python bench/packs.py [--cases seed,300,1000] [--skip-placeholders]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {"seed": 0, "300": 300, "1000": 1000}
SEED_SLUG = "2014-09-22-health-and-well-being-board"


# ---------------------------------------------------------------------------------------------
# Child processes: one set-up, then one measurement each
# ---------------------------------------------------------------------------------------------


def _django(workdir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardpapers.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)


def _distinct(data: bytes, tag: str) -> bytes:
    """The same document as another file (its own hash), as a real upload would be."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.docinfo.Title = f"{pdf.docinfo.get('/Title', 'Document')} ({tag})"
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _generated_documents() -> list[tuple[str, bytes]]:
    """Uploads of other shapes than the seed's A4 reports: a landscape table, an A3 plan and
    a document whose pages are turned with /Rotate (as scanners and some exports leave them)."""
    import pikepdf
    from weasyprint import HTML

    row = "".join(f"<td>{n * 37 % 1000}</td>" for n in range(12))
    table = "".join(f"<tr><th>Ward {n}</th>{row}</tr>" for n in range(30))
    landscape = HTML(
        string=(
            "<style>@page { size: A4 landscape; margin: 15mm }"
            "body { font: 9pt sans-serif } td, th { border: 0.5pt solid #999; padding: 2pt }"
            "</style>"
            + "".join(
                f"<h2 style='break-before: page'>Budget monitoring table {n}</h2>"
                f"<table>{table}</table>"
                for n in range(6)
            )
        )
    ).write_pdf()
    plan = HTML(
        string=(
            "<style>@page { size: A3; margin: 20mm } body { font: 14pt sans-serif }</style>"
            + "".join(
                f"<h1 style='break-before: page'>Site plan sheet {n}</h1>"
                + "<p>Proposed elevations and floor areas. </p>" * 40
                for n in range(4)
            )
        )
    ).write_pdf()
    with pikepdf.open(io.BytesIO(landscape)) as pdf:
        turned = pikepdf.new()
        for page in pdf.pages:
            turned.pages.append(page)
        for n, page in enumerate(turned.pages):
            # Landscape content on portrait media, turned to be read: /Rotate 90 or 270.
            page.obj.MediaBox = pikepdf.Array([0, 0, 595.28, 841.89])
            page.obj.Rotate = 90 if n % 2 else 270
        out = io.BytesIO()
        turned.save(out)
        rotated = out.getvalue()
    return [("landscape", landscape), ("a3", plan), ("rotated", rotated)]


def child_setup(workdir: str) -> dict:
    """A database with the demo data, and two more meetings of ~300 and ~1,000 pages."""
    _django(workdir)
    import datetime as dt
    import json as _json

    from django.core.management import call_command
    from django.utils import timezone

    from meetings.models import AgendaItem, Meeting, Minutes
    from reports.services import report_create

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    seed = Meeting.objects.get(slug=SEED_SLUG)
    july = Minutes.objects.get(meeting__slug="2014-07-07-health-and-well-being-board")
    manifest = _json.loads((ROOT / "fixtures" / "reports" / "manifest.json").read_text())
    documents = [
        (entry["title"], (ROOT / "fixtures" / "reports" / entry["file"]).read_bytes())
        for entry in manifest
    ] + _generated_documents()
    import pikepdf

    sizes = {name: len(pikepdf.open(io.BytesIO(data)).pages) for name, data in documents}
    slugs = {"seed": SEED_SLUG}
    for case, target in CASES.items():
        if not target:
            continue
        meeting = Meeting.objects.create(
            committee=seed.committee,
            start=timezone.make_aware(dt.datetime(2015, 1, 19, 14, 0)) + dt.timedelta(days=target),
            venue=seed.venue,
            status=Meeting.Status.PUBLISHED,
            dispatch_date=dt.date(2015, 1, 9),
            signatory=seed.signatory,
            contact_officer=seed.contact_officer,
        )
        minutes_item = AgendaItem.objects.create(
            meeting=meeting, number="1", position=1, title="Minutes of Previous Meeting",
            previous_minutes=july,
        )  # fmt: skip
        pages = 8  # the minutes
        number, uploaded = 2, 0
        while pages < target - 3:
            item = AgendaItem.objects.create(
                meeting=meeting, number=str(number), position=number,
                title=f"Report for decision {number}", presenter="Report of the Director",
            )  # fmt: skip
            for name, data in documents[(number * 3) % len(documents) :][:3]:
                if pages >= target - 3:
                    break
                report_create(
                    agenda_item=item, data=_distinct(data, f"{case}-{uploaded}"),
                    title=f"{name} ({uploaded})", filename=f"{uploaded}.pdf",
                )  # fmt: skip
                pages += sizes[name]
                uploaded += 1
            number += 1
        assert minutes_item
        slugs[case] = meeting.slug
    return {"slugs": slugs}


def _uploads(inputs: dict) -> list[dict]:
    return [d for d in inputs["documents"] if d["type"] == "upload"]


def measure_baseline(inputs: dict, out: Path) -> int:
    """A bare WeasyPrint render of the portal's pages, and a bare pikepdf join of the uploads."""
    import pikepdf
    from django.core.files.storage import default_storage

    from reports.packs import Renderer, _doc_meta, _item_pages

    render = Renderer()
    meta = _doc_meta(inputs, inputs["kind"])
    front = render(
        "packs/front_sheet.html",
        {
            "doc": meta,
            "marker": "Public Document Pack",
            "meeting": inputs["meeting"],
            "council": inputs["council"],
            "contact": inputs["contact"],
            "membership": inputs["membership"],
            "public_items": _item_pages(inputs["public_items"], {}),
            "private_items": _item_pages(inputs["private_items"], {}),
            "padding": range(0),
        },
    )
    minutes = [d for d in inputs["documents"] if d["type"] == "minutes"]
    pages = list(front.pages)
    if minutes:
        pages += render(
            "packs/minutes.html", {"doc": meta, "documents": minutes, "standalone": False}
        ).pages
    portal = front.copy(pages).write_pdf()
    with pikepdf.open(io.BytesIO(portal)) as pdf:
        sources = []
        for doc in _uploads(inputs):
            source = pikepdf.open(default_storage.open(doc["file"], "rb"))
            sources.append(source)
            pdf.pages.extend(source.pages)
        pdf.save(out)
        count = len(pdf.pages)
        for source in sources:
            source.close()
    return count


def measure_pack(inputs: dict, out: Path, *, first_build: str | None) -> int:
    """A rebuild (the usual build: the uploads' edge text already read, the front sheet's page
    count known from the build before). With ``first_build`` the first build of a meeting, in a
    fresh worker process: "read" when its uploads were read at upload, "unread" when not."""
    from reports.models import UploadLayout
    from reports.packs import build_pack_pdf, upload_layouts

    guess = None
    if first_build == "unread":
        UploadLayout.objects.all().delete()
    elif first_build == "read":
        upload_layouts(_uploads(inputs))
    else:
        guess = build_pack_pdf(inputs, out).front_sheet_pages
    started, cpu = time.perf_counter(), time.process_time()
    result = build_pack_pdf(inputs, out, front_sheet_guess=guess)
    measure_pack.seconds = time.perf_counter() - started
    measure_pack.cpu = time.process_time() - cpu
    measure_pack.passes = result.layout_passes
    return result.page_count


def measure_placeholders(inputs: dict, out: Path) -> int:
    """The single-pass design, as a prototype: placeholders laid out by WeasyPrint (stamps in
    margin boxes), uploaded pages placed under them with pikepdf."""
    import pikepdf
    from django.core.files.storage import default_storage
    from django.template.loader import render_to_string

    from reports.pack_pdf import page_frame
    from reports.packs import Renderer, _doc_meta, _item_pages

    render = Renderer()
    meta = _doc_meta(inputs, inputs["kind"])
    sources = [
        (doc, pikepdf.open(default_storage.open(doc["file"], "rb"))) for doc in _uploads(inputs)
    ]
    page_rules, placeholders, seen_items = {}, [], set()
    for doc, source in sources:
        for n, page in enumerate(source.pages):
            frame = page_frame(page.obj)
            size = f"{frame.width:.2f}pt {frame.height:.2f}pt"
            stamp = doc["item"] if n == 0 and doc["item"] not in seen_items else None
            seen_items.add(doc["item"])
            name = f"p{abs(hash((size, stamp)))}"
            page_rules[name] = (
                f"@page {name} {{ size: {size}; margin: 0;"
                ' @bottom-center { content: "Page " counter(page); font: 11pt "Pack Sans"; }'
                + (
                    f' @top-right {{ content: "Agenda Item {stamp}";'
                    ' font: bold 12pt "Pack Sans"; }'
                    if stamp
                    else ""
                )
                + "}"
            )
            anchor = f' id="doc-{doc["key"]}"' if n == 0 else ""
            placeholders.append(f'<div class="ph" style="page: {name}"{anchor}></div>')
    front_html = render_to_string(
        "packs/front_sheet.html",
        {
            "doc": meta,
            "marker": "Public Document Pack",
            "meeting": inputs["meeting"],
            "council": inputs["council"],
            "contact": inputs["contact"],
            "membership": inputs["membership"],
            "public_items": _item_pages(inputs["public_items"], {}),
            "private_items": _item_pages(inputs["private_items"], {}),
            "padding": range(0),
        },
    )
    minutes = [d for d in inputs["documents"] if d["type"] == "minutes"]
    minutes_html = render_to_string(
        "packs/minutes.html", {"doc": meta, "documents": minutes, "standalone": False}
    )
    body = (
        front_html.split("<body>")[1].split("</body>")[0]
        + "<div style='break-before: page'></div>"
        + minutes_html.split("<body>")[1].split("</body>")[0]
        + "".join(placeholders)
    )
    style = "<style>.ph { break-before: page; height: 1px }" + "".join(page_rules.values())
    html = f"<html lang='en-GB'><head><title>{meta['title']}</title>{style}</style></head>"
    from weasyprint import HTML

    document = HTML(
        string=html + f"<body>{body}</body></html>",
        base_url=render.base_url,
        url_fetcher=render.fetcher,
    ).render(font_config=render.fonts, stylesheets=[render.css])
    data = document.write_pdf(pdf_variant="pdf/ua-1")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        index = len(pdf.pages) - len(placeholders)
        for _, source in sources:
            for page in source.pages:
                pdf.pages[index].add_underlay(page)
                index += 1
        pdf.save(out)
        count = len(pdf.pages)
    for _, source in sources:
        source.close()
    return count


def _warm_up() -> None:
    """What every measure pays once per process, paid before the clock starts: imports,
    Pango and fontconfig, the templates."""
    import pikepdf  # noqa: F401
    import pypdfium2  # noqa: F401
    from django.template.loader import get_template
    from weasyprint import HTML

    HTML(string="<p>Warm up</p>").write_pdf()
    for name in ("packs/front_sheet.html", "packs/minutes.html", "packs/exempt_cover.html"):
        get_template(name)


def child_measure(workdir: str, slug: str, what: str, repeat: int) -> dict:
    _django(workdir)
    from meetings.models import Meeting
    from reports.packs import build_pack_pdf, pack_inputs

    inputs = pack_inputs(meeting=Meeting.objects.get(slug=slug), kind="public")
    out = Path(workdir) / f"{slug}-{what}.pdf"
    _warm_up()
    result: dict = {}
    if what == "timing":
        # The baseline and the rebuild in turns, in one warm process (as a task worker is),
        # so that both see the same machine; the fastest run of each counts.
        guess = build_pack_pdf(inputs, out).front_sheet_pages
        times: dict[str, list[float]] = {
            "baseline": [],
            "pack": [],
            "baseline_cpu": [],
            "pack_cpu": [],
        }
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            result["baseline_pages"] = measure_baseline(inputs, out)
            times["baseline"].append(time.perf_counter() - started)
            times["baseline_cpu"].append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            built = build_pack_pdf(inputs, out, front_sheet_guess=guess)
            times["pack"].append(time.perf_counter() - started)
            times["pack_cpu"].append(time.process_time() - cpu)
            result["pages"], result["passes"] = built.page_count, built.layout_passes
        result.update({name: min(values) for name, values in times.items()})
    elif what == "baseline":
        result["pages"] = measure_baseline(inputs, out)
    elif what in ("pack", "first-build", "first-unread"):
        first = {"pack": None, "first-build": "read", "first-unread": "unread"}[what]
        result["pages"] = measure_pack(inputs, out, first_build=first)
        result["seconds"], result["passes"] = measure_pack.seconds, measure_pack.passes
        result["cpu"] = measure_pack.cpu
    else:
        started, cpu = time.perf_counter(), time.process_time()
        result["pages"] = measure_placeholders(inputs, out)
        result["seconds"] = time.perf_counter() - started
        result["cpu"] = time.process_time() - cpu
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# ---------------------------------------------------------------------------------------------
# The parent: runs the children and prints the figures
# ---------------------------------------------------------------------------------------------


def _child(workdir: str, *args: str) -> dict:
    env = {
        **os.environ,
        "VAR_DIR": workdir,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "MEDIA_ROOT": f"{workdir}/media",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args, "--workdir", workdir],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench child {args} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="seed,300,1000")
    parser.add_argument("--skip-placeholders", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of baseline and pack; fastest counts"
    )
    parser.add_argument("--child", nargs="*")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    if args.child is not None:
        if args.child[0] == "setup":
            result = child_setup(args.workdir)
        else:
            result = child_measure(args.workdir, args.child[1], args.child[2], args.repeat)
        print(json.dumps(result))
        return

    import platform

    import pikepdf
    import weasyprint

    workdir = tempfile.mkdtemp(prefix="bench-packs-")
    print(
        f"PDF packs benchmark: Python {platform.python_version()}, WeasyPrint "
        f"{weasyprint.__version__}, pikepdf {pikepdf.__version__}, {os.cpu_count()} CPUs"
    )
    print("Setting up (demo data and uploads of mixed sizes)...", flush=True)
    slugs = _child(workdir, "setup")["slugs"]
    header = (
        f"{'pack':<6} {'measure':<13} {'pages':>6} {'seconds':>8} {'pages/s':>8} "
        f"{'peak MB':>8} {'ratio':>6} {'CPU s':>6} {'CPU ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for case in args.cases.split(","):
        slug = slugs[case]
        timing = _child(workdir, "measure", slug, "timing", "--repeat", str(args.repeat))
        rows = [
            ("baseline", timing["baseline_pages"], timing["baseline"], timing["baseline_cpu"],
             _child(workdir, "measure", slug, "baseline")["peak_mb"]),
            ("pack", timing["pages"], timing["pack"], timing["pack_cpu"],
             _child(workdir, "measure", slug, "pack")["peak_mb"]),
        ]  # fmt: skip
        measures = ["first-build", "first-unread"]
        for what in measures + ([] if args.skip_placeholders else ["placeholders"]):
            r = _child(workdir, "measure", slug, what)
            rows.append((what, r["pages"], r["seconds"], r["cpu"], r["peak_mb"]))
        base, base_cpu = timing["baseline"], timing["baseline_cpu"]
        for what, pages, seconds, cpu, peak in rows:
            print(
                f"{case:<6} {what:<13} {pages:>6} {seconds:>8.2f} {pages / seconds:>8.1f} "
                f"{peak:>8.0f} {seconds / base:>6.2f} {cpu:>6.2f} {cpu / base_cpu:>9.2f}",
                flush=True,
            )
    print(f"(work files in {workdir})")


if __name__ == "__main__":
    main()
