"""One meeting's answer turned into records: the meeting with its status, agenda items with
their numbers, published minutes, attendees with their roles, and the linked documents."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings.formats import LONDON
from meetings.models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Part,
)

from . import parse
from .models import ModernGovId
from .records import Kind, _apply, _mapped, _person, _remember
from .sanitise import clean_html, html_to_text
from .summary import _message

STATUSES = {
    "confirmed": Meeting.Status.PUBLISHED,
    "cancelled": Meeting.Status.CANCELLED,
    "postponed": Meeting.Status.POSTPONED,
}
ROLES = {
    "chair": Membership.Role.CHAIR,
    "chairman": Membership.Role.CHAIR,
    "vice-chair": Membership.Role.VICE_CHAIR,
    "vice chair": Membership.Role.VICE_CHAIR,
    "vice-chairman": Membership.Role.VICE_CHAIR,
    "committee member": Membership.Role.MEMBER,
    "member": Membership.Role.MEMBER,
    "co-opted member": Membership.Role.CO_OPTED,
    "co-optee": Membership.Role.CO_OPTED,
    "representative": Membership.Role.REPRESENTATIVE,
}
PRESENT = {"present", "present as substitute", "present, as substitute"}
IN_ATTENDANCE = {"in attendance", "attending"}
APOLOGIES = {"apologies", "apologies, sent substitute", "apologies - sent substitute"}
_PARAGRAPH = re.compile(r"paragraphs?\s+(\d)\b", re.IGNORECASE)


def _start(day: dt.date, time: dt.time | None, committee: Committee) -> dt.datetime:
    clock = time or committee.default_start_time or dt.time(0, 0)
    return dt.datetime.combine(day, clock, tzinfo=LONDON)


def _paragraph(item: parse.Item) -> int:
    """The Schedule 12A paragraph of a private item, from wherever the answer states it."""
    texts = [item.title, html_to_text(item.text_html)]
    texts += [d.restrictions_ref for d in item.documents]
    for value in texts:
        match = _PARAGRAPH.search(value or "")
        if match and 1 <= int(match[1]) <= 7:
            return int(match[1])
    raise parse.BadAnswer(
        f"private item '{item.display_number or item.title}' names no Schedule 12A paragraph "
        "(1 to 7), which the portal needs for every private item"
    )


def _numbers(items: list[parse.Item]) -> list[tuple[parse.Item, str, int | None, int]]:
    """(item, printed number, index of its parent in the list or None, position) for each item:
    an item whose sub-number is set is a sub-item of the item with the same agenda number."""
    out = []
    top_by_number: dict[int, int] = {}
    seen_top: set[str] = set()
    seen_sub: set[tuple[int, str]] = set()
    for index, item in enumerate(items):
        display = item.display_number.strip()
        parent = top_by_number.get(item.number) if item.sub_number else None
        if parent is not None:
            match = re.search(r"\(?([A-Za-z0-9]+)\)?\.?$", display)
            number = (match[1] if match else item.sub_number)[:10]
            position = int(item.sub_number) if item.sub_number.isdigit() else index
            if (parent, number) in seen_sub:
                raise parse.BadAnswer(f"two sub-items numbered {number} under one item")
            seen_sub.add((parent, number))
        else:
            number = re.sub(r"[.\s]+$", "", display) or str(item.number or index + 1)
            number = number[:10]
            position = item.number if item.number is not None else index
            if number in seen_top:
                raise parse.BadAnswer(f"two agenda items numbered {number}")
            seen_top.add(number)
            if item.number is not None:
                top_by_number.setdefault(item.number, index)
        out.append((item, number, parent, position))
    return out


def _kind_of(title: str) -> str:
    from reports.models import Report

    lowered = title.lower()
    if "minutes" in lowered:
        return Report.Kind.MINUTES
    if "appendix" in lowered:
        return Report.Kind.APPENDIX
    if "presentation" in lowered:
        return Report.Kind.PRESENTATION
    return Report.Kind.REPORT


def _write_meeting(source, answer, committee, numbered, paragraphs, documents, summary, label):
    status_word = answer.status.strip().lower()
    status = STATUSES.get(status_word, Meeting.Status.PUBLISHED)
    if status_word not in STATUSES:
        summary.notes.append(f"{label}: status '{answer.status}' imported as Published")
    meeting, _ = _mapped(Kind.MEETING, answer.id, Meeting)
    values = {
        "committee": committee,
        "start": _start(answer.date, answer.time, committee),
        "venue": answer.location[:200],
        "status": status,
        "closed_at": answer.actual_finish,
    }
    if meeting is None:
        meeting = Meeting(published_at=timezone.now(), **values)
        meeting.full_clean()
        meeting.save()
        summary.count("meetings", "added")
    else:
        changed = _apply(meeting, values)
        if changed:
            meeting.full_clean()
            meeting.save()
        summary.count("meetings", "updated" if changed else "unchanged")
    _remember(Kind.MEETING, answer.id, meeting, source=source.label)

    items = _write_items(meeting, numbered, paragraphs, summary, source)
    _write_minutes(meeting, answer, items, summary)
    people = [_person(a, summary, source=source.label) for a in answer.attendees]
    _write_attendees(meeting, answer, people, summary)
    _write_documents(answer, items, documents, summary, source, label)


def _write_items(meeting, numbered, paragraphs, summary, source) -> dict[int, AgendaItem]:
    """Agenda items in the answer's order; imported items no longer in it are removed."""
    wanted = {item.id for item, *_ in numbered}
    mine = ModernGovId.objects.filter(kind=Kind.AGENDA_ITEM)
    existing = {
        row.moderngov_id: row.object_id
        for row in mine.filter(
            object_id__in=AgendaItem.objects.filter(meeting=meeting).values("pk")
        )
    }
    gone = [pk for mg_id, pk in existing.items() if mg_id not in wanted]
    if gone:
        MinuteItem.objects.filter(agenda_item_id__in=gone).delete()  # their minutes go too
        AgendaItem.objects.filter(pk__in=gone).delete()
    by_pk = AgendaItem.objects.in_bulk([pk for mg_id, pk in existing.items() if mg_id in wanted])
    wanted_numbers = {existing.get(item.id): number for item, number, *_ in numbered}
    renumbered = any(obj.number != wanted_numbers.get(pk) for pk, obj in by_pk.items())
    if renumbered:
        # Numbers moved between items: clear them first so no two collide on the way (each
        # item is then saved with its number below).
        for pk in by_pk:
            AgendaItem.objects.filter(pk=pk).update(number=f"~{pk}"[:10])
    items: dict[int, AgendaItem] = {}
    order: list[AgendaItem] = []
    for item, number, parent_index, position in numbered:
        private = item.is_restricted
        text = html_to_text(clean_html(item.text_html))
        values = {
            "meeting": meeting,
            "parent": order[parent_index] if parent_index is not None else None,
            "position": position,
            "number": number,
            "title": item.title[:500],
            "description": "" if private else text,
            "presenter": "" if private else item.presenter[:500],
            "part": Part.PRIVATE if private else Part.PUBLIC,
            "exemption_paragraph": paragraphs.get(item.id) if private else None,
            "public_description": text if private else "",
        }
        obj = by_pk.get(existing.get(item.id))
        if obj is None:
            obj, outcome = AgendaItem(**values), "added"
        else:
            outcome = "updated" if _apply(obj, values) else "unchanged"
        if outcome != "unchanged" or renumbered:
            obj.full_clean()
            obj.save()
        summary.count("agenda items", outcome)
        _remember(Kind.AGENDA_ITEM, item.id, obj, source=source.label)
        items[item.id] = obj
        order.append(obj)
    return items


