"""A member's "My meetings": the meetings of the committees they sit on, upcoming first, each with
what is new since their last visit, and only what they may see."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import publishing, roles, services
from meetings.models import Committee, Meeting, Membership, Person
from meetings.services import user_set_role
from reports.services import report_create
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

BOARD = "health-and-well-being-board"
SCRUTINY = "health-and-social-care-scrutiny-board"
MY_MEETINGS = "/my-meetings/"


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def cards(page) -> dict[str, str]:
    """Each meeting on a page (a response or part of its HTML): its link text (the date) and
    the text of its card."""
    html = page if isinstance(page, str) else page.content.decode()
    found = {}
    for card in html.split('<div class="govuk-summary-card ')[1:]:
        card = card.split(">", 1)[1].split("<h2", 1)[0]
        link = re.search(r'<a class="govuk-link" href="/meetings/[^"]+/">([^<]+)</a>', card)
        found[link.group(1)] = text(card)
    return found


def marked_new(card: str) -> bool:
    """The card's title (committee, date) carries the "New" tag."""
    return card.split(" Time and place")[0].endswith(" New")


def section(response, heading: str) -> str:
    html = response.content.decode()
    start = html.index(f">{heading}</h2>")
    rest = html[start:]
    end = rest.find("<h2", 1)
    return rest if end == -1 else rest[:end]


@pytest.fixture
def councillor(db):
    """A member's account, linked to a person who sits on the board (not on scrutiny)."""
    user = get_user_model().objects.create_user("cllr-test", password="a-long-test-password")
    user_set_role(user=user, role=roles.MEMBER)
    person = Person.objects.create(
        honorific="Councillor", surname="Testington", display_name="Councillor Testington",
        slug="councillor-testington", user=user,
    )  # fmt: skip
    Membership.objects.create(
        committee=Committee.objects.get(slug=BOARD), person=person, start_date=dt.date(2014, 1, 1)
    )
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def board_meeting(clerk, make_pdf, django_capture_on_commit_callbacks):
    """A published board meeting six weeks ahead, with one public paper."""
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0)
    meeting = services.meeting_create(
        committee=Committee.objects.get(slug=BOARD),
        start=start + dt.timedelta(weeks=6),
        venue="Diamond Rooms 1 and 2, Council House",
        by=clerk,
    )
    item = services.agenda_item_add(
        meeting=meeting, by=clerk, title="Joint health and wellbeing strategy", part="public"
    )
    report_create(
        agenda_item=item, data=make_pdf("Strategy report"), title="Strategy report", by=clerk
    )
    with django_capture_on_commit_callbacks(execute=True):
        publishing.meeting_publish(meeting=meeting, by=clerk, base_url="http://testserver")
    return Meeting.objects.get(pk=meeting.pk)


def day(meeting: Meeting) -> str:
    """The meeting's link text, written out as the page should word it."""
    start = timezone.localtime(meeting.start)
    return f"{start:%A} {start.day} {start:%B} {start.year}"


def test_the_public_are_sent_to_sign_in_and_back():
    response = Client().get(MY_MEETINGS)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={MY_MEETINGS}"


def test_a_member_sees_their_committees_meetings_upcoming_first(councillor, board_meeting):
    response = councillor.get(MY_MEETINGS)
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "you sit on: Coventry Health and Well-being Board" in page
    assert list(cards(section(response, "Upcoming meetings"))) == [day(board_meeting)]
    recent = list(cards(section(response, "Recent meetings")))
    # The board's meetings in the demo, newest first (the one of January 2015 was cancelled); the
    # link text says which (the date).
    assert recent == [
        "Monday 13 April 2015", "Monday 12 January 2015", "Monday 3 November 2014",
        "Monday 22 September 2014", "Monday 7 July 2014", "Monday 7 April 2014",
    ]  # fmt: skip
    assert "Status Cancelled" in cards(response)["Monday 12 January 2015"]
    # Not the scrutiny board's (this person does not sit on it), nor a draft.
    for card in cards(response).values():
        assert card.startswith("Coventry Health and Well-being Board")
        assert "Draft" not in card


def test_the_first_visit_marks_nothing_new_and_says_so(councillor, board_meeting):
    response = councillor.get(MY_MEETINGS)
    page = text(response.content.decode())
    assert "This is your first visit to this page" in page
    assert "New since your last visit" not in page
    assert not any(marked_new(card) for card in cards(response).values())


