"""A member's own page, "My meetings": the meetings of the committees they sit on, upcoming first
and then the most recent, each with what is new since they last opened the page.

"New" is worked out from what the page listed at the last visit (``MyMeetingsVisit.seen``), not
from dates: a paper counts as new when this person may see it now and it was not listed then,
however it came to be published (with the agenda, by a supplementary agenda, as a replacement).
The first visit marks nothing as new: everything would be, which says nothing; the page says so
and marks what appears from the next visit on. What the page lists comes from the querysets'
``visible_to`` (meetings.visibility), so a member is never told of what they may not see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from reports.models import Report

from . import roles
from .models import Committee, Meeting, Minutes, Supplement
from .models.people import Membership, MyMeetingsVisit, Person

UPCOMING_LIMIT = 20
RECENT_LIMIT = 8


@dataclass(frozen=True)
class Change:
    """One thing new at a meeting: words, and a link where there is a page to open."""

    text: str
    link_text: str = ""
    url: str = ""


@dataclass
class MeetingNews:
    meeting: Meeting
    paper_count: int = 0
    listed_before: bool = True
    changes: list[Change] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return bool(self.changes)


def person_of(user) -> Person | None:
    """The person a signed-in account is (``Person.user``), or None."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def committees_of(user, *, on: dt.date | None = None) -> QuerySet[Committee] | None:
    """The committees a person sits on today; None means every committee: a clerk or admin who
    sits on none works for them all."""
    on = on or timezone.localdate()
    person = person_of(user)
    sits_on = Committee.objects.none()
    if person is not None:
        current = Membership.objects.filter(person=person).filter(
            Q(start_date__isnull=True) | Q(start_date__lte=on),
            Q(end_date__isnull=True) | Q(end_date__gte=on),
        )
        sits_on = Committee.objects.filter(memberships__in=current).distinct()
    if not sits_on.exists() and roles.works_on_meetings(user):
        return None
    return sits_on


def _meetings(user, committees: QuerySet[Committee] | None) -> tuple[list, list]:
    now = timezone.now()
    meetings = Meeting.objects.visible_to(user).select_related("committee")
    if committees is not None:
        meetings = meetings.filter(committee__in=committees)
    upcoming = list(meetings.filter(start__gte=now).order_by("start")[:UPCOMING_LIMIT])
    recent = list(meetings.filter(start__lt=now).order_by("-start")[:RECENT_LIMIT])
    return upcoming, recent


MEETING_STATUS_NEWS = {
    Meeting.Status.PUBLISHED: "Agenda published",
    Meeting.Status.CANCELLED: "Cancelled",
    Meeting.Status.POSTPONED: "Postponed",
    Meeting.Status.DRAFT: "Back to draft",
}


def meetings_news(
    user, meetings: list[Meeting], visit: MyMeetingsVisit | None
) -> tuple[list[MeetingNews], set[str]]:
    """What is new at each meeting for this user since their last visit (None: a first visit,
    nothing is new), and the keys of everything listed now, to remember for the next one."""
    seen = set(visit.seen) if visit is not None else None
    ids = [m.pk for m in meetings]
    papers: dict[int, list[Report]] = {pk: [] for pk in ids}
    for report in (
        Report.objects.visible_to(user)
        .current()
        .filter(agenda_item__meeting__in=ids)
        .select_related("agenda_item")
        .order_by("agenda_item__position", "position", "pk")
    ):
        papers[report.agenda_item.meeting_id].append(report)
    supplements: dict[int, list[Supplement]] = {pk: [] for pk in ids}
    for supplement in Supplement.objects.filter(meeting__in=ids).order_by("number"):
        supplements[supplement.meeting_id].append(supplement)
    minutes = {m.meeting_id: m for m in Minutes.objects.visible_to(user).filter(meeting__in=ids)}

    seen_meetings = {key.split(":")[1] for key in seen or () if key.startswith("meeting:")}
    seen_minutes = {key.split(":")[1] for key in seen or () if key.startswith("minutes:")}
    listed: set[str] = set()
    news = []
    for meeting in meetings:
        item = MeetingNews(meeting, paper_count=len(papers[meeting.pk]))
        keys = {f"meeting:{meeting.pk}:{meeting.status}"}
        keys |= {f"paper:{report.pk}" for report in papers[meeting.pk]}
        keys |= {f"supplement:{s.pk}" for s in supplements[meeting.pk]}
        if meeting.pk in minutes:
            keys.add(f"minutes:{minutes[meeting.pk].pk}:{minutes[meeting.pk].status}")
        listed |= keys
        if visit is not None:
            item.listed_before = str(meeting.pk) in seen_meetings
            item.changes = _changes(
                meeting, papers[meeting.pk], supplements[meeting.pk], minutes.get(meeting.pk),
                seen, since=visit.visited_at, listed_before=item.listed_before,
                seen_minutes=seen_minutes,
            )  # fmt: skip
        news.append(item)
    return news, listed


