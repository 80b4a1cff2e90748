"""iCalendar (RFC 5545) feeds of meetings, made with the icalendar library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting

# A meeting with no recorded closing time is shown as lasting this long.
DEFAULT_LENGTH = dt.timedelta(hours=2)
STATUS = {
    Meeting.Status.PUBLISHED: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.DRAFT: "TENTATIVE",
}


def meeting_end(meeting: Meeting) -> dt.datetime:
    if meeting.closed_at:
        local = timezone.localtime(meeting.start)
        end = local.replace(hour=meeting.closed_at.hour, minute=meeting.closed_at.minute)
        if end > local:
            return end
    return meeting.start + DEFAULT_LENGTH


def build_calendar(meetings: Iterable[Meeting], *, name: str, base_url: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Board papers portal//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        url = base_url + meeting.get_absolute_url()
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@boardpapers")
        event.add("dtstamp", meeting.published_at or meeting.start)
        event.add("dtstart", timezone.localtime(meeting.start))
        event.add("dtend", timezone.localtime(meeting_end(meeting)))
        summary = meeting.committee.name
        if meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.POSTPONED):
            summary = f"{summary} ({meeting.get_status_display()})"
        event.add("summary", summary)
        if meeting.venue:
            event.add("location", meeting.venue)
        event.add("status", STATUS[meeting.status])
        event.add("url", url)
        why = f"{meeting.status_reason}\n\n" if meeting.status_reason else ""
        event.add("description", f"{why}Agenda and papers: {url}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal


def ics_response(request: HttpRequest, meetings: Iterable[Meeting], *, name: str) -> HttpResponse:
    base_url = f"{request.scheme}://{request.get_host()}"
    cal = build_calendar(meetings, name=name, base_url=base_url)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response
