"""Bringing a council's meetings in from its ModernGov web service, live or from saved answers.

``import_moderngov(source)`` reads the committees, the meetings lists and each meeting's
``GetMeeting`` answer, and writes committees, meetings with their status, agenda items with
their numbers, published minutes (sanitised HTML), attendees with their roles and the linked
documents (through ``reports.services.report_create``: checked, hashed, text extracted, indexed
for search). Every record keeps its ModernGov id (``ModernGovId``), which is how a second run
finds what it wrote: it updates what changed and adds nothing twice.

Each meeting is written in one transaction after its answer has been read and its documents
fetched, so a bad answer leaves nothing of that meeting behind; a document that cannot be
fetched, or that is not an acceptable PDF, is left out and reported, and a later run tries it
again. The ``Summary`` says what was added, updated, left unchanged and skipped, and why.

This module is the orchestration; the parts are ``sources`` (a site or a folder of saved
answers), ``records`` (ModernGov ids, committees, people), ``meeting_records`` (one meeting's
records) and ``summary``. The names callers have always imported from here still are.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from meetings.models import Committee

from . import parse
from .meeting_records import (
    APOLOGIES,
    IN_ATTENDANCE,
    PRESENT,
    ROLES,
    STATUSES,
    _numbers,
    _paragraph,
    _write_meeting,
)
from .records import HONORIFICS, Kind, _check_id, _committee, _mapped
from .sources import (
    TIMEOUT_SECONDS,
    USER_AGENT,
    FolderSource,
    SiteSource,
    Unreachable,
    source_for,
)
from .summary import Summary, _message

# The names this module has always offered; they now live in the modules above.
__all__ = [
    "APOLOGIES",
    "HONORIFICS",
    "IN_ATTENDANCE",
    "PRESENT",
    "ROLES",
    "STATUSES",
    "TIMEOUT_SECONDS",
    "USER_AGENT",
    "FolderSource",
    "Kind",
    "SiteSource",
    "Summary",
    "Unreachable",
    "import_meeting",
    "import_moderngov",
    "source_for",
]


# One meeting: read and fetched first, then written whole or not at all.


def _fetch_documents(source, answer: parse.Meeting, summary: Summary, label: str):
    """The documents to bring in, fetched before anything is written: {attachment id: bytes}."""
    from reports.models import Report

    fetched: dict[int, bytes] = {}
    for item in answer.items:
        for doc in item.documents:
            what = f"document {doc.id} ('{doc.title}') of {label}"
            _check_id(doc.id, "document")
            if item.is_restricted or doc.is_restricted:
                summary.skip(what, "restricted in ModernGov: its papers are not published")
                continue
            if doc.is_url:
                summary.skip(what, "a link to a web page, not a document")
                continue
            existing, _ = _mapped(Kind.DOCUMENT, doc.id, Report)
            if existing is not None:
                continue  # already imported: never fetched again (its title may be updated)
            try:
                fetched[doc.id] = source.document(doc)
            except Unreachable as exc:
                summary.skip(what, f"could not be fetched: {exc}")
    return fetched


def import_meeting(
    source, meeting_summary: parse.MeetingSummary, committee: Committee, summary: Summary
) -> None:
    label = f"meeting {meeting_summary.id} ({meeting_summary.date:%d/%m/%Y})"
    try:
        answer = parse.meeting(source.meeting(meeting_summary.id))
        if answer.id != meeting_summary.id:
            raise parse.BadAnswer(f"asked for meeting {meeting_summary.id}, got {answer.id}")
        _check_id(answer.id, "meeting")
        for item in answer.items:
            _check_id(item.id, "agenda item")
        numbered = _numbers(answer.items)
        paragraphs = {item.id: _paragraph(item) for item in answer.items if item.is_restricted}
    except Unreachable as exc:
        summary.skip(label, f"no answer: {exc}")
        return
    except parse.BadAnswer as exc:
        summary.skip(label, f"bad answer: {exc}")
        return
    documents = _fetch_documents(source, answer, summary, label)
    try:
        with transaction.atomic():
            _write_meeting(
                source, answer, committee, numbered, paragraphs, documents, summary, label
            )
    except (parse.BadAnswer, ValidationError, DatabaseError) as exc:
        summary.skip(label, f"not imported, nothing of it written: {_message(exc)}")


# The whole import.


def import_moderngov(source, *, summary: Summary | None = None) -> Summary:
    summary = summary or Summary()
    summary.source = source.label
    for name, why in getattr(source, "unreadable", []):
        summary.skip(f"file {name}", f"bad answer: {why}")
    committees: dict[int, Committee] = {}
    try:
        data = source.committees()
        found = parse.committees(data) if data is not None else []
        if data is None:
            summary.notes.append("no GetCommittees answer: committees come from the meetings lists")
    except (Unreachable, parse.BadAnswer) as exc:
        summary.skip("GetCommittees", str(exc))
        found = []
    for committee in found:
        if committee.deleted:
            summary.skip(f"committee {committee.id} '{committee.title}'", "deleted in ModernGov")
            continue
        try:
            with transaction.atomic():
                committees[committee.id] = _committee(
                    committee.id,
                    committee.title,
                    summary,
                    source=source.label,
                    expired=committee.expired,
                )
        except (parse.BadAnswer, ValidationError, DatabaseError) as exc:
            summary.skip(f"committee {committee.id} '{committee.title}'", _message(exc))

    meetings: dict[int, parse.MeetingSummary] = {}
    try:
        lists = source.meeting_lists()
    except Unreachable as exc:
        summary.skip("GetMeetings", str(exc))
        lists = []
    for name, data in lists:
        try:
            for found_meeting in parse.meetings(data):
                meetings.setdefault(found_meeting.id, found_meeting)
        except parse.BadAnswer as exc:
            summary.skip(f"meetings list {name}", f"bad answer: {exc}")
    deleted = {c.id for c in found if c.deleted}
    for found_meeting in sorted(meetings.values(), key=lambda m: (m.date, m.id)):
        if found_meeting.committee_id in deleted:
            continue
        committee = committees.get(found_meeting.committee_id)
        if committee is None:
            try:
                with transaction.atomic():
                    committee = _committee(
                        found_meeting.committee_id,
                        found_meeting.committee_title or f"Committee {found_meeting.committee_id}",
                        summary,
                        source=source.label,
                    )
            except (parse.BadAnswer, ValidationError, DatabaseError) as exc:
                summary.skip(f"meeting {found_meeting.id}", f"its committee: {_message(exc)}")
                continue
            committees[found_meeting.committee_id] = committee
        import_meeting(source, found_meeting, committee, summary)
    return summary
