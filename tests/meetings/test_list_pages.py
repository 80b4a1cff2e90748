"""Every list page, asked with no parameters, shows what the database holds for the viewer.

The expected rows are counted by a small reference written from DESIGN.md ("Who may see what"),
reading the models' own fields row by row in Python: never by calling the selectors or the
querysets' ``visible_to`` that the pages use. An unbound filter form is no filter at all: the
regression was "0 meetings" on /meetings/ and "0 decisions" on /decisions/.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from meetings.models import Committee, Meeting, Person, Resolution
from reports.models import Report

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "member", "clerk")
PAGE_SIZE = 25  # the pages' page size (meetings.views.PAGE_SIZE), written out here


# --- The reference: DESIGN.md's rules over rows ----------------------------------------------


def meeting_seen(meeting: Meeting, role: str) -> bool:
    """Rule 1: nothing of a draft meeting reaches anyone but clerks."""
    return role == "clerk" or meeting.status != "draft"


def _private(item) -> bool:
    return item.part == "private" or (item.parent is not None and item.parent.part == "private")


def _pending(item) -> bool:
    return item.is_pending or (item.parent is not None and item.parent.is_pending)


def resolution_seen(resolution: Resolution, role: str) -> bool:
    """Rules 1, 2, 4 and published minutes: a decision goes with the minute that records it."""
    if role == "clerk":
        return True
    minute = resolution.minute_item
    minutes = minute.minutes
    if not minutes.is_published or not meeting_seen(minutes.meeting, role):
        return False
    item = minute.agenda_item
    if item is not None and _pending(item):
        return False
    private = minute.part == "private" or (item is not None and _private(item))
    return role != "anonymous" or not private


def report_seen(report: Report, role: str) -> bool:
    """Rules 1 to 4 for a paper."""
    if report.withdrawn_at is not None:
        return False
    if role == "clerk":
        return True
    item = report.agenda_item
    if not meeting_seen(item.meeting, role) or report.is_pending or item.is_pending:
        return False
    if item.parent is not None and item.parent.is_pending:
        return False
    if role == "anonymous":
        if item.parent is not None and item.parent.part == "private":
            return False
        return not (report.is_exempt or _private(item))
    return True


def expected_meetings(role: str) -> list[Meeting]:
    rows = Meeting.objects.select_related("committee").order_by("-start")
    return [m for m in rows if meeting_seen(m, role)]


def expected_resolutions(role: str) -> list[Resolution]:
    rows = Resolution.objects.select_related(
        "minute_item__minutes__meeting", "minute_item__agenda_item__parent"
    )
    return [r for r in rows if resolution_seen(r, role)]


# --- Helpers -----------------------------------------------------------------------------------


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return lxml_html.fromstring(response.content.decode())


def count_line(tree) -> str:
    return " ".join(tree.xpath("string(//p[contains(@class, 'count')])").split())


def meeting_links(tree, xpath: str) -> list[str]:
    slugs = []
    for href in tree.xpath(xpath):
        found = re.fullmatch(r"/meetings/([^/]+)/", href)
        if found:
            slugs.append(found.group(1))
    return slugs


@pytest.fixture(params=ROLES)
def viewer(request, client_as):
    return request.param, client_as(request.param)


# --- The pages ---------------------------------------------------------------------------------


def test_meeting_list_without_parameters_shows_every_meeting_the_viewer_may_see(viewer):
    role, client = viewer
    expected = expected_meetings(role)
    assert expected, "the demo holds meetings for everyone"
    tree = page(client, "/meetings/")
    assert count_line(tree) == f"{len(expected)} meeting{'s' if len(expected) != 1 else ''}"
    shown = meeting_links(tree, "//ul[contains(@class, 'meeting-list')]/li/a/@href")
    assert shown == [m.slug for m in expected[:PAGE_SIZE]]
    assert not tree.xpath("//*[contains(@class, 'govuk-error-summary')]")


def test_decision_list_without_parameters_shows_every_decision_the_viewer_may_see(viewer):
    role, client = viewer
    expected = expected_resolutions(role)
    assert expected, "the July 2014 minutes hold published decisions"
    tree = page(client, "/decisions/")
    assert count_line(tree) == f"{len(expected)} decision{'s' if len(expected) != 1 else ''}"
    assert len(tree.xpath("//ol[contains(@class, 'decisions')]/li")) == min(
        len(expected), PAGE_SIZE
    )
    assert not tree.xpath("//*[contains(@class, 'govuk-error-summary')]")


def test_committee_list_shows_each_active_committee_with_the_meetings_the_viewer_may_see(viewer):
    role, client = viewer
    tree = page(client, "/committees/")
    committees = list(Committee.objects.filter(is_active=True))
    items = tree.xpath("//ul[contains(@class, 'committee-list')]/li")
    assert len(items) == len(committees) >= 2
    shown = {
        li.xpath("string(a)").strip(): " ".join(li.xpath("string(span)").split()) for li in items
    }
    for committee in committees:
        n = sum(1 for m in expected_meetings(role) if m.committee_id == committee.pk)
        assert shown[committee.name] == f"{n} meeting{'s' if n != 1 else ''}"


def test_calendar_without_parameters_shows_this_months_meetings_the_viewer_may_see(viewer):
    role, client = viewer
    today = timezone.localdate()
    expected = sorted(
        m.slug
        for m in expected_meetings(role)
        if (timezone.localtime(m.start).year, timezone.localtime(m.start).month)
        == (today.year, today.month)
    )
    tree = page(client, "/meetings/calendar/")
    assert today.strftime("%B %Y") in tree.xpath("string(//h1)")
    assert sorted(meeting_links(tree, "//table[contains(@class, 'calendar')]//a/@href")) == expected
    assert not tree.xpath("//*[contains(@class, 'messages')]//*[contains(., 'not a month')]")


def test_search_page_without_a_query_shows_the_form_and_no_error(viewer):
    _, client = viewer
    tree = page(client, "/search/")
    assert tree.xpath("//form[@role='search']//input[@name='q']")
    assert not tree.xpath("//*[contains(@class, 'govuk-error-summary')]")
    assert not tree.xpath("//ol[contains(@class, 'results')]")


@pytest.mark.parametrize("word", ["dementia", "valuation"])
def test_search_with_a_query_finds_the_papers_the_viewer_may_see_and_no_others(viewer, word):
    """A word of the seed's public papers, and one only in the demo's exempt papers."""
    role, client = viewer
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    holding = [
        report
        for report in Report.objects.select_related("agenda_item__meeting", "agenda_item__parent")
        if any(pattern.search(p.text) for p in report.pages.all())
    ]
    assert holding, f"the demo holds papers with {word!r}"
    expected = {r.pk for r in holding if report_seen(r, role)}
    tree = page(client, f"/search/?q={word}")
    linked = set()
    for href in tree.xpath("//ol[contains(@class, 'results')]//a/@href"):
        found = re.match(r"/documents/(\d+)/", href)
        if found:
            linked.add(int(found.group(1)))
    assert linked <= expected
    if expected:
        assert linked, f"{role} finds the papers with {word!r}"
        assert "0 results" not in count_line(tree)
    else:
        assert count_line(tree).startswith("0 results")
    assert not tree.xpath("//*[contains(@class, 'govuk-error-summary')]")


def test_api_meeting_list_without_parameters_holds_every_meeting_the_viewer_may_see(viewer):
    role, client = viewer
    expected = expected_meetings(role)
    body = client.get("/api/meetings/", {"page_size": 100}).json()
    assert body["count"] == len(expected)
    assert len(body["results"]) == len(expected)
    body = client.get("/api/meetings/").json()
    assert body["count"] == len(expected)


def test_api_decision_list_without_parameters_holds_every_decision_the_viewer_may_see(viewer):
    role, client = viewer
    expected = expected_resolutions(role)
    body = client.get("/api/decisions/").json()
    assert body["count"] == len(expected) > 0
    assert len(body["results"]) == min(len(expected), body["count"])


def test_api_committee_and_people_lists_hold_every_row(viewer):
    _, client = viewer
    committees = client.get("/api/committees/", {"page_size": 100}).json()
    assert committees["count"] == Committee.objects.filter(is_active=True).count()
    people = client.get("/api/people/").json()
    assert people["count"] == Person.objects.count()


def test_papers_feed_holds_the_public_papers(viewer):
    """Feed readers read without a session: every viewer gets the public's papers."""
    _, client = viewer
    response = client.get("/feeds/papers/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    public = [
        r
        for r in Report.objects.select_related("agenda_item__meeting", "agenda_item__parent")
        if report_seen(r, "anonymous")
    ]
    assert len(tree.xpath("//entry")) == min(len(public), 50) > 0


