"""axe-core over the clerk's pages this issue made or changed, in the states a clerk meets them:
the cancel and postpone confirmations (and with their error summary), the publish page while a
preview is being built, the item form with its errors, a refused upload, and the dashboard of
what is due; at 1280 px and at 320 px (no sideways scrolling)."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from meetings import publishing, services
from meetings.models import AgendaItem, Committee
from reports.models import Pack
from tests.browser.checks import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def press(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_clerks_new_pages_have_no_axe_violation_and_fit_the_screen(
    width, page_for, portal_url, clerk
):
    board = Committee.objects.get(slug="health-and-well-being-board")
    start = timezone.now() + dt.timedelta(weeks=6)
    draft = services.meeting_create(committee=board, start=start, by=clerk)
    later = services.meeting_create(committee=board, start=start + dt.timedelta(days=7), by=clerk)
    published = publishing.meeting_publish(meeting=later, by=clerk, base_url="http://testserver")
    item = AgendaItem.objects.get(meeting=draft, number="4", parent=None)
    page = page_for("clerk", width=width)
    axe = Axe()
    problems = {}

    def check(label: str) -> None:
        assert page.locator("h1").count() == 1, label
        problems.update(page_problems(page, label, axe))

    page.goto(f"{portal_url}/workspace/")
    check("dashboard")
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/")
    check("published agenda")
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/cancel/")
    check("cancel")
    press(page, "Cancel the meeting")
    check("cancel, without a reason")
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/postpone/")
    check("postpone")
    page.goto(f"{portal_url}/workspace/meetings/{draft.slug}/items/new/")
    page.get_by_label("Private business").check()
    press(page, "Save the item")
    check("item form with errors")
    page.get_by_text("What each paragraph of Schedule 12A says").click()
    check("item form, the statute shown")
    page.goto(f"{portal_url}/workspace/meetings/{draft.slug}/items/new/?parent={item.pk}")
    check("sub-item form")
    page.goto(f"{portal_url}/workspace/items/{item.pk}/upload/")
    page.set_input_files(
        "#id_file", files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"no"}]
    )
    page.fill("#id_title", "Notes")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.locator(".govuk-error-summary").wait_for()
    check("refused upload")
    page.goto(f"{portal_url}/workspace/meetings/{draft.slug}/publish/")
    Pack.objects.filter(meeting=draft, kind="public").update(state="building")
    page.goto(f"{portal_url}/workspace/meetings/{draft.slug}/publish/")
    check("publish, a preview being built")
    assert problems == {}
