"""WCAG 2.2 AA: axe-core over every page type, as each role, in a real browser; and the checks
axe cannot make (skip link, one h1, visible focus, reflow at 320 px, keyboard use)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.checks import AXE_OPTIONS, sideways

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SEED = "/meetings/2014-09-22-health-and-well-being-board/"
PAGE_TYPES = {
    "home": "/",
    "committees": "/committees/",
    "committee": "/committees/health-and-well-being-board/",
    "meetings": "/meetings/",
    "meetings-filtered": "/meetings/?committee=health-and-well-being-board&date_from=2014-01-01",
    "meetings-filter-errors": "/meetings/?date_from=31/02/2014&status=nonsense",
    "calendar": "/meetings/calendar/?month=2014-09",
    "meeting": SEED,
    "meeting-private-item": "/meetings/2014-10-15-health-and-social-care-scrutiny-board/",
    "meeting-postponed": "/meetings/2015-03-11-health-and-social-care-scrutiny-board/",
    "minutes": "/meetings/2014-07-07-health-and-well-being-board/minutes/",
    "decisions": "/decisions/",
    "person": "/people/a-gingell/",
    "document": None,  # found from the meeting page
    "search": "/search/?q=better+care",
    "search-empty": "/search/",
    "not-found": "/meetings/1999-01-01-nothing/",
    "accessibility": "/accessibility/",
    "sign-in": "/sign-in/",
}


def _url(page, portal_url, path):
    if path is not None:
        return portal_url + path
    page.goto(portal_url + SEED)
    return portal_url + page.locator("ol.agenda ul.documents a").first.get_attribute("href")


@pytest.mark.parametrize("role", ["anonymous", "member", "clerk"])
def test_axe_finds_no_violation_on_any_page_type(role, page_for, portal_url):
    """At a desktop's width and at 320 CSS pixels (a phone, or 400% zoom), where the layout
    changes: the calendar becomes a list, tables become label and value pairs."""
    page = page_for(role)
    axe = Axe()
    problems = {}
    for name, path in PAGE_TYPES.items():
        if name == "sign-in" and role != "anonymous":
            continue
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(_url(page, portal_url, path))
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                problems[f"{name} at {width}px"] = results.generate_report()
    assert problems == {}


@pytest.mark.parametrize("path", [p for p in PAGE_TYPES.values() if p])
def test_each_page_has_a_skip_link_first_and_one_h1(path, page_for, portal_url):
    page = page_for("anonymous")
    page.goto(portal_url + path)
    assert page.locator("h1").count() == 1
    first = page.evaluate(
        "document.querySelector('a[href], button, input:not([type=hidden]), select, textarea')"
        ".textContent.trim()"
    )
    assert first == "Skip to main content"
    if page.evaluate("document.activeElement.hasAttribute('autofocus')"):
        return  # the sign-in form puts the cursor in its first field, as users expect
    if page.locator(".govuk-error-summary").count():
        # GOV.UK's error summary takes the focus when the page opens, so that a screen reader
        # reads the problems first; Tab leads to its links.
        page.wait_for_function("document.activeElement.matches('.govuk-error-summary')")
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.govuk-error-summary')")
        return
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"


def test_focus_is_visible(page_for, portal_url):
    page = page_for("anonymous")
    page.goto(portal_url + SEED)
    for _ in range(4):
        page.keyboard.press("Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2


def test_the_meeting_page_works_with_the_keyboard_alone(page_for, portal_url):
    page = page_for("anonymous")
    page.goto(portal_url + SEED)
    # Tab through the page until the first report's link is focused, then follow it.
    for _ in range(60):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement.textContent.trim()")
        if text == "Better Care Fund (BCF) – Coventry Resubmission":
            break
    else:
        pytest.fail("The first report could not be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Better Care Fund (BCF) – Coventry Resubmission"
    page.go_back()
    # And the minutes of the previous meeting are reachable the same way.
    for _ in range(80):
        page.keyboard.press("Tab")
        if "Read the minutes of 7 July 2014" in page.evaluate("document.activeElement.textContent"):
            break
    else:
        pytest.fail("The minutes link could not be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "held at 2.00 p.m. on 7th July, 2014" in page.locator("h1").inner_text()


def test_pages_print_without_navigation(page_for, portal_url):
    page = page_for("anonymous")
    page.goto(portal_url + SEED)
    page.emulate_media(media="print")
    assert page.locator(".govuk-service-navigation").count() == 1
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert not page.locator(".portal-search").is_visible()
    assert not page.locator(".govuk-breadcrumbs").is_visible()
    assert page.locator("h1").is_visible()


WORKSPACE_PAGES = [
    "/workspace/",
    "/workspace/meetings/new/",
    "/workspace/meetings/2014-09-22-health-and-well-being-board/",
    "/workspace/meetings/2014-09-22-health-and-well-being-board/items/new/",
    "/workspace/meetings/2014-07-07-health-and-well-being-board/minutes/",
    "/workspace/audit/",
]


def test_axe_finds_no_violation_in_the_clerks_workspace(page_for, portal_url):
    page = page_for("clerk")
    axe = Axe()
    problems = {}
    urls = [portal_url + path for path in WORKSPACE_PAGES]
    page.goto(urls[2])
    urls.append(portal_url + page.get_by_role("link", name="Edit item 4").get_attribute("href"))
    urls.append(
        portal_url
        + page.get_by_role("link", name="Upload a report to item 4").get_attribute("href")
    )
    page.goto(urls[4])
    urls.append(
        portal_url + page.locator("a[href^='/workspace/minutes/']").first.get_attribute("href")
    )
    # Publishing: a draft's publish page (with its short-notice warning and confirmation), the
    # supplement, summonses and withdrawal pages of the published seed meeting.
    from meetings.models import Meeting
    from reports.models import Report

    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    seed = "/workspace/meetings/2014-09-22-health-and-well-being-board"
    report = Report.objects.filter(agenda_item__meeting__slug=seed.rsplit("/", 1)[1]).first()
    urls += [
        f"{portal_url}/workspace/meetings/{draft.slug}/",
        f"{portal_url}/workspace/meetings/{draft.slug}/publish/",
        f"{portal_url}{seed}/supplement/",
        f"{portal_url}{seed}/summonses/",
        f"{portal_url}/workspace/documents/{report.pk}/withdraw/",
    ]
    for url in urls:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        results = axe.run(page, options=AXE_OPTIONS)
        if results.violations_count:
            problems[url] = results.generate_report()
    assert problems == {}


@pytest.mark.parametrize("path", WORKSPACE_PAGES)
def test_workspace_pages_reflow_at_320_pixels(path, page_for, portal_url):
    page = page_for("clerk", width=320)
    page.goto(portal_url + path)
    assert sideways(page) <= 0