@pytest.mark.parametrize(
    ("url", "labels"),
    [
        ("/meetings/", ["Committee", "Meeting date", "From", "To", "Status"]),
        ("/decisions/", ["Committee", "Meeting date", "From", "To"]),
        (
            "/search/",
            ["Words to find", "Committee", "Date", "From", "To", "Look in", "Order"],
        ),
    ],
)
def test_each_filter_field_is_labelled_as_a_clerk_would_say_it(client, url, labels):
    """Not Django's name made from the lookup ("Minute item minutes meeting committee"): each
    field's label or its group's legend, in the order they read (a date's Day, Month and Year
    boxes and each check box have labels of their own)."""
    tree = page(client, url)
    form = tree.xpath("//main//form")[0]
    names = form.xpath(
        ".//legend | .//label[not(contains(@class, 'govuk-date-input__label'))"
        " and not(contains(@class, 'govuk-checkboxes__label'))]"
    )
    assert [" ".join(n.text_content().split()) for n in names] == labels
    for label in form.xpath(".//label[@for]"):
        assert form.xpath(f".//*[@id='{label.get('for')}']"), label.text_content()
    for field in form.xpath(".//input[not(@type='hidden')] | .//select"):
        assert form.xpath(f".//label[@for='{field.get('id')}']"), field.get("name")
