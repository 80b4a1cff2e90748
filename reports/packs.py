"""PDF agenda packs: what goes into each, building them in the background, and who may have them.

The kinds (``Pack.Kind``): the public agenda pack (front sheet, then every public document in
agenda order), the agenda front sheet alone, the printed minutes of a meeting, and the members'
pack: the public pack with the exempt papers appended after its last page, so every public
page number holds in both.

A pack is keyed by the hash of its inputs (``pack_inputs``): everything printed in it, the
identity of every uploaded file, and the fingerprint of the templates, style sheet, fonts and
code that lay it out. ``pack_request`` finds the pack for the current inputs or queues one
build for them; ``pack_build`` (run by the ``reports.tasks.build_pack`` task) builds it from the
inputs it was queued with, so a file always matches its hash. ``requeue_stale_packs`` queues
again a build whose worker died. What a pack of each audience may hold, and who may have
which pack, is asked of ``meetings.visibility``; ``meeting_packs`` lists what a viewer may
download.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from pikepdf import Name

from boardpapers.cache import data_changed
from meetings import roles, visibility
from meetings.formats import (
    clock,
    long_date,
    long_meeting_datetime,
    minutes_datetime,
    ordinal_date,
)
from meetings.models import (
    AgendaItem,
    Attendance,
    Declaration,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Part,
    PortalSettings,
)

from . import pack_pdf
from .models import Pack, Report, UploadLayout

logger = logging.getLogger(__name__)

# Raise when the layout changes in a way the fingerprint of templates, CSS, fonts and code
# below would not see (it sees almost everything).
FORMAT_VERSION = 1

STALE_BUILD = dt.timedelta(minutes=getattr(settings, "PACK_BUILD_STALE_MINUTES", 10))
STALE_QUEUE = dt.timedelta(minutes=getattr(settings, "PACK_QUEUE_STALE_MINUTES", 60))
FAILED_RETRY_AFTER = dt.timedelta(minutes=15)
MAX_AUTOMATIC_ATTEMPTS = 3
FRONT_SHEET_LINES = 44  # lines of agenda text on a front sheet page, for a first guess
SUPERSEDED_KEPT = 1  # earlier ready packs of a kind kept beside the newest (not frozen ones)


class PackNotAvailable(Exception):
    """This meeting has no pack of this kind (no agenda, no exempt papers, no minutes)."""


class PackBuildError(Exception):
    """A build failed for a reason a clerk can act on; the message says what to do."""


@dataclass(frozen=True)
class KindInfo:
    slug: str  # in the download URL
    label: str  # on the meeting page
    words: str  # in the download's file name and the PDF's title


KINDS: dict[str, KindInfo] = {
    Pack.Kind.PUBLIC: KindInfo("agenda-pack", "Agenda pack (agenda and reports)", "agenda pack"),
    Pack.Kind.FRONT_SHEET: KindInfo(
        "agenda-front-sheet", "Agenda front sheet", "agenda front sheet"
    ),
    Pack.Kind.MEMBERS: KindInfo(
        "members-pack", "Members' pack (with exempt papers)", "members' pack"
    ),
    Pack.Kind.MINUTES: KindInfo("printed-minutes", "Printed minutes", "printed minutes"),
    Pack.Kind.SUPPLEMENT: KindInfo(
        "supplementary-agenda", "Supplementary agenda", "supplementary agenda"
    ),
}
# The kinds published as numbered versions when the agenda or a supplement is published.
VERSIONED_KINDS = (Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET, Pack.Kind.MEMBERS)
KIND_BY_SLUG = {info.slug: kind for kind, info in KINDS.items()}


# ---------------------------------------------------------------------------------------------
# Inputs: everything a pack is made from, read in a fixed number of queries
# ---------------------------------------------------------------------------------------------


@functools.cache
def format_fingerprint() -> str:
    """The hash of what lays a pack out: templates, style sheet, fonts and the building code."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    paths = [
        *sorted((base / "templates" / "packs").glob("*.html")),
        base / "static" / "css" / "pack.css",
        *sorted((base / "static" / "fonts").glob("*.ttf")),
        Path(__file__),
        Path(pack_pdf.__file__),
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


def _full_name(person) -> str:
    return " ".join(part for part in (person.forenames, person.surname) if part) or str(person)


def _join_names(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _narrative_blocks(text: str) -> list[dict]:
    """Paragraphs separated by blank lines; lines starting "- " are bullet points."""
    blocks: list[dict] = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        paragraph: list[str] = []
        bullets: list[str] = []
        for line in lines:
            if line.startswith("- "):
                if paragraph:
                    blocks.append({"text": " ".join(paragraph)})
                    paragraph = []
                bullets.append(line[2:].strip())
            else:
                if bullets:
                    blocks.append({"bullets": bullets})
                    bullets = []
                paragraph.append(line)
        if paragraph:
            blocks.append({"text": " ".join(paragraph)})
        if bullets:
            blocks.append({"bullets": bullets})
    return blocks


ATTENDANCE_GROUPS = [
    Attendance.Group.BOARD_MEMBER,
    Attendance.Group.OTHER_REPRESENTATIVE,
    Attendance.Group.OFFICER,
    Attendance.Group.APOLOGIES,
]


def _attendance_rows(attendance: list[Attendance]) -> list[dict]:
    rows: list[dict] = []
    for group in ATTENDANCE_GROUPS:
        members = [a for a in attendance if a.group == group]
        if not members:
            continue
        label = f"{Attendance.Group(group).label}:"
        if group == Attendance.Group.OFFICER:
            rows.append({"label": label, "text": "", "starts_group": True})
            directorates: dict[str, list[str]] = {}
            for a in members:
                directorates.setdefault(a.directorate or "Other", []).append(a.person.display_name)
            for directorate, names in directorates.items():
                rows.append({"label": f"{directorate}:", "text": ", ".join(names)})
            continue
        for n, a in enumerate(members):
            text = a.person.display_name
            if a.capacity:
                text += f", {a.capacity}"
            if a.is_chair:
                text += " (Chair)"
            rows.append({"label": label if n == 0 else "", "text": text, "starts_group": n == 0})
    return rows


def _minute_item(item: MinuteItem) -> dict:
    resolutions = list(item.resolutions.all())
    declarations = []
    for declaration in item.declarations.all():
        kind = (
            "a disclosable pecuniary interest"
            if declaration.kind == Declaration.Kind.DISCLOSABLE_PECUNIARY
            else "an interest"
        )
        declarations.append(
            f"{declaration.person.display_name} declared {kind}: {declaration.interest}"
        )
    inline = None
    numbered = []
    if len(resolutions) == 1 and resolutions[0].number is None:
        inline = resolutions[0].text
    else:
        numbered = [
            {"label": f"({r.number})" if r.number is not None else "", "text": r.text}
            for r in resolutions
        ]
    return {
        "number": item.number,
        "title": item.title,
        "blocks": _narrative_blocks(item.narrative),
        "declarations": declarations,
        "resolved_inline": inline,
        "resolutions": numbered,
    }


def _minutes_document(minutes: Minutes, items: list[MinuteItem], *, part: str) -> dict:
    held = minutes.meeting
    local_day = timezone.localtime(held.start).date()
    private = part == Part.PRIVATE
    return {
        "type": "minutes",
        "key": f"m{minutes.pk}{'x' if private else ''}",
        "minutes_id": minutes.pk,
        "part": "private" if private else "public",
        "status": minutes.status,
        "title": (
            f"Minutes of the meeting held on {ordinal_date(local_day)}"
            + (": private business" if private else "")
        ),
        "heading": (
            f"Minutes of the meeting of the {held.committee.name} held at "
            f"{minutes_datetime(held.start)}"
        ),
        "attendance": [] if private else _attendance_rows(list(minutes.attendance.all())),
        "business_heading": "Private business" if private else "Public business",
        "items": [_minute_item(item) for item in items],
        "closed": (
            f"(Meeting closed at: {clock(held.closed_at, dotted=True)})"
            if held.closed_at and not private
            else ""
        ),
        "exemption_paragraphs": sorted(
            {i.exemption_paragraph for i in items if i.exemption_paragraph}
        ),
    }


def _minutes_queryset():
    return Minutes.objects.select_related("meeting__committee").prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.select_related("person")),
        Prefetch(
            "items",
            queryset=MinuteItem.objects.order_by("position")
            .select_related("agenda_item__parent")
            .prefetch_related(
                "resolutions",
                Prefetch("declarations", queryset=Declaration.objects.select_related("person")),
            ),
        ),
    )