def test_a_paper_published_after_the_last_visit_is_new_and_not_after_a_revisit(
    councillor, board_meeting, clerk, make_pdf, django_capture_on_commit_callbacks
):
    councillor.get(MY_MEETINGS)
    # The clerk adds a paper to the published agenda: it waits for a supplement, unseen.
    item = board_meeting.agenda_items.get(title="Joint health and wellbeing strategy")
    report_create(
        agenda_item=item, data=make_pdf("Late"), title="Better Care Fund plan", by=clerk,
        pending=True,
    )  # fmt: skip
    waiting = councillor.get(MY_MEETINGS)
    assert "Nothing is new since your last visit" in text(waiting.content.decode())
    assert "Better Care Fund plan" not in waiting.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publishing.supplement_publish(
            meeting=board_meeting, summary="Adds the Better Care Fund plan.", by=clerk,
            base_url="http://testserver",
        )  # fmt: skip
    response = councillor.get(MY_MEETINGS)
    page = text(response.content.decode())
    assert "1 meeting has something new since your last visit" in page
    card = cards(response)[day(board_meeting)]
    assert marked_new(card)
    assert "Supplementary agenda 1 published: Adds the Better Care Fund plan." in card
    assert "New paper: Better Care Fund plan" in card
    assert "Papers 2 papers" in card
    # The new paper links to its page.
    paper = board_meeting.agenda_items.get(pk=item.pk).reports.get(title="Better Care Fund plan")
    assert f'href="{reverse("document-detail", args=[paper.pk])}"' in response.content.decode()
    # Seen now: the next visit says nothing is new.
    again = councillor.get(MY_MEETINGS)
    assert "Nothing is new since your last visit" in text(again.content.decode())
    assert "New paper:" not in again.content.decode()
    assert not marked_new(cards(again)[day(board_meeting)])
    assert "New since your last visit" not in cards(again)[day(board_meeting)]


def test_an_exempt_paper_is_news_to_a_member_only(
    councillor, board_meeting, clerk, make_pdf, django_capture_on_commit_callbacks
):
    councillor.get(MY_MEETINGS)
    item = board_meeting.agenda_items.get(title="Joint health and wellbeing strategy")
    report_create(
        agenda_item=item, data=make_pdf("Valuation"), title="Confidential valuation",
        by=clerk, pending=True, is_exempt=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        publishing.supplement_publish(
            meeting=board_meeting, summary="An exempt appendix.", by=clerk,
            base_url="http://testserver",
        )  # fmt: skip
    card = cards(councillor.get(MY_MEETINGS))[day(board_meeting)]
    assert "New paper: Confidential valuation" in card


def test_a_cancellation_and_published_minutes_are_new(councillor, board_meeting, clerk):
    councillor.get(MY_MEETINGS)
    publishing.meeting_set_status(
        meeting=board_meeting, status=Meeting.Status.CANCELLED, by=clerk,
        reason="The chair is unwell.",
    )  # fmt: skip
    earlier = Meeting.objects.get(slug="2014-09-22-health-and-well-being-board")
    minutes = services.minutes_start(meeting=earlier, by=clerk)
    services.minutes_publish(minutes=minutes, by=clerk)
    response = councillor.get(MY_MEETINGS)
    found = cards(response)
    assert "Status Cancelled" in found[day(board_meeting)]
    assert "New since your last visit Cancelled" in found[day(board_meeting)]
    assert "Draft minutes published" in found["Monday 22 September 2014"]
    assert "2 meetings have something new" in text(response.content.decode())


def test_a_meeting_published_after_the_last_visit_is_new(councillor, clerk, make_pdf):
    councillor.get(MY_MEETINGS)
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = services.meeting_create(
        committee=Committee.objects.get(slug=BOARD), start=start + dt.timedelta(weeks=8), by=clerk
    )
    # A draft is not listed to a member at all.
    assert day(meeting) not in cards(councillor.get(MY_MEETINGS))
    publishing.meeting_publish(meeting=meeting, by=clerk, base_url="http://testserver")
    card = cards(councillor.get(MY_MEETINGS))[day(meeting)]
    assert marked_new(card)
    assert "Agenda published" in card


def test_a_member_on_no_committee_is_told_how_to_be_linked(client_as):
    response = client_as("member").get(MY_MEETINGS)
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Your account is not linked to a seat on any committee yet" in page
    assert cards(response) == {}


def test_a_clerk_on_no_committee_sees_every_committees_meetings_and_drafts(client_as):
    response = client_as("clerk").get(MY_MEETINGS)
    page = text(response.content.decode())
    assert "The meetings of every committee" in page
    found = cards(response).values()
    assert any(card.startswith("Health and Social Care Scrutiny Board") for card in found)
    assert any(card.startswith("Coventry Health and Well-being Board") for card in found)
    assert any("Status Draft" in card for card in found)


def test_the_demo_member_sits_on_both_demo_committees():
    from meetings.demo import ensure_demo_accounts

    ensure_demo_accounts()
    client = Client()
    client.post(
        reverse("login"), {"username": "demo-member", "password": "member-demo-papers-2014"}
    )
    page = text(client.get(MY_MEETINGS).content.decode())
    assert "Coventry Health and Well-being Board and Health and Social Care Scrutiny Board" in page


def test_the_page_asks_the_database_as_often_for_more_meetings(councillor, clerk, make_pdf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    councillor.get(MY_MEETINGS)
    with CaptureQueriesContext(connection) as fewer:
        councillor.get(MY_MEETINGS)
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    for weeks in (7, 8, 9):
        meeting = services.meeting_create(
            committee=Committee.objects.get(slug=BOARD),
            start=start + dt.timedelta(weeks=weeks),
            by=clerk,
        )
        item = services.agenda_item_add(meeting=meeting, by=clerk, title="Plan", part="public")
        report_create(agenda_item=item, data=make_pdf(f"Plan {weeks}"), title="Plan", by=clerk)
        publishing.meeting_publish(meeting=meeting, by=clerk, base_url="http://testserver")
    with CaptureQueriesContext(connection) as more:
        response = councillor.get(MY_MEETINGS)
    assert len(cards(section(response, "Upcoming meetings"))) == 3
    assert len(more) == len(fewer)
