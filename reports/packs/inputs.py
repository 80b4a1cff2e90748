"""Inputs: everything a pack is made from, read in a fixed number of queries.

A pack is keyed by the hash of its inputs (``pack_inputs``): everything printed in it, the
identity of every uploaded file, and the fingerprint of the templates, style sheet, fonts and
code that lay it out (``format_fingerprint``). ``collect_material`` reads a meeting once for
all kinds; ``kind_inputs`` and ``supplement_inputs`` cut one pack's inputs from it. What a pack
of each audience may hold is asked of ``meetings.visibility``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from meetings import visibility
from meetings.formats import long_date, long_meeting_datetime, ordinal_date
from meetings.models import (
    AgendaItem,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Part,
    PortalSettings,
)

from .. import pack_pdf
from ..models import Pack, Report
from .documents import (
    _full_name,
    _join_names,
    _minutes_document,
    _minutes_queryset,
    _upload_document,
)

# Raise when the layout changes in a way the fingerprint of templates, CSS, fonts and code
# below would not see (it sees almost everything).
FORMAT_VERSION = 1


class PackNotAvailable(Exception):
    """This meeting has no pack of this kind (no agenda, no exempt papers, no minutes)."""


@functools.cache
def format_fingerprint() -> str:
    """The hash of what lays a pack out: templates, style sheet, fonts and the building code."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    paths = [
        *sorted((base / "templates" / "packs").glob("*.html")),
        base / "static" / "css" / "pack.css",
        *sorted((base / "static" / "fonts").glob("*.ttf")),
        # The code that builds a pack: every module of this package and of ``pack_pdf``.
        *sorted(Path(__file__).parent.glob("*.py")),
        *sorted(Path(pack_pdf.__file__).parent.glob("*.py")),
    ]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for package in ("weasyprint", "pikepdf", "pypdfium2", "fonttools"):
        digest.update(f"{package} {importlib.metadata.version(package)}".encode())
    return digest.hexdigest()


def inputs_hash(inputs: dict) -> str:
    encoded = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass
class MeetingMaterial:
    """What the packs of one meeting are made from, read once for all kinds."""

    meeting: Meeting
    base: dict
    public_items: list[dict]
    private_items: list[dict]
    documents: list[dict]  # public, in pack order
    exempt_documents: list[dict]  # members only, in pack order
    own_minutes: dict | None  # this meeting's printed minutes (public part)
    notes: list[str] = field(default_factory=list)


def _item_label(item: AgendaItem, parent: AgendaItem | None) -> tuple[str, str]:
    """(stamp number, number as printed): ("3a", "(a)") or ("4", "4."), as the model
    numbers it everywhere."""
    return item.stamp_number, item.display_number


