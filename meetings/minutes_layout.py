"""How minutes are set out, the same on the web page and in the printed minutes: the narrative's
paragraphs and bullet points, and the attendance in the seed's groups (officers by directorate).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Attendance


def narrative_blocks(text: str) -> list[dict]:
    """Paragraphs separated by blank lines; lines starting "- " are bullet points, and a run of
    them is one list even between lines of prose: ``{"text": ...}`` or ``{"bullets": [...]}``."""
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


@dataclass
class AttendanceGroups:
    """The minutes' "Present:" and "Apologies:" in the seed's order and groups."""

    board_members: list[Attendance] = field(default_factory=list)
    others: list[Attendance] = field(default_factory=list)
    officers: dict[str, list[Attendance]] = field(default_factory=dict)  # by directorate
    apologies: list[Attendance] = field(default_factory=list)


def attendance_groups(attendance: list[Attendance]) -> AttendanceGroups:
    groups = AttendanceGroups()
    for line in attendance:
        if line.group == Attendance.Group.BOARD_MEMBER:
            groups.board_members.append(line)
        elif line.group == Attendance.Group.OTHER_REPRESENTATIVE:
            groups.others.append(line)
        elif line.group == Attendance.Group.OFFICER:
            groups.officers.setdefault(line.directorate or "Other", []).append(line)
        elif line.group == Attendance.Group.APOLOGIES:
            groups.apologies.append(line)
    return groups
