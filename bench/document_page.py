"""Time the document page of a 2,000-page paper: the first, a middle and the last screen of its
text (20 PDF pages a screen), rendered by the view itself (no page cache), and print the
milliseconds, the queries and the size of the HTML.

    .venv/bin/python bench/document_page.py [--pages 2000] [--repeat 20]

Runs on its own throwaway SQLite database (migrated and loaded with the demo data), so it touches
nothing of yours. The paper's rows are written directly (each page with a heading, paragraphs, a
list and a table, as the worker stores them); its file is never read by the page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-document-")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "MEDIA_ROOT": f"{folder}/media",
        "DEBUG": "1",
    }
    os.environ.update(env)
    for command in (["migrate", "--no-input"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardpapers.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from meetings import search_index
    from meetings.views import document_detail
    from reports.models import Report, ReportPage

    template = Report.objects.filter(is_exempt=False).first()
    with search_index.suspended():
        report = Report.objects.create(
            agenda_item=template.agenda_item, title="A very long paper", file=template.file.name,
            sha256=template.sha256, size_bytes=template.size_bytes, page_count=args.pages,
            text_structure="layout",
        )  # fmt: skip
        body = "The board is asked to note the progress made in the year. " * 8
        ReportPage.objects.bulk_create(
            (
                ReportPage(
                    report=report,
                    number=n,
                    text=f"Section {n}\n{body}\n{body}",
                    blocks=[
                        {"kind": "heading", "level": 1, "text": f"Section {n}"},
                        {"kind": "paragraph", "text": body},
                        {"kind": "list", "ordered": False, "items": ["One", "Two", "Three"]},
                        {
                            "kind": "table",
                            "rows": [
                                [
                                    {"text": "Scheme", "header": True},
                                    {"text": "Cost", "header": True},
                                ],
                                [
                                    {"text": "Falls", "header": False},
                                    {"text": "£1", "header": False},
                                ],
                            ],
                        },
                        {"kind": "paragraph", "text": body},
                    ],
                )
                for n in range(1, args.pages + 1)
            ),
            batch_size=500,
        )

    factory = RequestFactory()
    last = (args.pages - 1) // 20 + 1
    print(f"Document page of a {args.pages}-page paper ({last} screens), {args.repeat} runs each")
    for screen in (1, last // 2 or 1, last):
        timings = []
        for _ in range(args.repeat):
            request = factory.get(f"/documents/{report.pk}/", {"page": screen})
            request.user = AnonymousUser()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = document_detail(request, report.pk)
                timings.append((time.perf_counter() - started) * 1000)
        print(
            f"screen {screen:>4}: median {statistics.median(timings):6.1f} ms, "
            f"max {max(timings):6.1f} ms, {len(queries)} queries, "
            f"{len(response.content) / 1024:.0f} KiB of HTML"
        )


if __name__ == "__main__":
    main()
