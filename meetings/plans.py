"""The forward plan, its notices and decision records: the statutory clocks and every write.

The clocks, as we read the Local Authorities (Executive Arrangements) (Meetings and Access to
Information) (England) Regulations 2012:

- Regulation 9 requires a key decision to be published "at least 28 clear days before" it is
  made. *Clear days* leave out both the day the notice is published and the day of the
  decision; they are calendar days (the regulations say "clear days", not "working days", where
  elsewhere they say "working days"): Saturdays, Sundays and bank holidays count. Published on
  Monday 5 January 2026, a key decision can be taken on Tuesday 3 February 2026 at the
  earliest: the 28 days from 6 January to 2 February are clear (``earliest_decision_date``).
- Regulation 10 (general exception): with fewer than 28, the decision may be taken once the
  chair of the scrutiny committee has been informed in writing and a notice has been published
  for "at least 5 clear days", calendar days on the same reading.
- Regulation 11 (special urgency): sooner than that, only with the agreement of the chair that
  the decision is urgent and cannot reasonably be deferred, published as soon as practicable.
- Call-in: a decision subject to call-in takes effect on the ``CALL_IN_WORKING_DAYS``-th
  working day after the day its record is published (that day not counted), working days
  leaving out weekends and bank holidays in England and Wales, as the agenda's five clear
  working days do (``meetings.publishing.is_working_day``).

Every write is a plain function with keyword-only arguments in one transaction, leaving an
audit entry (``meetings.audit``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import alerts
from .audit import audit_record, snapshot
from .formats import long_date
from .models import (
    AgendaItem,
    CallInState,
    DecisionRecord,
    Meeting,
    Notice,
    Part,
    PlanEntry,
    PlanEntryVersion,
)
from .publishing import is_working_day

KEY_DECISION_CLEAR_DAYS = 28
GENERAL_EXCEPTION_CLEAR_DAYS = 5
DEFAULT_CALL_IN_WORKING_DAYS = 5

PLAN_FIELDS = (
    "matter",
    "summary",
    "decision_maker_kind",
    "decision_maker",
    "expected_date",
    "is_key_decision",
    "part",
    "exemption_paragraph",
    "private_reason",
    "documents",
    "contact",
)
VERSION_FIELDS = (
    "matter",
    "decision_maker",
    "expected_date",
    "is_key_decision",
    "part",
    "exemption_paragraph",
    "private_reason",
)
RECORD_FIELDS = (
    "title",
    "decision_maker_kind",
    "decision_maker",
    "decided_on",
    "is_key_decision",
    "decision",
    "reasons",
    "alternatives_rejected",
    "conflicts_of_interest",
    "dispensations",
    "call_in_applies",
)


# ---------------------------------------------------------------------------------------------
# The clocks
# ---------------------------------------------------------------------------------------------


def clear_days(published: dt.date, decision: dt.date) -> int:
    """Calendar days strictly between the day of publication and the day of decision."""
    return max((decision - published).days - 1, 0)


def earliest_decision_date(published: dt.date, clear: int = KEY_DECISION_CLEAR_DAYS) -> dt.date:
    """The first day a decision may be taken after ``clear`` clear days from ``published``."""
    return published + dt.timedelta(days=clear + 1)


def latest_notice_date(decision: dt.date, clear: int = KEY_DECISION_CLEAR_DAYS) -> dt.date:
    """The last day a notice may be published to give ``clear`` clear days before ``decision``."""
    return decision - dt.timedelta(days=clear + 1)


def call_in_working_days() -> int:
    return int(getattr(settings, "CALL_IN_WORKING_DAYS", DEFAULT_CALL_IN_WORKING_DAYS))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        counted += is_working_day(day)
    return day


def takes_effect_on(published: dt.date) -> dt.date:
    return add_working_days(published, call_in_working_days())


def municipal_year_of(day: dt.date) -> int:
    """The municipal year runs from 1 May (the annual meeting's month) to 30 April; a year is
    named by the calendar year it starts in."""
    return day.year if day.month >= 5 else day.year - 1


def municipal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 5, 1), dt.date(year + 1, 4, 30)


# ---------------------------------------------------------------------------------------------
# What a key decision's notice is
# ---------------------------------------------------------------------------------------------

NOTICE_FULL = "28 clear days"
NOTICE_GENERAL_EXCEPTION = "general exception"
NOTICE_SPECIAL_URGENCY = "special urgency"
NOTICE_SHORT = "short"
NOTICE_NOT_KEY = "not a key decision"
NOTICE_NOT_PUBLISHED = "not published"


def notice_status(entry: PlanEntry) -> str:
    """How the decision was noticed: 28 clear days' notice on the plan; or a published general
    exception notice with 5 clear days before the decision; or a published special urgency
    notice; otherwise short (the decision cannot yet lawfully be taken on that date)."""
    if not entry.is_key_decision:
        return NOTICE_NOT_KEY
    if entry.first_published_on is None:
        return NOTICE_NOT_PUBLISHED
    if clear_days(entry.first_published_on, entry.expected_date) >= KEY_DECISION_CLEAR_DAYS:
        return NOTICE_FULL
    notices = [n for n in entry.notices.all() if n.published_at is not None]
    for notice in notices:
        if notice.kind == Notice.Kind.SPECIAL_URGENCY:
            return NOTICE_SPECIAL_URGENCY
    for notice in notices:
        published = timezone.localtime(notice.published_at).date()
        if clear_days(published, entry.expected_date) >= GENERAL_EXCEPTION_CLEAR_DAYS:
            return NOTICE_GENERAL_EXCEPTION
    return NOTICE_SHORT


def notice_needed(*, published: dt.date, decision: dt.date) -> str:
    """Which notice a key decision on ``decision`` needs if it is first published on
    ``published``: none (28 clear days), a general exception notice (at least 5 clear days
    remain), or special urgency."""
    days = clear_days(published, decision)
    if days >= KEY_DECISION_CLEAR_DAYS:
        return NOTICE_FULL
    if days >= GENERAL_EXCEPTION_CLEAR_DAYS:
        return NOTICE_GENERAL_EXCEPTION
    return NOTICE_SPECIAL_URGENCY


# ---------------------------------------------------------------------------------------------
# Plan entries
# ---------------------------------------------------------------------------------------------


def _check_part(fields: dict) -> None:
    if fields.get("part") == Part.PRIVATE:
        errors = {}
        if not fields.get("exemption_paragraph"):
            errors["exemption_paragraph"] = "Choose the Schedule 12A paragraph."
        if not (fields.get("private_reason") or "").strip():
            errors["private_reason"] = "Say why the decision will be taken in private."
        if errors:
            raise ValidationError(errors)
    else:
        fields["exemption_paragraph"] = None


def _entry_snapshot(entry: PlanEntry) -> dict:
    data = snapshot(entry, PLAN_FIELDS)
    data["expected_date"] = entry.expected_date.isoformat()
    data["wards"] = sorted(entry.wards.values_list("name", flat=True)) if entry.pk else []
    data["agenda_item"] = entry.agenda_item_id
    return data


def _save_version(entry: PlanEntry, *, note: str, at) -> PlanEntryVersion:
    return PlanEntryVersion.objects.create(
        entry=entry, published_at=at, note=note, **snapshot(entry, VERSION_FIELDS)
    )


@transaction.atomic
def plan_entry_create(*, by, wards=(), **fields) -> PlanEntry:
    """A new draft entry, seen only by clerks until published."""
    _check_part(fields)
    entry = PlanEntry(**fields)
    entry.full_clean(exclude=["wards"])
    entry.save()
    entry.wards.set(wards)
    audit_record(user=by, action="plan_entry_create", obj=entry, after=_entry_snapshot(entry))
    return entry


@transaction.atomic
def plan_entry_update(*, entry: PlanEntry, by, wards=None, note: str = "", **fields) -> PlanEntry:
    """Change an entry. A published entry keeps its history: the change is published at once
    as a new version, with ``note`` saying what changed."""
    entry = PlanEntry.objects.select_for_update().get(pk=entry.pk)
    before = _entry_snapshot(entry)
    merged = {**snapshot(entry, PLAN_FIELDS), **fields}
    _check_part(merged)
    for name, value in merged.items():
        setattr(entry, name, value)
    entry.full_clean(exclude=["wards"])
    entry.save()
    if wards is not None:
        entry.wards.set(wards)
    after = _entry_snapshot(entry)
    if entry.published_at is not None and before != after:
        now = timezone.now()
        entry.published_at = now
        entry.save(update_fields=["published_at"])
        _save_version(entry, note=note or "Changed", at=now)
        alerts.plan_entry_event(entry=entry, what="changed")  # e-mail alerts to its followers
    audit_record(user=by, action="plan_entry_update", obj=entry, before=before, after=after)
    return entry


@transaction.atomic
def plan_entry_publish(*, entry: PlanEntry, by) -> PlanEntry:
    """Publish a draft entry: its first publication is the notice of the decision."""
    entry = PlanEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.published_at is not None:
        raise ValidationError("This entry is already published.")
    now = timezone.now()
    entry.published_at = now
    entry.first_published_on = timezone.localdate(now)
    entry.save(update_fields=["published_at", "first_published_on"])
    _save_version(entry, note="First published", at=now)
    audit_record(
        user=by, action="plan_entry_publish", obj=entry, after={"published_at": now.isoformat()}
    )
    return entry


@transaction.atomic
def plan_entry_link_item(*, entry: PlanEntry, item: AgendaItem | None, by) -> PlanEntry:
    """Say at which agenda item the decision is taken (or undo it)."""
    before = {"agenda_item": entry.agenda_item_id}
    entry.agenda_item = item
    entry.save(update_fields=["agenda_item"])
    audit_record(
        user=by,
        action="plan_entry_link_item",
        obj=entry,
        meeting=item.meeting if item else None,
        before=before,
        after={"agenda_item": entry.agenda_item_id},
    )
    return entry


# ---------------------------------------------------------------------------------------------
# Notices
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def notice_create(
    *,
    entry: PlanEntry,
    kind: str,
    reasons: str,
    scrutiny_chair: str,
    chair_at: dt.datetime,
    by,
) -> Notice:
    """A draft notice: for a general exception, who was informed and when; for special
    urgency, who agreed and when."""
    if not entry.is_key_decision:
        raise ValidationError("Only a key decision needs a general exception or urgency notice.")
    notice = Notice(entry=entry, kind=kind, reasons=reasons, scrutiny_chair=scrutiny_chair)
    if kind == Notice.Kind.GENERAL_EXCEPTION:
        notice.chair_informed_at = chair_at
    else:
        notice.chair_agreed_at = chair_at
    notice.full_clean()
    notice.save()
    audit_record(
        user=by,
        action="notice_create",
        obj=notice,
        after={"kind": kind, "entry": entry.pk, "scrutiny_chair": scrutiny_chair},
    )
    return notice


@transaction.atomic
def notice_publish(*, notice: Notice, by, today: dt.date | None = None) -> Notice:
    """Publish a notice. A general exception notice must leave 5 clear days before the
    decision; with fewer, special urgency is the only way, and the clerk is told so."""
    notice = Notice.objects.select_for_update().select_related("entry").get(pk=notice.pk)
    if notice.published_at is not None:
        raise ValidationError("This notice is already published.")
    if notice.entry.published_at is None:
        raise ValidationError("Publish the plan entry first: the notice refers to it.")
    today = today or timezone.localdate()
    decision = notice.entry.expected_date
    too_late = clear_days(today, decision) < GENERAL_EXCEPTION_CLEAR_DAYS
    if notice.kind == Notice.Kind.GENERAL_EXCEPTION and too_late:
        raise ValidationError(
            f"Published today, a general exception notice leaves fewer than "
            f"{GENERAL_EXCEPTION_CLEAR_DAYS} clear days before {long_date(decision)}: the "
            f"earliest date it allows is "
            f"{long_date(earliest_decision_date(today, GENERAL_EXCEPTION_CLEAR_DAYS))}. "
            f"Move the decision date or use a special urgency notice."
        )
    now = timezone.now()
    notice.published_at = now
    notice.save(update_fields=["published_at"])
    audit_record(
        user=by, action="notice_publish", obj=notice, after={"published_at": now.isoformat()}
    )
    return notice


# ---------------------------------------------------------------------------------------------
# Decision records and call-in
# ---------------------------------------------------------------------------------------------


def _record_snapshot(record: DecisionRecord) -> dict:
    data = snapshot(record, RECORD_FIELDS)
    data["decided_on"] = record.decided_on.isoformat()
    data["plan_entry"] = record.plan_entry_id
    return data


@transaction.atomic
def decision_record_create(*, by, wards=(), **fields) -> DecisionRecord:
    record = DecisionRecord(**fields)
    record.full_clean(exclude=["wards"])
    record.save()
    record.wards.set(wards)
    audit_record(
        user=by, action="decision_record_create", obj=record, after=_record_snapshot(record)
    )
    return record


@transaction.atomic
def decision_record_update(*, record: DecisionRecord, by, wards=None, **fields) -> DecisionRecord:
    """Change a draft record; a published one is the public record and stays as published."""
    record = DecisionRecord.objects.select_for_update().get(pk=record.pk)
    if record.published_at is not None:
        raise ValidationError("A published decision record cannot be changed.")
    before = _record_snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean(exclude=["wards"])
    record.save()
    if wards is not None:
        record.wards.set(wards)
    audit_record(
        user=by,
        action="decision_record_update",
        obj=record,
        before=before,
        after=_record_snapshot(record),
    )
    return record


@transaction.atomic
def decision_record_publish(*, record: DecisionRecord, by) -> DecisionRecord:
    """Publish the record; where call-in applies, the call-in period starts now and the day it
    takes effect is fixed (``takes_effect_on``)."""
    record = DecisionRecord.objects.select_for_update().get(pk=record.pk)
    if record.published_at is not None:
        raise ValidationError("This decision record is already published.")
    now = timezone.now()
    record.published_at = now
    record.takes_effect_on = (
        takes_effect_on(timezone.localdate(now)) if record.call_in_applies else None
    )
    record.save(update_fields=["published_at", "takes_effect_on"])
    if record.plan_entry_id:  # e-mail alerts to the plan entry's followers
        alerts.plan_entry_event(entry=record.plan_entry, what="decision")
    audit_record(
        user=by,
        action="decision_record_publish",
        obj=record,
        after={
            "published_at": now.isoformat(),
            "takes_effect_on": record.takes_effect_on.isoformat()
            if record.takes_effect_on
            else None,
        },
    )
    return record


@transaction.atomic
def decision_record_call_in(
    *,
    record: DecisionRecord,
    by,
    called_in_by: str,
    meeting: Meeting,
    called_in_on: dt.date | None = None,
) -> DecisionRecord:
    """Record that the decision was called in, and the scrutiny meeting that will consider it.
    Only a decision still subject to call-in can be called in."""
    record = DecisionRecord.objects.select_for_update().get(pk=record.pk)
    called_in_on = called_in_on or timezone.localdate()
    if record.state_on(called_in_on) != CallInState.SUBJECT_TO_CALL_IN:
        if record.takes_effect_on and called_in_on >= record.takes_effect_on:
            raise ValidationError(
                f"The call-in period ended: the decision took effect on "
                f"{long_date(record.takes_effect_on)}."
            )
        raise ValidationError(
            f"This decision is {record.state_label.lower()}, not subject to call-in."
        )
    if not called_in_by.strip():
        raise ValidationError({"called_in_by": "Say who called the decision in."})
    if called_in_on < timezone.localdate(record.published_at):
        raise ValidationError(
            {"called_in_on": "A decision cannot be called in before its record was published."}
        )
    before = {"state": record.state_on(called_in_on)}
    record.called_in_on = called_in_on
    record.called_in_by = called_in_by.strip()
    record.call_in_meeting = meeting
    record.save(update_fields=["called_in_on", "called_in_by", "call_in_meeting"])
    audit_record(
        user=by,
        action="decision_record_call_in",
        obj=record,
        meeting=meeting,
        before=before,
        after={
            "state": CallInState.CALLED_IN,
            "called_in_by": record.called_in_by,
            "meeting": meeting.pk,
        },
    )
    return record


@transaction.atomic
def decision_record_effective(
    *, record: DecisionRecord, by, outcome: str, effective_on: dt.date | None = None
) -> DecisionRecord:
    """After scrutiny has considered a called-in decision: what it concluded, and the day the
    decision took effect."""
    record = DecisionRecord.objects.select_for_update().get(pk=record.pk)
    if record.state != CallInState.CALLED_IN:
        raise ValidationError("Only a called-in decision waits for scrutiny's outcome.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Say what the scrutiny meeting concluded."})
    effective_on = effective_on or timezone.localdate()
    if effective_on < record.called_in_on:
        raise ValidationError(
            {"effective_on": "The decision cannot take effect before it was called in."}
        )
    record.call_in_outcome = outcome.strip()
    record.effective_recorded_on = effective_on
    record.save(update_fields=["call_in_outcome", "effective_recorded_on"])
    audit_record(
        user=by,
        action="decision_record_effective",
        obj=record,
        meeting=record.call_in_meeting,
        before={"state": CallInState.CALLED_IN},
        after={"state": CallInState.EFFECTIVE, "effective_on": effective_on.isoformat()},
    )
    return record
