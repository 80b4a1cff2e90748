"""Reads that several views (pages, API, feeds) share. Each starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt
import functools

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from reports.models import Pack, Report

from . import visibility
from .filters import DecisionFilter, MeetingFilter
from .models import (
    AgendaItem,
    Attendance,
    Declaration,
    InterestVersion,
    Meeting,
    MinuteItem,
    Minutes,
    Person,
    PlanEntry,
    RecordedVote,
    Resolution,
    Supplement,
    VoteCast,
)


def municipal_year(day: dt.date) -> str:
    """Councils count years from the annual meeting in May: 22 September 2014 is in 2014/15."""
    start = day.year if day.month >= 5 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _filtered(filterset, base: QuerySet) -> QuerySet:
    """What a list shows: everything the user may see when no filter is given (an unbound filter
    set is no filter, not an invalid one); nothing when a filter is given but cannot be used (the
    page shows the filter set's errors)."""
    if not filterset.is_bound:
        return base
    return filterset.qs if filterset.is_valid() else base.none()


def meeting_list(*, user, data=None) -> tuple[MeetingFilter, QuerySet[Meeting]]:
    """Meetings the user may see, filtered by the query string (committee, dates, status)."""
    base = Meeting.objects.visible_to(user).select_related("committee")
    filterset = MeetingFilter(data or None, queryset=base)
    return filterset, _filtered(filterset, base)


def decision_list(*, user, data=None) -> tuple[DecisionFilter, QuerySet[Resolution]]:
    base = (
        Resolution.objects.visible_to(user)
        .select_related("minute_item__minutes__meeting__committee")
        .order_by("-minute_item__minutes__meeting__start", "minute_item__position", "position")
    )
    filterset = DecisionFilter(data or None, queryset=base)
    return filterset, _filtered(filterset, base)


def _visible_reports(user) -> Prefetch:
    return Prefetch(
        "reports",
        queryset=Report.objects.visible_to(user)
        .filter(superseded_at__isnull=True)
        .order_by("position", "pk"),
    )


def meeting_page_queryset(user) -> QuerySet[Meeting]:
    """Meetings the user may see, each with what its page needs to know before asking for it
    (one query): the status of its own minutes if the user may read them, and whether it has
    minutes agreed at it, supplementary agendas, withdrawn papers and packs. The page then asks
    only for what is there."""
    return _meeting_page_queryset(visibility.audience_of(user)).all()


@functools.cache
def _meeting_page_queryset(audience: int) -> QuerySet[Meeting]:
    """Built once per audience, as a class-based view builds its ``queryset`` once, and copied
    for each request (``.all()``, never evaluated itself): the rows an audience may see depend
    on nothing else (``visibility``), and building the six subqueries took a page longer than
    running them."""
    visible_minutes = Minutes.objects.filter(visibility.minutes_q(audience))
    return (
        Meeting.objects.filter(visibility.meeting_q(audience))
        .select_related("committee", "contact_officer")
        .annotate(
            own_minutes_id=Subquery(
                visible_minutes.filter(meeting=OuterRef("pk")).values("pk")[:1]
            ),
            own_minutes_status=Subquery(
                visible_minutes.filter(meeting=OuterRef("pk")).values("status")[:1]
            ),
            approves_any=Exists(visible_minutes.filter(approved_at=OuterRef("pk"))),
            has_supplements=Exists(Supplement.objects.filter(meeting=OuterRef("pk"))),
            has_withdrawn=Exists(
                Report.objects.filter(
                    agenda_item__meeting=OuterRef("pk"),
                    withdrawn_at__isnull=False,
                    is_pending=False,
                )
            ),
            has_packs=Exists(Pack.objects.filter(meeting=OuterRef("pk"))),
        )
    )


@functools.cache
def _agenda_querysets(audience: int) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The three queries of ``meeting_agenda`` for an audience, but for the meeting: built once
    per audience like ``_meeting_page_queryset`` and narrowed to a meeting for each request."""
    return (
        AgendaItem.objects.filter(visibility.item_q(audience))
        .order_by("position", "pk")
        .select_related("previous_minutes__meeting"),
        Report.objects.filter(visibility.report_q(audience))
        .filter(superseded_at__isnull=True)
        .order_by("position", "pk"),
        PlanEntry.objects.filter(visibility.plan_entry_q(audience)),
    )


def meeting_agenda(*, meeting: Meeting, user) -> list[AgendaItem]:
    """Top-level items in order, each with its sub-items, the documents the user may see (the
    current ones: a replaced paper lives on only in the pack versions that held it) and the
    forward plan entries the user may see. Each item carries ``full_text``: whether the user may
    read more than its number, title and reason for exemption
    (``visibility.item_text_fields``). Three queries however long the agenda: every item, every
    paper and every plan entry of the meeting, put together here."""
    audience = visibility.audience_of(user)
    visible_items, visible_reports, visible_entries = _agenda_querysets(audience)
    every = list(visible_items.filter(meeting=meeting))
    reports: dict[int, list[Report]] = {}
    for report in visible_reports.filter(agenda_item__meeting=meeting):
        reports.setdefault(report.agenda_item_id, []).append(report)
    entries: dict[int, list[PlanEntry]] = {}
    for entry in visible_entries.filter(agenda_item__meeting=meeting):
        entries.setdefault(entry.agenda_item_id, []).append(entry)
    by_pk = {item.pk: item for item in every}
    children: dict[int, list[AgendaItem]] = {}
    for item in every:
        if item.parent_id in by_pk:
            item.parent = by_pk[item.parent_id]
    for item in every:
        item.full_text = visibility.item_shows_full_text(item, audience)
        item.meeting = meeting
        item.papers = reports.get(item.pk, [])
        for report in item.papers:
            report.agenda_item = item
        item.plan = entries.get(item.pk, [])
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    top = [item for item in every if item.parent_id is None]
    for item in every:
        item.children = children.get(item.pk, [])
        # As prefetch_related leaves them, for readers of item.reports.all() (the API).
        item._prefetched_objects_cache = {
            "reports": item.papers,
            "sub_items": item.children,
            "plan_entries": item.plan,
        }
    return top


def minutes_for_meeting_page(
    *, meeting: Meeting, user, items: list[AgendaItem]
) -> tuple[Minutes | None, list[Minutes]]:
    """The minutes the meeting page links to, if the user may read them: its own (from the
    meeting's row, ``meeting_page_queryset``), and in one query, only when there are some,
    those agreed at it and those its items ask to be read."""
    own = None
    if meeting.own_minutes_id is not None:
        own = Minutes(pk=meeting.own_minutes_id, meeting=meeting, status=meeting.own_minutes_status)
    previous = {i.previous_minutes_id for i in items if i.previous_minutes_id}
    for item in items:
        previous |= {c.previous_minutes_id for c in item.children if c.previous_minutes_id}
    if not (previous or meeting.approves_any):
        return own, []
    return own, list(
        Minutes.objects.visible_to(user)
        .filter(Q(approved_at=meeting) | Q(pk__in=previous))
        .select_related("meeting")
    )


RESOLUTION_FIELDS = [f.attname for f in Resolution._meta.concrete_fields]
VOTE_FIELDS = {f"votes__{f.attname}": f.attname for f in RecordedVote._meta.concrete_fields}
CAST_FIELDS = {
    "votes__casts__pk": "pk",
    "votes__casts__option": "option",
    "votes__casts__person_id": "person_id",
}
PERSON_FIELDS = ("slug", "display_name", "surname")


@functools.cache
def _visible_meetings(audience: int) -> QuerySet[Meeting]:
    return Meeting.objects.filter(visibility.meeting_q(audience))


@functools.cache
def _minutes_page_queryset(audience: int) -> QuerySet[Minutes]:
    """The minutes page's query for an audience (the minutes, their meeting and committee, the
    attendance and the minutes the audience may read), built once like
    ``_meeting_page_queryset`` and narrowed to a meeting for each request."""
    return (
        Minutes.objects.filter(visibility.minutes_q(audience))
        .select_related("meeting__committee", "approved_at__committee")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("person").order_by("position"),
            ),
            Prefetch(
                "items",
                queryset=MinuteItem.objects.filter(visibility.minute_item_q(audience))
                .order_by("position")
                .select_related("agenda_item__parent"),
            ),
        )
    )


@functools.cache
def _resolution_rows(audience: int) -> QuerySet[Resolution]:
    """The resolutions an audience may read, with their votes and casts as joined rows, for
    ``_attach_resolutions``: built once per audience."""
    return (
        Resolution.objects.filter(visibility.resolution_q(audience))
        .order_by("minute_item_id", "position", "pk", "votes__pk", "votes__casts__pk")
        .values(
            *RESOLUTION_FIELDS,
            *VOTE_FIELDS,
            *CAST_FIELDS,
            *(f"votes__casts__person__{f}" for f in PERSON_FIELDS),
        )
    )


def minutes_declarations(audience: int) -> QuerySet[Declaration]:
    """The declarations of interest an audience may read, for the minutes page's prefetch."""
    return _declarations(audience).all()


@functools.cache
def _declarations(audience: int) -> QuerySet[Declaration]:
    """Each with ``register_shown``: whether the audience may read the version of the register
    its entry is in (``visibility.interest_version_q``), for the link to that entry."""
    return (
        Declaration.objects.filter(visibility.declaration_q(audience))
        .select_related("person", "register_entry__version")
        .annotate(
            register_shown=Exists(
                InterestVersion.objects.filter(
                    visibility.interest_version_q(audience),
                    pk=OuterRef("register_entry__version_id"),
                )
            )
        )
        .order_by("pk")
    )


def meeting_minutes(*, meeting: Meeting | None = None, user, slug: str = "") -> Minutes | None:
    """The meeting's minutes if the user may see them, with what the user may see of them:
    their resolutions carry the recorded votes the user may see. By ``slug``, the minutes of
    the meeting of that address if the user may see the meeting too (one query for both)."""
    audience = visibility.audience_of(user)
    base = _minutes_page_queryset(audience)
    found = (
        base.filter(meeting=meeting)
        if meeting is not None
        else base.filter(meeting__slug=slug, meeting__in=_visible_meetings(audience))
    )
    minutes = found.first()
    if minutes is not None:
        _attach_resolutions(minutes, user)
    return minutes


def _attach_resolutions(minutes: Minutes, user) -> None:
    """Each minute's resolutions, with their recorded votes (a vote goes with its resolution:
    ``visibility.vote_q``) and who voted which way, read in one query (a resolution, its
    votes and their casts as joined rows) and left as ``item.resolutions.all()``,
    ``resolution.votes.all()`` and ``vote.casts.all()`` would give them."""
    items = {item.pk: item for item in minutes.items.all()}
    for item in items.values():
        item.__dict__.setdefault("_prefetched_objects_cache", {})["resolutions"] = []
    if not items:
        return
    rows = _resolution_rows(visibility.audience_of(user)).filter(minute_item_id__in=items)
    resolutions: dict[int, Resolution] = {}
    votes: dict[int, RecordedVote] = {}
    for row in rows:
        resolution = resolutions.get(row["id"])
        if resolution is None:
            resolution = resolutions[row["id"]] = Resolution(
                **{f: row[f] for f in RESOLUTION_FIELDS}
            )
            resolution.minute_item = items[resolution.minute_item_id]
            resolution._prefetched_objects_cache = {"votes": []}
            items[resolution.minute_item_id]._prefetched_objects_cache["resolutions"].append(
                resolution
            )
        if row["votes__id"] is None:
            continue
        vote = votes.get(row["votes__id"])
        if vote is None:
            vote = votes[row["votes__id"]] = RecordedVote(
                **{name: row[key] for key, name in VOTE_FIELDS.items()}
            )
            vote.resolution = resolution
            vote._prefetched_objects_cache = {"casts": []}
            resolution._prefetched_objects_cache["votes"].append(vote)
        if row["votes__casts__pk"] is not None:
            cast = VoteCast(vote=vote, **{name: row[key] for key, name in CAST_FIELDS.items()})
            cast.person = Person(
                pk=row["votes__casts__person_id"],
                **{f: row[f"votes__casts__person__{f}"] for f in PERSON_FIELDS},
            )
            vote._prefetched_objects_cache["casts"].append(cast)


def upcoming_and_recent(*, user, limit: int = 10) -> tuple[list[Meeting], list[Meeting]]:
    visible = Meeting.objects.visible_to(user).select_related("committee")
    now = timezone.now()
    upcoming = list(visible.filter(start__gte=now).order_by("start")[:limit])
    recent = list(visible.filter(start__lt=now).order_by("-start")[:limit])
    return upcoming, recent


def recent_papers(*, user, limit: int = 10) -> QuerySet[Report]:
    """Documents most recently published, newest meeting first."""
    return (
        Report.objects.visible_to(user)
        .select_related("agenda_item__meeting__committee")
        .order_by("-agenda_item__meeting__published_at", "-uploaded_at", "position")[:limit]
    )