def _changes(
    meeting: Meeting,
    papers: list[Report],
    supplements: list[Supplement],
    minutes: Minutes | None,
    seen: set[str],
    *,
    since: dt.datetime,
    listed_before: bool,
    seen_minutes: set[str],
) -> list[Change]:
    changes = []
    if not listed_before:
        count = len(papers)
        words = f" with {count} paper{'s' if count != 1 else ''}" if count else ""
        if meeting.published_at is not None and meeting.published_at > since:
            changes.append(Change("Agenda published" + words))
        else:  # on a committee newly joined, or a draft a clerk has started
            changes.append(Change(f"New to your list ({meeting.get_status_display().lower()})"))
    elif f"meeting:{meeting.pk}:{meeting.status}" not in seen:
        changes.append(Change(MEETING_STATUS_NEWS[meeting.status]))
    changes += [
        Change(f"Supplementary agenda {s.number} published: {s.summary}")
        for s in supplements
        if f"supplement:{s.pk}" not in seen
    ]
    if listed_before:
        for report in papers:
            if f"paper:{report.pk}" in seen:
                continue
            replaced = report.replaces_id and f"paper:{report.replaces_id}" in seen
            changes.append(
                Change(
                    "Revised paper: " if replaced else "New paper: ",
                    link_text=report.title,
                    url=reverse("document-detail", args=[report.pk]),
                )
            )
    if minutes is not None and f"minutes:{minutes.pk}:{minutes.status}" not in seen:
        url = reverse("minutes-detail", args=[meeting.slug])
        if str(minutes.pk) in seen_minutes:
            changes.append(Change("", link_text="Minutes approved", url=url))
        elif minutes.status == Minutes.Status.DRAFT:
            changes.append(Change("", link_text="Draft minutes published", url=url))
        else:
            changes.append(Change("", link_text="Minutes published", url=url))
    return changes


def my_meetings_visit_record(*, user, listed: set[str], at: dt.datetime) -> None:
    """Remember what the page listed, so that the next visit marks only what is new since."""
    MyMeetingsVisit.objects.update_or_create(
        user=user, defaults={"visited_at": at, "seen": sorted(listed)}
    )


@never_cache
@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """A signed-in person's meetings; the public are sent to sign in and come back here."""
    user = request.user
    committees = committees_of(user)
    upcoming, recent = _meetings(user, committees)
    with transaction.atomic():
        visit = MyMeetingsVisit.objects.select_for_update().filter(user=user).first()
        news, listed = meetings_news(user, upcoming + recent, visit)
        my_meetings_visit_record(user=user, listed=listed, at=timezone.now())
    return render(
        request,
        "meetings/my_meetings.html",
        {
            "every_committee": committees is None,
            "committees": list(committees) if committees is not None else [],
            "upcoming": news[: len(upcoming)],
            "recent": news[len(upcoming) :],
            "last_visit": visit.visited_at if visit is not None else None,
            "new_count": sum(1 for item in news if item.is_new),
        },
    )
