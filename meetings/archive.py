"""A deterministic synthetic archive: years x committees of meetings with agendas, minutes,
resolutions and reports whose text reads like council papers, for benchmarks and load tests.

The same ``ArchiveSpec`` (seed included) always makes the same archive, word for word. Its
committees are not the seed's, and its text is built from its own phrase book (planning,
licensing, audit, budgets, highways, schools, housing ...), so the seed's own subjects stay
findable beside it while common words ("council", "report", "children", "budget") and the phrase
"any other business" are everywhere, as they are in a real archive. Made-up place names and
project names give the long tail of rare words a real archive has.

Rows are written with ``bulk_create`` (no signals) and indexed at the end, meeting by meeting,
by ``meetings.search_index``. Every report points at one small placeholder PDF; its text pages
are what the archive is for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from . import search_index
from .formats import LONDON
from .models import (
    AgendaItem,
    Committee,
    Meeting,
    MinuteItem,
    Minutes,
    Part,
    Resolution,
)

COMMITTEES = [
    ("Cabinet", "cabinet"),
    ("Planning Committee", "committee"),
    ("Licensing and Regulatory Committee", "committee"),
    ("Audit and Procedures Committee", "committee"),
    ("Scrutiny Co-ordination Committee", "committee"),
    ("Education and Children's Services Scrutiny Board", "board"),
    ("Business, Economy and Enterprise Scrutiny Board", "board"),
    ("Finance and Corporate Services Scrutiny Board", "board"),
    ("Communities and Neighbourhoods Scrutiny Board", "board"),
    ("Cabinet Member for City Services", "panel"),
    ("Cabinet Member for Jobs and Regeneration", "panel"),
    ("Ethics Committee", "committee"),
    ("Pensions Committee", "committee"),
    ("Housing Panel", "panel"),
    ("Transport and Highways Panel", "panel"),
    ("Council", "committee"),
]

TOPICS = [
    "Planning Application for Residential Development at {place}",
    "Local Plan Examination in Public",
    "Conservation Area Appraisal for {place}",
    "Section 106 Agreement at {place} Road",
    "Tree Preservation Order at {place} Park",
    "Premises Licence Review: The {place} Arms",
    "Taxi and Private Hire Licensing Policy",
    "Gambling Act Statement of Principles",
    "Street Trading Consent Scheme",
    "Internal Audit Progress Report",
    "Risk Management Annual Report",
    "Annual Governance Statement",
    "External Auditor's Annual Letter",
    "Treasury Management Strategy",
    "Medium Term Financial Strategy",
    "Capital Programme Outturn",
    "Revenue Budget Monitoring: Quarter {quarter}",
    "Housing Allocations Policy",
    "City Centre Regeneration: {project} Scheme",
    "Waste Collection and Recycling Service",
    "Libraries Review",
    "Highways Maintenance Programme",
    "School Improvement Strategy",
    "Youth Service Review",
    "Adult Education Service",
    "Road Safety Schemes at {place}",
    "Air Quality Action Plan",
    "Flood Risk Management Strategy",
    "Allotments Strategy",
    "Parks and Open Spaces Strategy",
    "Council Tax Reduction Scheme",
    "Procurement Strategy",
    "Workforce Strategy",
    "Customer Services Transformation",
    "Equality and Diversity Annual Report",
    "Homelessness Prevention Strategy",
    "Empty Homes Strategy",
    "Local Transport Plan",
    "Cycling and Walking Infrastructure Plan",
    "Community Safety Partnership Plan",
    "Anti-Social Behaviour Policy",
    "Cemeteries and Crematorium Fees",
    "Markets Review",
    "Events Programme for {year}",
    "Pension Fund Investment Strategy",
    "Members' Code of Conduct",
    "Scheme of Delegation",
    "Economic Development Strategy",
    "Apprenticeship Programme",
    "Digital Inclusion Strategy",
]

SUBJECTS = [
    "the Council",
    "the Cabinet Member",
    "the Director of Finance",
    "officers",
    "the Head of Planning",
    "the Committee",
    "the Scrutiny Board",
    "the Assistant Director",
    "the Strategic Lead",
    "the Chair",
    "Members",
    "the Executive Director of Place",
    "the Licensing Manager",
    "the Chief Internal Auditor",
    "partners",
    "the working group",
    "residents",
    "ward councillors",
    "the applicant",
    "the external auditor",
]
VERBS = [
    "reported that",
    "noted that",
    "explained that",
    "confirmed that",
    "advised that",
    "indicated that",
    "highlighted that",
    "were informed that",
    "acknowledged that",
    "stressed that",
    "responded that",
    "raised concerns that",
    "welcomed the news that",
]
CLAUSES = [
    "the {topic} would be delivered within the approved budget of £{money}",
    "the council had received {number} representations about the proposals at {place}",
    "the consultation on the {topic} had closed on {date} with {number} responses",
    "performance against the target of {percent} per cent had improved during the year",
    "the scheme at {place} would be funded from the capital programme in {year}",
    "a further report would be submitted to a future meeting of the {committee}",
    "the {project} project had been completed ahead of schedule",
    "the council's reserves stood at £{money} at the end of the financial year",
    "the recommendations of the internal audit had been implemented in full",
    "residents of {place} had raised concerns about parking and traffic",
    "the policy would be reviewed in {year} in the light of new guidance",
    "the council continued to face significant financial pressures",
    "the budget gap for {year} was estimated at £{money}",
    "the number of children and young people supported had risen by {percent} per cent",
    "the quality of the service had been rated good by residents",
    "the partnership with {org} would continue for a further {number} years",
    "the contract for the {project} works had been awarded following a tender",
    "the risk register had been updated to reflect the {topic}",
    "the health and safety of staff and residents remained the council's priority",
    "the strategy would support the council's priorities for jobs and growth",
    "the funding from central government had been reduced by {percent} per cent",
    "the {place} ward had the highest number of reported incidents",
    "an equality impact assessment had been carried out on the proposals",
    "the licence holder had been invited to attend the hearing",
    "the application site at {place} lay within the green belt",
    "the number of planning applications determined within time was {percent} per cent",
    "the capital receipt from the sale of land at {place} was £{money}",
    "the council would work with {org} to deliver the improvements",
    "the service would be redesigned to reduce costs and improve outcomes for residents",
    "the care and support offered to older residents would be reviewed",
]
OPENERS = [
    "{subject} {verb} {clause}.",
    "{subject} {verb} {clause}, and that {clause2}.",
    "In response to questions from Members, {subject_lower} {verb} {clause}.",
    "It was noted that {clause}.",
    "The report set out how {clause}.",
    "Members asked whether {clause}.",
    "Appendix {letter} to the report showed that {clause}.",
    "The Committee was advised that {clause}; however, {clause2}.",
]
ORGS = [
    "the Police",
    "the Fire Service",
    "the University",
    "local businesses",
    "the Chamber of Commerce",
    "housing associations",
    "the voluntary sector",
    "neighbouring councils",
    "the Combined Authority",
    "the Environment Agency",
    "Highways England",
    "schools",
]
RESOLUTIONS = [
    "the {topic} be approved.",
    "the report be noted.",
    "the recommendations set out in the report be endorsed and referred to Cabinet.",
    "authority be delegated to the Director of Finance, in consultation with the Cabinet "
    "Member, to finalise the {topic}.",
    "a further report on the {topic} be submitted to a future meeting.",
    "the application for development at {place} be granted subject to conditions.",
    "the budget of £{money} for the {project} scheme be approved.",
    "the comments of the Committee be forwarded to the Cabinet Member.",
]
DIRECTORATES = ["Place", "People", "Resources", "Finance and Corporate Services", "Law"]
SYLLABLES_B = [
    "bury",
    "field",
    "ford",
    "ham",
    "hurst",
    "ley",
    "mead",
    "moor",
    "ton",
    "wick",
    "well",
    "worth",
    "dale",
    "brook",
]


@dataclass(frozen=True)
class ArchiveSpec:
    seed: int = 1
    years: int = 10
    committees: int = 12
    meetings_per_year: int = 10
    first_year: int = 2003
    topic_items: int = 5
    reports_per_meeting: int = 3
    pages_per_report: int = 12
    sentences_per_page: int = 18
    paragraphs_per_minute: int = 3
    index: bool = True


@dataclass
class ArchiveSummary:
    committees: int = 0
    meetings: int = 0
    reports: int = 0
    pages: int = 0
    passages: int = 0
    words: int = 0
    seconds: float = 0.0


_SYL = "ba bel cor da den el fa fen gar ha hol is ka ken la lin mar mo nor ol pen quar ra ren sa"
SYL = [*_SYL.split(), "sel", "tor", "ul", "ven", "wen", "yar", "zel"]


class _Writer:
    """Text from the phrase book, drawn from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # Some 14,000 place names and 33,000 project names: the long tail of rare words.
        self.places = [(a + b + c).title() for a in SYL for b in SYL for c in SYLLABLES_B]
        self.projects = [(a + b + c).title() for a in SYL for b in SYL for c in SYL]
        rng.shuffle(self.places)
        rng.shuffle(self.projects)

    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def place(self) -> str:
        # A few places come up often, most rarely: a long tail, as in real papers.
        return self.places[int(len(self.places) * self.rng.random() ** 2)]

    def project(self) -> str:
        return self.projects[int(len(self.projects) * self.rng.random() ** 1.5)]

    def fill(self, template: str, topic: str, committee: str, year: int) -> str:
        rng = self.rng
        return template.format(
            topic=topic.lower(),
            place=self.place(),
            project=self.project(),
            money=f"{rng.randrange(10, 9000) / 10:.1f}m" if rng.random() < 0.5 else
            f"{rng.randrange(5, 950)},000",
            number=rng.randrange(2, 400),
            percent=rng.randrange(2, 98),
            year=f"{year + (ahead := rng.randrange(0, 3))}/{(year + ahead + 1) % 100:02d}",
            date=f"{rng.randrange(1, 28)} {self.pick(MONTHS)} {year}",
            committee=committee,
            org=self.pick(ORGS),
            quarter=rng.randrange(1, 5),
        )  # fmt: skip

    def sentence(self, topic: str, committee: str, year: int) -> str:
        subject = self.pick(SUBJECTS)
        template = self.pick(OPENERS)
        text = template.format(
            subject=subject[0].upper() + subject[1:],
            subject_lower=subject,
            verb=self.pick(VERBS),
            clause=self.pick(CLAUSES),
            clause2=self.pick(CLAUSES),
            letter="ABCD"[self.rng.randrange(4)],
        )
        return self.fill(text, topic, committee, year)

    def paragraph(self, n: int, topic: str, committee: str, year: int) -> str:
        return " ".join(self.sentence(topic, committee, year) for _ in range(n))

    def topic(self, year: int) -> str:
        return self.pick(TOPICS).format(
            place=self.place(), project=self.project(), quarter=self.rng.randrange(1, 5),
            year=year,
        )  # fmt: skip


