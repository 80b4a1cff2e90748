"""Reading ModernGov web service answers into plain records; the importer works on these.

The same parser reads a live site and a folder of saved answers. XML is parsed by the standard
library with any DOCTYPE refused first, so no entity can expand or reach outside the answer. A
missing element or a value in the wrong format raises ``BadAnswer`` with what was wrong."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET  # DOCTYPEs are refused before parsing
from dataclasses import dataclass, field


class BadAnswer(ValueError):
    """An answer that is not what ModernGov sends: nothing of it is imported."""


def parse_xml(data: bytes, *, expect: tuple[str, ...] = ()) -> ET.Element:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise BadAnswer("the answer declares a DOCTYPE or entities, which ModernGov never does")
    try:
        root = ET.fromstring(data)  # noqa: S314 - see above
    except ET.ParseError as exc:
        raise BadAnswer(f"not well-formed XML ({exc})") from exc
    if expect and root.tag not in expect:
        raise BadAnswer(f"expected <{'> or <'.join(expect)}>, found <{root.tag}>")
    return root


def text(el: ET.Element, name: str, *, required: bool = False) -> str:
    child = el.find(name)
    if child is None:
        if required:
            raise BadAnswer(f"<{el.tag}> has no <{name}>")
        return ""
    return (child.text or "").strip()


def raw_text(el: ET.Element, name: str) -> str:
    child = el.find(name)
    return "" if child is None or child.text is None else child.text


def integer(el: ET.Element, name: str, *, required: bool = True) -> int | None:
    value = text(el, name, required=required)
    if not value and not required:
        return None
    if not value.isdigit():
        raise BadAnswer(f"<{name}> of <{el.tag}> is not a whole number: {value!r}")
    return int(value)


def flag(el: ET.Element, name: str) -> bool:
    value = text(el, name)
    if value not in ("True", "False", ""):
        raise BadAnswer(f"<{name}> is neither True nor False: {value!r}")
    return value == "True"


def date(value: str, what: str) -> dt.date:
    try:
        return dt.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise BadAnswer(f"{what} is not a dd/mm/yyyy date: {value!r}") from exc


_TIME = re.compile(r"^(\d{1,2})[.:](\d{2})\s*([ap])\.?m\.?$", re.IGNORECASE)


def time(value: str, what: str) -> dt.time | None:
    """ "10.00 am", "2.30 pm"; blank is None."""
    value = value.strip()
    if not value:
        return None
    match = _TIME.match(value)
    if not match:
        raise BadAnswer(f"{what} is not a time like '2.00 pm': {value!r}")
    hour, minute, half = int(match[1]), int(match[2]), match[3].lower()
    if not (1 <= hour <= 12 and minute < 60):
        raise BadAnswer(f"{what} is not a time like '2.00 pm': {value!r}")
    hour = hour % 12 + (12 if half == "p" else 0)
    return dt.time(hour, minute)


@dataclass
class Committee:
    id: int
    title: str
    deleted: bool = False
    expired: bool = False
    category: str = ""


def committees(data: bytes) -> list[Committee]:
    root = parse_xml(data, expect=("committees",))
    found = []
    for el in root.findall("committee"):
        title = text(el, "committeetitle", required=True)
        if not title:
            raise BadAnswer("a committee has an empty <committeetitle>")
        found.append(
            Committee(
                id=integer(el, "committeeid"),
                title=title,
                deleted=flag(el, "committeedeleted"),
                expired=flag(el, "committeeexpired"),
                category=text(el, "committeecategory"),
            )
        )
    return found


@dataclass
class MeetingSummary:
    id: int
    committee_id: int
    committee_title: str
    date: dt.date
    time: dt.time | None
    status: str
    is_webcast: bool


def meetings(data: bytes) -> list[MeetingSummary]:
    root = parse_xml(data, expect=("getmeetings",))
    found = []
    for committee in root.findall("committee"):
        committee_id = integer(committee, "committeeid")
        title = text(committee, "committeetitle")
        for el in committee.findall("committeemeetings/meeting"):
            found.append(
                MeetingSummary(
                    id=integer(el, "meetingid"),
                    committee_id=committee_id,
                    committee_title=title,
                    date=date(text(el, "meetingdate", required=True), "<meetingdate>"),
                    time=time(text(el, "meetingtime"), "<meetingtime>"),
                    status=text(el, "meetingstatus"),
                    is_webcast=flag(el, "iswebcast"),
                )
            )
    return found


@dataclass
class Document:
    id: int
    title: str
    url: str
    is_url: bool
    is_restricted: bool
    restrictions_ref: str
    position: int | None
    publication_date: dt.date | None


@dataclass
class Item:
    id: int
    title: str
    text_html: str
    number: int | None
    sub_number: str
    display_number: str
    presenter: str
    minutes_html: str
    minutes_number: str
    is_restricted: bool
    is_minute_published: bool
    documents: list[Document] = field(default_factory=list)


@dataclass
class Attendee:
    id: int
    name: str
    role: str
    attendance: str
    party: str = ""
    ward: str = ""
    key_posts: str = ""
    member_type: str = "U"


@dataclass
class Meeting:
    id: int
    date: dt.date
    time: dt.time | None
    status: str
    location: str
    actual_finish: dt.time | None
    is_webcast: bool
    agenda_published: bool
    minutes_published: bool
    items: list[Item] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)


def _optional_date(value: str, what: str) -> dt.date | None:
    return date(value, what) if value else None


def meeting(data: bytes) -> Meeting:
    root = parse_xml(data, expect=("meeting",))
    meeting_id = integer(root, "meetingid")
    items = []
    for el in root.findall("agendaitems/agendaitem"):
        title = text(el, "agendaitemtitle", required=True)
        documents = []
        for doc in el.findall("linkeddocuments/linkeddoc"):
            documents.append(
                Document(
                    id=integer(doc, "attachmentid"),
                    title=text(doc, "title", required=True) or "Document",
                    url=text(doc, "url"),
                    is_url=flag(doc, "isurl"),
                    is_restricted=flag(doc, "isrestricted"),
                    restrictions_ref=text(doc, "restrictionsRef"),
                    position=integer(doc, "itemnum", required=False),
                    publication_date=_optional_date(
                        text(doc, "publicationdate"), "<publicationdate>"
                    ),
                )
            )
        items.append(
            Item(
                id=integer(el, "agendaitemid"),
                title=title or "(untitled)",
                text_html=raw_text(el, "agendatext"),
                number=integer(el, "agendaitemnumber", required=False),
                sub_number=text(el, "agendaitemsubnumber"),
                display_number=text(el, "fulldisplaynumberformat"),
                presenter=text(el, "commenttext1")
                if text(el, "commentlabel1") in ("Presented By", "")
                else "",
                minutes_html=raw_text(el, "minutesnonemptyhtmlbody"),
                minutes_number=text(el, "minutesitemnumber"),
                is_restricted=flag(el, "isrestricted"),
                is_minute_published=flag(el, "isminutepublished"),
                documents=documents,
            )
        )
    attendees = []
    for el in root.findall("attendees/attendee"):
        member_id = el.get("memberid", "")
        if not member_id.isdigit():
            raise BadAnswer(f"an attendee's memberid is not a whole number: {member_id!r}")
        name = (el.get("name") or "").strip()
        if not name:
            raise BadAnswer(f"attendee {member_id} has no name")
        attendees.append(
            Attendee(
                id=int(member_id),
                name=name,
                role=(el.get("roledescription") or "").strip(),
                attendance=(el.get("attendance") or "").strip(),
                party=(el.get("politicalparty") or "").strip(),
                ward=(el.get("ward") or "").strip(),
                key_posts=(el.get("keyposts") or "").strip(),
                member_type=(el.get("membertype") or "U").strip(),
            )
        )
    return Meeting(
        id=meeting_id,
        date=date(text(root, "meetingdate", required=True), "<meetingdate>"),
        time=time(text(root, "meetingtime"), "<meetingtime>"),
        status=text(root, "meetingstatus"),
        location=text(root, "meetinglocation"),
        actual_finish=time(text(root, "meetingactualfinishtime"), "<meetingactualfinishtime>"),
        is_webcast=flag(root, "iswebcast"),
        agenda_published=flag(root, "agendapublished"),
        minutes_published=flag(root, "minutepublished"),
        items=items,
        attendees=attendees,
    )
