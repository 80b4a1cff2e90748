"""The "done when" journey of the public site: find the seed meeting from the home page, read
its agenda and the minutes it agrees, subscribe to the committee's calendar, and get the same
meeting from the API."""

import icalendar
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_new_visitor_finds_the_seed_meeting_reads_it_subscribes_and_gets_it_from_the_api(
    page_for, portal_url
):
    page = page_for("anonymous")
    page.goto(portal_url + "/")
    page.get_by_role("link", name="Committees", exact=True).click()
    page.get_by_role("link", name="Coventry Health and Well-being Board").click()
    page.locator("a[href='/meetings/2014-09-22-health-and-well-being-board/']").click()

    assert (
        page.locator("h1").inner_text() == "Coventry Health and Well-being Board, 22 September 2014"
    )
    body = page.locator("main").inner_text()
    assert "2.00 pm on Monday, 22nd September, 2014" in body
    assert "Diamond Room 2 - Council House" in body
    for printed in (
        "Welcome and Apologies for Absence",
        "To agree the minutes of the meeting held on 7th July, 2014",
        "Better Care Fund Update",
        "Short Term Support to Maximise Independence Update",
        "Report of Linda Sanders, Social Care Consultant Integration Lead, Coventry City Council",
        "Juliet Hancox, Chief Operating Officer, Coventry and Rugby CCG will report at the "
        "meeting.",
        "Any other items of public business",
    ):
        assert printed in body
    assert page.locator("#private-heading + p").inner_text() == "Nil"

    page.get_by_role("link", name="Read the minutes of 7 July 2014").click()
    minutes = page.locator("main").inner_text()
    assert "Councillor Gingell (Chair)" in minutes
    assert "8. Criminal Justice Liaison System" in minutes
    assert "The Board agree and commit to a work programme" in minutes
    assert "Agreed as a true record at the meeting of 22 September 2014" in minutes

    page.go_back()
    page.get_by_role("link", name="Coventry Health and Well-being Board").first.click()
    feed_url = page.get_by_role("link", name="Subscribe to this committee's meetings (calendar)")
    ics = page.request.get(portal_url + feed_url.get_attribute("href"))
    assert ics.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.body())
    events = {str(e["url"]): e for e in calendar.walk("VEVENT")}
    event = events[portal_url + "/meetings/2014-09-22-health-and-well-being-board/"]
    assert event.decoded("dtstart").isoformat() == "2014-09-22T14:00:00+01:00"
    assert str(event["location"]) == "Diamond Room 2 - Council House"

    api = page.request.get(portal_url + "/api/meetings/2014-09-22-health-and-well-being-board/")
    meeting = api.json()
    assert meeting["start_date"] == "2014-09-22T14:00:00+01:00"
    assert meeting["html_url"] == portal_url + "/meetings/2014-09-22-health-and-well-being-board/"
    assert [a["order"] for a in meeting["agenda"]] == [
        "1",
        "2",
        "3",
        "3a",
        "3b",
        "4",
        "5",
        "6",
        "7",
    ]


def test_a_member_signs_in_and_sees_the_staff_link_only_if_staff(page_for, portal_url):
    member = page_for("member")
    assert "Signed in as demo-member (member)" in member.locator("header").inner_text()
    assert member.get_by_role("link", name="Staff pages").count() == 0
    clerk = page_for("clerk")
    clerk.get_by_role("link", name="Staff pages").click()
    assert "Site administration" in clerk.locator("main, #content").first.inner_text()