def _write_minutes(meeting, answer, items, summary) -> None:
    with_text = [
        (item, clean_html(item.minutes_html))
        for item in answer.items
        if item.minutes_html.strip() and (item.is_minute_published or answer.minutes_published)
    ]
    with_text = [(item, html) for item, html in with_text if html]
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if not answer.minutes_published:
        if minutes is not None and minutes.is_published:
            minutes.is_published = False
            minutes.save()
            summary.count("minutes", "updated")
        return
    if minutes is None:
        minutes = Minutes(meeting=meeting, is_published=True, published_at=timezone.now())
        minutes.full_clean()
        minutes.save()
        outcome = "added"
    else:
        outcome = "updated" if not minutes.is_published else "unchanged"
        if not minutes.is_published:
            minutes.is_published = True
            minutes.save()
    imported_items = [obj.pk for obj in items.values()]
    existing = {
        m.agenda_item_id: m
        for m in MinuteItem.objects.filter(minutes=minutes, agenda_item_id__in=imported_items)
    }
    keep = {items[item.id].pk for item, _ in with_text}
    gone = [m.pk for pk, m in existing.items() if pk not in keep]
    if gone:
        MinuteItem.objects.filter(pk__in=gone).delete()
        outcome = "updated"
    wanted = []
    for position, (item, html) in enumerate(with_text, start=1):
        agenda_item = items[item.id]
        number = (item.minutes_number or agenda_item.stamp_number)[:10]
        wanted.append((agenda_item, position, number, html))
    numbers = [number for _, _, number, _ in wanted]
    if len(set(numbers)) != len(numbers):
        raise parse.BadAnswer("two minutes have the same number")
    by_item = {agenda_item.pk: number for agenda_item, _, number, _ in wanted}
    renumbered = any(m.number != by_item.get(pk) for pk, m in existing.items())
    if renumbered:
        for m in existing.values():
            MinuteItem.objects.filter(pk=m.pk).update(number=f"~{m.pk}"[:10])
    for agenda_item, position, number, html in wanted:
        values = {
            "position": position,
            "number": number,
            "title": agenda_item.title,
            "narrative": html_to_text(html),
            "narrative_html": html,
            "agenda_item": agenda_item,
            "part": agenda_item.part,
            "exemption_paragraph": agenda_item.exemption_paragraph,
        }
        minute = existing.get(agenda_item.pk)
        if minute is None:
            minute, changed = MinuteItem(minutes=minutes, **values), True
        else:
            changed = _apply(minute, values)
        if changed and outcome == "unchanged":
            outcome = "updated"
        if changed or renumbered:
            minute.full_clean()
            minute.save()
    summary.count("minutes", outcome)


