"""Writes that touch documents: one function per action, keyword-only, inside a transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from meetings.models import AgendaItem

from .convert import docx_findings
from .document_text import blocks_to_pages, docx_blocks
from .models import Report, ReportPage, report_upload_to
from .pdf import inspect_pdf, run_limited
from .tasks import analyse_upload, read_document_text


def report_create(
    *,
    agenda_item: AgendaItem,
    data: bytes,
    title: str,
    filename: str = "",
    kind: str = Report.Kind.REPORT,
    author: str = "",
    is_exempt: bool = False,
    by=None,
    refuse_duplicate_in=None,
    pending: bool | None = False,
    replaces: Report | None = None,
    word_document: bytes | None = None,
) -> Report:
    """Check an uploaded PDF, store it with its active content taken out (unchanged when it
    has none; ``removed_content`` says what went) and record it with the text of every page.

    A refused file raises ValidationError before anything is written; so does the same file
    uploaded twice to one meeting (recognised by its hash) when ``refuse_duplicate_in`` names
    it. ``pending`` (an upload to a published agenda) keeps it for the clerks until a
    supplementary agenda publishes it, when it takes the place of ``replaces``, if given;
    ``pending=None`` decides under a lock of the meeting, so an upload that crosses the
    agenda's publication is either in it or waits for a supplement, never between the two.
    The file is stored under its hash, so a failure after it is written leaves no record,
    only a file no record names. ``word_document``, the .docx a PDF was converted from, gives
    the document page its headings, lists and tables, and what it held out of sight to the
    check before publication (the Word file itself is not kept).
    """
    facts = inspect_pdf(data)
    data = facts.data  # scripts, attached files and the like taken out; the upload is not kept
    word_pages = _word_structure(word_document, facts.page_texts) if word_document else None
    hidden_in_word = _word_findings(word_document) if word_document else []
    if refuse_duplicate_in is not None:
        same = (
            Report.objects.current()
            .filter(agenda_item__meeting=refuse_duplicate_in, sha256=facts.sha256)
            .select_related("agenda_item__parent")
            .first()
        )
        if same is not None:
            raise ValidationError(
                f"This file is already on this agenda as “{same.title}” (item "
                f"{same.agenda_item.stamp_number}). Nothing was added.",
                code="duplicate",
            )
    position = agenda_item.reports.count()
    with transaction.atomic():
        if pending is None:
            from meetings.models import Meeting

            meeting = Meeting.objects.select_for_update().get(pk=agenda_item.meeting_id)
            pending = meeting.status != Meeting.Status.DRAFT
        report = Report(
            agenda_item=agenda_item,
            position=position,
            title=title,
            author=author,
            kind=kind,
            is_exempt=is_exempt,
            original_filename=filename[:255],
            sha256=facts.sha256,
            size_bytes=facts.size_bytes,
            page_count=facts.page_count,
            has_text_layer=facts.has_text_layer,
            removed_content=list(facts.removed),
            text_structure="word" if word_pages else "",
            word_findings=hidden_in_word,
            uploaded_by=by,
            is_pending=pending,
            replaces=replaces,
        )
        path = report_upload_to(report, filename)
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(data))
        report.file.name = path
        report.full_clean()
        report.save()
        ReportPage.objects.bulk_create(
            ReportPage(report=report, number=n, text=text, blocks=word_pages[n - 1])
            if word_pages
            else ReportPage(report=report, number=n, text=text)
            for n, text in enumerate(facts.page_texts, start=1)
        )
        # Read where text stands near the page edges now, so the first pack build need not.
        transaction.on_commit(lambda: analyse_upload.enqueue(report.pk), robust=True)
        # Headings, lists and tables for the document page (and OCR for a scan), in the worker.
        transaction.on_commit(lambda: read_document_text.enqueue(report.pk), robust=True)
    return report


def report_strip_hidden(*, report: Report, by=None) -> list[str]:
    """Take the metadata (author, title, comments) and the comments and markup out of a paper
    before it is published, in one step; returns what was removed, in words (nothing when
    there was nothing to remove). The file is rewritten in the limited child process and
    stored under its new hash; the paper's pages and text are unchanged, and what went is
    added to what the paper says was removed."""
    import hashlib

    from meetings.audit import audit_record

    from .disclosure import strip_hidden

    with report.file.open("rb") as handle:
        data = handle.read()
    clean, removed = strip_hidden(data)
    if not removed:
        return []
    before = {"sha256": report.sha256, "size_bytes": report.size_bytes}
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.sha256 = hashlib.sha256(clean).hexdigest()
        report.size_bytes = len(clean)
        path = report_upload_to(report, report.original_filename)
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(clean))
        report.file.name = path
        report.removed_content = [*report.removed_content, *removed]
        report.save(update_fields=["sha256", "size_bytes", "file", "removed_content"])
        audit_record(
            user=by, action="report.strip_hidden", obj=report,
            meeting=report.agenda_item.meeting, before=before,
            after={"sha256": report.sha256, "size_bytes": report.size_bytes, "removed": removed},
        )  # fmt: skip
        transaction.on_commit(lambda: analyse_upload.enqueue(report.pk), robust=True)
    return removed


def _word_findings(document: bytes) -> list[str]:
    """What the Word document held out of sight (tracked changes, comments, hidden text,
    embedded spreadsheets), read in the limited child process; stored with the paper for the
    check before publication. One that cannot be read says so."""
    try:
        return run_limited(
            docx_findings,
            document,
            seconds=settings.PDF_READ_SECONDS,
            memory_mb=settings.PDF_READ_MEMORY_MB,
        )
    except ValidationError:
        return ["The Word document could not be checked for tracked changes and hidden text."]


def _word_structure(document: bytes, page_texts: list[str]) -> list[list[dict]] | None:
    """The Word document's headings, lists and tables, given to the pages of the PDF made of
    it; None if it cannot be read (the worker then reads them from the PDF)."""
    try:
        blocks = run_limited(
            docx_blocks,
            document,
            seconds=settings.PDF_READ_SECONDS,
            memory_mb=settings.PDF_READ_MEMORY_MB,
        )
    except ValidationError:
        return None
    return blocks_to_pages(blocks, page_texts) if blocks else None
