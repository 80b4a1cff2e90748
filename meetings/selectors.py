"""Reads that several views (pages, API, feeds) share. Each starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.query import get_related_populators
from django.utils import timezone

from reports.models import Pack, Report

from . import visibility
from .filters import DecisionFilter, MeetingFilter
from .models import (
    AgendaItem,
    Attendance,
    Committee,
    Declaration,
    InterestEntry,
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


def meeting_for_page(*, user, slug: str) -> Meeting | None:
    """The meeting of that address as ``meeting_page_queryset`` gives it, if the user may see
    it, in one query compiled once (``_meeting_page_queries``)."""
    found = _meeting_page_queries(visibility.audience_of(user)).meeting.objects(slug)
    return found[0] if found else None


@dataclass(frozen=True)
class _MeetingPageQueries:
    meeting: _Compiled  # by the meeting's address, as meeting_page_queryset
    items: _Compiled  # by the meeting's id: its items the audience may see
    reports: _Compiled  # the current papers of those items the audience may see
    entries: _Compiled  # the plan entries the audience may see linked to those items


@functools.cache
def _meeting_page_queries(audience: int) -> _MeetingPageQueries:
    """The meeting page's queries for an audience, compiled to SQL once (``_Compiled``), like
    the minutes page's: what an audience may see depends on nothing else (``visibility``)."""
    return _MeetingPageQueries(
        meeting=_Compiled(
            _meeting_page_queryset(audience).filter(slug=SLUG_STAND_IN).order_by("pk")[:1],
            SLUG_STAND_IN,
        ),
        items=_Compiled(
            AgendaItem.objects.filter(visibility.item_q(audience))
            .filter(meeting_id=ID_STAND_IN)
            .order_by("position", "pk")
            .select_related("previous_minutes__meeting"),
            ID_STAND_IN,
        ),
        reports=_Compiled(
            Report.objects.filter(visibility.report_q(audience))
            .filter(superseded_at__isnull=True, agenda_item__meeting_id=ID_STAND_IN)
            .order_by("position", "pk"),
            ID_STAND_IN,
        ),
        entries=_Compiled(
            PlanEntry.objects.filter(visibility.plan_entry_q(audience)).filter(
                agenda_item__meeting_id=ID_STAND_IN
            ),
            ID_STAND_IN,
        ),
    )


def meeting_agenda(*, meeting: Meeting, user) -> list[AgendaItem]:
    """Top-level items in order, each with its sub-items, the documents the user may see (the
    current ones: a replaced paper lives on only in the pack versions that held it) and the
    forward plan entries the user may see. Each item carries ``full_text``: whether the user may
    read more than its number, title and reason for exemption
    (``visibility.item_text_fields``). Three queries however long the agenda, each compiled
    once (``_meeting_page_queries``): every item, every paper and every plan entry of the
    meeting, put together here."""
    audience = visibility.audience_of(user)
    queries = _meeting_page_queries(audience)
    every = queries.items.objects(meeting.pk)
    reports: dict[int, list[Report]] = {}
    for report in queries.reports.objects(meeting.pk):
        reports.setdefault(report.agenda_item_id, []).append(report)
    entries: dict[int, list[PlanEntry]] = {}
    for entry in queries.entries.objects(meeting.pk):
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


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


RESOLUTION_FIELDS = _fields(Resolution)
VOTE_FIELDS = {f"votes__{f.attname}": f.attname for f in RecordedVote._meta.concrete_fields}
CAST_FIELDS = {
    "votes__casts__pk": "pk",
    "votes__casts__option": "option",
    "votes__casts__person_id": "person_id",
}
PERSON_FIELDS = ("slug", "display_name", "surname")
# The rows of the minutes page's queries: each model's every column, under the prefix that
# reaches it, so that a row splits into instances as select_related would give them.
MINUTES_ROW = (
    (Minutes, ""),
    (Meeting, "meeting__"),
    (Committee, "meeting__committee__"),
    (Meeting, "approved_at__"),
    (Committee, "approved_at__committee__"),
)
ATTENDANCE_ROW = ((Attendance, ""), (Person, "person__"))
MINUTE_ITEM_ROW = (
    (MinuteItem, ""),
    (AgendaItem, "agenda_item__"),
    (AgendaItem, "agenda_item__parent__"),
)
DECLARATION_ROW = ((Declaration, ""), (Person, "person__"))
# Stand-ins for the meeting's address and the meeting's or minutes' id while a query is compiled
# (``_Compiled``): unlike any real value, so each is found once among the query's parameters.
SLUG_STAND_IN = "page-slug-stand-in"
ID_STAND_IN = -7_340_033


