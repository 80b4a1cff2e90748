"""Calendars, the Atom feed and the sitemap, read back with real parsers."""

import xml.etree.ElementTree as ET

import icalendar
import pytest

from meetings.models import Meeting
from reports.models import Report

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_all_meetings_calendar_has_every_public_meeting_linking_back(client):
    response = client.get("/meetings/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == Meeting.objects.published().count()
    urls = {str(e["url"]) for e in events}
    assert "http://testserver/meetings/2014-09-22-health-and-well-being-board/" in urls
    assert not any(m.slug in u for m in Meeting.objects.filter(status="draft") for u in urls)
    cancelled = [e for e in events if e["status"] == "CANCELLED"]
    assert len(cancelled) == 1 and "(Cancelled)" in str(cancelled[0]["summary"])
    assert calendar.walk("VTIMEZONE")  # Europe/London, so times are local


def test_a_committee_calendar_has_that_committees_meetings_only(client):
    calendar = icalendar.Calendar.from_ical(
        client.get("/committees/health-and-social-care-scrutiny-board/calendar.ics").content
    )
    summaries = {str(e["summary"]).split(" (")[0] for e in calendar.walk("VEVENT")}
    assert summaries == {"Health and Social Care Scrutiny Board"}
    seed = icalendar.Calendar.from_ical(
        client.get("/meetings/2014-09-22-health-and-well-being-board/calendar.ics").content
    )
    (event,) = seed.walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2014-09-22T14:00:00+01:00"


def test_the_atom_feed_lists_newly_published_papers(client):
    response = client.get("/feeds/papers/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert (
        len(entries)
        == Report.objects.public().filter(agenda_item__meeting__status="published").count()
    )
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any(t.startswith("Better Care Fund (BCF)") for t in titles)
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.startswith("http://testserver/documents/")


def test_the_sitemap_lists_public_pages_only(client):
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {u.find(f"{SITEMAP}loc").text for u in sitemap.findall(f"{SITEMAP}url")}
    assert "http://testserver/meetings/2014-09-22-health-and-well-being-board/" in locations
    assert "http://testserver/meetings/2014-07-07-health-and-well-being-board/minutes/" in locations
    assert "http://testserver/accessibility/" in locations
    draft = Meeting.objects.get(status="draft")
    assert not any(draft.slug in loc for loc in locations)