def _upload_document(report: Report, stamp: str) -> dict:
    return {
        "type": "upload",
        "key": f"r{report.pk}",
        "report_id": report.pk,
        "title": report.title,
        "author": report.author,
        "sha256": report.sha256,
        "file": report.file.name,
        "pages": report.page_count,
        "item": stamp,
    }


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
    """(stamp number, number as printed): ("3a", "(a)") or ("4", "4.")."""
    if parent is not None:
        return f"{parent.number}{item.number}", f"({item.number})"
    return item.number, f"{item.number}."


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


# ---------------------------------------------------------------------------------------------
# Building the PDF
# ---------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    page_count: int
    front_sheet_pages: int
    notes: list[str]
    layout_passes: int = 1


@dataclass
class PackPart:
    """One document after the front sheet, placed in the pack."""

    key: str
    source: str  # "upload", "minutes" or "cover"
    title: str
    item: str | None
    pages: int
    first: int = 0  # 1-based page number in the pack
    stamp_item: bool = False
    exempt: bool = False
    doc: dict | None = None

    @property
    def last(self) -> int:
        return self.first + self.pages - 1


class Renderer:
    """WeasyPrint for one build: one fetcher, one font configuration and the style sheet read
    once, however many times the front sheet is laid out again."""

    def __init__(self) -> None:
        # WeasyPrint is imported only where a pack is built: importing it parses its own style
        # sheets, which no web page needs to wait for.
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from .fetcher import PACK_BASE_URL, StaticOnlyFetcher

        self.base_url = PACK_BASE_URL
        self.fetcher = StaticOnlyFetcher()
        self.fonts = FontConfiguration()
        self.css = CSS(
            url=f"{self.base_url}static/css/pack.css",
            url_fetcher=self.fetcher,
            font_config=self.fonts,
        )

    def __call__(self, template: str, context: dict):
        from weasyprint import HTML

        html = render_to_string(template, context)
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return document.render(font_config=self.fonts, stylesheets=[self.css])


def _doc_meta(inputs: dict, kind: str) -> dict:
    meeting = inputs["meeting"]
    day = dt.date.fromisoformat(meeting["date"])
    words = KINDS[kind].words
    if inputs.get("supplement"):
        words = f"{words} {inputs['supplement']['number']}"
    title = f"{meeting['committee']}, {day.day} {day:%B} {day.year}: {words}"
    subjects = {
        Pack.Kind.PUBLIC: "Agenda and reports",
        Pack.Kind.MEMBERS: "Agenda, reports and exempt papers (not for publication)",
        Pack.Kind.FRONT_SHEET: "Agenda",
        Pack.Kind.MINUTES: "Minutes",
        Pack.Kind.SUPPLEMENT: "Supplementary agenda and reports",
    }
    return {
        "title": title,
        "author": inputs["council"]["name"],
        "subject": (
            f"{subjects[kind]} for the meeting of the {meeting['committee']} at {meeting['when']}"
        ),
        "keywords": f"{meeting['committee']}; {words}; {meeting['date']}",
    }


def _open_upload(doc: dict, *, verify: bool) -> pikepdf.Pdf:
    name = doc["file"]
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise PackBuildError(
            f"The file of \u201c{doc['title']}\u201d is missing from storage. Upload it again."
        ) from exc
    if verify:
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        if digest.hexdigest() != doc["sha256"]:
            handle.close()
            raise PackBuildError(
                f"The stored file of \u201c{doc['title']}\u201d does not match the file that was "
                "uploaded (its fingerprint differs). Upload it again."
            )
        handle.seek(0)
    try:
        return pikepdf.open(handle)
    except pikepdf.PdfError as exc:
        handle.close()
        raise PackBuildError(
            f"\u201c{doc['title']}\u201d cannot be read as a PDF. Upload it again."
        ) from exc


def upload_layouts(docs: list[dict]) -> dict[str, list[dict]]:
    """The edge text of several uploads by hash, read in one query (and any missing, read)."""
    found = dict(
        UploadLayout.objects.filter(
            sha256__in={d["sha256"] for d in docs}, version=pack_pdf.ANALYSIS_VERSION
        ).values_list("sha256", "pages")
    )
    for doc in docs:
        if doc["sha256"] not in found:
            found[doc["sha256"]] = upload_layout(doc)
    return found


def upload_layout(doc: dict) -> list[dict]:
    """The text near each page's edges of one uploaded file, read once and kept by its hash."""
    found = UploadLayout.objects.filter(
        sha256=doc["sha256"], version=pack_pdf.ANALYSIS_VERSION
    ).first()
    if found is not None:
        return found.pages
    with default_storage.open(doc["file"], "rb") as handle:
        pages = pack_pdf.analyse_pdf(handle.read())
    UploadLayout.objects.update_or_create(
        sha256=doc["sha256"], defaults={"version": pack_pdf.ANALYSIS_VERSION, "pages": pages}
    )
    return pages


