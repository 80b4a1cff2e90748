"""Signing in from a page brings a person back to it, in a real browser; "My meetings" and the
sign-in pages pass axe-core, at 320 px too."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings.models.people import MyMeetingsVisit
from tests.browser.checks import AXE_OPTIONS
from tests.browser.conftest import sign_in_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The scrutiny board's meeting with exempt papers in the demo (meetings/demo.py).
EXEMPT_MEETING = "/meetings/2014-10-15-health-and-social-care-scrutiny-board/"
EXEMPT_PAPER = "Land at Radford Yard: Confidential Valuation"


def axe_problems(page) -> str:
    results = Axe().run(page, options=AXE_OPTIONS)
    return results.generate_report() if results.violations_count else ""


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_visitor_signs_in_as_the_demo_member_and_lands_back_on_the_meeting(page_for, portal_url):
    page = page_for("anonymous")
    page.goto(portal_url + EXEMPT_MEETING)
    assert EXEMPT_PAPER not in page.locator("main").inner_text()
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url(f"{portal_url}/sign-in/**")
    page.get_by_label("User name").fill("demo-member")
    page.get_by_label("Password").fill("member-demo-papers-2014")
    page.keyboard.press("Enter")
    page.wait_for_url(portal_url + EXEMPT_MEETING)
    assert EXEMPT_PAPER in page.locator("main").inner_text()
    assert "Signed in as demo-member" in page.locator("header").inner_text()


def test_a_clerk_lands_back_on_the_meeting_after_the_code(page_for, portal_url):
    page = page_for("anonymous")
    page.goto(portal_url + EXEMPT_MEETING)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("User name").fill("demo-clerk")
    page.get_by_label("Password").fill("clerk-demo-papers-2014")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{portal_url}/sign-in/code/**")
    page.get_by_label("6-digit code").fill(sign_in_code("demo-clerk"))
    page.keyboard.press("Enter")
    page.wait_for_url(portal_url + EXEMPT_MEETING)
    assert EXEMPT_PAPER in page.locator("main").inner_text()


def test_a_wrong_password_is_summarised_and_linked_to_the_field(page_for, portal_url):
    page = page_for("anonymous")
    page.goto(f"{portal_url}/sign-in/?next={EXEMPT_MEETING}")
    page.get_by_label("User name").fill("demo-member")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert axe_problems(page) == ""
    summary.get_by_role("link", name="This field is required.").click()
    assert page.evaluate("document.activeElement.id") == "id_password"
    # The page to return to survives the mistake.
    page.get_by_label("Password").fill("member-demo-papers-2014")
    page.keyboard.press("Enter")
    page.wait_for_url(portal_url + EXEMPT_MEETING)


@pytest.mark.parametrize("width", [1280, 320])
def test_my_meetings_passes_axe_with_new_things_marked(page_for, portal_url, width):
    page = page_for("member", width=width)
    # A last visit that listed nothing: every meeting is marked new on this one.
    member = get_user_model().objects.get(username="demo-member")
    MyMeetingsVisit.objects.update_or_create(
        user=member, defaults={"visited_at": timezone.now(), "seen": []}
    )
    # The account links in the header lead there, at 320 px too.
    page.locator("header").get_by_role("link", name="My meetings").click()
    page.wait_for_url(f"{portal_url}/my-meetings/")
    assert page.locator("h1").inner_text() == "My meetings"
    assert page.locator(".govuk-summary-card .govuk-tag", has_text="New").count() > 0
    assert axe_problems(page) == ""
    assert no_sideways_scroll(page)
    # Each meeting's link names its date.
    first = page.locator(".govuk-summary-card__title a").first
    assert first.inner_text().split()[0] in {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
    }  # fmt: skip
    first.click()
    page.wait_for_url(f"{portal_url}/meetings/**")
