"""Background work for documents and packs (``django.tasks``; django-tasks-db's worker runs it).

A task is idempotent and keyed by content: building a pack that is already built, or whose
attempt has been superseded, does nothing; analysing a file already analysed reads one row.
"""

from __future__ import annotations

from django.tasks import task


@task()
def build_pack(pack_id: int, attempt: int) -> str:
    """Build one queued pack. Returns "ready", "skipped" or "superseded"."""
    from .packs import pack_build

    return pack_build(pack_id=pack_id, attempt=attempt)


@task()
def analyse_upload(report_id: int) -> int:
    """Read where the text of an uploaded file stands near its pages' edges, so its first pack
    build need not. Returns the number of pages read (0 if the report is gone)."""
    from .models import Report
    from .packs.assembly import upload_layouts_limited

    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    # Read in the limited child process, like every reading of an upload.
    doc = {"sha256": report.sha256, "file": report.file.name, "title": report.title}
    return len(upload_layouts_limited([doc])[report.sha256])
