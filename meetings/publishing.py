"""Publishing an agenda, its supplements and its withdrawals: each one atomic step.

``meeting_publish`` makes a draft meeting public, publishes the first version of its packs and
summons the committee's members; ``supplement_publish`` publishes what was added after that as
"Supplementary agenda N" with its own pack and a new version of the full packs; and
``report_withdraw`` takes a paper published in error out of every page, pack version, search
result and feed. Nothing becomes visible unless the whole step succeeds; the e-mails go once
the step is committed, and each one is recorded (``Summons``).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from reports import packs
from reports.models import Report
from reports.packs import KINDS, VERSIONED_KINDS, pack_url, published_versions

from . import alerts, visibility
from .audit import audit_record
from .formats import long_date, long_meeting_datetime
from .models import AgendaItem, Meeting, Membership, Summons, Supplement

logger = logging.getLogger(__name__)

NOTICE_WORKING_DAYS = 5


class ShortNotice(ValidationError):
    """Fewer than five clear working days remain: the clerk must confirm."""


@functools.cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def clear_working_days(published: dt.date, meeting_day: dt.date) -> int:
    """Working days strictly between publication and the meeting: neither the day the agenda
    is published nor the day of the meeting counts, nor weekends and bank holidays (England)."""
    count = 0
    day = published + dt.timedelta(days=1)
    while day < meeting_day:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def dispatch_by(meeting_day: dt.date) -> dt.date:
    """The last working day on which the agenda can go out with five clear working days
    before the meeting (``clear_working_days``): for Monday 22 September 2014, Friday 12
    September."""
    day, counted = meeting_day, 0
    while counted < NOTICE_WORKING_DAYS:
        day -= dt.timedelta(days=1)
        counted += is_working_day(day)
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def notice_warning(meeting: Meeting, *, today: dt.date | None = None) -> str:
    """What the clerk must confirm before publishing at short notice, or ""."""
    today = today or timezone.localdate()
    meeting_day = timezone.localtime(meeting.start).date()
    days = clear_working_days(today, meeting_day)
    if days >= NOTICE_WORKING_DAYS:
        return ""
    if meeting_day < today:
        return "This meeting has already taken place. Publish its agenda only for the record."
    return (
        f"Only {days} clear working day{'s' if days != 1 else ''} remain before the meeting on "
        f"{long_date(meeting_day)}; the law asks for {NOTICE_WORKING_DAYS}. Publish now only if "
        "the chair has agreed that the item is urgent, and say why on the agenda."
    )


# ---------------------------------------------------------------------------------------------
# Summons: recorded with the step, sent once it is committed
# ---------------------------------------------------------------------------------------------


def _day(meeting: Meeting) -> str:
    return long_date(timezone.localtime(meeting.start).date())


def _members(meeting: Meeting) -> list:
    on = timezone.localtime(meeting.start).date()
    people = {}
    for m in Membership.objects.filter(committee=meeting.committee).select_related("person"):
        if m.is_current(on) and m.person.email:
            people[m.person.email.lower()] = m.person
    return sorted(people.values(), key=lambda p: (p.surname.lower(), p.forenames.lower()))


def _pack_links(meeting: Meeting, base_url: str) -> list[str]:

    lines = []
    for kind in VERSIONED_KINDS:
        if published_versions(meeting, kind).exists():
            lines.append(f"{KINDS[kind].label}: {base_url}{pack_url(meeting, kind)}")
    return lines


def _summon(*, meeting: Meeting, kind: str, subject: str, intro: str, base_url: str) -> int:
    page = base_url + meeting.get_absolute_url()
    links = "\n".join(_pack_links(meeting, base_url))
    rows = []
    for person in _members(meeting):
        body = (
            f"Dear {person.display_name},\n\n{intro}\n\n"
            f"{meeting.committee.name}\n{long_meeting_datetime(meeting.start)}\n"
            f"{meeting.venue}\n\nThe agenda: {page}\n{links}\n\n"
            "The members' pack, with the exempt papers, needs you to be signed in.\n"
        )
        rows.append(
            Summons(
                meeting=meeting,
                person=person,
                email=person.email,
                kind=kind,
                subject=subject,
                body=body,
            )
        )
    created = Summons.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk] or list(
        Summons.objects.filter(meeting=meeting, kind=kind, sent_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    # Queued with the step itself (django-tasks-db's queue is a table, so the task exists only if
    # the step commits): a slow mail server holds up the worker, not the clerk.
    from .tasks import send_summonses

    send_summonses.enqueue(ids)
    return len(rows)


def summons_send(*, ids: list[int]) -> int:
    """Send recorded summonses that have not gone yet; a failure is recorded, not raised.
    Returns how many went."""
    sent = 0
    for summons in Summons.objects.filter(pk__in=ids, sent_at__isnull=True):
        try:
            send_mail(
                summons.subject,
                summons.body,
                settings.DEFAULT_FROM_EMAIL,
                [summons.email],
                fail_silently=False,
            )
        except Exception as exc:  # a mail server's refusal must not undo the publication
            logger.exception("Sending %s failed", summons)
            Summons.objects.filter(pk=summons.pk).update(error=f"{type(exc).__name__}: {exc}")
        else:
            Summons.objects.filter(pk=summons.pk).update(sent_at=timezone.now(), error="")
            sent += 1
    return sent


def summons_resend(*, meeting: Meeting, by) -> int:
    """Queue again every summons of this meeting that has not gone (a mail server that refused
    or was down); returns how many."""
    from .tasks import send_summonses

    ids = list(
        Summons.objects.filter(meeting=meeting, sent_at__isnull=True).values_list("pk", flat=True)
    )
    if ids:
        with transaction.atomic():
            send_summonses.enqueue(ids)
            audit_record(
                user=by, action="summons.resend", obj=meeting, meeting=meeting,
                after={"summonses": len(ids)},
            )  # fmt: skip
    return len(ids)


# ---------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------


def _publish_pack_versions(meeting: Meeting) -> list:

    material = packs.collect_material(meeting)
    published = []
    for kind in packs.VERSIONED_KINDS:
        try:
            inputs = packs.kind_inputs(material, kind)
        except packs.PackNotAvailable:
            continue
        published.append(packs.pack_publish_version(meeting=meeting, kind=kind, inputs=inputs))
    return published


def meeting_publish(
    *,
    meeting: Meeting,
    by,
    base_url: str,
    confirm_short_notice: bool = False,
    today: dt.date | None = None,
) -> Meeting:
    """Make a draft meeting public in one step: its status, the first version of its packs
    (queued, frozen once built), and the summons to every member, recorded and then sent.
    Raises ShortNotice, changing nothing, when fewer than five clear working days remain and
    the clerk has not confirmed."""
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError("This meeting is already published.")
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        raise ValidationError("This meeting has no agenda yet: add its items, then publish.")
    warning = notice_warning(meeting, today=today)
    if warning and not confirm_short_notice:
        raise ShortNotice(warning, code="short_notice")

    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != Meeting.Status.DRAFT:
            raise ValidationError("This meeting is already published.")
        now = timezone.now()
        meeting.status = Meeting.Status.PUBLISHED
        meeting.published_at = now
        if meeting.dispatch_date is None:
            meeting.dispatch_date = timezone.localdate(now)
        meeting.save(update_fields=["status", "published_at", "dispatch_date"])
        AgendaItem.objects.filter(meeting=meeting, is_pending=True).update(is_pending=False)
        Report.objects.filter(agenda_item__meeting=meeting, is_pending=True).update(
            is_pending=False
        )
        versions = _publish_pack_versions(meeting)
        sent = _summon(
            meeting=meeting,
            kind=Summons.Kind.SUMMONS,
            subject=f"Summons: {meeting.committee.name}, {_day(meeting)}",
            intro=f"You are summoned to attend the meeting of the {meeting.committee.name}.",
            base_url=base_url,
        )
        audit_record(
            user=by, action="meeting.publish", obj=meeting, meeting=meeting,
            before={"status": Meeting.Status.DRAFT},
            after={"status": meeting.status, "packs": [p.pk for p in versions],
                   "summonses": sent, "short_notice": bool(warning)},
        )  # fmt: skip
        alerts.meeting_event(meeting=meeting, what=alerts.MeetingWhat.AGENDA, base_url=base_url)
    return meeting


def pending_changes(meeting: Meeting) -> list[str]:
    """What a supplementary agenda would publish, one line each, in agenda order."""

    lines = []
    for item in (
        AgendaItem.objects.filter(meeting=meeting, is_pending=True)
        .select_related("parent")
        .order_by("parent__position", "position")
    ):
        if item.parent_id and visibility.item_is_private(item.parent):
            # This line is public, and what is under a private item is private with it.
            lines.append(f"Private business added under item {item.parent.number}")
        else:
            lines.append(f"Item {item.stamp_number} added: {item.title}")
    for report in (
        Report.objects.current()
        .filter(agenda_item__meeting=meeting, is_pending=True, agenda_item__is_pending=False)
        .select_related("agenda_item__parent", "replaces")
    ):
        where = f"item {report.agenda_item.stamp_number}"
        if report.is_exempt_material:
            # This line is public: an exempt paper is counted, never named.
            lines.append(f"An exempt paper for members added to {where}")
        elif report.replaces_id and not report.replaces.is_exempt_material:
            lines.append(f"“{report.title}” replaces “{report.replaces.title}” ({where})")
        else:
            lines.append(f"“{report.title}” added to {where}")
    return lines


def supplement_publish(*, meeting: Meeting, summary: str, by, base_url: str) -> Supplement:
    """Publish everything added since the agenda (or the last supplement) was published as the
    next numbered supplementary agenda: its own pack, a new version of the full packs (the
    earlier ones stay downloadable) and an e-mail to every member."""

    summary = (summary or "").strip()
    if not summary:
        raise ValidationError("Say in a sentence what the supplementary agenda changes.")
    with transaction.atomic():
        # Locked first, so a second press of the button finds nothing left to publish.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == Meeting.Status.DRAFT:
            raise ValidationError("This meeting is not published yet: publish the agenda itself.")
        changes = pending_changes(meeting)
        if not changes:
            raise ValidationError(
                "Nothing has been added since the agenda was published, so there is no "
                "supplementary agenda to publish."
            )
        number = (
            Supplement.objects.filter(meeting=meeting).order_by("-number").first().number + 1
            if Supplement.objects.filter(meeting=meeting).exists()
            else 1
        )
        now = timezone.now()
        new_reports = Report.objects.current().filter(
            agenda_item__meeting=meeting, is_pending=True
        ) | Report.objects.current().filter(
            agenda_item__meeting=meeting, agenda_item__is_pending=True
        )
        report_ids = set(new_reports.values_list("pk", flat=True))
        replaced = list(
            Report.objects.filter(pk__in=report_ids, replaces__isnull=False).values_list(
                "replaces_id", flat=True
            )
        )
        # The pending items are marked in the material as new before they stop being pending.
        material = packs.collect_material(meeting, pending=True)
        Report.objects.filter(pk__in=replaced).update(superseded_at=now)
        AgendaItem.objects.filter(meeting=meeting, is_pending=True).update(is_pending=False)
        Report.objects.filter(pk__in=report_ids).update(is_pending=False)
        supplement = Supplement.objects.create(
            meeting=meeting,
            number=number,
            published_at=now,
            published_by=by if getattr(by, "pk", None) else None,
            summary=summary,
            changes=changes,
        )
        own = packs.supplement_inputs(
            _without_replaced(material, replaced),
            number=number,
            published=long_date(timezone.localdate(now)),
            summary=summary,
            report_ids=report_ids,
        )
        if own is not None:
            packs.pack_publish_version(
                meeting=meeting, kind=packs.Pack.Kind.SUPPLEMENT, inputs=own, version=number
            )
        versions = _publish_pack_versions(meeting)
        sent = _summon(
            meeting=meeting,
            kind=Summons.Kind.SUPPLEMENT,
            subject=(f"Supplementary agenda {number}: {meeting.committee.name}, {_day(meeting)}"),
            intro=f"Supplementary agenda {number} has been published. {summary}\n\n"
            + "\n".join(f"- {line}" for line in changes),
            base_url=base_url,
        )
        audit_record(
            user=by, action="meeting.supplement", obj=supplement, meeting=meeting,
            after={"number": number, "summary": summary, "changes": changes,
                   "packs": [p.pk for p in versions], "summonses": sent},
        )  # fmt: skip
        alerts.meeting_event(meeting=meeting, what=alerts.MeetingWhat.SUPPLEMENT, base_url=base_url)
    return supplement


def _without_replaced(material, replaced: list[int]):
    keys = {f"r{pk}" for pk in replaced}
    material.documents = [d for d in material.documents if d["key"] not in keys]
    return material


def report_withdraw(*, report, note: str, by):
    """Withdraw a paper published in error: it leaves every page, pack version (each is built
    again without it), search result and feed, and the meeting page says when."""

    note = (note or "").strip()
    with transaction.atomic():
        # The meeting is locked as a supplement locks it, so a supplement being published at
        # the same moment cannot freeze a version that still holds this paper.
        Meeting.objects.select_for_update().get(pk=report.agenda_item.meeting_id)
        report = (
            Report.objects.select_for_update()
            .select_related("agenda_item__meeting")
            .get(pk=report.pk)
        )
        if report.withdrawn_at is not None:
            raise ValidationError("This document has already been withdrawn.")
        now = timezone.now()
        report.withdrawn_at = now
        report.withdrawn_by = by if getattr(by, "pk", None) else None
        report.withdrawal_note = note[:300]
        report.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
        meeting = report.agenda_item.meeting
        named = f"“{report.title}”"
        for supplement in Supplement.objects.select_for_update().filter(meeting=meeting):
            lines = [
                f"A document for item {report.agenda_item.stamp_number}, since withdrawn"
                if named in line
                else line
                for line in supplement.changes
            ]
            if lines != supplement.changes:
                supplement.changes = lines
                supplement.save(update_fields=["changes"])
        reissued = packs.packs_withdraw_document(
            report=report,
            note=f"Reissued on {long_date(timezone.localdate(now))}: a document published in "
            "error was withdrawn.",
        )
        audit_record(
            user=by, action="report.withdraw", obj=report, meeting=meeting,
            before={"title": report.title, "sha256": report.sha256},
            after={"note": report.withdrawal_note, "packs_rebuilt": [p.pk for p in reissued]},
        )  # fmt: skip
    return report


def meeting_set_status(
    *,
    meeting: Meeting,
    status: str,
    by,
    reason: str = "",
    postponed_to: dt.date | None = None,
    base_url: str = "",
) -> Meeting:
    """Cancel or postpone a published meeting, saying why (the public is told), or restore it
    to published. A postponed meeting may name its new date; without one it is "to be
    confirmed". Restoring forgets the reason. With ``base_url`` the committee's members are
    e-mailed the notice (recorded, then sent, as summonses are). Raises ValidationError,
    changing nothing, for a draft meeting or a cancellation or postponement without a
    reason."""
    allowed = {Meeting.Status.PUBLISHED, Meeting.Status.CANCELLED, Meeting.Status.POSTPONED}
    if status not in allowed or meeting.status == Meeting.Status.DRAFT:
        raise ValidationError("Only a published meeting can be cancelled or postponed.")
    reason = (reason or "").strip()
    if status == Meeting.Status.PUBLISHED:
        reason, postponed_to = "", None
    elif not reason:
        done = "cancelled" if status == Meeting.Status.CANCELLED else "postponed"
        raise ValidationError(
            f"Say why the meeting is {done}: the public is told.", code="reason_required"
        )
    if status != Meeting.Status.POSTPONED:
        postponed_to = None
    elif postponed_to is not None and postponed_to <= timezone.localtime(meeting.start).date():
        raise ValidationError(
            "The new date must be after the date the meeting was to be held.", code="new_date"
        )
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before = {
            "status": meeting.status,
            "reason": meeting.status_reason,
            "postponed_to": meeting.postponed_to.isoformat() if meeting.postponed_to else None,
        }
        meeting.status = status
        meeting.status_reason = reason[:2000]
        meeting.postponed_to = postponed_to
        meeting.save(update_fields=["status", "status_reason", "postponed_to"])
        told = 0
        if base_url and status != before["status"]:
            notice = status_notice(meeting) or "This meeting is going ahead as planned."
            word = "Going ahead" if status == Meeting.Status.PUBLISHED else status.capitalize()
            told = _summon(
                meeting=meeting,
                kind=Summons.Kind.NOTICE,
                subject=f"{word}: {meeting.committee.name}, {_day(meeting)}",
                intro=f"{notice}\n\n{reason}".strip(),
                base_url=base_url,
            )
        audit_record(
            user=by, action="meeting.status", obj=meeting, meeting=meeting, before=before,
            after={"status": status, "reason": meeting.status_reason,
                   "postponed_to": postponed_to.isoformat() if postponed_to else None,
                   "members_told": told},
        )  # fmt: skip
        if status != before["status"]:  # e-mail alerts: cancelled, postponed, going ahead
            alerts.meeting_event(meeting=meeting, what=alerts.MeetingWhat.STATUS, base_url=base_url)
    return meeting


def status_notice(meeting: Meeting) -> str:
    """What the public is told of a cancelled or postponed meeting, in one sentence (""
    otherwise)."""
    if meeting.status == Meeting.Status.CANCELLED:
        return "This meeting has been cancelled."
    if meeting.status == Meeting.Status.POSTPONED:
        if meeting.postponed_to:
            return f"This meeting has been postponed to {long_date(meeting.postponed_to)}."
        return "This meeting has been postponed. The new date is to be confirmed."
    return ""


def meeting_state(meeting: Meeting, now: dt.datetime | None = None) -> str:
    """The state a clerk sees: Draft, Published, Supplement pending, Minutes due, Cancelled,
    Postponed."""
    now = now or timezone.now()
    if meeting.status == Meeting.Status.DRAFT:
        return "Draft"
    if meeting.status != Meeting.Status.PUBLISHED:
        return meeting.get_status_display()
    if getattr(meeting, "pending_count", 0):
        return "Supplement pending"
    if meeting.start < now and not getattr(meeting, "has_published_minutes", False):
        return "Minutes due"
    return "Published"


def meeting_lost_public_material(*, meeting: Meeting, note: str) -> None:
    """Something of this published meeting may no longer be shown to the public (an item made
    private): the public packs published before that hold it are built again without it (this
    meeting's, and later meetings' that print its minutes), and the supplements' public change
    lists stop naming its papers. Pages, search and caches follow by themselves
    (``meetings.changes``). Call inside the changing transaction."""

    if not meeting.is_public:
        return
    packs.packs_follow_privacy(meeting=meeting, note=note)
    hidden = (
        Report.objects.filter(agenda_item__meeting=meeting)
        .exclude(visibility.report_q(visibility.PUBLIC))
        .select_related("agenda_item__parent")
    )
    names = {f"“{r.title}”": r.agenda_item.stamp_number for r in hidden}
    for supplement in Supplement.objects.select_for_update().filter(meeting=meeting):
        lines = []
        for line in supplement.changes:
            named = next((stamp for name, stamp in names.items() if name in line), None)
            lines.append(line if named is None else f"A paper for members added to item {named}")
        if lines != supplement.changes:
            supplement.changes = lines
            supplement.save(update_fields=["changes"])


def supplements_of(meeting: Meeting):
    return Supplement.objects.filter(meeting=meeting).order_by("number")


def withdrawn_documents(meeting: Meeting):

    return Report.objects.filter(
        agenda_item__meeting=meeting, withdrawn_at__isnull=False, is_pending=False
    ).order_by("withdrawn_at")
