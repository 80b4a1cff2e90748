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
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

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
    Person,
)

from . import parse
from .models import NATIVE_ID_BASE, ModernGovId
from .sanitise import clean_html, html_to_text

Kind = ModernGovId.Kind
TIMEOUT_SECONDS = 30
USER_AGENT = "boardpapers-import-moderngov/1 (+https://github.com/)"

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
HONORIFICS = (
    "Councillor", "Cllr", "County Councillor", "Alderman", "Dr", "Mr", "Mrs", "Ms", "Miss",
    "Professor", "Prof", "Sir", "Dame", "Lord", "Lady", "Reverend", "Rev",
)  # fmt: skip
_PARAGRAPH = re.compile(r"paragraphs?\s+(\d)\b", re.IGNORECASE)


class Unreachable(Exception):
    """A request that got no usable answer (network error, HTTP error, missing file)."""


# Sources: a live site or a folder of saved answers, read by the same parser.


class SiteSource:
    def __init__(self, url: str, *, since: str = "0", until: str = "0") -> None:
        url = url.rstrip("/")
        url = re.sub(r"/mgWebService\.asmx$", "", url, flags=re.IGNORECASE)
        self.base = url
        self.service = f"{url}/mgWebService.asmx/"
        self.since, self.until = since, until
        self.label = url

    def _get(self, url: str, *, limit: int) -> bytes:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise Unreachable(f"not an http(s) address: {url}")
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                data = response.read(limit + 1)
        except urllib.error.HTTPError as exc:
            raise Unreachable(f"HTTP {exc.code} from {url}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"could not reach {url} ({reason})") from exc
        if len(data) > limit:
            raise Unreachable(f"{url} is larger than {limit // (1024 * 1024)} MB")
        return data

    def call(self, operation: str, **params: str) -> bytes:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._get(self.service + operation + query, limit=20 * 1024 * 1024)

    def committees(self) -> bytes:
        return self.call("GetCommittees")

    def meeting_lists(self) -> list[tuple[str, bytes]]:
        data = self.call("GetMeetings", lCommitteeId="0", sFromDate=self.since, sToDate=self.until)
        return [("GetMeetings", data)]

    def meeting(self, meeting_id: int) -> bytes:
        return self.call("GetMeeting", lMeetingId=str(meeting_id))

    def document(self, doc: parse.Document) -> bytes:
        # Only from the site being imported: an answer cannot send the importer elsewhere
        # (another host, the local network).
        host = urllib.parse.urlsplit(self.base).hostname
        if urllib.parse.urlsplit(doc.url).hostname != host:
            raise Unreachable(f"{doc.url or 'no address'} is not on {host}")
        return self._get(doc.url, limit=settings.MAX_UPLOAD_MB * 1024 * 1024)


class FolderSource:
    """Saved answers: every ``*.xml`` file is recognised by its root element (<committees>,
    <getmeetings>, <meeting>), whatever its name; a document is ``<attachmentid>.pdf`` anywhere
    under the folder (``documents/60860.pdf``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = str(folder)
        self.files: dict[str, list[tuple[str, bytes]]] = {}
        self.unreadable: list[tuple[str, str]] = []
        for path in sorted(folder.rglob("*.xml")):
            data = path.read_bytes()
            try:
                root = parse.parse_xml(data)
            except parse.BadAnswer as exc:
                self.unreadable.append((path.name, str(exc)))
                continue
            self.files.setdefault(root.tag, []).append((path.name, data))
        self.meetings: dict[int, bytes] = {}
        for name, data in self.files.get("meeting", []):
            root = parse.parse_xml(data)
            value = parse.text(root, "meetingid")
            if value.isdigit():
                self.meetings[int(value)] = data
            else:
                self.unreadable.append((name, "<meeting> has no whole-number <meetingid>"))
        self.documents = {p.stem: p for p in folder.rglob("*.pdf") if p.stem.isdigit()}

    def committees(self) -> bytes | None:
        found = self.files.get("committees")
        return found[0][1] if found else None

    def meeting_lists(self) -> list[tuple[str, bytes]]:
        return self.files.get("getmeetings", [])

    def meeting(self, meeting_id: int) -> bytes:
        if meeting_id not in self.meetings:
            raise Unreachable("no GetMeeting answer for it in the folder")
        return self.meetings[meeting_id]

    def document(self, doc: parse.Document) -> bytes:
        path = self.documents.get(str(doc.id))
        if path is None:
            raise Unreachable(f"no file {doc.id}.pdf in the folder")
        return path.read_bytes()


def source_for(location: str, *, since: str = "0", until: str = "0"):
    if re.match(r"^https?://", location, re.IGNORECASE):
        return SiteSource(location, since=since, until=until)
    folder = Path(location)
    if not folder.is_dir():
        raise ValueError(f"{location} is neither an http(s) address nor a folder.")
    return FolderSource(folder)


# The summary.


@dataclass
class Summary:
    source: str = ""
    added: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    people_seen: set[int] = field(default_factory=set)

    KINDS = ("committees", "meetings", "agenda items", "minutes", "people", "documents")

    def count(self, kind: str, outcome: str) -> None:
        {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}[outcome][
            kind
        ] += 1

    def skip(self, what: str, why: str) -> None:
        self.skipped.append((what, why))

    def lines(self) -> list[str]:
        out = [f"ModernGov import from {self.source}"]
        for kind in self.KINDS:
            out.append(
                f"  {kind}: {self.added[kind]} added, {self.updated[kind]} updated, "
                f"{self.unchanged[kind]} unchanged"
            )
        out.append(f"Skipped: {len(self.skipped)}")
        out.extend(f"  {what}: {why}" for what, why in self.skipped)
        if self.notes:
            out.append("Notes:")
            out.extend(f"  {note}" for note in self.notes)
        return out


# Records and their ModernGov ids.


def _mapped(kind: str, moderngov_id: int, model):
    row = ModernGovId.objects.filter(kind=kind, moderngov_id=moderngov_id).first()
    if row is None:
        return None, None
    obj = model.objects.filter(pk=row.object_id).first()
    if obj is None:  # the record was deleted since: its id is free again
        row.delete()
        return None, None
    return obj, row


def _remember(kind: str, moderngov_id: int, obj, *, source: str, extra=None) -> None:
    ModernGovId.objects.update_or_create(
        kind=kind,
        moderngov_id=moderngov_id,
        defaults={"object_id": obj.pk, "source": source[:300], "extra": extra or {}},
    )


def _apply(obj, values: dict) -> bool:
    """Set the values on obj; True if any differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _free_slug(model, base: str, *, exclude_pk=None) -> str:
    base = (slugify(base) or "imported")[:110]
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_id(value: int, what: str) -> None:
    if value >= NATIVE_ID_BASE:
        raise parse.BadAnswer(f"{what} id {value} is too large for a ModernGov id")


def _committee(
    moderngov_id: int, title: str, summary: Summary, *, source: str, expired: bool = False
) -> Committee:
    _check_id(moderngov_id, "committee")
    committee, _ = _mapped(Kind.COMMITTEE, moderngov_id, Committee)
    values = {"name": title[:200], "is_active": not expired}
    if committee is None:
        committee = Committee.objects.filter(name=title[:200]).first()
        if committee is not None:
            summary.notes.append(
                f"committee {moderngov_id} '{title}' joined to the portal's committee of that name"
            )
    if committee is None:
        committee = Committee(slug=_free_slug(Committee, title), **values)
        committee.full_clean()
        committee.save()
        summary.count("committees", "added")
    elif _apply(committee, values):
        committee.full_clean()
        committee.save()
        summary.count("committees", "updated")
    else:
        summary.count("committees", "unchanged")
    _remember(Kind.COMMITTEE, moderngov_id, committee, source=source)
    return committee


def _split_name(name: str) -> tuple[str, str, str]:
    words = name.split()
    honorific = ""
    for title in sorted(HONORIFICS, key=len, reverse=True):
        if name.lower().startswith(title.lower() + " "):
            honorific = "Councillor" if title in ("Cllr", "County Councillor") else title
            words = name[len(title) :].split()
            break
    if not words:
        return honorific, "", name
    return honorific, " ".join(words[:-1]), words[-1]


def _person(attendee: parse.Attendee, summary: Summary, *, source: str) -> Person:
    _check_id(attendee.id, "member")
    person, row = _mapped(Kind.PERSON, attendee.id, Person)
    honorific, forenames, surname = _split_name(attendee.name)
    values = {
        "honorific": honorific[:30],
        "forenames": forenames[:100],
        "surname": surname[:100],
        "display_name": attendee.name[:200],
    }
    said = {"ward": attendee.ward, "party": attendee.party, "key_posts": attendee.key_posts}
    # An attribute left out says nothing: what an earlier answer gave is kept.
    extra = {**(row.extra if row else {}), **{k: v for k, v in said.items() if v}}
    outcome = "unchanged"
    if person is None:
        person = Person(slug=_free_slug(Person, f"{forenames} {surname}"), **values)
        outcome = "added"
    elif _apply(person, values) or (row.extra or {}) != extra:
        outcome = "updated"
    if outcome != "unchanged":
        person.full_clean()
        person.save()
    if attendee.id not in summary.people_seen:
        summary.people_seen.add(attendee.id)
        summary.count("people", outcome)
    _remember(Kind.PERSON, attendee.id, person, source=source, extra=extra)
    return person


# One meeting.


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


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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
