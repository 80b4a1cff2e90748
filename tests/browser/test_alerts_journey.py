"""E-mail alerts in a real browser: a visitor follows a committee from its page, confirms by the
link read back from the outbox, and the clerk's publishing of the next agenda sends the alert,
whose link opens the meeting. Then axe-core over the alerts' pages, at 1280 and 320 pixels."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from meetings import services
from meetings.models import AlertSubscription, Committee
from tests.browser.checks import AXE_OPTIONS, page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BOARD = "health-and-well-being-board"
VISITOR = "resident@example.org"


def press(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def link_in(message, name: str) -> str:
    match = re.search(r"https?://\S+/alerts/" + name + r"/[^\s/]+/", message.body)
    assert match, message.body
    return match.group(0)


@pytest.fixture
def next_meeting(clerk):
    """The board's next meeting, six weeks ahead, a draft with its agenda."""
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(
        weeks=6
    )
    meeting = services.meeting_create(
        committee=Committee.objects.get(slug=BOARD), start=start, venue="Council House", by=clerk
    )
    services.agenda_item_add(
        meeting=meeting, by=clerk, title="Joint health and wellbeing strategy", part="public"
    )
    return meeting


def test_a_visitor_follows_a_committee_confirms_and_hears_of_the_next_agenda(
    page_for, portal_url, next_meeting
):
    mail.outbox.clear()
    visitor = page_for("anonymous")
    visitor.goto(f"{portal_url}/committees/{BOARD}/")
    visitor.get_by_role("link", name=re.compile("Get e-mail alerts")).click()
    assert "Coventry Health and Well-being Board" in visitor.locator("h1").inner_text()

    # A mistyped address: a clear message, nothing stored or sent.
    visitor.fill("#id_email", "resident-at-example.org")
    press(visitor, "Get e-mail alerts")
    assert "There is a problem" in visitor.locator(".govuk-error-summary").inner_text()
    assert not mail.outbox and not AlertSubscription.objects.exists()

    visitor.fill("#id_email", VISITOR)
    visitor.get_by_label("As it happens").check()
    press(visitor, "Get e-mail alerts")
    assert "Check your e-mail" in visitor.locator("h1").inner_text()
    [confirmation] = mails_to(VISITOR)

    visitor.goto(link_in(confirmation, "confirm"))
    press(visitor, "Confirm my e-mail alerts")
    assert "confirmed" in visitor.locator(".govuk-notification-banner").inner_text()

    # The clerk publishes the next agenda in the workspace.
    clerk = page_for("clerk")
    clerk.goto(f"{portal_url}/workspace/meetings/{next_meeting.slug}/publish/")
    findings = clerk.get_by_label("I have checked what was found in the papers")
    if findings.count():
        findings.check()
    press(clerk, "Publish the agenda")
    assert "Published" in clerk.content()

    alert = mails_to(VISITOR)[-1]
    assert alert.subject.startswith("Agenda published: Coventry Health and Well-being Board")
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    meeting_link = re.search(r"https?://\S+/meetings/" + next_meeting.slug + "/", alert.body)
    assert meeting_link, alert.body
    visitor.goto(meeting_link.group(0))
    assert "Joint health and wellbeing strategy" in visitor.content()

    # The link in the message stops them.
    visitor.goto(link_in(alert, "unsubscribe"))
    press(visitor, "Stop these e-mails")
    assert "You will not get these e-mails any more" in visitor.content()
    assert not AlertSubscription.objects.exists()


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_violation_on_the_alerts_pages(width, page_for, portal_url):
    axe = Axe()
    problems = {}
    page = page_for("anonymous", width=width)
    pages = [
        "/alerts/",
        f"/alerts/?committee={BOARD}",
        "/alerts/check-your-email/",
        "/alerts/delete-my-address/",
        "/alerts/confirm/not-a-link/",
    ]
    for path in pages:
        page.goto(portal_url + path)
        assert page.locator("h1").count() == 1, path
        problems.update(page_problems(page, path, axe))
    # The form with its errors.
    page.goto(f"{portal_url}/alerts/?committee={BOARD}")
    press(page, "Get e-mail alerts")
    results = axe.run(page, options=AXE_OPTIONS)
    if results.violations_count:
        problems["form with errors"] = results.generate_report()
    assert not problems, problems
