"""Demo data for the forward plan, its notices and decision records: made up for the
demonstration, not council records (each says so).

The forward plan looks ahead, so its dates are set from the day the demo is loaded: entries due
in the coming months (one with 28 clear days' notice, one under a general exception, one under
special urgency, one changed since it was first published, one private, one still a draft) and
decision records in each call-in state. One entry from 2014 shows where it went: item 4 of the
Health and Well-being Board's 22 September 2014 agenda. Loading is idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import plans
from .models import (
    AgendaItem,
    Committee,
    DecisionMakerKind,
    DecisionRecord,
    Meeting,
    Notice,
    Part,
    Person,
    PlanEntry,
    PlanEntryVersion,
    RecordedVote,
    Resolution,
    VoteCast,
    Ward,
)

MADE_UP = "Made up for the demonstration: not a council record."
MARKER = "Demonstration: community equipment service contract"
WARDS = ["Earlsdon", "Foleshill", "Radford", "St Michael's", "Westwood", "Whoberley"]
SCRUTINY_CHAIR = "Councillor Demo Chair (made up)"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _entry(*, published_on: dt.date | None, wards=(), history=(), **fields) -> PlanEntry:
    fields.setdefault("summary", MADE_UP)
    fields.setdefault("contact", "Democratic Services, Council House (made up)")
    entry = PlanEntry.objects.create(
        published_at=_at(published_on) if published_on else None,
        first_published_on=(history[0][0] if history else published_on),
        **fields,
    )
    entry.wards.set(Ward.objects.filter(name__in=wards))
    if published_on:
        versions = list(history) or [(published_on, "First published", {})]
        for day, note, then in versions:
            data = {name: getattr(entry, name) for name in plans.VERSION_FIELDS}
            data.update(then)
            PlanEntryVersion.objects.create(entry=entry, published_at=_at(day), note=note, **data)
    return entry


def _notice(entry: PlanEntry, kind: str, *, chair_on: dt.date, published_on: dt.date, reasons):
    Notice.objects.create(
        entry=entry,
        kind=kind,
        reasons=f"{reasons} ({MADE_UP})",
        scrutiny_chair=SCRUTINY_CHAIR,
        chair_informed_at=_at(chair_on) if kind == Notice.Kind.GENERAL_EXCEPTION else None,
        chair_agreed_at=_at(chair_on) if kind == Notice.Kind.SPECIAL_URGENCY else None,
        published_at=_at(published_on, 12),
    )


def _record(*, published_on: dt.date | None, wards=(), **fields) -> DecisionRecord:
    fields.setdefault("alternatives_rejected", "To do nothing. (Made up.)")
    fields.setdefault("conflicts_of_interest", "None declared.")
    record = DecisionRecord.objects.create(
        published_at=_at(published_on) if published_on else None,
        takes_effect_on=plans.takes_effect_on(published_on)
        if published_on and fields.get("call_in_applies", True)
        else None,
        **fields,
    )
    record.wards.set(Ward.objects.filter(name__in=wards))
    return record


def load_plans(summary, *, today: dt.date | None = None) -> None:
    if PlanEntry.objects.filter(matter=MARKER).exists():
        summary.skipped.append("the demonstration forward plan (already loaded)")
        return
    today = today or timezone.localdate()
    days = dt.timedelta
    for name in WARDS:
        Ward.objects.get_or_create(
            name=name, defaults={"slug": name.lower().replace("'", "").replace(" ", "-")}
        )

    full = _entry(
        matter=MARKER,
        decision_maker_kind=DecisionMakerKind.EXECUTIVE,
        decision_maker="Cabinet",
        expected_date=today + days(45),
        is_key_decision=True,
        documents="Report of the Director of Adult Services\nEquality impact assessment",
        wards=WARDS,
        published_on=today - days(10),
    )
    _entry(
        matter="Demonstration: sale of the former Radford Yard depot",
        decision_maker_kind=DecisionMakerKind.MEMBER,
        decision_maker="Cabinet Member for Strategic Finance and Resources",
        expected_date=today + days(20),
        is_key_decision=True,
        part=Part.PRIVATE,
        exemption_paragraph=3,
        private_reason="The report gives the bids received, which are commercially "
        "confidential. (Made up.)",
        documents="Valuation report (exempt)\nSchedule of bids (exempt)",
        wards=["Radford"],
        published_on=today - days(5),
    )
    ge = PlanEntry.objects.get(matter="Demonstration: sale of the former Radford Yard depot")
    _notice(
        ge,
        Notice.Kind.GENERAL_EXCEPTION,
        chair_on=today - days(4),
        published_on=today - days(3),
        reasons="The purchaser's offer lapses at the end of the month",
    )
    su = _entry(
        matter="Demonstration: emergency repairs to the Foleshill swimming baths roof",
        decision_maker_kind=DecisionMakerKind.OFFICER,
        decision_maker="Director of Property Services",
        expected_date=today + days(3),
        is_key_decision=True,
        wards=["Foleshill"],
        published_on=today - days(1),
    )
    _notice(
        su,
        Notice.Kind.SPECIAL_URGENCY,
        chair_on=today - days(1),
        published_on=today - days(1),
        reasons="The roof was found unsafe after the storm; the baths are closed until it is "
        "repaired",
    )
    _entry(
        matter="Demonstration: Westwood and Whoberley parking scheme",
        decision_maker_kind=DecisionMakerKind.MEMBER,
        decision_maker="Cabinet Member for City Services",
        expected_date=today + days(75),
        is_key_decision=False,
        wards=["Westwood", "Whoberley"],
        published_on=today - days(2),
        history=[
            (
                today - days(40),
                "First published",
                {"expected_date": today + days(30)},
            ),
            (today - days(2), "Moved back to allow a second consultation", {}),
        ],
    )
    _entry(
        matter="Demonstration: school admissions policy for next year (draft, clerks only)",
        decision_maker_kind=DecisionMakerKind.EXECUTIVE,
        decision_maker="Cabinet",
        expected_date=today + days(60),
        is_key_decision=True,
        published_on=None,
    )
    item = AgendaItem.objects.filter(
        meeting__slug="2014-09-22-health-and-well-being-board", parent=None, number="4"
    ).first()
    board = Committee.objects.filter(slug="health-and-well-being-board").first()
    if item is not None:
        went = _entry(
            matter="Demonstration: Better Care Fund plan",
            decision_maker_kind=DecisionMakerKind.COMMITTEE,
            decision_maker="Health and Well-being Board",
            committee=board,
            expected_date=dt.date(2014, 9, 22),
            is_key_decision=True,
            published_on=dt.date(2014, 8, 1),
        )
        went.agenda_item = item
        went.save(update_fields=["agenda_item"])

    scrutiny = (
        Meeting.objects.filter(committee__slug="health-and-social-care-scrutiny-board")
        .exclude(status=Meeting.Status.DRAFT)
        .order_by("-start")
        .first()
    )
    _record(
        title="Demonstration: community meals contract extension",
        decision_maker_kind=DecisionMakerKind.MEMBER,
        decision_maker="Cabinet Member for Adult Services",
        decided_on=today - days(1),
        is_key_decision=True,
        decision="To extend the community meals contract by twelve months. (Made up.)",
        reasons="To keep the service running while the new contract is procured. (Made up.)",
        wards=WARDS,
        published_on=today,
    )
    _record(
        title="Demonstration: closure of the Earlsdon day centre",
        decision_maker_kind=DecisionMakerKind.EXECUTIVE,
        decision_maker="Cabinet",
        decided_on=today - days(12),
        is_key_decision=True,
        decision="To close the Earlsdon day centre and move its users to Westwood. (Made up.)",
        reasons="Falling use and the cost of repairs. (Made up.)",
        wards=["Earlsdon", "Westwood"],
        published_on=today - days(10),
        called_in_on=today - days(8),
        called_in_by="Councillors Demo One and Demo Two (made up)",
        call_in_meeting=scrutiny,
    )
    _record(
        title="Demonstration: grant to the St Michael's food bank",
        decision_maker_kind=DecisionMakerKind.OFFICER,
        decision_maker="Director of Public Health",
        decided_on=today - days(30),
        decision="To grant £20,000 to the food bank. (Made up.)",
        reasons="Demand has doubled this winter. (Made up.)",
        wards=["St Michael's"],
        published_on=today - days(28),
    )
    _record(
        title="Demonstration: libraries opening hours",
        decision_maker_kind=DecisionMakerKind.EXECUTIVE,
        decision_maker="Cabinet",
        decided_on=today - days(60),
        is_key_decision=True,
        decision="To open the central library on Sundays. (Made up.)",
        reasons="Consultation showed demand for Sunday opening. (Made up.)",
        published_on=today - days(58),
        called_in_on=today - days(56),
        called_in_by="Councillor Demo Three (made up)",
        call_in_meeting=scrutiny,
        call_in_outcome="The scrutiny board made no recommendation. (Made up.)",
        effective_recorded_on=today - days(40),
    )
    _record(
        title="Demonstration: appointment of an interim director (officer decision)",
        decision_maker_kind=DecisionMakerKind.OFFICER,
        decision_maker="Chief Executive",
        decided_on=today - days(5),
        decision="To appoint an interim director for six months. (Made up.)",
        reasons="The post fell vacant. (Made up.)",
        call_in_applies=False,
        published_on=today - days(4),
    )
    _record(
        title="Demonstration: draft record of a decision not yet published",
        decision_maker_kind=DecisionMakerKind.EXECUTIVE,
        decision_maker="Cabinet",
        decided_on=today,
        decision="(Made up.)",
        reasons="(Made up.)",
        published_on=None,
    )
    summary.created.append(
        f"a forward plan, notices and decision records in each call-in state (made up; "
        f"{full.matter} and others, dated from {today:%d %B %Y})"
    )


DEMO_VOTE_MOTION = (
    "Made up for the demonstration: a recorded vote the real minutes do not hold. That the "
    "recommendations be approved."
)


def load_votes(summary) -> None:
    """A recorded vote by name on a resolution of the 7 July 2014 minutes (made up)."""
    if RecordedVote.objects.filter(motion=DEMO_VOTE_MOTION).exists():
        summary.skipped.append("the demonstration recorded vote (already loaded)")
        return
    resolution = (
        Resolution.objects.filter(
            minute_item__minutes__meeting__slug="2014-07-07-health-and-well-being-board"
        )
        .order_by("minute_item__position", "position")
        .first()
    )
    if resolution is None:
        return
    people = list(
        Person.objects.filter(
            attendance__minutes__meeting__slug="2014-07-07-health-and-well-being-board",
            attendance__group="board_member",
        )
        .distinct()
        .order_by("surname", "pk")
    )
    if len(people) < 3:
        return
    vote = RecordedVote.objects.create(
        resolution=resolution,
        motion=DEMO_VOTE_MOTION,
        outcome=RecordedVote.Outcome.CARRIED,
        names_recorded=True,
    )
    options = ["against", "abstain"] + ["for"] * (len(people) - 2)
    VoteCast.objects.bulk_create(
        VoteCast(vote=vote, person=person, option=option)
        for person, option in zip(people, options, strict=True)
    )
    summary.created.append("a recorded vote by name on the 7 July 2014 minutes (made up)")
