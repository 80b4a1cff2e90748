"""A declaration of interest in a real browser: the clerk (the demo clerk, signed in with their
second factor, working in the workspace, not the staff pages) records on a minute of published
minutes that a member declared an interest and left the room; an anonymous visitor reads it
under that minute. axe-core finds nothing wrong with the minute's screen and its new section,
with declarations listed and with the error summary of a declaration refused."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.checks import page_problems
from tests.votes.world import PUBLIC_INTEREST, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

INTEREST = "Chairs the Spon Street traders' association (made up)"


def test_a_clerk_records_a_declaration_and_the_public_reads_it(page_for, portal_url, clerk):
    world = build_world(clerk)
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/minutes/{world.public_minute.pk}/")
    section = page.locator("#declarations")
    assert PUBLIC_INTEREST in section.inner_text()  # Carter's, recorded already
    page.select_option("#id_declaration-person", label="Councillor Ann Able")
    page.get_by_label("Other registrable interest").check()
    page.fill("#id_declaration-interest", INTEREST)
    page.get_by_label("They left the room for this item").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add the declaration").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Declaration recorded: Councillor Ann Able, an other registrable interest." in banner
    card = page.locator(".govuk-summary-card", has_text="Councillor Ann Able")
    assert INTEREST in card.inner_text() and "Yes, for this item" in card.inner_text()

    public = page_for("anonymous")
    public.goto(f"{portal_url}/meetings/{world.meeting.slug}/minutes/")
    minute = public.locator("main").inner_text()
    parking = minute.split("Parking charges", 1)[1]
    assert f"Councillor Ann Able declared an other registrable interest: {INTEREST}" in parking
    said = parking.split(INTEREST, 1)[1]
    assert said.lstrip().startswith("Left the room for this item.")
    public.get_by_role("link", name="Councillor Ann Able").first.click()
    assert INTEREST in public.locator("main").inner_text()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_minute_screen_with_declarations_has_no_axe_violation(
    width, page_for, portal_url, clerk
):
    world = build_world(clerk)
    page = page_for("clerk", width=width)
    axe = Axe()
    problems = {}

    def check(label: str) -> None:
        assert page.locator("h1").count() == 1, label
        problems.update(page_problems(page, label, axe))

    page.goto(f"{portal_url}/workspace/minutes/{world.public_minute.pk}/")
    check("minute with a declaration")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the declaration").click()
    assert "Choose who declared the interest" in page.locator(".govuk-error-summary").inner_text()
    check("declaration refused")
    page.goto(f"{portal_url}/workspace/minutes/{world.private_minute.pk}/")
    check("private minute with a declaration")
    declaration = world.public_minute.declarations.get()
    page.goto(f"{portal_url}/workspace/declarations/{declaration.pk}/")
    check("change a declaration")
    page.goto(f"{portal_url}/workspace/declarations/{declaration.pk}/remove/")
    check("remove a declaration")
    assert problems == {}
