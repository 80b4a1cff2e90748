"""The public reading pages show what the seed says, and bad input gets a message, not a 500."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meetings.models import Committee, Meeting, Resolution
from meetings.selectors import municipal_year
from meetings.services import meeting_reschedule

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SEED = "/meetings/2014-09-22-health-and-well-being-board/"
JULY_MINUTES = "/meetings/2014-07-07-health-and-well-being-board/minutes/"


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_municipal_years_start_in_may():
    assert municipal_year(dt.date(2014, 9, 22)) == "2014/15"
    assert municipal_year(dt.date(2015, 4, 13)) == "2014/15"
    assert municipal_year(dt.date(2015, 5, 1)) == "2015/16"
    assert municipal_year(dt.date(1999, 6, 1)) == "1999/00"


def test_committee_page_lists_members_with_roles_contact_and_meetings_by_year(client):
    html = text(client.get("/committees/health-and-well-being-board/"))
    assert "Councillor Gingell</a> (Chair)" in html
    assert "Claire Bell</a>, West Midlands Police" in html
    assert "liz.knight@coventry.gov.uk" in html
    assert "(024) 7683 3073" in html
    assert "Municipal year 2014/15" in html and "Municipal year 2013/14" in html
    assert html.index("Municipal year 2014/15") < html.index("Municipal year 2013/14")


def test_meeting_list_filters_by_committee_dates_and_status(client):
    html = text(client.get("/meetings/?committee=health-and-social-care-scrutiny-board"))
    assert "Health and Social Care Scrutiny Board" in html
    assert SEED not in html
    html = text(client.get("/meetings/?date_from=2014-09-01&date_to=2014-09-30"))
    assert "1 meeting" in html and SEED in html
    html = text(client.get("/meetings/?status=cancelled"))
    assert "1 meeting" in html and "12 January 2015" not in html  # shown in the long form
    assert "Monday, 12th January, 2015" in html


def test_a_bad_filter_gets_a_message_and_no_results(client):
    html = text(client.get("/meetings/?date_from=31/02/2014&committee=no-such-board"))
    assert "Some filters could not be used" in html
    assert "Enter a valid date" in html
    assert "0 meetings" in html
    assert "1 meeting" in text(client.get("/meetings/?date_from=22/09/2014&date_to=22/09/2014"))


def test_the_month_calendar_shows_the_seed_meeting_on_its_day(client):
    html = text(client.get("/meetings/calendar/?month=2014-09"))
    assert "Meetings in September 2014" in html
    assert "Monday 22 September" in html
    assert "2.00 pm Coventry Health and Well-being Board" in html
    html = text(client.get("/meetings/calendar/?month=2014-13"))
    assert "is not a month like 2014-09" in html


def test_meeting_page_prints_the_agenda_as_the_seed_does(client):
    html = text(client.get(SEED))
    for printed in (
        "2.00 pm on Monday, 22nd September, 2014",
        "Diamond Room 2 - Council House",
        "<strong>Better Care Fund Update</strong>",
        "<li>Integrated Neighbourhood Teams Update</li>",
        "Report of the Brian Walsh, Executive Director, People",
        "Chris West, Executive Director, Resources, Council House Coventry",
        "Friday, 12 September 2014",
        "Please note: a hearing loop is available in the committee rooms",
    ):
        assert printed in html
    assert html.index("Welcome and Apologies for Absence") < html.index("Matters Arising")
    assert "Appendix, 5 pages, PDF" in html
    assert 'href="/meetings/2014-09-22-health-and-well-being-board/calendar.ics"' in html


def test_minutes_page_groups_attendance_numbers_minutes_and_links_approval(client):
    html = text(client.get(JULY_MINUTES))
    assert "held at 2.00 p.m. on 7th July, 2014" in html
    for heading in ("Board Members", "Other representatives", "Employees (by Directorate)",
                    "Apologies"):  # fmt: skip
        assert f"<h3>{heading}</h3>" in html
    assert "<dt>Resources</dt><dd>" in html
    assert 'id="minute-7"' in html
    assert "<strong>RESOLVED</strong> that the content of the strategy be noted" in html
    assert '<span class="resolution-number">(2)</span>' in html
    assert f'Agreed as a true record at the <a href="{SEED}">meeting of 22 September 2014' in html
    assert "(Meeting closed at 4.10 pm)" in html


def test_decisions_register_lists_every_resolution_and_links_each_to_its_minute(client):
    html = text(client.get("/decisions/?committee=health-and-well-being-board"))
    assert f"{Resolution.objects.count()} decisions" in html
    assert f'href="{JULY_MINUTES}#minute-8"' in html
    html = text(client.get("/decisions/?date_from=2015-01-01"))
    assert "0 decisions" in html


def test_person_page_shows_memberships_and_attendance(client):
    html = text(client.get("/people/a-gingell/"))
    assert "Coventry Health and Well-being Board</a>: Chair" in html
    assert "Present (Board Members)" in html


def test_document_page_gives_details_download_and_text(client, seed_meeting):
    report = seed_meeting.agenda_items.get(number="4", parent=None).reports.first()
    html = text(client.get(reverse("document-detail", args=[report.pk])))
    assert report.get_download_url() in html
    assert 'id="page-2"' in html
    assert "evidenced across the City Council" in html


def test_accessibility_statement_is_published(client):
    html = text(client.get("/accessibility/"))
    assert "Accessibility statement" in html
    assert "Equality and Human Rights Commission" in html


def test_a_rescheduled_meeting_keeps_its_old_address(client, seed_meeting):
    old = seed_meeting.get_absolute_url()
    meeting_reschedule(meeting=seed_meeting, start=dt.datetime(2014, 9, 29, 14, tzinfo=LONDON))
    assert seed_meeting.slug == "2014-09-29-health-and-well-being-board"
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == seed_meeting.get_absolute_url()
    assert client.get(old + "minutes/").status_code in (301,)
    assert text(client.get(response["Location"]))


def test_postponed_and_cancelled_are_states_the_public_sees(client):
    postponed = Meeting.objects.get(status="postponed")
    html = text(client.get(postponed.get_absolute_url()))
    assert "This meeting has been postponed." in html
    cancelled = Meeting.objects.get(status="cancelled")
    assert "This meeting has been cancelled." in text(client.get(cancelled.get_absolute_url()))


def test_two_meetings_of_a_committee_on_one_day_both_have_pages(client):
    board = Committee.objects.get(slug="health-and-well-being-board")
    morning = Meeting.objects.create(
        committee=board, status="published", start=dt.datetime(2016, 3, 7, 10, tzinfo=LONDON)
    )
    evening = Meeting.objects.create(
        committee=board, status="published", start=dt.datetime(2016, 3, 7, 18, tzinfo=LONDON)
    )
    assert morning.get_absolute_url() != evening.get_absolute_url()
    assert "10.00 am" in text(client.get(morning.get_absolute_url()))
    assert "6.00 pm" in text(client.get(evening.get_absolute_url()))


def test_unknown_pages_get_a_helpful_404(client):
    response = client.get("/meetings/1999-01-01-nothing/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
