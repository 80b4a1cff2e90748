"""Demo data: the seed meeting (Coventry Health and Well-being Board, 22 September 2014), the
minutes of 7 July 2014 it agrees, and a handful of made-up meetings so lists, filters and
calendars have something to show.

The seed's content comes from ``fixtures/seed/coventry_hwb.json`` (transcribed by hand from the
seed pack) and ``fixtures/reports/`` (PDFs made from the seed's text by
``fixtures/make_report_pdfs.py``). Loading is idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from reports.services import report_create

from . import roles
from .demo_interests import load_interests
from .demo_plans import load_plans, load_votes
from .models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Part,
    Person,
    PortalSettings,
    Resolution,
)
from .services import user_set_role

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_JSON = FIXTURES / "seed" / "coventry_hwb.json"
REPORTS_DIR = FIXTURES / "reports"
LONDON = ZoneInfo("Europe/London")

# Demo accounts for a local demo only; `load_demo` refuses to create them on an HTTPS deployment.
DEMO_ACCOUNTS = [
    ("demo-clerk", roles.CLERK, "clerk-demo-papers-2014"),
    ("demo-member", roles.MEMBER, "member-demo-papers-2014"),
    ("demo-admin", roles.ADMIN, "admin-demo-papers-2014"),
]
# Clerks and admins sign in with a code as well. The demo ones have these published
# authenticator secrets (README); `manage.py demo_totp` prints their current codes.
DEMO_TOTP_SECRETS = {
    "demo-clerk": "DEMO CLER KTOT PSEC RETF ORTH EPOR TAL2",
    "demo-admin": "DEMO ADMI NTOT PSEC RETF ORTH EPOR TAL2",
}


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _london(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=LONDON)


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _unique_person_slug(base: str) -> str:
    slug, n = base, 1
    while Person.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _load_people(data: dict) -> dict[str, Person]:
    people = {}
    for row in data["people"]:
        base = slugify(f"{row['forenames']} {row['surname']}") or slugify(row["key"])
        slug = _unique_person_slug(base)
        people[row["key"]] = Person.objects.create(
            honorific=row.get("honorific") or "",
            forenames=row.get("forenames") or "",
            surname=row["surname"],
            display_name=row["display_name"],
            slug=slug,
            job_title=row.get("job_title") or "",
            organisation=row.get("organisation") or "",
            # The seed prints no member's e-mail: the demo gives each one at example.org (a
            # domain reserved for examples, which never delivers), so summonses have somewhere
            # to go.
            email=row.get("email") or f"{slug}@example.org",
            telephone=row.get("telephone") or "",
        )
    return people


def _create_agenda_items(
    meeting: Meeting, rows: list[dict], minutes_by_key: dict[str, Minutes], parent=None
) -> dict[str, AgendaItem]:
    created = {}
    for position, row in enumerate(rows, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            parent=parent,
            position=position,
            number=row["number"],
            title=row["title"],
            description=row.get("description") or "",
            bullet_points=row.get("bullets") or [],
            presenter=row.get("presenter") or "",
            part=row.get("part") or Part.PUBLIC,
            exemption_paragraph=row.get("exemption_paragraph"),
            public_description=row.get("public_description") or "",
            previous_minutes=minutes_by_key.get(row.get("previous_minutes") or ""),
        )
        key = f"{parent.number}{item.number}" if parent else item.number
        created[key] = item
        created.update(
            _create_agenda_items(meeting, row.get("sub_items") or [], minutes_by_key, parent=item)
        )
    return created


def _load_minutes(
    meeting: Meeting, row: dict, people: dict[str, Person], approved_at: Meeting | None
) -> Minutes:
    minutes = Minutes.objects.create(
        meeting=meeting,
        status=row["status"],
        is_published=True,
        approved_at=approved_at,
        published_at=meeting.start + dt.timedelta(days=7),
    )
    Attendance.objects.bulk_create(
        Attendance(
            minutes=minutes,
            person=people[a["person"]],
            group=a["group"],
            capacity=a.get("capacity") or "",
            directorate=a.get("directorate") or "",
            is_chair=bool(a.get("is_chair")),
            position=position,
        )
        for position, a in enumerate(row["attendance"], start=1)
    )
    for position, item_row in enumerate(row["items"], start=1):
        item = MinuteItem.objects.create(
            minutes=minutes,
            position=position,
            number=item_row["number"],
            title=item_row["title"],
            narrative=item_row.get("narrative") or "",
        )
        Resolution.objects.bulk_create(
            Resolution(minute_item=item, number=r.get("number"), text=r["text"], position=n)
            for n, r in enumerate(item_row.get("resolutions") or [], start=1)
        )
    return minutes


def _load_reports(items: dict[str, AgendaItem]) -> int:
    manifest = json.loads((REPORTS_DIR / "manifest.json").read_text())
    for entry in manifest:
        report_create(
            agenda_item=items[entry["agenda_item"]],
            data=(REPORTS_DIR / entry["file"]).read_bytes(),
            title=entry["title"],
            filename=entry["file"],
            kind=entry["kind"],
            author=entry.get("author") or "",
        )
    return len(manifest)


def load_seed(summary: LoadSummary) -> Meeting:
    """The Health and Well-being Board with its meetings of 7 July and 22 September 2014."""
    data = json.loads(SEED_JSON.read_text())
    committee_row = data["committee"]
    existing = Meeting.objects.filter(
        committee__slug=committee_row["slug"], start=_london("2014-09-22T14:00")
    ).first()
    if existing:
        summary.skipped.append("the seed meeting (already loaded)")
        return existing

    meeting_rows = {row["key"]: row for row in data["meetings"]}
    july_row, sept_row = meeting_rows["2014-07-07"], meeting_rows["2014-09-22"]
    people = _load_people(data)

    settings_row = PortalSettings.load()
    settings_row.council_name = "Coventry City Council"
    settings_row.council_address = "Council House, Earl Street, Coventry"
    settings_row.default_signatory = sept_row["signatory"]
    settings_row.hearing_loop_note = sept_row["notes_as_printed"]["hearing_loop"]
    settings_row.accessibility_note = sept_row["notes_as_printed"]["accessibility"]
    settings_row.save()

    committee = Committee.objects.create(
        name=committee_row["name"],
        slug=committee_row["slug"],
        kind=Committee.Kind.BOARD,
        description=committee_row.get("description") or "",
        contact_officer=people[committee_row["contact_officer"]],
        default_venue=committee_row.get("default_venue") or "",
        default_start_time=_time(committee_row.get("default_start_time")),
    )
    Membership.objects.bulk_create(
        Membership(
            committee=committee,
            person=people[m["person"]],
            role=m["role"],
            organisation=m.get("organisation") or "",
            start_date=_date(m.get("start_date")),
            position=position,
        )
        for position, m in enumerate(data["memberships"], start=1)
    )

    contact = people[sept_row["contact_officer"]]
    july = Meeting.objects.create(
        committee=committee,
        start=_london(july_row["start"]),
        venue=july_row.get("venue") or "",
        status=july_row["status"],
        contact_officer=contact,
        closed_at=_time(july_row["minutes"].get("closed_at")),
        published_at=_london(july_row["start"]) - dt.timedelta(days=10),
    )
    september = Meeting.objects.create(
        committee=committee,
        start=_london(sept_row["start"]),
        venue=sept_row.get("venue") or "",
        status=sept_row["status"],
        dispatch_date=_date(sept_row.get("dispatch_date")),
        signatory=sept_row.get("signatory") or "",
        contact_officer=contact,
        published_at=_london(sept_row["dispatch_date"] + "T09:00"),
    )
    july_minutes = _load_minutes(
        july,
        july_row["minutes"],
        people,
        approved_at=september if july_row["minutes"]["status"] == "approved" else None,
    )
    items = _create_agenda_items(
        september,
        sept_row["agenda"] + (sept_row.get("private_business") or []),
        {"2014-07-07": july_minutes},
    )
    count = _load_reports(items)
    summary.created.append(
        f"{committee.name}: {len(people)} people, meetings of 7 July 2014 (minutes) and "
        f"22 September 2014 ({len(items)} agenda items, {count} documents)"
    )
    return september


# Made-up meetings: enough for lists, calendars and filters, clearly not council records.
DEMO_COMMITTEE = {
    "name": "Health and Social Care Scrutiny Board",
    "slug": "health-and-social-care-scrutiny-board",
    "description": "Demonstration committee: its meetings and papers are made up for the demo.",
    "default_venue": "Committee Room 3 - Council House",
    "default_start_time": dt.time(10, 0),
}
DEMO_MEETINGS = [
    # (committee key, date, status)
    ("board", "2014-04-07", Meeting.Status.PUBLISHED),
    ("board", "2014-11-03", Meeting.Status.PUBLISHED),
    ("board", "2015-01-12", Meeting.Status.CANCELLED),
    ("board", "2015-04-13", Meeting.Status.PUBLISHED),
    ("scrutiny", "2014-10-15", Meeting.Status.PUBLISHED),
    ("scrutiny", "2015-01-14", Meeting.Status.PUBLISHED),
    ("scrutiny", "2015-03-11", Meeting.Status.POSTPONED),
    ("scrutiny", "2015-06-10", Meeting.Status.PUBLISHED),
    ("scrutiny", "2015-09-09", Meeting.Status.DRAFT),
]
DEMO_AGENDA = [
    ("1", "Apologies and Substitutions", Part.PUBLIC),
    ("2", "Declarations of Interest", Part.PUBLIC),
    ("3", "Minutes", Part.PUBLIC),
    ("4", "Work Programme", Part.PUBLIC),
    ("5", "Any other items of public business", Part.PUBLIC),
]


def load_extra_meetings(summary: LoadSummary, board: Committee) -> None:
    scrutiny, created = Committee.objects.get_or_create(
        slug=DEMO_COMMITTEE["slug"],
        defaults={
            **DEMO_COMMITTEE,
            "kind": Committee.Kind.COMMITTEE,
            "contact_officer": board.contact_officer,
        },
    )
    if not created:
        summary.skipped.append("the demonstration meetings (already loaded)")
        return
    councillors = list(Person.objects.filter(honorific="Councillor").order_by("surname")[:3])
    Membership.objects.bulk_create(
        Membership(
            committee=scrutiny,
            person=person,
            role=Membership.Role.CHAIR if n == 0 else Membership.Role.MEMBER,
            start_date=dt.date(2014, 5, 20),
            position=n,
        )
        for n, person in enumerate(councillors)
    )
    committees = {"board": board, "scrutiny": scrutiny}
    today = timezone.localdate()
    upcoming = today + dt.timedelta(days=21)
    rows = [*DEMO_MEETINGS, ("scrutiny", upcoming.isoformat(), Meeting.Status.PUBLISHED)]
    for key, day, status in rows:
        committee = committees[key]
        start = dt.datetime.combine(
            dt.date.fromisoformat(day), committee.default_start_time, tzinfo=LONDON
        )
        meeting = Meeting.objects.create(
            committee=committee,
            start=start,
            venue=committee.default_venue,
            status=status,
            contact_officer=committee.contact_officer,
            signatory=PortalSettings.load().default_signatory,
            dispatch_date=(start - dt.timedelta(days=10)).date(),
            published_at=None if status == Meeting.Status.DRAFT else start - dt.timedelta(days=10),
        )
        for position, (number, title, part) in enumerate(DEMO_AGENDA, start=1):
            AgendaItem.objects.create(
                meeting=meeting, position=position, number=number, title=title, part=part
            )
        if key == "scrutiny":
            AgendaItem.objects.create(
                meeting=meeting,
                position=len(DEMO_AGENDA) + 1,
                number=str(len(DEMO_AGENDA) + 1),
                title="Award of Contract for Community Support Services",
                part=Part.PRIVATE,
                exemption_paragraph=3,
                public_description=(
                    "This report contains information about the financial and business affairs "
                    "of the bidders."
                ),
            )
    summary.created.append(
        f"{scrutiny.name} and {len(rows)} demonstration meetings (2014 to 2015, and one on "
        f"{upcoming:%d %B %Y})"
    )


# Exempt papers for the demonstration committee (made by fixtures/demo/make_exempt_pdfs.py), so
# that a member sees what the public does not: a private item with its paper, and an exempt
# appendix under a public item. The members' pack of the meeting appends both.
DEMO_EXEMPT_DIR = FIXTURES / "demo"
DEMO_EXEMPT_MEETING = ("scrutiny", "2014-10-15")
DEMO_PRIVATE_ITEM = {
    "title": "Disposal of Land at Radford Yard",
    "exemption_paragraph": 3,
    "public_description": (
        "This report contains information relating to the financial or business affairs of the "
        "Council: the value it places on land it intends to sell."
    ),
}
DEMO_EXEMPT_PAPERS = [
    # (agenda item number, file, title, kind)
    (
        "4",
        "demo-exempt-contract-timetable.pdf",
        "Appendix: Community Support Services Contract, Commercially Sensitive Timetable",
        "appendix",
    ),
    (
        "7",
        "demo-exempt-radford-yard-valuation.pdf",
        "Land at Radford Yard: Confidential Valuation",
        "report",
    ),
]


def load_exempt_papers(summary: LoadSummary) -> None:
    """The private item and the two exempt papers of the scrutiny board's 15 October 2014
    meeting (idempotent: a meeting that has the item already is left as it is)."""
    meeting = (
        Meeting.objects.filter(
            committee__slug=DEMO_COMMITTEE["slug"],
            start__date=dt.date.fromisoformat(DEMO_EXEMPT_MEETING[1]),
        )
        .order_by("pk")
        .first()
    )
    if meeting is None:
        return
    if meeting.agenda_items.filter(title=DEMO_PRIVATE_ITEM["title"]).exists():
        summary.skipped.append("the demonstration exempt papers (already loaded)")
        return
    position = meeting.agenda_items.filter(parent=None).order_by("-position").first().position + 1
    AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        number=str(position),
        part=Part.PRIVATE,
        **DEMO_PRIVATE_ITEM,
    )
    for number, filename, title, kind in DEMO_EXEMPT_PAPERS:
        report_create(
            agenda_item=meeting.agenda_items.get(parent=None, number=number),
            data=(DEMO_EXEMPT_DIR / filename).read_bytes(),
            title=title,
            filename=filename,
            kind=kind,
            author="Made up for the demonstration: not a council record",
            is_exempt=True,
        )
    summary.created.append(
        f"a private item and {len(DEMO_EXEMPT_PAPERS)} exempt papers for members at the "
        f"{meeting.committee.name} on {meeting.start:%d %B %Y}"
    )


def ensure_demo_accounts() -> list[tuple[str, str, str]]:
    """Create or reset the demo accounts; returns (role, user name, password) for each."""
    User = get_user_model()
    lines = []
    for username, role, password in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.save()
        user_set_role(user=user, role=role)
        if username in DEMO_TOTP_SECRETS:
            from boardpapers.accounts.twofactor import device_set_secret

            device_set_secret(user=user, secret=DEMO_TOTP_SECRETS[username])
        if role == roles.MEMBER:
            _link_demo_member(user)
        lines.append((role, username, password))
    return lines


def _link_demo_member(user) -> None:
    """The demo member is the first councillor by surname (Councillor Caan), who sits on both
    the board and the scrutiny board, so "My meetings" lists both committees' meetings."""
    person = Person.objects.filter(honorific="Councillor").order_by("surname", "pk").first()
    if person is None or person.user_id == user.pk:
        return
    Person.objects.filter(user=user).update(user=None)
    person.user = user
    person.save(update_fields=["user"])


@transaction.atomic
def load_demo() -> LoadSummary:
    summary = LoadSummary()
    september = load_seed(summary)
    load_extra_meetings(summary, september.committee)
    load_exempt_papers(summary)
    load_plans(summary)
    load_votes(summary)
    load_interests(summary)
    return summary
