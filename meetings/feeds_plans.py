"""Feeds of the forward plan and decision records: an iCalendar of expected decision dates (with
the icalendar library) and Atom feeds (Django's syndication framework). Feed readers come
without a session, so the feeds hold what the public may see."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Event

from .formats import long_date
from .models import DecisionRecord, PlanEntry, PortalSettings

FEED_SIZE = 50


def plan_ics(request: HttpRequest) -> HttpResponse:
    """Each published entry's expected decision date as an all-day event; a changed date moves
    the same event (its UID is the entry's)."""
    base_url = f"{request.scheme}://{request.get_host()}"
    cal = Calendar()
    cal.add("prodid", "-//Board papers portal//Forward plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{PortalSettings.load().council_name}: forward plan")
    entries = PlanEntry.objects.visible_to(AnonymousUser()).order_by("expected_date", "pk")
    for entry in entries:
        event = Event()
        event.add("uid", f"plan-entry-{entry.pk}@boardpapers")
        event.add("dtstamp", entry.published_at or timezone.now())
        event.add("dtstart", entry.expected_date)
        event.add("dtend", entry.expected_date + dt.timedelta(days=1))
        key = "Key decision: " if entry.is_key_decision else "Decision: "
        event.add("summary", f"{key}{entry.matter} ({entry.decision_maker})")
        event.add("url", base_url + entry.get_absolute_url())
        private = ""
        if entry.is_private:
            private = (
                f"To be taken in private (Schedule 12A paragraph {entry.exemption_paragraph}): "
                f"{entry.private_reason}\n\n"
            )
        event.add(
            "description",
            f"{private}Expected {long_date(entry.expected_date)}. "
            f"Details: {base_url}{entry.get_absolute_url()}",
        )
        event.add("status", "TENTATIVE")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="forward-plan.ics"'
    return response


class _PublicFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)


class PlanFeed(_PublicFeed):
    """Entries as they are published and changed, the latest change first."""

    def title(self) -> str:
        return f"{PortalSettings.load().council_name}: forward plan"

    def link(self) -> str:
        return reverse("plan-current")

    def subtitle(self) -> str:
        return "Decisions the council expects to take, as they are published or changed."

    def items(self):
        return PlanEntry.objects.visible_to(AnonymousUser()).order_by("-published_at", "-pk")[
            :FEED_SIZE
        ]

    def item_title(self, entry) -> str:
        return f"{entry.matter} ({entry.decision_maker}, expected {long_date(entry.expected_date)})"

    def item_description(self, entry) -> str:
        if entry.is_private:
            return (
                f"To be taken in private (Schedule 12A paragraph {entry.exemption_paragraph}): "
                f"{entry.private_reason}"
            )
        return entry.summary or entry.matter

    def item_link(self, entry) -> str:
        return entry.get_absolute_url()

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.published_at


class DecisionRecordFeed(_PublicFeed):
    def title(self) -> str:
        return f"{PortalSettings.load().council_name}: decision records"

    def link(self) -> str:
        return reverse("decision-record-list")

    def subtitle(self) -> str:
        return "Decisions of the executive, its members and officers, as they are published."

    def items(self):
        return DecisionRecord.objects.visible_to(AnonymousUser()).order_by("-published_at", "-pk")[
            :FEED_SIZE
        ]

    def item_title(self, record) -> str:
        return f"{record.title} ({record.decision_maker}, {long_date(record.decided_on)})"

    def item_description(self, record) -> str:
        return f"{record.state_label}. {record.decision}"

    def item_link(self, record) -> str:
        return record.get_absolute_url()

    def item_pubdate(self, record):
        return record.published_at
