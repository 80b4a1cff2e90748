"""Screenshots of every page type, as the public, a member and a clerk see them, at 1280 and
375 CSS pixels wide, for a reviewer to look at: PNGs named ``<page-type>-<role>-<width>.png``
in the folder ``SCREENSHOT_DIR`` names (default ``var/screenshots/``).

Each page must show its one main heading before it is photographed. A clerk's page whose route
does not exist (yet) is left out, not failed: the workspace grows page by page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = (1280, 375)
SEED = "/meetings/2014-09-22-health-and-well-being-board/"
JULY = "/meetings/2014-07-07-health-and-well-being-board/"
SCRUTINY = "/meetings/2014-10-15-health-and-social-care-scrutiny-board/"  # a private item

PUBLIC_PAGES = {
    "home": "/",
    "committees": "/committees/",
    "committee": "/committees/health-and-well-being-board/",
    "meetings": "/meetings/",
    "meetings-filter-error": "/meetings/?date_from=31/02/2014&committee=no-such-board",
    "calendar": "/meetings/calendar/?month=2014-09",
    "meeting": SEED,
    "meeting-private-item": SCRUTINY,
    "meeting-cancelled": None,  # found from the database
    "minutes": JULY + "minutes/",
    "decisions": "/decisions/",
    "person": "/people/a-gingell/",
    "document": None,  # the seed's first paper
    "search": "/search/?q=better+care",
    "search-empty": "/search/",
    "accessibility": "/accessibility/",
    "not-found": "/meetings/1999-01-01-nothing/",
    "forward-plan": "/forward-plan/",
    "sign-in": "/sign-in/",
}
MEMBER_PAGES = {
    "meeting-exempt-papers": SCRUTINY,
    "my-meetings": "/my-meetings/",
    "search-exempt": "/search/?q=valuation",
}
CLERK_PAGES = {
    "workspace-dashboard": "/workspace/",
    "workspace-new-meeting": "/workspace/meetings/new/",
    "workspace-agenda-builder": "/workspace" + SEED,
    "workspace-add-item": "/workspace" + SEED + "items/new/",
    "workspace-upload": None,  # the seed's item 4
    "workspace-publish": None,  # a draft meeting's
    "workspace-supplement": "/workspace" + SEED + "supplement/",
    "workspace-cancel": "/workspace" + SEED + "cancel/",
    "workspace-minutes": "/workspace" + JULY + "minutes/",
    "workspace-minutes-attendance": "/workspace" + JULY + "minutes/attendance/",
    "workspace-minute": None,  # the July minutes' first minute
    "workspace-audit": "/workspace/audit/",
    "meeting-draft": None,  # a draft meeting's public page, which only clerks see
}


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or Path(settings.BASE_DIR) / "var/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def found_paths() -> dict[str, str]:
    """Addresses that depend on the demo's rows."""
    from meetings.models import Meeting, MinuteItem
    from reports.models import Report

    seed_report = Report.objects.filter(agenda_item__meeting__slug=SEED.split("/")[2]).first()
    item4 = seed_report.agenda_item
    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    cancelled = Meeting.objects.filter(status=Meeting.Status.CANCELLED).first()
    minute = MinuteItem.objects.filter(minutes__meeting__slug=JULY.split("/")[2]).first()
    return {
        "document": f"/documents/{seed_report.pk}/",
        "meeting-cancelled": cancelled.get_absolute_url(),
        "workspace-upload": f"/workspace/items/{item4.pk}/upload/",
        "workspace-publish": f"/workspace/meetings/{draft.slug}/publish/",
        "workspace-minute": f"/workspace/minutes/{minute.pk}/",
        "meeting-draft": draft.get_absolute_url(),
    }


def pages_for(role: str) -> dict[str, str]:
    found = found_paths()
    pages = dict(PUBLIC_PAGES)
    if role != "anonymous":
        pages.pop("sign-in")
    if role == "member":
        pages.pop("meeting-private-item")  # the same page, under the member's name for it
        pages.update(MEMBER_PAGES)
    if role == "clerk":
        pages.update(CLERK_PAGES)
    return {name: path or found[name] for name, path in pages.items()}


OPTIONAL = {"forward-plan", "my-meetings"} | set(CLERK_PAGES)


@pytest.mark.parametrize("role", ["anonymous", "member", "clerk"])
def test_every_page_type_is_photographed_showing_its_heading(role, page_for, portal_url):
    folder = screenshot_dir()
    page = page_for(role)
    taken, missing = [], []
    for name, path in pages_for(role).items():
        response = page.goto(portal_url + path)
        if name in OPTIONAL and response.status == 404:
            missing.append(name)  # a route not built (yet): nothing to photograph
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            heading = page.locator("main h1")
            assert heading.count() == 1, (name, width)
            assert heading.is_visible() and heading.inner_text().strip(), (name, width)
            target = folder / f"{name}-{role}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
            taken.append(target.name)
    assert set(missing) <= OPTIONAL and taken