MONTHS = "January February March April May June July August September October November December"
MONTHS = MONTHS.split()


def _placeholder_pdf() -> tuple[str, str, int]:
    """One small real PDF that every synthetic report points at: (name, sha256, size)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    data = buffer.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    name = f"reports/{sha[:2]}/{sha}.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name, sha, len(data)


def _committees(spec: ArchiveSpec) -> list[Committee]:
    found = []
    for name, kind in COMMITTEES[: spec.committees]:
        committee, _ = Committee.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "kind": kind, "description": "Synthetic archive committee."},
        )
        if Meeting.objects.filter(committee=committee).exists():
            raise ValueError(
                f"{name} already has meetings: the archive is already there. Use a fresh "
                "database (or delete those meetings) to generate it again."
            )
        found.append(committee)
    return found


def generate_archive(spec: ArchiveSpec, progress=None) -> ArchiveSummary:
    """Write the archive the spec describes and index it; returns what was written."""
    from reports.models import Report, ReportPage

    started = time.perf_counter()
    rng = random.Random(spec.seed)  # noqa: S311 -- made-up text, not secrets
    writer = _Writer(rng)
    summary = ArchiveSummary()
    pdf_name, pdf_sha, pdf_size = _placeholder_pdf()
    committees = _committees(spec)
    summary.committees = len(committees)
    meeting_ids: list[int] = []
    batches = [(year, c) for year in range(spec.years) for c in committees]
    for done, (offset, committee) in enumerate(batches, start=1):
        year = spec.first_year + offset
        with search_index.suspended(), transaction.atomic():
            meetings = []
            for n in range(spec.meetings_per_year):
                day = dt.date(year, 1, 8) + dt.timedelta(days=(365 * n) // spec.meetings_per_year)
                day += dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)
                start = dt.datetime.combine(day, dt.time(10 + n % 2 * 4), tzinfo=LONDON)
                status = Meeting.Status.PUBLISHED
                if rng.random() < 0.03:
                    status = Meeting.Status.CANCELLED
                elif rng.random() < 0.02:
                    status = Meeting.Status.DRAFT
                meetings.append(
                    Meeting(
                        committee=committee, start=start, status=status,
                        slug=f"{day.isoformat()}-{committee.slug}"[:160],
                        venue=f"Committee Room {rng.randrange(1, 5)} - Council House",
                        published_at=None if status == Meeting.Status.DRAFT else start,
                    )
                )  # fmt: skip
            Meeting.objects.bulk_create(meetings)
            summary.meetings += len(meetings)
            meeting_ids += [m.pk for m in meetings]
            summary.words += _fill_meetings(
                spec, writer, committee, year, meetings, summary,
                (pdf_name, pdf_sha, pdf_size), Report, ReportPage,
            )  # fmt: skip
        if progress:
            progress("written", done, len(batches))
    if spec.index:
        for start in range(0, len(meeting_ids), 25):
            summary.passages += search_index.reindex_meetings(
                meeting_ids[start : start + 25]
            ).created
            if progress:
                progress("indexed", min(start + 25, len(meeting_ids)), len(meeting_ids))
    summary.seconds = time.perf_counter() - started
    return summary


def _fill_meetings(spec, writer, committee, year, meetings, summary, pdf, Report, ReportPage):
    rng = writer.rng
    words = 0
    items, minutes_rows, plans = [], [], []
    for meeting in meetings:
        topics = [writer.topic(year) for _ in range(spec.topic_items)]
        private = rng.random() < 0.1
        standard = [
            ("1", "Apologies and Substitutions", "", ""),
            ("2", "Declarations of Interest", "", ""),
            ("3", "Minutes", "To agree the minutes of the previous meeting.", ""),
        ]
        rows = list(standard)
        for n, topic in enumerate(topics, start=4):
            rows.append(
                (str(n), topic, writer.paragraph(2, topic, committee.name, year),
                 f"Report of the Director of {writer.pick(DIRECTORATES)}")
            )  # fmt: skip
        rows.append(
            (str(len(rows) + 1), "Any other business",
             "Any other items of public business which the Chair decides to take as matters "
             "of urgency because of the special circumstances involved.", "")
        )  # fmt: skip
        for position, (number, title, description, presenter) in enumerate(rows, start=1):
            items.append(
                AgendaItem(
                    meeting=meeting, position=position, number=number, title=title,
                    description=description, presenter=presenter,
                )
            )  # fmt: skip
            words += len(title.split()) + len(description.split())
        if private:
            topic = writer.topic(year)
            items.append(
                AgendaItem(
                    meeting=meeting, position=len(rows) + 1, number=str(len(rows) + 1),
                    title=f"{topic} (private)", part=Part.PRIVATE, exemption_paragraph=3,
                    description=writer.paragraph(2, topic, committee.name, year),
                    public_description="This report contains information about the financial "
                    "and business affairs of a particular person.",
                )
            )  # fmt: skip
        if meeting.status == Meeting.Status.PUBLISHED:
            minutes_rows.append(
                Minutes(
                    meeting=meeting, status=Minutes.Status.DRAFT,
                    is_published=rng.random() > 0.05,
                )
            )  # fmt: skip
        plans.append((meeting, topics, private))
    AgendaItem.objects.bulk_create(items)
    Minutes.objects.bulk_create(minutes_rows)
    minutes_of = {m.meeting_id: m for m in minutes_rows}
    items_of: dict[int, list[AgendaItem]] = {}
    for item in items:
        items_of.setdefault(item.meeting_id, []).append(item)

    minute_items, resolution_plans, reports = [], [], []
    for meeting, topics, private in plans:
        minutes = minutes_of.get(meeting.pk)
        if minutes is not None:
            entries = [
                ("Apologies and Substitutions", "Apologies were received from Councillor "
                 f"{writer.place()} and Councillor {writer.place()}.", 0),
                ("Declarations of Interest", "There were no declarations of interest.", 0),
                ("Minutes", "The minutes of the previous meeting were agreed as a true record. "
                 "There were no matters arising.", 0),
            ]  # fmt: skip
            for topic in topics:
                narrative = "\n\n".join(
                    writer.paragraph(rng.randrange(3, 7), topic, meeting.committee.name, year)
                    for _ in range(spec.paragraphs_per_minute)
                )
                entries.append((topic, narrative, rng.randrange(1, 4)))
            entries.append(("Any other business", "There was no other business.", 0))
            for position, (title, narrative, count) in enumerate(entries, start=1):
                item = MinuteItem(
                    minutes=minutes, position=position, number=str(position), title=title,
                    narrative=narrative,
                )  # fmt: skip
                minute_items.append(item)
                resolution_plans.append((item, title, count))
                words += len(narrative.split())
            if private:
                item = MinuteItem(
                    minutes=minutes, position=len(entries) + 1, number=str(len(entries) + 1),
                    title="Exempt business", part=Part.PRIVATE, exemption_paragraph=3,
                    narrative=writer.paragraph(4, "contract award", meeting.committee.name, year),
                )  # fmt: skip
                minute_items.append(item)
        topical = [
            i for i in items_of[meeting.pk] if i.description and i.number not in {"1", "2", "3"}
        ]
        for n in range(spec.reports_per_meeting):
            item = topical[n % len(topical)]
            exempt = item.part == Part.PRIVATE
            reports.append(
                Report(
                    agenda_item=item, position=n, title=item.title if n < len(topical) else
                    f"Appendix {n}: {item.title}", author=f"Director of "
                    f"{writer.pick(DIRECTORATES)}", kind=Report.Kind.REPORT, is_exempt=exempt,
                    file=pdf[0], sha256=pdf[1], size_bytes=pdf[2],
                    page_count=spec.pages_per_report, original_filename="synthetic.pdf",
                )
            )  # fmt: skip
    MinuteItem.objects.bulk_create(minute_items)
    resolutions = []
    for item, title, count in resolution_plans:
        for n in range(1, count + 1):
            template = writer.pick(RESOLUTIONS)
            text = writer.fill(template, title, "committee", year)
            resolutions.append(
                Resolution(minute_item=item, number=n if count > 1 else None, position=n,
                           text=text)
            )  # fmt: skip
            words += len(text.split())
    Resolution.objects.bulk_create(resolutions)
    Report.objects.bulk_create(reports)
    pages = []
    for report in reports:
        for number in range(1, spec.pages_per_report + 1):
            heading = f"{number}. {report.title}"
            body = "\n".join(
                writer.sentence(report.title, report.agenda_item.meeting.committee.name, year)
                for _ in range(spec.sentences_per_page)
            )
            contact = f"Contact: {writer.project()} {writer.place()}, {writer.project()} Team"
            text = f"{heading}\n{body}\n{contact}"
            words += len(text.split())
            pages.append(ReportPage(report=report, number=number, text=text))
    ReportPage.objects.bulk_create(pages, batch_size=500)
    summary.reports += len(reports)
    summary.pages += len(pages)
    return words