def _write_attendees(meeting, answer, people, summary) -> None:
    """Members (by their role) join the committee; with published minutes, who was present
    and who sent apologies is recorded as the minutes' attendance."""
    for attendee, person in zip(answer.attendees, people, strict=True):
        role = ROLES.get(attendee.role.lower())
        if role is None:
            continue
        membership = Membership.objects.filter(committee=meeting.committee, person=person).first()
        if membership is None:
            Membership.objects.create(
                committee=meeting.committee,
                person=person,
                role=role,
                position=meeting.committee.memberships.count() + 1,
            )
        elif membership.role != role:
            membership.role = role
            membership.save()
    minutes = Minutes.objects.filter(meeting=meeting, is_published=True).first()
    if minutes is None:
        return
    lines = []
    for attendee, person in zip(answer.attendees, people, strict=True):
        state = attendee.attendance.lower()
        if state in PRESENT:
            group = Attendance.Group.BOARD_MEMBER
        elif state in IN_ATTENDANCE:
            group = Attendance.Group.OTHER_REPRESENTATIVE
        elif state in APOLOGIES:
            group = Attendance.Group.APOLOGIES
        else:
            continue  # expected, absent: the minutes record neither
        lines.append((person, group, ROLES.get(attendee.role.lower()) == Membership.Role.CHAIR))
    have = [(a.person_id, a.group, a.is_chair) for a in minutes.attendance.order_by("position")]
    if have == [(p.pk, g, c) for p, g, c in lines]:
        return
    minutes.attendance.all().delete()
    for position, (person, group, is_chair) in enumerate(lines, start=1):
        Attendance.objects.get_or_create(
            minutes=minutes,
            person=person,
            defaults={"group": group, "is_chair": is_chair, "position": position},
        )


def _write_documents(answer, items, documents, summary, source, label) -> None:
    from reports.models import Report
    from reports.services import report_create

    for item in answer.items:
        agenda_item = items[item.id]
        for doc in item.documents:
            what = f"document {doc.id} ('{doc.title}') of {label}"
            existing, _ = _mapped(Kind.DOCUMENT, doc.id, Report)
            if existing is not None:
                values = {"title": doc.title[:500], "agenda_item": agenda_item}
                if _apply(existing, values):
                    existing.save()
                    summary.count("documents", "updated")
                else:
                    summary.count("documents", "unchanged")
                continue
            data = documents.get(doc.id)
            if data is None:
                continue  # skipped when fetched, with its reason
            try:
                with transaction.atomic():
                    report = report_create(
                        agenda_item=agenda_item,
                        data=data,
                        title=doc.title[:500],
                        filename=f"{doc.id}.pdf",
                        kind=_kind_of(doc.title),
                        refuse_duplicate_in=agenda_item.meeting,
                    )
                    _remember(Kind.DOCUMENT, doc.id, report, source=source.label)
            except ValidationError as exc:
                summary.skip(what, f"not accepted: {_message(exc)}")
                continue
            if doc.publication_date:
                published = dt.datetime.combine(doc.publication_date, dt.time(12), tzinfo=LONDON)
                Report.objects.filter(pk=report.pk).update(uploaded_at=published)
            summary.count("documents", "added")
