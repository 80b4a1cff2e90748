"""The documents a pack prints, as the dicts its inputs hold: a meeting's printed minutes (its
public or its private part, with attendance, declarations of interest, and resolutions with
their recorded votes) and an uploaded paper (by the identity of its file)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from meetings.formats import clock, minutes_datetime, ordinal_date
from meetings.minutes_layout import attendance_groups, narrative_blocks
from meetings.models import (
    Attendance,
    Declaration,
    MinuteItem,
    Minutes,
    Part,
    RecordedVote,
    VoteCast,
)

from ..models import Report


def _full_name(person) -> str:
    return " ".join(part for part in (person.forenames, person.surname) if part) or str(person)


def _join_names(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _attendance_rows(attendance: list[Attendance]) -> list[dict]:
    """The printed "Present:" lines, grouped as the minutes page groups them
    (``meetings.minutes_layout.attendance_groups``)."""
    groups = attendance_groups(attendance)
    rows: list[dict] = []

    def people(group: str, members: list[Attendance]) -> None:
        label = f"{Attendance.Group(group).label}:"
        for n, a in enumerate(members):
            text = a.person.display_name
            if a.capacity:
                text += f", {a.capacity}"
            if a.is_chair:
                text += " (Chair)"
            rows.append({"label": label if n == 0 else "", "text": text, "starts_group": n == 0})

    people(Attendance.Group.BOARD_MEMBER, groups.board_members)
    people(Attendance.Group.OTHER_REPRESENTATIVE, groups.others)
    if groups.officers:
        label = f"{Attendance.Group.OFFICER.label}:"
        rows.append({"label": label, "text": "", "starts_group": True})
        for directorate, lines in groups.officers.items():
            names = ", ".join(a.person.display_name for a in lines)
            rows.append({"label": f"{directorate}:", "text": names})
    people(Attendance.Group.APOLOGIES, groups.apologies)
    return rows


# A declaration's kind in words, as the minutes print it (``Declaration.Kind``).
DECLARED_KIND = {
    Declaration.Kind.DISCLOSABLE_PECUNIARY: "a disclosable pecuniary interest",
    Declaration.Kind.OTHER: "an other registrable interest",
    Declaration.Kind.NON_REGISTRABLE: "a non-registrable interest",
}
VOTE_OPTIONS = ((VoteCast.Option.FOR, "For"), (VoteCast.Option.AGAINST, "Against"),
                (VoteCast.Option.ABSTAIN, "Abstained"))  # fmt: skip


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _declaration(declaration: Declaration) -> dict:
    """The declaration in words (who, the kind of interest, the interest) and, when they left
    the room for the item, that too."""
    name = declaration.person.display_name
    kind = DECLARED_KIND.get(declaration.kind, "an interest")
    return {
        "text": f"{name} declared {kind}: {_sentence(declaration.interest)}",
        "left_room": f"{name} left the room for this item." if declaration.left_room else "",
    }


def _vote(vote: RecordedVote) -> dict:
    """A recorded vote as printed: the outcome, what was put if not the resolution, and for,
    against and abstained with the names (or the totals where names were not recorded)."""
    counts = vote.counts()
    names = vote.names() if vote.names_recorded else None
    heading = "Recorded vote (budget decision)" if vote.is_budget_vote else "Recorded vote"
    lines = []
    for option, label in VOTE_OPTIONS:
        if names is None:  # "For: 4"
            lines.append({"label": f"{label}:", "text": str(counts[option])})
        else:  # "For (2): Cllr A and Cllr B"
            text = _join_names([p.display_name for p in names[option]]) or "None"
            lines.append({"label": f"{label} ({counts[option]}):", "text": text})
    return {
        "heading": f"{heading}: {vote.get_outcome_display().lower()}.",
        "motion": vote.motion,
        "lines": lines,
        "names_recorded": vote.names_recorded,
    }


def _votes(resolution) -> list[dict]:
    return [_vote(v) for v in resolution.votes.all()]


def _minute_item(item: MinuteItem) -> dict:
    resolutions = list(item.resolutions.all())
    inline = None
    inline_votes: list[dict] = []
    numbered = []
    if len(resolutions) == 1 and resolutions[0].number is None:
        inline = resolutions[0].text
        inline_votes = _votes(resolutions[0])
    else:
        numbered = [
            {
                "label": f"({r.number})" if r.number is not None else "",
                "text": r.text,
                "votes": _votes(r),
            }
            for r in resolutions
        ]
    return {
        "number": item.number,
        "title": item.title,
        "blocks": narrative_blocks(item.narrative),
        "declarations": [_declaration(d) for d in item.declarations.all()],
        "resolved_inline": inline,
        "resolved_inline_votes": inline_votes,
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
                Prefetch(
                    "resolutions__votes",
                    queryset=RecordedVote.objects.order_by("pk").prefetch_related(
                        Prefetch("casts", queryset=VoteCast.objects.select_related("person"))
                    ),
                ),
                Prefetch(
                    "declarations",
                    queryset=Declaration.objects.select_related("person").order_by("pk"),
                ),
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