def _columns(row: tuple[tuple[type, str], ...]) -> list[str]:
    return [f"{prefix}{name}" for model, prefix in row for name in _fields(model)]


def _instances(db: str, row: tuple, shape: tuple[tuple[type, str], ...]) -> list:
    """A row of ``_columns(shape)`` as one instance of each model, as the database gave it
    (``Model.from_db``), or None where an outer join found nothing (its primary key is NULL)."""
    found, start = [], 0
    for model, _prefix in shape:
        end = start + len(model._meta.concrete_fields)
        values = row[start:end]
        found.append(None if values[0] is None else model.from_db(db, None, values))
        start = end
    return found


assert all(
    model._meta.concrete_fields[0] is model._meta.pk
    for model, _ in MINUTES_ROW + ATTENDANCE_ROW + MINUTE_ITEM_ROW + DECLARATION_ROW
)  # _instances


def _is_a_date(value) -> bool:
    """A date or time among a compiled query's parameters: as itself (PostgreSQL) or as the
    text SQLite is given (2026-12-06, 2026-12-06 04:42:13...)."""
    if isinstance(value, dt.date):
        return True
    return isinstance(value, str) and _DATE_TEXT.fullmatch(value) is not None


_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}.*)?")


class _Compiled:
    """A query compiled to SQL once and run again with one parameter changed (``stand_in``'s):
    the minutes page's queries differ from one request to the next only in the meeting or
    minutes they are for, and compiling them (the visibility rules' joins and conditions, the
    ordering, the columns) took a request longer than running them. Rows come back as tuples of
    the queryset's columns (``names``), converted as Django converts them (``from_db_value``:
    JSON, SQLite's dates); the query is counted and logged as any other.

    On PostgreSQL the query is also a prepared statement of each connection (``PREPARE``, sent
    with its first ``EXECUTE`` as one query), so that PostgreSQL plans it once per connection
    rather than once per request: planning these joins took PostgreSQL several times longer
    than running them. ``settings.DATABASE_PREPARED_QUERIES`` turns that off (for a pooler in
    transaction mode, whose server connections are shared)."""

    _numbers = itertools.count(1)

    def __init__(self, queryset: QuerySet, stand_in) -> None:
        self.db = queryset.db
        query = queryset.query
        compiler = query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        at = [
            i
            for i, value in enumerate(params)
            if value == stand_in and type(value) is type(stand_in)
        ]
        if len(at) != 1:
            raise ValueError(f"{stand_in!r} is {len(at)} of the query's parameters, not one")
        if any(_is_a_date(value) for value in params):
            # A rule on the time (published before now...) would be frozen at the first request.
            raise ValueError("a query with a date or time in it cannot be compiled once")
        self.sql, self.params, self.at = sql, list(params), at[0]
        self.compiler = compiler
        self.converters = compiler.get_converters(
            [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
        )
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        info = compiler.klass_info  # None for values_list(): rows are then only tuples
        if info is not None:
            if queryset._prefetch_related_lookups or queryset._known_related_objects:
                raise ValueError("objects() gives no prefetched or known related objects")
            fields = info["select_fields"]
            self.span = (fields[0], fields[-1] + 1)
            self.model = info["model"]
            self.init_list = [c[0].target.attname for c in compiler.select[slice(*self.span)]]
            self.fetch_mode = queryset._fetch_mode
            self.populators = get_related_populators(
                info, compiler.select, self.db, self.fetch_mode
            )
            self.annotations = compiler.annotation_col_map
        self.prepared = None
        if connections[self.db].vendor == "postgresql":
            self.prepared = f"boardpapers_{next(self._numbers)}"
            self.prepare = ""  # PREPARE ... AS the query, with the other parameters written in

    def rows(self, value) -> list[tuple]:
        wrapper = connections[self.db]
        with wrapper.cursor() as cursor:
            known = None
            if self.prepared is not None and settings.DATABASE_PREPARED_QUERIES:
                known = _prepared_statements(wrapper)
            if known is None:
                params = self.params.copy()
                params[self.at] = value
                cursor.execute(self.sql, params)
            else:
                execute = f"EXECUTE {self.prepared} (%s)"
                first = self.prepared not in known
                if first:
                    execute = f"{self._prepare(cursor)}; {execute}"
                try:
                    cursor.execute(execute, [value])
                except Exception:
                    if first:  # prepared or not: this connection runs the plain SQL from now
                        wrapper._boardpapers_prepared = (wrapper.connection, None)
                    raise
                known.add(self.prepared)
            rows = cursor.fetchall()
        if self.converters:
            return [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        return rows

    def objects(self, value) -> list:
        """The rows as the queryset's model instances, as iterating it gives them: each with
        the rows ``select_related`` names and with its annotations (``ModelIterable``)."""
        start, end = self.span
        found = []
        for row in self.rows(value):
            obj = self.model.from_db(
                self.db, self.init_list, row[start:end], fetch_mode=self.fetch_mode
            )
            for populator in self.populators:
                populator.populate(row, obj)
            for name, at in self.annotations.items():
                setattr(obj, name, row[at])
            found.append(obj)
        return found

    def _prepare(self, cursor) -> str:
        """``PREPARE`` for this query: the changing parameter as ``$1``, the others (the
        visibility rules' constants) written in by psycopg's quoting, so that the plan is made
        knowing them."""
        if not self.prepare:
            from psycopg2.extensions import AsIs

            params = self.params.copy()
            params[self.at] = AsIs("$1")
            body = cursor.cursor.mogrify(self.sql, params).decode()
            self.prepare = f"PREPARE {self.prepared} AS {body}".replace("%", "%%")
        return self.prepare


def _prepared_statements(wrapper) -> set[str] | None:
    """The statements prepared on this database connection (``_Compiled``): a new connection
    has none. A prepared statement outlives a transaction rolled back (PostgreSQL's rule) and
    goes with its connection. None once a ``PREPARE`` sent with its ``EXECUTE`` failed: whether
    it was prepared is then unknown, and that connection runs the plain SQL."""
    connection = wrapper.connection
    known = getattr(wrapper, "_boardpapers_prepared", None)
    if known is None or known[0] is not connection:
        known = wrapper._boardpapers_prepared = (connection, set())
    return known[1]


@dataclass(frozen=True)
class _MinutesPageQueries:
    minutes: _Compiled  # by the meeting's address: the minutes, meeting, committee, approved at
    attendance: _Compiled  # by the minutes' id, as those below
    items: _Compiled  # the minutes the audience may read, with their agenda item and its parent
    resolutions: _Compiled  # with their recorded votes and casts, as joined rows
    declarations: _Compiled  # with whether the register's version may be read


@functools.cache
def _minutes_page_queries(audience: int) -> _MinutesPageQueries:
    """The minutes page's five queries for an audience, compiled once (``_Compiled``): what an
    audience may read depends on nothing else (``visibility``)."""
    return _MinutesPageQueries(
        minutes=_Compiled(
            Minutes.objects.filter(visibility.minutes_q(audience))
            .filter(meeting__slug=SLUG_STAND_IN, meeting__in=_visible_meetings(audience))
            .order_by("pk")
            .values_list(*_columns(MINUTES_ROW))[:1],
            SLUG_STAND_IN,
        ),
        attendance=_Compiled(
            Attendance.objects.filter(minutes_id=ID_STAND_IN)
            .order_by("position")
            .values_list(*_columns(ATTENDANCE_ROW)),
            ID_STAND_IN,
        ),
        items=_Compiled(
            MinuteItem.objects.filter(visibility.minute_item_q(audience))
            .filter(minutes_id=ID_STAND_IN)
            .order_by("position")
            .values_list(*_columns(MINUTE_ITEM_ROW)),
            ID_STAND_IN,
        ),
        resolutions=_Compiled(
            Resolution.objects.filter(visibility.resolution_q(audience))
            .filter(minute_item__minutes_id=ID_STAND_IN)
            .order_by("minute_item_id", "position", "pk", "votes__pk", "votes__casts__pk")
            .values_list(
                *RESOLUTION_FIELDS,
                *VOTE_FIELDS,
                *CAST_FIELDS,
                *(f"votes__casts__person__{f}" for f in PERSON_FIELDS),
            ),
            ID_STAND_IN,
        ),
        declarations=_Compiled(
            Declaration.objects.filter(visibility.declaration_q(audience))
            .filter(minute_item__minutes_id=ID_STAND_IN)
            .annotate(
                register_shown=Exists(
                    InterestVersion.objects.filter(
                        visibility.interest_version_q(audience),
                        pk=OuterRef("register_entry__version_id"),
                    )
                )
            )
            .order_by("pk")
            .values_list(
                *_columns(DECLARATION_ROW), "register_entry__version_id", "register_shown"
            ),
            ID_STAND_IN,
        ),
    )


@functools.cache
def _visible_meetings(audience: int) -> QuerySet[Meeting]:
    return Meeting.objects.filter(visibility.meeting_q(audience))


def meeting_minutes(*, user, slug: str) -> Minutes | None:
    """The minutes of the meeting of that address, if the user may see the meeting and the
    minutes, with what the user may see of them, in five queries however long they are (four
    when no minute may be read): ``minutes.attendance.all()`` (each with its person),
    ``minutes.items.all()`` (the minutes the user may read, each with its agenda item and that
    item's parent, for ``is_private``), and under each item its ``resolutions.all()`` (each with
    the recorded votes and casts, as ``_attach_resolutions`` leaves them) and its
    ``declarations.all()`` (each with its person, ``register_entry.version_id`` and
    ``register_shown``: whether the user may read that version of the register, from
    ``visibility.interest_version_q``), as ``prefetch_related`` and ``select_related`` would
    leave them."""
    queries = _minutes_page_queries(visibility.audience_of(user))
    found = queries.minutes.rows(slug)
    if not found:
        return None
    db = queries.minutes.db
    minutes, meeting, committee, approved_at, approved_committee = _instances(
        db, found[0], MINUTES_ROW
    )
    meeting.committee = committee
    minutes.meeting = meeting
    if approved_at is not None:
        approved_at.committee = approved_committee
        minutes.approved_at = approved_at
    attendance = []
    for row in queries.attendance.rows(minutes.pk):
        line, person = _instances(db, row, ATTENDANCE_ROW)
        line.minutes, line.person = minutes, person
        attendance.append(line)
    items = {}
    for row in queries.items.rows(minutes.pk):
        item, agenda_item, parent = _instances(db, row, MINUTE_ITEM_ROW)
        if agenda_item is not None:
            if parent is not None:
                agenda_item.parent = parent
            item.agenda_item = agenda_item
        item.minutes = minutes
        item._prefetched_objects_cache = {"resolutions": [], "declarations": []}
        items[item.pk] = item
    minutes._prefetched_objects_cache = {"attendance": attendance, "items": list(items.values())}
    if items:
        _attach_resolutions(items, queries.resolutions, minutes.pk)
        _attach_declarations(items, queries.declarations, minutes.pk)
    return minutes


def _attach_resolutions(items: dict[int, MinuteItem], query: _Compiled, minutes_id: int) -> None:
    """Each minute's resolutions, with their recorded votes (a vote goes with its resolution:
    ``visibility.vote_q``) and who voted which way, read in one query (a resolution, its
    votes and their casts as joined rows) and left as ``item.resolutions.all()``,
    ``resolution.votes.all()`` and ``vote.casts.all()`` would give them."""
    resolutions: dict[int, Resolution] = {}
    votes: dict[int, RecordedVote] = {}
    for values in query.rows(minutes_id):
        row = dict(zip(query.names, values, strict=True))
        resolution = resolutions.get(row["id"])
        if resolution is None:
            resolution = resolutions[row["id"]] = Resolution.from_db(
                query.db, None, [row[f] for f in RESOLUTION_FIELDS]
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


def _attach_declarations(items: dict[int, MinuteItem], query: _Compiled, minutes_id: int) -> None:
    """Each minute's declarations of interest the audience may read, in the order made."""
    for row in query.rows(minutes_id):
        declaration, person = _instances(query.db, row, DECLARATION_ROW)
        declaration.person = person
        if declaration.register_entry_id is not None:
            declaration.register_entry = InterestEntry.from_db(
                query.db, ["id", "version_id"], [declaration.register_entry_id, row[-2]]
            )
        declaration.register_shown = row[-1]
        item = items[declaration.minute_item_id]
        declaration.minute_item = item
        item._prefetched_objects_cache["declarations"].append(declaration)


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