def estimate_front_sheet_pages(inputs: dict) -> int:
    """A first guess at the front sheet's length, from the length of what it prints, for a
    meeting with no build before it. A wrong guess costs one more layout, never a wrong page:
    the layout loop corrects it."""

    def lines(text: str, width: int = 72) -> int:
        return -(-len(text) // width) if text else 0

    def item_lines(item: dict) -> float:
        total = lines(item["title"] + " (Pages 100 - 100)") + 0.8
        total += len(item["bullets"]) + lines(item["presenter"]) + lines(item["description"])
        total += lines(item["public_description"]) + (1 if item["private"] else 0)
        return total + sum(item_lines(sub) for sub in item["sub_items"])

    body = sum(item_lines(i) for i in inputs["public_items"] + inputs["private_items"])
    council = inputs["council"]
    fixed = 24 + lines(inputs["membership"], 85) + lines(council["accessibility_note"], 85)
    return max(1, -(-round(body + fixed) // FRONT_SHEET_LINES))


def _place(parts: list[PackPart], front_pages: int) -> None:
    number = front_pages + 1
    seen_items: set[tuple[bool, str]] = set()
    for part in parts:
        part.first = number
        number += part.pages
        if part.item is not None and (part.exempt, part.item) not in seen_items:
            part.stamp_item = True
            seen_items.add((part.exempt, part.item))


def _item_pages(items: list[dict], parts: dict[str, PackPart]) -> list[dict]:
    """The front sheet's items with their "(Pages X - Y)"."""
    shown = []
    for item in items:
        own = [parts[key] for key in item["docs"] if key in parts]
        entry = {**item, "sub_items": _item_pages(item["sub_items"], parts)}
        entry["pages"] = (min(p.first for p in own), max(p.last for p in own)) if own else None
        entry["bold"] = bool(own)
        shown.append(entry)
    return shown


def build_pack_pdf(
    inputs: dict, target: Path, *, front_sheet_guess: int | None = None
) -> BuildResult:
    kind = inputs["kind"]
    meta = _doc_meta(inputs, kind)
    render = Renderer()
    created = timezone.now().replace(microsecond=0).isoformat()
    if kind == Pack.Kind.MINUTES:
        doc = render(
            "packs/minutes.html",
            {"doc": meta, "documents": [inputs["minutes"]], "standalone": True},
        )
        data = doc.write_pdf(pdf_variant="pdf/ua-1")
        with pikepdf.open(_bytes_io(data)) as pdf:
            pack_pdf.write_outline(pdf, [pack_pdf.Bookmark(inputs["minutes"]["title"], 0)])
            pack_pdf.write_metadata(pdf, **meta, created_iso=created, claims_pdf_ua=True)
            pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return BuildResult(len(pdf.pages), 0, [])

    members = kind == Pack.Kind.MEMBERS
    notes = list(inputs.get("notes") or [])
    opened: dict[str, pikepdf.Pdf] = {}
    try:
        uploads = [d for d in inputs["documents"] if d["type"] == "upload"]
        if members:
            uploads += [d for d in inputs["exempt_documents"] if d["type"] == "upload"]
        embed = kind != Pack.Kind.FRONT_SHEET
        for doc in uploads:
            opened[doc["key"]] = _open_upload(doc, verify=embed)

        # The portal's own documents after the front sheet, rendered once.
        minutes_docs = [d for d in inputs["documents"] if d["type"] == "minutes"]
        exempt_minutes = (
            [d for d in inputs["exempt_documents"] if d["type"] == "minutes"] if members else []
        )
        rendered_minutes = None
        minutes_pages: dict[str, list[int]] = {}
        if minutes_docs or exempt_minutes:
            rendered_minutes = render(
                "packs/minutes.html",
                {"doc": meta, "documents": minutes_docs + exempt_minutes, "standalone": False},
            )
            first_page: dict[str, int] = {}
            for index, page in enumerate(rendered_minutes.pages):
                for anchor in page.anchors:
                    if anchor.startswith("doc-"):
                        first_page.setdefault(anchor[4:], index)
            starts = sorted((index, key) for key, index in first_page.items())
            for n, (index, key) in enumerate(starts):
                end = starts[n + 1][0] if n + 1 < len(starts) else len(rendered_minutes.pages)
                minutes_pages[key] = list(range(index, end))

        def part_for(doc: dict, exempt: bool) -> PackPart:
            if doc["type"] == "upload":
                pages = len(opened[doc["key"]].pages)
            else:
                pages = len(minutes_pages[doc["key"]])
            return PackPart(
                doc["key"], doc["type"], doc["title"], doc["item"], pages, exempt=exempt, doc=doc
            )

        parts = [part_for(d, False) for d in inputs["documents"]]
        cover = None
        if members:
            cover = PackPart("cover", "cover", "Exempt papers", None, 1, exempt=True)
            parts.append(cover)
            parts += [part_for(d, True) for d in inputs["exempt_documents"]]
        by_key = {p.key: p for p in parts}

        front_pages = front_sheet_guess or estimate_front_sheet_pages(inputs)
        marker = "Members' Document Pack" if members else "Public Document Pack"
        if kind == Pack.Kind.SUPPLEMENT:
            marker = "Public Supplementary Pack"
        seen: list[int] = []
        padding = 0
        rendered_cover = None
        passes = 0
        while True:
            passes += 1
            _place(parts, front_pages)
            context = {
                "doc": meta,
                "marker": marker,
                "meeting": inputs["meeting"],
                "council": inputs["council"],
                "contact": inputs["contact"],
                "membership": inputs["membership"],
                "public_items": _item_pages(inputs["public_items"], by_key),
                "private_items": _item_pages(inputs["private_items"], by_key),
                "padding": range(padding),
                "supplement": inputs.get("supplement"),
                "reissue_note": inputs.get("reissue_note", ""),
            }
            front = render("packs/front_sheet.html", context)
            cover_ok = True
            if cover is not None:
                rows = [
                    {
                        "item": p.item,
                        "title": p.title,
                        "paragraph": (p.doc or {}).get("paragraph"),
                        "pages": (p.first, p.last),
                    }
                    for p in parts
                    if p.exempt and p is not cover
                ]
                rendered_cover = render(
                    "packs/exempt_cover.html",
                    {"doc": meta, "meeting": inputs["meeting"], "rows": rows},
                )
                if len(rendered_cover.pages) != cover.pages:
                    cover.pages = len(rendered_cover.pages)
                    cover_ok = False
            count = len(front.pages)
            if count == front_pages and cover_ok:
                break
            if count < front_pages and front_pages in seen:
                # The references and the page count chase each other (a longer reference
                # pushes a line over, a shorter one pulls it back): keep the larger count and
                # pad the front sheet to it, so every reference stays exact.
                padding += front_pages - count
                continue
            if passes > 8:
                raise PackBuildError("The front sheet's page references did not settle.")
            seen.append(front_pages)
            front_pages = count

        if kind == Pack.Kind.FRONT_SHEET:
            data = front.write_pdf(pdf_variant="pdf/ua-1")
            with pikepdf.open(_bytes_io(data)) as pdf:
                bookmarks = _front_bookmarks(inputs, front, parts=None)
                pack_pdf.write_outline(pdf, bookmarks)
                pack_pdf.write_metadata(pdf, **meta, created_iso=created, claims_pdf_ua=True)
                pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
                return BuildResult(len(pdf.pages), front_pages, notes, passes)

        # One WeasyPrint write for every page the portal rendered, in pack order.
        portal_pages = list(front.pages)
        portal_index: dict[str, list[int]] = {"front": list(range(len(front.pages)))}
        for part in parts:
            if part.source == "minutes":
                start = len(portal_pages)
                portal_pages += [rendered_minutes.pages[i] for i in minutes_pages[part.key]]
                portal_index[part.key] = list(range(start, len(portal_pages)))
            elif part.source == "cover":
                start = len(portal_pages)
                portal_pages += list(rendered_cover.pages)
                portal_index[part.key] = list(range(start, len(portal_pages)))
        data = front.copy(portal_pages).write_pdf(pdf_variant="pdf/ua-1")
        rendered = pikepdf.open(_bytes_io(data))
        pdf = pikepdf.new()
        try:
            result = _assemble(
                pdf, rendered, inputs, meta, parts, opened, front, front_pages, created
            )
            notes += result
            pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            page_count = len(pdf.pages)
        finally:
            pdf.close()
            rendered.close()
        return BuildResult(page_count, front_pages, notes, passes)
    finally:
        for source in opened.values():
            source.close()


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def _assemble(
    pdf: pikepdf.Pdf,
    rendered: pikepdf.Pdf,
    inputs: dict,
    meta: dict,
    parts: list[PackPart],
    opened: dict[str, pikepdf.Pdf],
    front,
    front_pages: int,
    created: str,
) -> list[str]:
    """Join the rendered pages and the uploads in pack order, stamp every page after the front
    sheet, tag, bookmark and describe the result. Returns notes for the clerk."""
    # Appending is the fast way to join with pikepdf (inserting among pages is three times
    # slower, and every pdf.pages[i] is a lookup): the pages go in once, in pack order.
    rendered_pages = iter(list(rendered.pages))
    for _ in range(front_pages):
        pdf.pages.append(next(rendered_pages))
    for part in parts:
        if part.source == "upload":
            for page in opened[part.key].pages:
                pdf.pages.append(page)
        else:
            for _ in range(part.pages):
                pdf.pages.append(next(rendered_pages))
    all_pages = [page.obj for page in pdf.pages]
    page_objects: dict[str, list] = {}
    position = front_pages
    for part in parts:
        page_objects[part.key] = all_pages[position : position + part.pages]
        position += part.pages
    if len(all_pages) != position or next(rendered_pages, None) is not None:
        raise PackBuildError(
            f"The pack came out with {len(all_pages)} pages where {position} were planned."
        )
    # The tags of the portal's own pages, now pointing at their pages in the pack.
    tags = rendered.Root.get(Name.StructTreeRoot)
    if isinstance(tags, pikepdf.Dictionary):
        pdf.Root.StructTreeRoot = pdf.copy_foreign(tags)
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)

    structure = pack_pdf.Structure(pdf)
    stamper = pack_pdf.Stamper(pdf)
    layouts = upload_layouts([p.doc for p in parts if p.source == "upload"])
    cleared = 0
    for part in parts:
        pages = page_objects[part.key]
        marked = b""
        layout: list[dict] = []
        if part.source == "upload":
            source = opened[part.key]
            if not structure.add_tagged(part.key, part.title, source, pages):
                marked = structure.add_untagged(part.key, part.title, pages)
            layout = layouts[part.doc["sha256"]]
        for offset, page in enumerate(pages):
            frame = pack_pdf.page_frame(page)
            label = part.item if (part.stamp_item and offset == 0) else None
            stamps = pack_pdf.plan_stamps(frame, page_number=part.first + offset, item_label=label)
            clearance = None
            if part.source == "upload":
                text = layout[offset]["text"] if offset < len(layout) else []
                boxes = [*text, *pack_pdf.annotation_boxes(page, frame)]
                if pack_pdf.needs_clearance(stamps, boxes):
                    clearance = pack_pdf.clearance_matrix(frame, item_stamp=label is not None)
                    cleared += 1
            stamper.stamp(page, frame, stamps, clearance=clearance, marked_content=marked)

    order = []
    for part in parts:
        if part.source == "upload":
            order.append((part.key, set()))
        else:
            order.append((part.key, {p.objgen for p in page_objects[part.key]}))
    structure.finish(order)

    in_pack = {page.objgen for page in all_pages}
    carried = {
        part.key: pack_pdf.carry_outline(pdf, opened[part.key], in_pack)
        for part in parts
        if part.source == "upload"
    }
    pack_pdf.write_outline(pdf, _front_bookmarks(inputs, front, parts=parts, carried=carried))
    pack_pdf.write_metadata(pdf, **meta, created_iso=created, claims_pdf_ua=False)
    notes = []
    if cleared:
        notes.append(
            f"{cleared} uploaded page{'s' if cleared != 1 else ''} had text where a stamp goes; "
            f"{'they were' if cleared != 1 else 'it was'} scaled down slightly to keep it clear."
        )
    return notes


def _front_bookmarks(inputs: dict, front, *, parts, carried=None) -> list[pack_pdf.Bookmark]:
    """A bookmark per agenda item and per document: an item leads to its first document, or to
    its place on the front sheet when it has none in this pack."""
    carried = carried or {}
    by_key = {p.key: p for p in parts or []}
    anchors: dict[str, tuple[int, float]] = {}
    for index, page in enumerate(front.pages):
        height = pack_pdf.pdf_points(page.height)
        for name, position in page.anchors.items():
            anchors[name] = (index, height - pack_pdf.pdf_points(position[1]))

    def item_bookmark(item: dict) -> pack_pdf.Bookmark:
        title = f"{item['number']} {item['title']}"
        docs = [by_key[k] for k in item["docs"] + item.get("exempt_docs", []) if k in by_key]
        children = [
            pack_pdf.Bookmark(
                ("Exempt: " if p.exempt else "") + p.title, p.first - 1, carried=carried.get(p.key)
            )
            for p in docs
        ]
        children += [item_bookmark(sub) for sub in item["sub_items"]]
        if docs:
            return pack_pdf.Bookmark(title, docs[0].first - 1, children=children)
        index, top = anchors.get(f"item-{item['key']}", (0, None))
        return pack_pdf.Bookmark(title, index, top=top, children=children)

    bookmarks = [pack_pdf.Bookmark("Agenda front sheet", 0)]
    bookmarks += [item_bookmark(item) for item in inputs["public_items"]]
    bookmarks += [item_bookmark(item) for item in inputs["private_items"]]
    cover = by_key.get("cover")
    if cover is not None:
        bookmarks.append(pack_pdf.Bookmark("Exempt papers (not for publication)", cover.first - 1))
    return bookmarks


# ---------------------------------------------------------------------------------------------
# Requesting, building and re-queueing
# ---------------------------------------------------------------------------------------------


def _front_sheet_guess(meeting: Meeting, kind: str) -> int | None:
    """How many pages the front sheet had last time (this meeting, else this committee): the
    first layout pass assumes it, and a right guess saves laying the front sheet out twice."""
    built = Pack.objects.filter(state=Pack.State.READY, front_sheet_pages__isnull=False).exclude(
        kind=Pack.Kind.MINUTES
    )
    for packs in (
        built.filter(meeting=meeting),
        built.filter(meeting__committee_id=meeting.committee_id),
    ):
        guess = packs.order_by("-finished_at").values_list("front_sheet_pages", flat=True).first()
        if guess:
            return guess
    return None


def _enqueue(pack: Pack) -> None:
    from .tasks import build_pack

    result = build_pack.enqueue(pack.pk, pack.attempts)
    Pack.objects.filter(pk=pack.pk, attempts=pack.attempts).update(task_id=str(result.id)[:64])


def _requeue(pack: Pack, *, now: dt.datetime) -> None:
    pack.attempts += 1
    pack.state = Pack.State.QUEUED
    pack.requested_at = now
    pack.started_at = None
    pack.finished_at = None
    pack.error = ""
    pack.save(
        update_fields=["attempts", "state", "requested_at", "started_at", "finished_at", "error"]
    )
    _enqueue(pack)


def _task_finished_or_lost(pack: Pack) -> bool:
    """Whether the queued task of a still-queued pack is gone or already ran (so nothing will
    build it). Backends that cannot look a task up answer False."""
    from django.tasks import TaskResultStatus
    from django.tasks.exceptions import TaskResultDoesNotExist

    from .tasks import build_pack

    if not pack.task_id or not build_pack.get_backend().supports_get_result:
        return False
    try:
        result = build_pack.get_result(pack.task_id)
    except TaskResultDoesNotExist:
        return True
    return result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


def is_stale(pack: Pack, *, now: dt.datetime | None = None) -> bool:
    """A build that will not finish by itself: its worker died mid-build, or its task is gone."""
    now = now or timezone.now()
    if pack.state == Pack.State.BUILDING:
        return pack.started_at is None or pack.started_at < now - STALE_BUILD
    if pack.state == Pack.State.QUEUED:
        if pack.requested_at < now - STALE_QUEUE:
            return True
        return pack.requested_at < now - dt.timedelta(seconds=30) and _task_finished_or_lost(pack)
    return False


def _new_pack(
    meeting: Meeting, kind: str, inputs: dict, digest: str, *, now, version: int | None = None
) -> Pack:
    return Pack.objects.create(
        meeting=meeting,
        kind=kind,
        inputs_hash=digest,
        inputs=inputs,
        requested_at=now,
        version=version,
        front_sheet_pages=_front_sheet_guess(meeting, kind),
    )


def pack_request(
    *, meeting: Meeting, kind: str, retry: bool = False, inputs: dict | None = None
) -> Pack:
    """The pack of this kind for the meeting as it is now: the ready one when nothing changed,
    else a queued build (one per set of inputs, however often it is asked for). A failed build
    is tried again after a while, a few times, or at once with ``retry``."""
    if inputs is None:
        inputs = pack_inputs(meeting=meeting, kind=kind)
    digest = inputs_hash(inputs)
    now = timezone.now()
    with transaction.atomic():
        pack = (
            Pack.objects.select_for_update()
            .filter(meeting=meeting, kind=kind, inputs_hash=digest)
            .first()
        )
        if pack is None:
            try:
                with transaction.atomic():
                    pack = _new_pack(meeting, kind, inputs, digest, now=now)
            except IntegrityError:
                # Another request queued the same build a moment ago.
                return Pack.objects.get(meeting=meeting, kind=kind, inputs_hash=digest)
            _enqueue(pack)
        elif pack.state == Pack.State.FAILED:
            automatic = (
                pack.attempts + 1 < MAX_AUTOMATIC_ATTEMPTS
                and pack.finished_at is not None
                and pack.finished_at < now - FAILED_RETRY_AFTER
            )
            if retry or automatic:
                _requeue(pack, now=now)
        elif pack.state != Pack.State.READY and is_stale(pack, now=now):
            _requeue(pack, now=now)
    pack.refresh_from_db()
    return pack


def requeue_stale_packs(*, now: dt.datetime | None = None) -> list[Pack]:
    """Queue again every build whose worker died (building for longer than
    PACK_BUILD_STALE_MINUTES) or whose task is lost. Safe to run at any time, from any number
    of processes: each pack is locked and checked again before it is queued."""
    now = now or timezone.now()
    candidates = Pack.objects.filter(
        state=Pack.State.BUILDING, started_at__lt=now - STALE_BUILD
    ) | (
        Pack.objects.filter(
            state=Pack.State.QUEUED, requested_at__lt=now - dt.timedelta(seconds=30)
        )
    )
    requeued = []
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            pack = Pack.objects.select_for_update().filter(pk=pk).first()
            if pack is None or not is_stale(pack, now=now):
                continue
            logger.warning(
                "Queueing again the stale build of %s (attempt %s)", pack, pack.attempts + 1
            )
            _requeue(pack, now=now)
        requeued.append(pack)
    return requeued


_last_sweep = 0.0


def _sweep_now_and_then() -> None:
    """Each build also looks for stale ones, at most once a minute per worker process."""
    global _last_sweep
    if time.monotonic() - _last_sweep < 60:
        return
    _last_sweep = time.monotonic()
    try:
        requeue_stale_packs()
    except Exception:  # a sweep must never fail the build that runs it
        logger.exception("Looking for stale pack builds failed")


def _file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, PackBuildError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            "The pack could not be saved: the server's disk is full "
            f"({os.strerror(exc.errno)}). The packs already published are still served. Ask "
            "whoever runs the portal to free some space, then build the pack again."
        )
    return Truncator(f"The pack could not be built ({type(exc).__name__}: {exc}).").chars(2000)


def _store_file(temp: Path, name: str, size: int) -> str:
    """Store a finished PDF under its hash. A file already there of another size is what a
    write cut short left (a full disk, a killed worker): it is replaced, never served; and a
    write that fails leaves nothing behind."""
    if default_storage.exists(name):
        if default_storage.size(name) == size:
            return name
        default_storage.delete(name)
    try:
        with open(temp, "rb") as handle:
            return default_storage.save(name, File(handle))
    except BaseException:
        if default_storage.exists(name) and not Pack.objects.filter(file=name).exists():
            default_storage.delete(name)
        raise


def pack_build(*, pack_id: int, attempt: int) -> str:
    """Build one queued pack (the body of the build task). Only the current attempt may claim
    the pack and only it may finish it, so a worker presumed dead that comes back late changes
    nothing. The PDF is written to a temporary file, stored under its own hash, and only then
    named on the pack: nobody is ever served half a file."""
    _sweep_now_and_then()
    now = timezone.now()
    claimed = Pack.objects.filter(pk=pack_id, attempts=attempt, state=Pack.State.QUEUED).update(
        state=Pack.State.BUILDING, started_at=now, error=""
    )
    if not claimed:
        return "skipped"
    pack = Pack.objects.get(pk=pack_id)
    fd, temp_name = tempfile.mkstemp(
        prefix="pack-", suffix=".pdf", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    os.close(fd)
    temp = Path(temp_name)
    started = time.perf_counter()
    try:
        result = build_pack_pdf(pack.inputs, temp, front_sheet_guess=pack.front_sheet_pages)
        sha256, size = _file_sha256(temp)
        name = _store_file(temp, f"packs/{pack.meeting_id}/{sha256}.pdf", size)
        finished = Pack.objects.filter(
            pk=pack_id, attempts=attempt, state=Pack.State.BUILDING
        ).update(
            state=Pack.State.READY,
            file=name,
            sha256=sha256,
            size_bytes=size,
            page_count=result.page_count,
            front_sheet_pages=result.front_sheet_pages or None,
            notes=result.notes,
            finished_at=timezone.now(),
            build_seconds=round(time.perf_counter() - started, 3),
        )
        if not finished:
            _delete_unused_file(name)
            return "superseded"
        # A published version is frozen the moment it exists: kept, never replaced.
        Pack.objects.filter(pk=pack_id, version__isnull=False, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )
    except Exception as exc:
        Pack.objects.filter(pk=pack_id, attempts=attempt).update(
            state=Pack.State.FAILED, error=_error_text(exc), finished_at=timezone.now()
        )
        data_changed()  # pages that said "being prepared"
        logger.exception("Building %s failed", pack)
        raise
    finally:
        temp.unlink(missing_ok=True)
    data_changed()  # the meeting page shows the pack's pages and size
    _drop_superseded(pack)
    return "ready"


def pack_publish_version(*, meeting: Meeting, kind: str, inputs: dict, version: int | None = None):
    """Publish the pack made from these inputs as the next version of its kind (or as the given
    version: a supplementary agenda's number). It is frozen once built; when the latest
    version was made from the same inputs, nothing changes and that version is returned. Call
    inside the publishing transaction: the build is queued with it, or not at all."""
    digest = inputs_hash(inputs)
    versions = Pack.objects.select_for_update().filter(
        meeting=meeting, kind=kind, version__isnull=False
    )
    latest = versions.order_by("-version").first()
    if latest is not None and latest.inputs_hash == digest:
        return latest
    if version is None:
        version = (latest.version if latest else 0) + 1
    now = timezone.now()
    pack = (
        Pack.objects.select_for_update()
        .filter(meeting=meeting, kind=kind, inputs_hash=digest)
        .first()
    )
    if pack is not None and pack.version is not None:
        # An earlier version had these very inputs (a change undone): publish it again as new.
        pack = None
        digest_inputs = {**inputs, "republished_as": version}
        inputs, digest = digest_inputs, inputs_hash(digest_inputs)
    if pack is None:
        pack = _new_pack(meeting, kind, inputs, digest, now=now, version=version)
        _enqueue(pack)
        pack.refresh_from_db()
        return pack
    pack.version = version
    fields = ["version"]
    if pack.is_ready:
        pack.frozen_at = now
        fields.append("frozen_at")
    pack.save(update_fields=fields)
    if pack.state == Pack.State.FAILED or is_stale(pack, now=now):
        _requeue(pack, now=now)
    return pack


def _without_documents(inputs: dict, keys: set[str], note: str) -> dict:
    def strip(entry: dict) -> dict:
        return {
            **entry,
            "docs": [k for k in entry["docs"] if k not in keys],
            "exempt_docs": [k for k in entry.get("exempt_docs", []) if k not in keys],
            "sub_items": [strip(sub) for sub in entry.get("sub_items", [])],
        }

    out = {**inputs, "reissue_note": note}
    for name in ("public_items", "private_items"):
        if name in out:
            out[name] = [strip(entry) for entry in out[name]]
    for name in ("documents", "exempt_documents"):
        if name in out:
            out[name] = [d for d in out[name] if d["key"] not in keys]
    return out


def _reissue(pack: Pack, inputs: dict, files: list[str]) -> Pack | None:
    """Replace a pack by one built from these inputs: a published version keeps its number
    (it is built again and frozen once built); an unpublished build is simply forgotten."""
    files.append(pack.file.name)
    version, kind, meeting_id = pack.version, pack.kind, pack.meeting_id
    pack.delete()
    if version is None:
        return None
    # Two versions reissued the same way must not collide on their inputs.
    inputs = {**inputs, "reissued_version": version}
    if kind == Pack.Kind.SUPPLEMENT and not inputs.get("documents"):
        inputs["notes"] = []
    new = _new_pack(
        Meeting.objects.get(pk=meeting_id),
        kind,
        inputs,
        inputs_hash(inputs),
        now=timezone.now(),
        version=version,
    )
    _enqueue(new)
    return new


def packs_withdraw_document(*, report: Report, note: str) -> list[Pack]:
    """Take a withdrawn document out of every pack of its meeting. A published version is
    built again under the same version number without it (saying so on its front sheet) and
    the old file is deleted; an unpublished build is simply forgotten. Call inside the
    withdrawing transaction."""
    key = f"r{report.pk}"
    reissued, files = [], []
    for pack in Pack.objects.select_for_update().filter(meeting_id=report.agenda_item.meeting_id):
        docs = pack.inputs.get("documents", []) + pack.inputs.get("exempt_documents", [])
        if any(d.get("key") == key for d in docs):
            new = _reissue(pack, _without_documents(pack.inputs, {key}, note), files)
            if new:
                reissued.append(new)
    transaction.on_commit(lambda: [_delete_unused_file(name) for name in files])
    return reissued


def packs_follow_privacy(*, meeting: Meeting, note: str) -> list[Pack]:
    """After something of a published meeting may no longer be shown to the public (an item
    made private, a paper made exempt, a minute made private), every published version of the
    public kinds that holds it is built again under its number without it: this meeting's
    packs (its papers and its private items' text) and those of later meetings that print its
    minutes. What the public may have is asked of ``meetings.visibility``. Call inside the
    changing transaction."""
    public = visibility.PUBLIC
    own_reports = set(
        Report.objects.filter(agenda_item__meeting=meeting).values_list("pk", flat=True)
    )
    public_reports = set(
        Report.objects.filter(visibility.report_q(public), pk__in=own_reports).values_list(
            "pk", flat=True
        )
    )
    private_stamps = {
        item.stamp_number
        for item in AgendaItem.objects.filter(meeting=meeting).select_related("parent")
        if visibility.item_is_private(item)
    }
    minutes_id = Minutes.objects.filter(meeting=meeting).values_list("pk", flat=True).first()
    public_minutes: set[str] = set()
    if minutes_id is not None:
        minutes = _minutes_queryset().get(pk=minutes_id)
        public_minutes = {
            i.number
            for i in minutes.items.all()
            if visibility.minute_item_least_audience(i) == public
        }

    def hide(entry: dict) -> tuple[dict, bool]:
        changed = False
        subs = []
        for sub in entry.get("sub_items", []):
            sub, sub_changed = hide(sub)
            subs.append(sub)
            changed = changed or sub_changed
        entry = {**entry, "sub_items": subs}
        if entry["key"] in private_stamps and not entry.get("private"):
            entry.update(private=True, description="", bullets=[], presenter="")
            changed = True
        return entry, changed

    def follow(doc: dict) -> dict | None:
        """The document as the public may still have it, None for none of it."""
        if doc.get("type") == "upload":
            rid = doc.get("report_id")
            return None if rid in own_reports and rid not in public_reports else doc
        if doc.get("type") == "minutes" and minutes_id and doc.get("minutes_id") == minutes_id:
            items = [i for i in doc.get("items", []) if i.get("number") in public_minutes]
            return {**doc, "items": items} if items else None
        return doc

    reissued, files = [], []
    public_kinds = (Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET, Pack.Kind.SUPPLEMENT)
    printing = Pack.objects.filter(meeting=meeting)
    if minutes_id is not None:
        printing = Pack.objects.filter(
            Q(meeting=meeting) | Q(meeting__agenda_items__previous_minutes_id=minutes_id)
        )
    pack_ids = set(printing.filter(kind__in=public_kinds).values_list("pk", flat=True))
    for pack in Pack.objects.select_for_update().filter(pk__in=pack_ids).order_by("pk"):
        inputs = pack.inputs
        documents, gone = [], set()
        for doc in inputs.get("documents", []):
            kept = follow(doc)
            if kept is None:
                gone.add(doc["key"])
            elif kept is not doc:
                documents.append(kept)
            else:
                documents.append(doc)
        changed_docs = documents != inputs.get("documents", [])
        items, hidden = [], False
        if pack.meeting_id == meeting.pk:
            for entry in inputs.get("public_items", []):
                entry, changed = hide(entry)
                items.append(entry)
                hidden = hidden or changed
        if not gone and not hidden and not changed_docs:
            continue
        inputs = {**inputs, "documents": documents}
        if hidden:
            inputs["public_items"] = items
        new = _reissue(pack, _without_documents(inputs, gone, note), files)
        if new:
            reissued.append(new)
    transaction.on_commit(lambda: [_delete_unused_file(name) for name in files])
    return reissued


def pack_for_download(*, meeting: Meeting, kind: str) -> Pack:
    """The pack a download of this kind gets: once the agenda is published, its latest
    published version (frozen: later edits wait for a supplementary agenda); before that, or
    for the printed minutes, the pack of the meeting as it is now."""
    if kind in VERSIONED_KINDS and meeting.is_public:
        latest = published_versions(meeting, kind).first()
        if latest is not None:
            if latest.state != Pack.State.READY and (
                latest.state == Pack.State.FAILED or is_stale(latest)
            ):
                with transaction.atomic():
                    latest = Pack.objects.select_for_update().get(pk=latest.pk)
                    if latest.state == Pack.State.FAILED or is_stale(latest):
                        _requeue(latest, now=timezone.now())
                latest.refresh_from_db()
            return latest
    return pack_request(meeting=meeting, kind=kind)


@dataclass
class PublishedVersion:
    label: str
    url: str
    state: str
    published: dt.datetime | None
    page_count: int | None


def earlier_versions(*, meeting: Meeting, user) -> list[PublishedVersion]:
    """Every published version of the packs this viewer may have but the latest of each kind
    (which the meeting page links as the pack itself), newest first."""
    kinds = [k for k in kinds_for(meeting=meeting, user=user) if k in VERSIONED_KINDS]
    if not meeting.is_public or not kinds:
        return []
    rows = []
    seen: set[str] = set()
    for pack in Pack.objects.filter(
        meeting=meeting, kind__in=kinds, version__isnull=False
    ).order_by("kind", "-version"):
        if pack.kind not in seen:
            seen.add(pack.kind)
            continue
        rows.append(
            PublishedVersion(
                label=f"{KINDS[pack.kind].label}, version {pack.version}",
                url=reverse(
                    "pack-version-download",
                    kwargs={
                        "slug": meeting.slug,
                        "kind": KINDS[pack.kind].slug,
                        "version": pack.version,
                    },
                ),
                state=pack.state,
                published=pack.frozen_at or pack.requested_at,
                page_count=pack.page_count,
            )
        )
    rows.sort(key=lambda r: r.published, reverse=True)
    return rows


def supplement_pack_url(meeting: Meeting, number: int) -> str:
    return reverse(
        "pack-version-download",
        kwargs={"slug": meeting.slug, "kind": KINDS[Pack.Kind.SUPPLEMENT].slug, "version": number},
    )


def published_versions(meeting: Meeting, kind: str):
    return Pack.objects.filter(meeting=meeting, kind=kind, version__isnull=False).order_by(
        "-version"
    )


@transaction.atomic
def pack_freeze(*, pack: Pack) -> Pack:
    """Publish a ready pack as the next version of its kind for the meeting: it is kept, never
    rebuilt or replaced, and stays downloadable after later versions (the clerk workspace and
    its supplements build on this)."""
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    if pack.is_frozen:
        return pack
    if not pack.is_ready:
        raise PackBuildError("Only a pack that has been built can be published.")
    latest = (
        Pack.objects.select_for_update()
        .filter(meeting_id=pack.meeting_id, kind=pack.kind, version__isnull=False)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    pack.version = (latest or 0) + 1
    pack.frozen_at = timezone.now()
    pack.save(update_fields=["version", "frozen_at"])
    return pack


def _delete_unused_file(name: str) -> None:
    if name and not Pack.objects.filter(file=name).exists():
        default_storage.delete(name)


def _drop_superseded(pack: Pack) -> None:
    """Forget older, unpublished builds of the same pack, keeping the newest few."""
    older = (
        Pack.objects.filter(meeting_id=pack.meeting_id, kind=pack.kind, version__isnull=True)
        .exclude(pk=pack.pk)
        .exclude(state__in=[Pack.State.QUEUED, Pack.State.BUILDING])
        .order_by("-requested_at")
    )
    for old in list(older[SUPERSEDED_KEPT:]):
        name = old.file.name
        # Not one that has just been given a version number by a publication.
        Pack.objects.filter(pk=old.pk, version__isnull=True).delete()
        _delete_unused_file(name)


# ---------------------------------------------------------------------------------------------
# Who may have which pack
# ---------------------------------------------------------------------------------------------


def kinds_for(*, meeting: Meeting, user) -> list[str]:
    """The kinds of pack this viewer may have, in the order a reader wants them: none of a
    meeting the viewer may not see; the members' pack only for those who may read exempt
    papers; the printed minutes only for those who may read the minutes."""
    audience = visibility.audience_of(user)
    if not Meeting.objects.filter(visibility.meeting_q(audience), pk=meeting.pk).exists():
        return []
    kinds = [Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET]
    if audience >= visibility.pack_audience(Pack.Kind.MEMBERS):
        kinds.append(Pack.Kind.MEMBERS)
    if Minutes.objects.filter(visibility.minutes_q(audience), meeting=meeting).exists():
        kinds.append(Pack.Kind.MINUTES)
    return kinds


def viewer_may_have(*, meeting: Meeting, kind: str, user) -> bool:
    """Whether this viewer may have a pack of this kind; a supplementary agenda's pack goes with
    the public pack (it holds only public papers)."""
    if kind == Pack.Kind.SUPPLEMENT:
        kind = Pack.Kind.PUBLIC
    return kind in kinds_for(meeting=meeting, user=user)


def is_public_pack(pack: Pack) -> bool:
    """Whether anyone may have this file: a kind the public may have, of a published meeting
    (a supplementary agenda's pack holds only public papers, like the public pack)."""
    kinds = kinds_for(meeting=pack.meeting, user=AnonymousUser())
    if pack.kind == Pack.Kind.SUPPLEMENT:
        return Pack.Kind.PUBLIC in kinds
    return pack.kind in kinds


def pack_download_name(pack: Pack) -> str:
    """ "Coventry Health and Well-being Board 2014-09-22 agenda pack.pdf"."""
    day = timezone.localtime(pack.meeting.start).date().isoformat()
    name = f"{pack.meeting.committee.name} {day} {KINDS[pack.kind].words}.pdf"
    return "".join(ch for ch in name if ch.isprintable() and ch not in '\\/:*?"<>|')


def pack_url(meeting: Meeting, kind: str) -> str:
    return reverse("pack-download", kwargs={"slug": meeting.slug, "kind": KINDS[kind].slug})


@dataclass
class PackLink:
    """One pack a viewer may download, for the meeting page."""

    kind: str
    label: str
    url: str
    state: str  # a Pack.State, or "" when nothing has been built for the current inputs
    page_count: int | None = None
    size_bytes: int | None = None

    @property
    def detail(self) -> str:
        if self.state == Pack.State.READY and self.page_count:
            from django.template.defaultfilters import filesizeformat

            pages = f"{self.page_count} page{'s' if self.page_count != 1 else ''}"
            return f"PDF, {pages}, {filesizeformat(self.size_bytes)}"
        if self.state in (Pack.State.QUEUED, Pack.State.BUILDING):
            return "PDF, being prepared"
        return "PDF"


def meeting_packs(*, meeting: Meeting, user) -> list[PackLink]:
    """The packs of a meeting this viewer may download, in the order a reader wants them."""
    return _links(meeting, user)[1]


def _links(meeting: Meeting, user) -> tuple[MeetingMaterial | None, list[PackLink]]:
    wanted = kinds_for(meeting=meeting, user=user)
    if not wanted:
        return None, []
    material = collect_material(meeting)
    latest_versions = {}
    if meeting.is_public:
        for pack in Pack.objects.filter(
            meeting=meeting, kind__in=VERSIONED_KINDS, version__isnull=False
        ).order_by("kind", "-version"):
            latest_versions.setdefault(pack.kind, pack)
    digests = {}
    for kind in wanted:
        if kind in latest_versions:
            digests[kind] = latest_versions[kind].inputs_hash
            continue
        try:
            digests[kind] = inputs_hash(kind_inputs(material, kind))
        except PackNotAvailable:
            continue
    built = {
        (p.kind, p.inputs_hash): p
        for p in Pack.objects.filter(meeting=meeting, inputs_hash__in=digests.values()).only(
            "kind", "inputs_hash", "state", "page_count", "size_bytes"
        )
    }
    links = []
    for kind, digest in digests.items():
        pack = built.get((kind, digest))
        links.append(
            PackLink(
                kind=kind,
                label=KINDS[kind].label,
                url=pack_url(meeting, kind),
                state=pack.state if pack else "",
                page_count=pack.page_count if pack else None,
                size_bytes=pack.size_bytes if pack else None,
            )
        )
    return material, links


def pack_states(*, meeting: Meeting, user) -> list[dict]:
    """The build state of each pack the viewer may download; clerks also see errors, notes and
    attempts, so they know what a build is doing and why one failed."""
    clerk = roles.sees_unpublished(user)
    answer = []
    material, links = _links(meeting, user)
    for link in links:
        entry = {
            "kind": link.kind,
            "label": link.label,
            "url": link.url,
            "state": link.state or "not built",
            "page_count": link.page_count,
            "size_bytes": link.size_bytes,
        }
        if clerk:
            try:
                digest = inputs_hash(kind_inputs(material, link.kind))
            except PackNotAvailable:  # a published version of what is no longer there
                digest = ""
            pack = Pack.objects.filter(meeting=meeting, kind=link.kind, inputs_hash=digest).first()
            latest = (
                Pack.objects.filter(meeting=meeting, kind=link.kind)
                .ready()
                .order_by("-finished_at")
                .first()
            )
            entry.update(
                {
                    "inputs_hash": digest,
                    "up_to_date": pack is not None and pack.is_ready,
                    "error": pack.error if pack else "",
                    "notes": pack.notes if pack else material.notes,
                    "attempts": pack.attempts if pack else 0,
                    "requested_at": pack.requested_at.isoformat() if pack else None,
                    "started_at": pack.started_at.isoformat() if pack and pack.started_at else None,
                    "finished_at": pack.finished_at.isoformat()
                    if pack and pack.finished_at
                    else None,
                    "build_seconds": pack.build_seconds if pack else None,
                    "stale": bool(pack and is_stale(pack)),
                    "last_ready": (
                        {
                            "finished_at": latest.finished_at.isoformat(),
                            "page_count": latest.page_count,
                        }
                        if latest
                        else None
                    ),
                }
            )
        answer.append(entry)
    return answer