def collect_material(meeting: Meeting, *, pending: bool = False) -> MeetingMaterial:
    """What the packs are made from: the published agenda and its current papers, or with
    ``pending`` also what waits for a supplementary agenda (the clerk's preview)."""
    meeting = Meeting.objects.select_related(
        "committee", "contact_officer", "committee__contact_officer"
    ).get(pk=meeting.pk)
    council = PortalSettings.load()
    items = AgendaItem.objects.filter(meeting=meeting).select_related("parent")
    meeting_reports = Report.objects.filter(agenda_item__meeting=meeting).current()
    if not pending:
        items = items.filter(is_pending=False)
        meeting_reports = meeting_reports.filter(is_pending=False, agenda_item__is_pending=False)
    items = list(items.order_by("position", "pk"))
    reports = list(meeting_reports.order_by("position", "pk"))
    public_ids = set(meeting_reports.public().values_list("pk", flat=True))
    reports_by_item: dict[int, list[Report]] = {}
    for report in reports:
        reports_by_item.setdefault(report.agenda_item_id, []).append(report)

    minutes_ids = {item.previous_minutes_id for item in items if item.previous_minutes_id}
    public_minutes_ids = set(
        Minutes.objects.filter(
            visibility.minutes_q(visibility.PUBLIC), pk__in=minutes_ids
        ).values_list("pk", flat=True)
    )

    def minutes_parts(minutes: Minutes) -> tuple[list[MinuteItem], list[MinuteItem]]:
        """The minutes the public may read, and those only members may (``visibility``)."""
        least = {
            i.pk: visibility.minute_item_least_audience(i, pending_shown=pending)
            for i in minutes.items.all()
        }
        return (
            [i for i in minutes.items.all() if least[i.pk] == visibility.PUBLIC],
            [i for i in minutes.items.all() if least[i.pk] == visibility.MEMBERS],
        )

    own = Minutes.objects.filter(meeting=meeting).values_list("pk", flat=True).first()
    minutes_rows = {
        m.pk: m for m in _minutes_queryset().filter(pk__in=minutes_ids | ({own} if own else set()))
    }

    contact = meeting.contact_officer or meeting.committee.contact_officer
    on = timezone.localtime(meeting.start).date()
    memberships = [
        m
        for m in Membership.objects.filter(committee=meeting.committee).select_related("person")
        if m.is_current(on)
    ]
    memberships.sort(key=lambda m: (m.person.surname.lower(), m.person.forenames.lower()))
    membership_names = []
    for m in memberships:
        name = m.person.membership_name
        if m.role == Membership.Role.CHAIR:
            name += " (Chair)"
        elif m.role == Membership.Role.VICE_CHAIR:
            name += " (Vice-Chair)"
        membership_names.append(name)

    base = {
        "format": format_fingerprint(),
        "council": {
            "name": council.council_name,
            "hearing_loop_note": council.hearing_loop_note,
            "accessibility_note": council.accessibility_note,
        },
        "meeting": {
            "id": meeting.pk,
            "committee": meeting.committee.name,
            "date": on.isoformat(),
            "when": long_meeting_datetime(meeting.start),
            "venue": meeting.venue,
            "signatory": meeting.signatory or council.default_signatory,
            "dispatch_date": long_date(meeting.dispatch_date) if meeting.dispatch_date else "",
        },
        "contact": (
            {"name": _full_name(contact), "telephone": contact.telephone, "email": contact.email}
            if contact
            else None
        ),
        "membership": _join_names(membership_names),
    }

    notes: list[str] = []
    documents: list[dict] = []
    exempt_documents: list[dict] = []
    children: dict[int, list[AgendaItem]] = {}
    for item in items:
        if item.parent_id:
            children.setdefault(item.parent_id, []).append(item)

    def item_entry(item: AgendaItem, parent: AgendaItem | None) -> dict:
        stamp, number = _item_label(item, parent)
        private = visibility.item_is_private(item)
        public_docs: list[dict] = []
        exempt_docs: list[dict] = []
        if item.previous_minutes_id:
            minutes = minutes_rows.get(item.previous_minutes_id)
            if minutes is not None and item.previous_minutes_id in public_minutes_ids:
                public_part, private_part = minutes_parts(minutes)
                if public_part and not private:
                    doc = _minutes_document(minutes, public_part, part=Part.PUBLIC)
                    public_docs.append({**doc, "item": stamp})
                elif public_part:
                    doc = _minutes_document(minutes, public_part, part=Part.PUBLIC)
                    exempt_docs.append(
                        {**doc, "item": stamp, "paragraph": item.exemption_paragraph}
                    )
                if private_part:
                    doc = _minutes_document(minutes, private_part, part=Part.PRIVATE)
                    paragraphs = doc["exemption_paragraphs"]
                    exempt_docs.append(
                        {
                            **doc,
                            "item": stamp,
                            "paragraph": paragraphs[0] if len(paragraphs) == 1 else None,
                        }
                    )
            elif minutes is not None:
                notes.append(
                    f"Item {stamp}: the minutes of {minutes.meeting.committee.name}, "
                    f"{ordinal_date(timezone.localtime(minutes.meeting.start).date())} are not "
                    "published, so they are not in the pack. Publish them and the pack is "
                    "built again."
                )
        for report in reports_by_item.get(item.pk, []):
            doc = _upload_document(report, stamp)
            if report.pk in public_ids and not private:
                public_docs.append(doc)
            else:
                exempt_docs.append(
                    {
                        **doc,
                        "paragraph": (
                            item.exemption_paragraph
                            or (parent.exemption_paragraph if parent else None)
                        ),
                    }
                )
        documents.extend(public_docs)
        exempt_documents.extend(exempt_docs)
        subs = [item_entry(sub, item) for sub in children.get(item.pk, [])]
        if private:
            # Everything under a private item is private with it (meetings.visibility): the
            # front sheet names the item alone; its sub-items' papers count as its own.
            for sub in subs:
                exempt_docs.extend({"key": k} for k in sub["docs"] + sub["exempt_docs"])
            subs = []
        return {
            "key": stamp,
            "new": item.is_pending,
            "number": number,
            "title": item.title,
            "description": "" if private else item.description,
            "bullets": [] if private else list(item.bullet_points or []),
            "presenter": "" if private else item.presenter,
            "private": private,
            "exemption_paragraph": item.exemption_paragraph
            or (parent.exemption_paragraph if parent else None),
            "public_description": item.public_description if private else "",
            "docs": [d["key"] for d in public_docs],
            "exempt_docs": [d["key"] for d in exempt_docs],
            "sub_items": subs,
        }

    public_items, private_items = [], []
    for item in items:
        if item.parent_id:
            continue
        entry = item_entry(item, None)
        (private_items if item.is_private else public_items).append(entry)

    own_minutes = None
    if own and own in minutes_rows:
        minutes = minutes_rows[own]
        public_part, _private_part = minutes_parts(minutes)
        if public_part:
            own_minutes = _minutes_document(minutes, public_part, part=Part.PUBLIC)
            if minutes.status == Minutes.Status.DRAFT:
                own_minutes["draft_note"] = (
                    "Draft minutes: not yet agreed as a true record of the meeting."
                )
    return MeetingMaterial(
        meeting=meeting,
        base=base,
        public_items=public_items,
        private_items=private_items,
        documents=documents,
        exempt_documents=exempt_documents,
        own_minutes=own_minutes,
        notes=notes,
    )


