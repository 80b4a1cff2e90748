"""Reads that several views (pages, API, feeds) share. Each starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from reports.models import Report

from . import visibility
from .filters import DecisionFilter, MeetingFilter
from .models import AgendaItem, Attendance, Meeting, MinuteItem, Minutes, Resolution


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


def meeting_agenda(*, meeting: Meeting, user) -> list[AgendaItem]:
    """Top-level items in order, each with its sub-items and the documents the user may see
    (the current ones: a replaced paper lives on only in the pack versions that held it). Each
    item carries ``full_text``: whether the user may read more than its number, title and
    reason for exemption (``visibility.item_text_fields``)."""
    items = list(
        AgendaItem.objects.visible_to(user)
        .filter(meeting=meeting, parent__isnull=True)
        .order_by("position")
        .select_related("previous_minutes__meeting")
        .prefetch_related(
            _visible_reports(user),
            Prefetch(
                "sub_items",
                queryset=AgendaItem.objects.visible_to(user)
                .order_by("position")
                .select_related("previous_minutes__meeting")
                .prefetch_related(_visible_reports(user)),
            ),
        )
    )
    audience = visibility.audience_of(user)
    for item in items:
        item.full_text = visibility.item_shows_full_text(item, audience)
        for sub in item.sub_items.all():
            sub.full_text = visibility.item_shows_full_text(sub, audience)
    return items


def meeting_minutes(*, meeting: Meeting, user) -> Minutes | None:
    """The meeting's minutes if the user may see them, with what the user may see of them."""
    return (
        Minutes.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("meeting__committee", "approved_at__committee")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("person").order_by("position"),
            ),
            Prefetch(
                "items",
                queryset=MinuteItem.objects.visible_to(user)
                .order_by("position")
                .select_related("agenda_item__parent")
                .prefetch_related(Prefetch("resolutions", queryset=Resolution.objects.all())),
            ),
        )
        .first()
    )


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
