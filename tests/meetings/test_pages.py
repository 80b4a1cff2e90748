"""The public reading pages show what the seed says, and bad input gets a message, not a 500."""

import datetime as dt
import re
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
    assert "From must be a real date" in html
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
        assert f'<h3 class="govuk-heading-s">{heading}</h3>' in html
    assert '<dt class="govuk-summary-list__key">Resources</dt>' in html
    assert 'id="minute-7"' in html
    assert "<strong>RESOLVED</strong> that the content of the strategy be noted" in html
    assert '<span class="resolution-number">(2)</span>' in html
    agreed = f'Agreed as a true record at the <a class="govuk-link" href="{SEED}">meeting of'
    assert f"{agreed} 22 September 2014" in html
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


def accessible_names(html: str) -> dict[str, set[str]]:
    """Each link's accessible name (its aria-label, or all its text, visually hidden words too)
    with the addresses links of that name go to."""
    from lxml import html as lxml_html

    names: dict[str, set[str]] = {}
    for link in lxml_html.fromstring(html).xpath("//a[@href]"):
        name = link.get("aria-label") or " ".join(link.text_content().split())
        names.setdefault(name, set()).add(link.get("href"))
    return names


@pytest.mark.parametrize(
    "url", ["/committees/health-and-well-being-board/", "/meetings/", "/", "/decisions/"]
)
def test_no_two_links_to_different_places_share_their_words(client_as, url):
    """A screen reader's list of links says which meeting each one is (WCAG 2.4.4)."""
    for role in ("anonymous", "member", "clerk"):
        names = accessible_names(text(client_as(role).get(url)))
        assert {name: hrefs for name, hrefs in names.items() if len(hrefs) > 1} == {}


def test_a_meeting_link_says_which_meeting(client):
    names = accessible_names(text(client.get("/committees/health-and-well-being-board/")))
    assert names["Monday, 22nd September, 2014"] == {SEED}  # under the committee's heading
    names = accessible_names(text(client.get("/meetings/")))
    assert names["Coventry Health and Well-being Board, Monday, 22nd September, 2014"] == {SEED}


def test_meeting_states_are_tags_and_the_private_reason_is_set_apart(client_as):
    listing = text(client_as("anonymous").get("/meetings/"))
    assert re.search(r'<strong class="govuk-tag govuk-tag--red[^"]*">Cancelled</strong>', listing)
    assert re.search(
        r'<strong class="govuk-tag govuk-tag--yellow[^"]*">Postponed</strong>', listing
    )
    draft = Meeting.objects.filter(status="draft").first()
    clerk_view = text(client_as("clerk").get(f"/committees/{draft.committee.slug}/"))
    assert re.search(r'<strong class="govuk-tag govuk-tag--grey[^"]*">Draft</strong>', clerk_view)
    private = (
        Meeting.objects.get(slug="2014-10-15-health-and-social-care-scrutiny-board")
        .agenda_items.filter(part="private")
        .first()
    )
    html = text(client_as("anonymous").get(private.meeting.get_absolute_url()))
    inset = re.search(r'<div class="govuk-inset-text[^"]*">(.*?)</div>', html, re.S).group(1)
    assert "Private item" in inset and f"paragraph {private.exemption_paragraph}" in inset
    member = text(client_as("member").get(private.meeting.get_absolute_url()))
    assert "Exempt: members only</strong>" in member
    assert "Exempt: members only" not in html


def test_pages_lead_back_with_breadcrumbs(client):
    html = text(client.get(SEED))
    crumbs = re.search(r'<nav class="govuk-breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", crumbs) == [
        "Home", "Committees", "Coventry Health and Well-being Board"
    ]  # fmt: skip
    html = text(client.get(JULY_MINUTES))
    crumbs = re.search(r'<nav class="govuk-breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", crumbs)[-1] == "7 July 2014"


def test_a_date_in_the_address_fills_the_day_month_and_year_boxes(client):
    """Links written before the date input (?date_from=2014-09-01) keep working."""
    html = text(client.get("/meetings/?date_from=2014-09-01&date_to=2014-09-30"))
    assert "1 meeting" in html
    assert 'name="date_from_day" type="text" inputmode="numeric" value="1"' in html
    assert 'name="date_to_month" type="text" inputmode="numeric" value="9"' in html
    boxes = {"date_from_day": "22", "date_from_month": "9", "date_from_year": "2014"}
    assert "1 meeting" in text(client.get("/meetings/", {**boxes, "date_to": "2014-09-22"}))
    html = text(client.get("/meetings/", {"date_from_day": "22", "date_from_month": "9"}))
    assert "From must include a year" in html and "0 meetings" in html


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/?date_from=31/02/2014&committee=no-such-board&status=nonsense",
        "/decisions/?date_to=2014-02-31",
        "/meetings/calendar/?month=2014-09&committee=no-such-board",
        "/search/?q=care&kind=nonsense&date_from_day=31&date_from_month=2&date_from_year=2014",
    ],
)
def test_each_problem_in_the_error_summary_leads_to_its_field(client, url):
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(text(client.get(url)))
    assert tree.xpath("string(//title)").startswith("Error: ")
    summary = tree.xpath("//div[contains(@class, 'govuk-error-summary')]")[0]
    links = summary.xpath(".//ul//a")
    assert links
    for link in links:
        target = link.get("href").removeprefix("#")
        field = tree.xpath(f"//form//*[@id='{target}']")
        assert field and field[0].tag in ("input", "select"), link.text_content()
        assert field[0].get("aria-describedby") or field[0].xpath("ancestor::fieldset")