def kind_inputs(material: MeetingMaterial, kind: str) -> dict:
    """The inputs of one kind of pack, or PackNotAvailable."""
    inputs = {**material.base, "kind": kind}
    if kind == Pack.Kind.MINUTES:
        if material.own_minutes is None:
            raise PackNotAvailable("This meeting has no minutes to print.")
        inputs["minutes"] = material.own_minutes
        return inputs
    if not material.public_items and not material.private_items:
        raise PackNotAvailable("This meeting has no agenda yet.")
    inputs["public_items"] = material.public_items
    inputs["private_items"] = material.private_items
    inputs["documents"] = material.documents
    inputs["notes"] = material.notes
    if kind == Pack.Kind.MEMBERS:
        if not material.exempt_documents:
            raise PackNotAvailable("This meeting has no exempt papers.")
        inputs["exempt_documents"] = material.exempt_documents
    elif kind not in (Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET):
        raise PackNotAvailable(f"Unknown kind of pack: {kind}")
    return inputs


def pack_inputs(*, meeting: Meeting, kind: str, pending: bool = False) -> dict:
    return kind_inputs(collect_material(meeting, pending=pending), kind)


def supplement_inputs(
    material: MeetingMaterial, *, number: int, published: str, summary: str, report_ids: set[int]
) -> dict | None:
    """A supplementary agenda's pack: its own front sheet listing the items that changed, then
    the public papers it publishes. None when it publishes no public paper and no item."""
    keys = {f"r{pk}" for pk in report_ids}

    def changed(entry: dict) -> dict | None:
        subs = [s for s in (changed(sub) for sub in entry["sub_items"]) if s]
        own = entry.get("new") or keys & set(entry["docs"] + entry["exempt_docs"])
        if not own and not subs:
            return None
        return {
            **entry,
            "docs": [k for k in entry["docs"] if k in keys],
            "exempt_docs": [],
            "sub_items": subs,
        }

    public_items = [e for e in (changed(i) for i in material.public_items) if e]
    private_items = [e for e in (changed(i) for i in material.private_items) if e]
    if not public_items and not private_items:
        return None
    return {
        **material.base,
        "kind": Pack.Kind.SUPPLEMENT,
        "supplement": {"number": number, "published": published, "summary": summary},
        "public_items": public_items,
        "private_items": private_items,
        "documents": [d for d in material.documents if d["key"] in keys],
        "notes": [],
    }
