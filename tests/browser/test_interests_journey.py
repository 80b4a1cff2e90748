"""A register of interests in a real browser: the demo member adds an interest and sends their
register to the clerk, the clerk approves it, the public reads the new version with the date it
was last updated; every page of the register passes axe at a desktop's width and at 320 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from meetings.models import InterestVersion, Person
from tests.browser.checks import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
NEW = "Made up: governor of a primary school in Foleshill"


def test_a_member_updates_their_register_the_clerk_approves_and_the_public_reads_it(
    page_for, portal_url
):
    person = Person.objects.get(user__username="demo-member")
    earlier = person.interest_versions.approved().first()

    member = page_for("member")
    member.goto(f"{portal_url}/my-interests/")
    assert member.locator("h1").inner_text() == "Your register of interests"
    # Bad input first: no details. The error summary links to the field; nothing is added.
    member.get_by_label("Membership of other bodies").check()
    member.get_by_role("button", name="Add the interest").click()
    summary = member.locator(".govuk-error-summary")
    assert "Enter the details of the interest" in summary.inner_text()
    summary.get_by_role("link", name="Enter the details of the interest").click()
    assert member.evaluate("document.activeElement.id") == "id_description"
    member.fill("#id_description", NEW)
    member.fill("input[name=start_date_day]", "1")
    member.fill("input[name=start_date_month]", "9")
    member.fill("input[name=start_date_year]", "2014")
    member.get_by_role("button", name="Add the interest").click()
    assert "added to your draft" in member.locator(".govuk-notification-banner").inner_text()
    member.get_by_role("button", name="Send to the clerk for approval").click()
    assert "Awaiting approval" in member.locator("main").inner_text()

    clerk = page_for("clerk")
    clerk.goto(f"{portal_url}/workspace/")
    clerk.get_by_role("link", name="Registers of interests").first.click()
    clerk.get_by_role("link", name=person.display_name).click()
    assert NEW in clerk.locator("main").inner_text()
    clerk.get_by_role("button", name="Approve and publish").click()
    assert "is approved" in clerk.locator(".govuk-notification-banner").inner_text()

    public = page_for("anonymous")
    public.goto(f"{portal_url}/interests/")
    approved = InterestVersion.objects.filter(person=person, state="approved").first()
    today = timezone.localtime(approved.decided_at)
    row = public.locator("tr", has_text=person.display_name)
    assert f"{today:%-d %B %Y}" in row.inner_text()
    row.get_by_role("link", name=person.display_name).click()
    main = public.locator("main").inner_text()
    assert f"Last updated {today:%-d %B %Y}" in main
    assert NEW in main and "From 1 September 2014" in main
    public.get_by_role("link", name=f"Approved {earlier.decided_at:%-d %B %Y}").click()
    assert NEW not in public.locator("main").inner_text()


def test_the_register_pages_pass_axe_at_desktop_width_and_320_pixels(page_for, portal_url):
    sensitive = Person.objects.filter(interest_versions__entries__sensitive=True).first()
    pages = {
        "anonymous": ["/interests/", f"/interests/{sensitive.slug}/", f"/people/{sensitive.slug}/"],
        "member": ["/my-interests/", "/my-interests/?bad=1"],
        "clerk": ["/workspace/interests/", f"/interests/{sensitive.slug}/"],
    }
    axe = Axe()
    problems = {}
    for role, paths in pages.items():
        page = page_for(role)
        for path in paths:
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(portal_url + path)
            if path.endswith("bad=1"):
                page.get_by_role("button", name="Add the interest").click()  # the error summary
            for width in (1280, 320):
                page.set_viewport_size({"width": width, "height": 900})
                problems.update(page_problems(page, f"{role} {path} at {width}px", axe))
    assert problems == {}
