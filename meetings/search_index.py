"""Keeping the passage index in step with the papers, the forward plan and decision records.

``reindex_meetings(ids)`` writes a meeting's passages: it works out every passage a meeting
should have from its rows as they are now (who may read each one included) and makes the index
match, writing only what differs. ``reindex_plan_entries(ids)`` and
``reindex_decision_records(ids)`` do the same for a matter on the forward plan (its matter,
decision maker, description, the reason it is to be taken in private, and its documents for
those ``visibility.plan_entry_shows_documents`` allows) and for a decision record (its title,
decision maker, decision, reasons and the alternatives rejected). Nothing else writes the index.
Running any of them twice changes nothing the second time.

Any save or deletion of a meeting, committee, agenda item, minutes, minute, resolution, report or
report page marks its meeting, and of a plan entry or decision record marks that row; what is
marked is reindexed when the transaction commits (so rows that a function adds with
``bulk_create`` in the same transaction, such as a report's pages, are seen), and before any
search in the same thread (so a search sees what the same request or test has just written).
Deleting a row also deletes its passages by cascade. That covers the admin, the demo loader,
the services (``meetings.services``, ``meetings.plans``) and any future clerk screen that saves
models. A ``QuerySet.update()`` of a meeting's rows, plan entries or records says what it changed
(``meetings.changes``: ``meeting_rows_changed``, ``rows_changed`` for plan entries and decision
records); after raw SQL, call ``reindex_meetings`` (or ``reindex_plan_entries``,
``reindex_decision_records``), or run ``manage.py rebuild_search_index`` (search drops any
passage its model no longer shows).

Who may read a passage is asked of ``meetings.visibility``, never decided here: each source row
is checked with that module's rule for its model for the public, members and clerks (and an
agenda item's text with ``item_text_fields``, a plan entry's documents with
``plan_entry_shows_documents``), and the passage records the range of audiences that may read
it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

from . import visibility
from .changes import meeting_rows_changed, rows_changed
from .formats import long_meeting_datetime
from .models import (
    AgendaItem,
    Committee,
    DecisionRecord,
    Meeting,
    MinuteItem,
    Minutes,
    PlanEntry,
    Resolution,
)
from .models_search import Passage
from .visibility import AUDIENCES

MAX_BODY_CHARS = 20_000  # a tsvector keeps positions up to 16,383: keep passages well inside
HIGHLIGHT_MARKS = ("\ue000", "\ue001")  # search uses these to mark matches; never in the text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\ue003]")  # \ue000-3: search's marks
_PARAGRAPHS = re.compile(r"\n\s*\n")


def clean(text: str) -> str:
    return _CONTROL.sub(" ", text or "").strip()


def _pieces(text: str) -> list[str]:
    """A body cut at whitespace into pieces no longer than MAX_BODY_CHARS."""
    text = clean(text)
    if len(text) <= MAX_BODY_CHARS:
        return [text]
    pieces, start = [], 0
    while start < len(text):
        end = min(start + MAX_BODY_CHARS, len(text))
        if end < len(text):
            cut = text.rfind(" ", start + MAX_BODY_CHARS // 2, end)
            end = cut if cut > start else end
        pieces.append(text[start:end].strip())
        start = end
    return [p for p in pieces if p]


def _ranges(texts: dict[int, tuple[str, str] | None]) -> Iterator[tuple[int, int, str, str]]:
    """(first audience, last audience, title, body) for each run of audiences that read the same
    text; audiences that may not read the source get nothing."""
    run: list = []
    for audience in AUDIENCES:
        text = texts.get(audience)
        if run and text == run[2]:
            run[1] = audience
            continue
        if run:
            yield run[0], run[1], *run[2]
        run = [audience, audience, text] if text is not None else []
    if run:
        yield run[0], run[1], *run[2]


@dataclass
class _Visible:
    """Which source rows of the meetings being indexed each audience may see."""

    meetings: dict[int, set[int]]
    items: dict[int, set[int]]
    minute_items: dict[int, set[int]]
    resolutions: dict[int, set[int]]
    reports: dict[int, set[int]]


def _visible(meeting_ids: list[int]) -> _Visible:
    from reports.models import Report

    def ids(model, rule, **within) -> dict[int, set[int]]:
        rows = model.objects.filter(**within)
        return {a: set(rows.filter(rule(a)).values_list("pk", flat=True)) for a in AUDIENCES}

    return _Visible(
        meetings=ids(Meeting, visibility.meeting_q, pk__in=meeting_ids),
        items=ids(AgendaItem, visibility.item_q, meeting_id__in=meeting_ids),
        minute_items=ids(MinuteItem, visibility.minute_item_q, minutes__meeting_id__in=meeting_ids),
        resolutions=ids(
            Resolution, visibility.resolution_q, minute_item__minutes__meeting_id__in=meeting_ids
        ),
        reports=ids(Report, visibility.report_q, agenda_item__meeting_id__in=meeting_ids),
    )


def _item_text(item: AgendaItem, fields: tuple[str, ...]) -> tuple[str, str]:
    """An agenda item's title and the rest of the text this audience may read. Bullet points go
    with the description: they are the description set out as a list."""
    body = []
    if "description" in fields:  # bullet points are read with it
        body.append(item.description)
        body.extend(str(b) for b in item.bullet_points or [])
    if "presenter" in fields:
        body.append(item.presenter)
    if "public_description" in fields:
        body.append(item.public_description)
    title = item.title if "title" in fields else ""
    return clean(title), clean("\n".join(b for b in body if b))


def _passages(meeting_ids: list[int]) -> Iterator[Passage]:
    from reports.models import Report, ReportPage

    seen = _visible(meeting_ids)
    meetings = {
        m.pk: m for m in Meeting.objects.filter(pk__in=meeting_ids).select_related("committee")
    }

    def base(meeting: Meeting, **kwargs) -> dict:
        return {
            "meeting_id": meeting.pk,
            "committee_id": meeting.committee_id,
            "date": timezone.localtime(meeting.start).date(),
            **kwargs,
        }

    def emit(meeting, texts, kind, pieces=True, **kwargs) -> Iterator[Passage]:
        for low, high, title, body in _ranges(texts):
            for position, piece in enumerate(_pieces(body) if pieces else [body]):
                yield Passage(
                    kind=kind,
                    title=title[:600],
                    body=piece,
                    audience_min=low,
                    audience_max=high,
                    **base(meeting, position=position, **kwargs),
                )

    for meeting in meetings.values():
        when = long_meeting_datetime(meeting.start)
        status = "" if meeting.status == Meeting.Status.PUBLISHED else meeting.get_status_display()
        body = ". ".join(p for p in (when, meeting.venue, status) if p)
        texts = {
            a: (meeting.committee.name, clean(body))
            for a in AUDIENCES
            if meeting.pk in seen.meetings[a]
        }
        yield from emit(meeting, texts, Passage.Kind.MEETING)

    items = AgendaItem.objects.filter(meeting_id__in=meeting_ids).select_related("parent")
    for item in items:
        texts = {
            a: _item_text(item, visibility.item_text_fields(item, a))
            for a in AUDIENCES
            if item.pk in seen.items[a]
        }
        yield from emit(
            meetings[item.meeting_id], texts, Passage.Kind.AGENDA_ITEM,
            agenda_item_id=item.pk, number=item.stamp_number,
        )  # fmt: skip

    minute_items = MinuteItem.objects.filter(minutes__meeting_id__in=meeting_ids).select_related(
        "minutes"
    )
    for minute in minute_items:
        meeting = meetings[minute.minutes.meeting_id]
        paragraphs = [p for p in _PARAGRAPHS.split(clean(minute.narrative)) if p.strip()] or [""]
        readers = [a for a in AUDIENCES if minute.pk in seen.minute_items[a]]
        position = 0
        for paragraph in paragraphs:
            for piece in _pieces(paragraph) or [""]:
                texts = {a: (clean(minute.title), piece) for a in readers}
                for passage in emit(
                    meeting, texts, Passage.Kind.MINUTE, pieces=False,
                    minute_item_id=minute.pk, number=minute.number,
                ):  # fmt: skip
                    passage.position = position
                    yield passage
                position += 1

    resolutions = Resolution.objects.filter(
        minute_item__minutes__meeting_id__in=meeting_ids
    ).select_related("minute_item__minutes")
    for resolution in resolutions:
        minute = resolution.minute_item
        texts = {
            a: (clean(minute.title), clean(resolution.text))
            for a in AUDIENCES
            if resolution.pk in seen.resolutions[a]
        }
        yield from emit(
            meetings[minute.minutes.meeting_id], texts, Passage.Kind.RESOLUTION,
            minute_item_id=minute.pk, resolution_id=resolution.pk, number=minute.number,
            page=resolution.number,
        )  # fmt: skip

    reports = {
        r.pk: r
        for r in Report.objects.filter(agenda_item__meeting_id__in=meeting_ids).select_related(
            "agenda_item"
        )
    }
    with_text: set[int] = set()
    pages = ReportPage.objects.filter(report_id__in=list(reports)).order_by("report_id", "number")
    for page in pages.iterator(chunk_size=500):
        report = reports[page.report_id]
        if not clean(page.text):
            continue
        with_text.add(report.pk)
        texts = {
            a: (clean(report.title), page.text) for a in AUDIENCES if report.pk in seen.reports[a]
        }
        yield from emit(
            meetings[report.agenda_item.meeting_id], texts, Passage.Kind.REPORT_PAGE,
            agenda_item_id=report.agenda_item_id, report_id=report.pk, page=page.number,
        )  # fmt: skip
    for report in reports.values():
        if report.pk in with_text:
            continue
        # A scan without a text layer: its title is still found, on its first page.
        texts = {a: (clean(report.title), "") for a in AUDIENCES if report.pk in seen.reports[a]}
        yield from emit(
            meetings[report.agenda_item.meeting_id], texts, Passage.Kind.REPORT_PAGE,
            agenda_item_id=report.agenda_item_id, report_id=report.pk, page=1,
        )  # fmt: skip


def _readers(model, rule, ids: list[int]) -> dict[int, set[int]]:
    """The rows of ``ids`` each audience may see, by ``rule`` of ``meetings.visibility``."""
    rows = model.objects.filter(pk__in=ids)
    return {a: set(rows.filter(rule(a)).values_list("pk", flat=True)) for a in AUDIENCES}


def _emit(texts, kind, **fields) -> Iterator[Passage]:
    for low, high, title, body in _ranges(texts):
        for position, piece in enumerate(_pieces(body)):
            yield Passage(
                kind=kind, title=title[:600], body=piece, audience_min=low, audience_max=high,
                position=position, **fields,
            )  # fmt: skip


def _plan_entry_text(entry: PlanEntry, audience: int) -> tuple[str, str]:
    """A matter on the forward plan as this audience reads it: who decides, its description,
    why it is to be taken in private (which everyone is told), and the documents to be
    considered only where ``plan_entry_shows_documents`` allows."""
    body = [entry.decision_maker, entry.summary]
    if entry.is_private:
        body.append(entry.private_reason)
    if visibility.plan_entry_shows_documents(entry, audience):
        body.extend(entry.document_list)
    return clean(entry.matter), clean("\n".join(b for b in body if b and b.strip()))


def _plan_entry_passages(ids: list[int]) -> Iterator[Passage]:
    seen = _readers(PlanEntry, visibility.plan_entry_q, ids)
    for entry in PlanEntry.objects.filter(pk__in=ids):
        texts = {a: _plan_entry_text(entry, a) for a in AUDIENCES if entry.pk in seen[a]}
        yield from _emit(
            texts, Passage.Kind.PLAN_ENTRY, plan_entry_id=entry.pk, date=entry.expected_date,
            committee_id=entry.committee_id,
        )  # fmt: skip


def _decision_record_text(record: DecisionRecord) -> tuple[str, str]:
    body = [record.decision_maker, record.decision, record.reasons, record.alternatives_rejected]
    return clean(record.title), clean("\n".join(b for b in body if b and b.strip()))


def _decision_record_passages(ids: list[int]) -> Iterator[Passage]:
    seen = _readers(DecisionRecord, visibility.decision_record_q, ids)
    for record in DecisionRecord.objects.filter(pk__in=ids):
        texts = {a: _decision_record_text(record) for a in AUDIENCES if record.pk in seen[a]}
        yield from _emit(
            texts, Passage.Kind.DECISION_RECORD, decision_record_id=record.pk,
            date=record.decided_on,
        )  # fmt: skip


DIGEST_FIELDS = (
    "kind", "meeting_id", "committee_id", "date", "agenda_item_id", "minute_item_id",
    "resolution_id", "report_id", "page", "position", "number", "title", "body",
    "audience_min", "audience_max",
)  # fmt: skip


# Only for the passages that have them, so a meeting's passages keep the digests they had.
SOURCE_FIELDS = ("plan_entry_id", "decision_record_id")


def _digest(passage: Passage) -> str:
    values = tuple(getattr(passage, f) for f in DIGEST_FIELDS)
    values += tuple((f, getattr(passage, f)) for f in SOURCE_FIELDS if getattr(passage, f))
    values = repr(values)
    return hashlib.sha1(values.encode(), usedforsecurity=False).hexdigest()


@dataclass
class Changes:
    created: int = 0
    deleted: int = 0
    kept: int = 0

    def __iadd__(self, other: Changes) -> Changes:
        self.created += other.created
        self.deleted += other.deleted
        self.kept += other.kept
        return self


def _sync(have, wanted: list[Passage]) -> Changes:
    """Make the passages of ``have`` (a queryset of one kind of source's passages) exactly
    ``wanted``: unchanged ones (by digest) are left alone, the rest deleted or created."""
    for passage in wanted:
        passage.digest = _digest(passage)
    with transaction.atomic():
        by_digest: dict[str, list[int]] = {}
        for pk, digest in have.values_list("pk", "digest"):
            by_digest.setdefault(digest, []).append(pk)
        create = []
        for passage in wanted:
            if by_digest.get(passage.digest):
                by_digest[passage.digest].pop()
            else:
                create.append(passage)
        stale = [pk for pks in by_digest.values() for pk in pks]
        for start in range(0, len(stale), 500):
            Passage.objects.filter(pk__in=stale[start : start + 500]).delete()
        Passage.objects.bulk_create(create, batch_size=500)
    return Changes(created=len(create), deleted=len(stale), kept=len(wanted) - len(create))


def reindex_meetings(meeting_ids: Iterable[int]) -> Changes:
    """Make the index hold exactly the passages these meetings have now. Idempotent; a meeting
    that no longer exists loses its passages."""
    ids = sorted({int(i) for i in meeting_ids})
    if not ids:
        return Changes()
    return _sync(Passage.objects.filter(meeting_id__in=ids), list(_passages(ids)))


def reindex_meeting(meeting: Meeting | int) -> Changes:
    """Reindex one meeting: what every change to its papers comes down to."""
    return reindex_meetings([meeting.pk if isinstance(meeting, Meeting) else meeting])


def reindex_plan_entries(entry_ids: Iterable[int]) -> Changes:
    """Make the index hold exactly the passages these plan entries have now (none for one that
    no longer exists)."""
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        return Changes()
    return _sync(Passage.objects.filter(plan_entry_id__in=ids), list(_plan_entry_passages(ids)))


def reindex_decision_records(record_ids: Iterable[int]) -> Changes:
    """Make the index hold exactly the passages these decision records have now."""
    ids = sorted({int(i) for i in record_ids})
    if not ids:
        return Changes()
    return _sync(
        Passage.objects.filter(decision_record_id__in=ids), list(_decision_record_passages(ids))
    )


# What a passage hangs from, and how its passages are written.
MEETINGS, PLAN_ENTRIES, DECISION_RECORDS = "meetings", "plan_entries", "decision_records"
REINDEX = {
    MEETINGS: reindex_meetings,
    PLAN_ENTRIES: reindex_plan_entries,
    DECISION_RECORDS: reindex_decision_records,
}


def rebuild(*, batch_size: int = 50, progress=None) -> Changes:
    """Reindex every meeting, plan entry and decision record, in batches; passages of rows
    that no longer exist go too."""
    total = Changes()
    ids = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        total += reindex_meetings(ids[start : start + batch_size])
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    for model, reindex in (
        (PlanEntry, reindex_plan_entries),
        (DecisionRecord, reindex_decision_records),
    ):
        rows = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(rows), batch_size * 10):
            total += reindex(rows[start : start + batch_size * 10])
    orphans = Passage.objects.filter(meeting__isnull=False).exclude(
        meeting_id__in=Meeting.objects.values("pk")
    )
    total.deleted += orphans.delete()[0]
    return total


# Keeping in step: signals mark meetings; marked meetings are reindexed on commit or on search.

_state = threading.local()


def _pending() -> dict[str, set[int]]:
    """What this thread has marked and not yet reindexed, by source (empty when nothing)."""
    if not hasattr(_state, "pending"):
        _state.pending = {}
    return _state.pending


@contextlib.contextmanager
def suspended():
    """Saves inside this block mark nothing (for bulk loads that rebuild the index after)."""
    before = getattr(_state, "suspended", False)
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = before


def mark(
    meeting_ids: Iterable[int] = (),
    *,
    plan_entries: Iterable[int] = (),
    decision_records: Iterable[int] = (),
) -> None:
    """Reindex these meetings, plan entries and decision records once the current transaction
    commits (at once outside one)."""
    if getattr(_state, "suspended", False):
        return
    marked = False
    for source, ids in (
        (MEETINGS, meeting_ids), (PLAN_ENTRIES, plan_entries),
        (DECISION_RECORDS, decision_records),
    ):  # fmt: skip
        ids = {i for i in ids if i is not None}
        if ids:
            _pending().setdefault(source, set()).update(ids)
            marked = True
    if marked:
        transaction.on_commit(flush, robust=True)


def flush() -> None:
    """Reindex what has been marked so far in this thread."""
    pending = _pending()
    while pending:
        source = next(iter(pending))
        ids = sorted(pending.pop(source))
        try:
            REINDEX[source](ids)
        except Exception:
            pending.setdefault(source, set()).update(
                ids
            )  # tried again on the next commit or search
            raise


def _meetings_of(sender, instance) -> list[int]:
    from reports.models import Report, ReportPage

    if sender is Meeting:
        return [instance.pk]
    if sender is Committee:
        # Only its meetings' own passages carry the committee's name: reindex on a rename.
        renamed = Passage.objects.filter(committee=instance, kind=Passage.Kind.MEETING).exclude(
            title=clean(instance.name)[:600]
        )
        return list(renamed.values_list("meeting_id", flat=True).distinct())
    if sender in (AgendaItem, Minutes):
        return [instance.meeting_id]
    if sender is MinuteItem:
        return list(
            Minutes.objects.filter(pk=instance.minutes_id).values_list("meeting_id", flat=True)
        )
    if sender is Resolution:
        return list(
            MinuteItem.objects.filter(pk=instance.minute_item_id).values_list(
                "minutes__meeting_id", flat=True
            )
        )
    if sender is Report:
        return list(
            AgendaItem.objects.filter(pk=instance.agenda_item_id).values_list(
                "meeting_id", flat=True
            )
        )
    if sender is ReportPage:
        return list(
            Report.objects.filter(pk=instance.report_id).values_list(
                "agenda_item__meeting_id", flat=True
            )
        )
    return []


def _on_save(sender, instance, raw=False, **kwargs) -> None:
    if raw or getattr(_state, "suspended", False):
        return
    if sender is PlanEntry:
        mark(plan_entries=[instance.pk])
    elif sender is DecisionRecord:
        mark(decision_records=[instance.pk])
    else:
        mark(_meetings_of(sender, instance))


SOURCES = (
    "meetings.Meeting", "meetings.Committee", "meetings.AgendaItem", "meetings.Minutes",
    "meetings.MinuteItem", "meetings.Resolution", "reports.Report", "reports.ReportPage",
)  # fmt: skip
# Not of a meeting: each is its own source of passages.
OTHER_SOURCES = ("meetings.PlanEntry", "meetings.DecisionRecord")
for _label in SOURCES + OTHER_SOURCES:
    post_save.connect(_on_save, sender=_label, dispatch_uid=f"search-index-{_label}", weak=False)
    # Deleting a row deletes its passages by cascade; a page of a report (whose passages hang
    # off the report) and anything else the cascade does not reach is caught here.
    post_delete.connect(
        _on_save, sender=_label, dispatch_uid=f"search-index-delete-{_label}", weak=False
    )


def _on_rows_changed(sender, meeting_ids, **kwargs) -> None:
    """An ``update()`` (or a service's bulk write) changed rows of these meetings; a pack's
    build state, say, is no search source."""
    if getattr(_state, "suspended", False):
        return
    if sender is not None and sender._meta.label not in SOURCES:
        return
    mark(meeting_ids)


meeting_rows_changed.connect(_on_rows_changed, dispatch_uid="search-index-rows", weak=False)


def _on_own_rows_changed(sender, pks, **kwargs) -> None:
    """An ``update()`` changed forward plan entries or decision records."""
    if getattr(_state, "suspended", False):
        return
    if sender is PlanEntry:
        mark(plan_entries=pks)
    elif sender is DecisionRecord:
        mark(decision_records=pks)


rows_changed.connect(_on_own_rows_changed, dispatch_uid="search-index-own-rows", weak=False)


def _fill_an_empty_index(using: str = "default", **kwargs) -> None:
    """After ``migrate``: a database that has meetings but no passages yet (one made before the
    index existed) gets its index built, so search works without a separate step; and one whose
    index has no passages of the forward plan and decision records yet (made before they were
    indexed, migration 0019) gets theirs (every entry and record has one, for clerks at least)."""
    if kwargs.get("app_config") is None or kwargs["app_config"].label != "meetings":
        return
    if using != "default":
        return
    state = kwargs.get("apps")
    if state is not None:  # after migrating back, the table may not be this model's yet
        fields = {f.name for f in state.get_model("meetings", "Passage")._meta.get_fields()}
        if "plan_entry" not in fields:
            return
    if not Passage.objects.exists():
        if (
            Meeting.objects.exists()
            or PlanEntry.objects.exists()
            or DecisionRecord.objects.exists()
        ):
            rebuild()
        return
    if not Passage.objects.filter(meeting__isnull=True).exists():
        reindex_plan_entries(PlanEntry.objects.values_list("pk", flat=True))
        reindex_decision_records(DecisionRecord.objects.values_list("pk", flat=True))


post_migrate.connect(_fill_an_empty_index, dispatch_uid="search-index-fill-empty", weak=False)
