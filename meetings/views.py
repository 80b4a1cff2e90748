"""The public reading site. Views stay thin: selectors read, templates present, and every read
starts from a model's ``visible_to(user)``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from boardpapers.cache import LISTS, SEARCH, WORDS, depends_on
from reports.models import Report
from reports.packs import supplement_pack_url
from reports.packs.links import page_packs

from . import calendars, publishing, selectors
from .minutes_layout import attendance_groups
from .models import (
    Attendance,
    Committee,
    Meeting,
    MeetingAddress,
    Membership,
    Minutes,
    Person,
)

PAGE_SIZE = 25


def _page(request: HttpRequest, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@depends_on(LISTS, shows_words=False)  # meetings and papers; no agenda item's words
def home(request: HttpRequest) -> HttpResponse:
    upcoming, recent = selectors.upcoming_and_recent(user=request.user)
    return render(
        request,
        "meetings/home.html",
        {
            "upcoming": upcoming,
            "recent": recent,
            "papers": selectors.recent_papers(user=request.user),
        },
    )


@depends_on(LISTS)
def committee_list(request: HttpRequest) -> HttpResponse:
    committees = Committee.objects.filter(is_active=True).annotate(
        meeting_count=Count(
            "meetings", filter=Q(meetings__in=Meeting.objects.visible_to(request.user))
        )
    )
    return render(request, "meetings/committee_list.html", {"committees": committees})


@depends_on("committee:{slug}")
def committee_detail(request: HttpRequest, slug: str) -> HttpResponse:
    committee = get_object_or_404(Committee.objects.select_related("contact_officer"), slug=slug)
    today = timezone.localdate()
    memberships = (
        Membership.objects.filter(committee=committee)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("person")
        .order_by("position", "person__surname")
    )
    meetings = Meeting.objects.visible_to(request.user).filter(committee=committee)
    by_year = [
        (year, list(group))
        for year, group in groupby(
            meetings.order_by("-start"),
            key=lambda m: selectors.municipal_year(timezone.localtime(m.start).date()),
        )
    ]
    return render(
        request,
        "meetings/committee_detail.html",
        {"committee": committee, "memberships": memberships, "meetings_by_year": by_year},
    )


@depends_on(LISTS)
def meeting_list(request: HttpRequest) -> HttpResponse:
    filterset, meetings = selectors.meeting_list(user=request.user, data=request.GET)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "filter": filterset,
            "page": _page(request, meetings.order_by("-start")),
            "query": _query_without_page(request),
        },
    )


MONTH = re.compile(r"[0-9]{4}-[0-9]{1,2}", re.ASCII)


def _month_from(value: str | None) -> dt.date | None:
    """The first day of the month ``value`` names (2014-09), if the calendar can show it: not
    the first or the last month a date can hold, whose neighbours the grid links to."""
    if not value or not MONTH.fullmatch(value):
        return None
    try:
        month = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None
    if month <= dt.date.min or month >= dt.date.max.replace(day=1):
        return None
    return month


@depends_on(LISTS)
def meeting_calendar(request: HttpRequest) -> HttpResponse:
    """A month of meetings as a calendar grid; ?month=2014-09 and the list's filters."""
    asked = request.GET.get("month")
    month = _month_from(asked)
    if month is None:
        if asked:
            messages.warning(
                request, f"'{asked[:40]}' is not a month like 2014-09; showing this month."
            )
        month = timezone.localdate().replace(day=1)
    data = request.GET.copy()
    data.pop("month", None)
    data["date_from"] = month.isoformat()
    last_day = calendar.monthrange(month.year, month.month)[1]
    data["date_to"] = month.replace(day=last_day).isoformat()
    filterset, meetings = selectors.meeting_list(user=request.user, data=data)
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in meetings.order_by("start"):
        by_day.setdefault(timezone.localtime(meeting.start).date(), []).append(meeting)
    weeks = [
        [(day, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = month.replace(day=last_day) + dt.timedelta(days=1)
    committee = request.GET.get("committee", "")
    return render(
        request,
        "meetings/meeting_calendar.html",
        {
            "filter": filterset,
            "month": month,
            "weeks": weeks,
            "previous": previous,
            "following": following,
            "committee": committee,
            "has_meetings": bool(by_day),
        },
    )


def _meeting_or_redirect(request: HttpRequest, slug: str, visible=None) -> Meeting | HttpResponse:
    if visible is None:
        visible = Meeting.objects.visible_to(request.user).select_related(
            "committee", "contact_officer"
        )
    meeting = visible.filter(slug=slug).first()
    if meeting is not None:
        return meeting
    address = MeetingAddress.objects.filter(slug=slug, meeting__in=visible).first()
    if address is None:
        raise Http404("No such meeting.")
    target = request.path.replace(f"/{slug}/", f"/{address.meeting.slug}/", 1)
    return redirect(target, permanent=True)


@depends_on("meeting:{slug}")
def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A meeting's page in a handful of queries however long its agenda: the meeting with what
    it has (``selectors.meeting_for_page``), its items, papers and plan entries, the
    minutes it links to, its packs from the stored rows, and supplements and withdrawn papers
    only when it has some."""
    meeting = selectors.meeting_for_page(user=request.user, slug=slug)
    if meeting is None:  # an old address (redirected), or no such meeting (404)
        found = _meeting_or_redirect(request, slug, selectors.meeting_page_queryset(request.user))
        if isinstance(found, HttpResponse):
            return found
        meeting = found  # published a moment ago
    items = selectors.meeting_agenda(meeting=meeting, user=request.user)
    own, minutes_rows = selectors.minutes_for_meeting_page(
        meeting=meeting, user=request.user, items=items
    )
    every_item = [i for item in items for i in (item, *item.children)]
    packs = page_packs(
        meeting=meeting,
        user=request.user,
        has_agenda=any(not i.is_pending for i in every_item),
        has_exempt_papers=any(
            r.is_exempt_material and not r.is_pending
            for i in every_item
            if not i.is_pending
            for r in i.papers
        ),
        has_minutes=own is not None,
        has_packs=meeting.has_packs,
    )
    supplements = publishing.supplements_of(meeting) if meeting.has_supplements else []
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "public_items": [item for item in items if not item.is_private],
            "private_items": [item for item in items if item.is_private],
            "minutes": own,
            "approves": [m for m in minutes_rows if m.approved_at_id == meeting.pk],
            "visible_minutes": {m.pk for m in minutes_rows},
            "packs": packs.links,
            "earlier_packs": packs.earlier,
            "supplements": [
                (
                    s,
                    supplement_pack_url(meeting, s.number)
                    if s.number in packs.supplement_versions
                    else "",
                )
                for s in supplements
            ],
            "withdrawn": list(
                publishing.withdrawn_documents(meeting).values("withdrawn_at", "withdrawal_note")
            )
            if meeting.has_withdrawn
            else [],
        },
    )


@depends_on("meeting:{slug}")
def meeting_ics(request: HttpRequest, slug: str) -> HttpResponse:
    found = _meeting_or_redirect(request, slug)
    if isinstance(found, HttpResponse):
        return found
    return calendars.ics_response(
        request, [found], name=f"{found.committee.name}, {found.start:%d %B %Y}"
    )


@depends_on("meeting:{slug}")
def minutes_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The minutes with who was present, the declarations of interest under each minute and the
    recorded votes under their resolutions, in the same few queries however long they are."""
    minutes = selectors.meeting_minutes(slug=slug, user=request.user)
    if minutes is None:
        found = _meeting_or_redirect(request, slug)  # an old address, or no such meeting
        if isinstance(found, HttpResponse):
            return found
        raise Http404("These minutes have not been published.")
    found = minutes.meeting
    groups = attendance_groups(list(minutes.attendance.all()))
    return render(
        request,
        "meetings/minutes_detail.html",
        {
            "meeting": found,
            "minutes": minutes,
            "board_members": groups.board_members,
            "others": groups.others,
            "officers": groups.officers.items(),
            "apologies": groups.apologies,
        },
    )


@depends_on(LISTS)
def decision_list(request: HttpRequest) -> HttpResponse:
    filterset, decisions = selectors.decision_list(user=request.user, data=request.GET)
    return render(
        request,
        "meetings/decision_list.html",
        {
            "filter": filterset,
            "page": _page(request, decisions),
            "query": _query_without_page(request),
        },
    )


@depends_on("person:{slug}")
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    memberships = person.memberships.select_related("committee").order_by(
        "-start_date", "committee__name"
    )
    record = (
        Attendance.objects.filter(
            person=person, minutes__in=Minutes.objects.visible_to(request.user)
        )
        .select_related("minutes__meeting__committee")
        .order_by("-minutes__meeting__start")
    )
    return render(
        request,
        "meetings/person_detail.html",
        {"person": person, "memberships": memberships, "record": record},
    )


@depends_on("report:{pk}")
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A paper as a web page: its headings, lists and tables (read once by the worker), or its
    plain text until then, ``PAGES_PER_SCREEN`` PDF pages at a time (``?page=``; a number
    that is not one shows the first screen, one past the end the last)."""
    from reports.document_text import PAGES_PER_SCREEN, screen_blocks

    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related(
            "agenda_item__meeting__committee", "agenda_item__parent"
        ),
        pk=pk,
    )
    paginator = Paginator(report.pages.order_by("number"), PAGES_PER_SCREEN)
    paginator.count = report.page_count  # known; saves counting the rows
    screen = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/document_detail.html",
        {
            "report": report,
            "screen": screen,
            "screens": paginator.get_elided_page_range(screen.number, on_each_side=1, on_ends=1),
            "pages": list(screen_blocks(screen.object_list)),
        },
    )


@depends_on()
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/accessibility.html")


@depends_on(LISTS)
def calendar_all(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.visible_to(request.user).select_related("committee")
    return calendars.ics_response(request, meetings, name="All committee meetings")


@depends_on("committee:{slug}")
def calendar_committee(request: HttpRequest, slug: str) -> HttpResponse:
    committee = get_object_or_404(Committee, slug=slug)
    meetings = (
        Meeting.objects.visible_to(request.user)
        .filter(committee=committee)
        .select_related("committee")
    )
    return calendars.ics_response(request, meetings, name=committee.name)


@depends_on(SEARCH, soft=(WORDS,))  # and the meetings of its results: search_page
def search(request: HttpRequest) -> HttpResponse:
    from .search import search_page

    return search_page(request)
