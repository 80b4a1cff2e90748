"""A recorded vote in a real browser: the clerk records who voted which way on a resolution of
the 7 July 2014 minutes; the public reads it on the votes page and on a voter's page."""

from __future__ import annotations

import pytest

from meetings.models import Person, Resolution

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
JULY = "2014-07-07-health-and-well-being-board"


def test_a_clerk_records_a_vote_by_name_and_the_public_reads_it(page_for, portal_url):
    resolution = (
        Resolution.objects.filter(minute_item__minutes__meeting__slug=JULY)
        .order_by("minute_item__position", "position")
        .last()
    )
    voters = list(
        Person.objects.filter(
            attendance__minutes__meeting__slug=JULY, attendance__group="board_member"
        )
        .distinct()
        .order_by("surname", "pk")[:3]
    )
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/forward-plan/")
    page.get_by_role("link", name="Health and Well-being Board, 7 July 2014").click()
    page.locator(f"a[href='/workspace/resolutions/{resolution.pk}/vote/']").click()
    page.fill("#id_motion", "Amendment: to defer the decision to the next meeting.")
    page.click("label[for=id_outcome_1]")  # lost
    for person, option in zip(voters, ["for", "against", "abstain"], strict=True):
        page.select_option(f"#id_person_{person.pk}", option)
    page.get_by_role("button", name="Record the vote").click()
    assert "The vote is recorded." in page.locator(".govuk-notification-banner").inner_text()

    public = page_for("anonymous")
    public.goto(f"{portal_url}/decisions/votes/")
    vote = public.locator(".recorded-vote", has_text="Amendment: to defer")
    assert vote.locator("strong.govuk-tag").first.inner_text() == "Lost"
    rows = vote.locator(".govuk-summary-list__row")
    assert rows.nth(0).locator("dt").inner_text() == "For (1)"
    assert rows.nth(0).locator("dd").inner_text() == voters[0].display_name
    assert voters[1].display_name in rows.nth(1).inner_text()
    vote.get_by_role("link", name=voters[2].display_name).click()
    public.goto(f"{portal_url}/people/{voters[2].slug}/votes/")
    row = public.locator("tr", has_text="Amendment: to defer")
    assert "Abstained" in row.inner_text() and "Lost" in row.inner_text()
