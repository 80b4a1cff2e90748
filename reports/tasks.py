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


@task()
def read_document_text(report_id: int) -> str:
    """Read an uploaded paper's headings, lists and tables for its web page and, for a scan,
    its text by OCR, so it can be searched and read. Returns what was done: "structure",
    "recognised", "skipped" (already read, or gone) or "failed" (logged; the page shows what
    it had). Idempotent: a paper read once is not read again."""
    import logging

    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from . import ocr
    from .document_text import pdf_blocks
    from .models import Report, ReportPage
    from .pdf import run_limited

    log = logging.getLogger(__name__)
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return "skipped"
    scan = not report.has_text_layer and not report.text_recognised
    if report.text_structure and not scan:
        return "skipped"
    with report.file.open("rb") as handle:
        data = handle.read()
    texts = None
    try:
        if scan:
            problem = ocr.missing()
            if problem:
                log.warning("Scan %s not read by OCR: %s", report.pk, problem)
                return "failed"
            page_seconds = int(getattr(settings, "OCR_SECONDS_PER_PAGE", 60))
            texts, blocks = run_limited(
                ocr.recognise,
                data,
                page_seconds,
                seconds=ocr.ocr_seconds(report.page_count),
                memory_mb=ocr.ocr_memory_mb(),
            )
            kind = "layout"
        else:
            # About 0.1 s a page on a quiet machine; a long paper gets time in proportion.
            kind, blocks = run_limited(
                pdf_blocks,
                data,
                seconds=max(settings.PDF_READ_SECONDS, report.page_count // 2),
                memory_mb=settings.PDF_READ_MEMORY_MB,
            )
    except ValidationError as exc:
        log.warning("Paper %s: its text could not be read (%s)", report.pk, exc.messages[0])
        return "failed"
    with transaction.atomic():
        pages = list(ReportPage.objects.filter(report_id=report.pk).order_by("number"))
        for page in pages:
            index = page.number - 1
            page.blocks = blocks[index] if index < len(blocks) else []
            if texts is not None and index < len(texts) and not page.text.strip():
                page.text = texts[index]
        ReportPage.objects.bulk_update(pages, ["blocks", "text"], batch_size=200)
        # update() tells what follows the meeting's rows (the search index, the page cache).
        Report.objects.filter(pk=report.pk).update(
            text_structure=kind, text_recognised=texts is not None and any(t.strip() for t in texts)
        )
    return "recognised" if texts is not None else "structure"
