"""The forward plan and decision records in a real browser: a clerk publishes a plan entry,
links it to the agenda item of the meeting that takes the decision, and takes a decision record
through call-in to effective; the public reads each step. Then axe-core over every page of
this part, as the public and as a clerk, at 1280 and 320 pixels."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from meetings.demo_plans import DEMO_VOTE_MOTION
from meetings.formats import long_date
from meetings.models import (
    AgendaItem,
    Committee,
    DecisionRecord,
    Meeting,
    PlanEntry,
    RecordedVote,
)
from tests.browser.checks import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _fill_date(page, prefix: str, day: dt.date) -> None:
    page.fill(f"#id_{prefix}", str(day.day))
    page.fill(f"#id_{prefix}_month", str(day.month))
    page.fill(f"#id_{prefix}_year", str(day.year))


@pytest.fixture
def cabinet_meeting(db) -> Meeting:
    """The meeting that will take the decision, six weeks ahead, with its agenda item."""
    committee = Committee.objects.create(name="Cabinet", slug="cabinet", kind="cabinet")
    day = timezone.localdate() + dt.timedelta(days=42)
    meeting = Meeting.objects.create(
        committee=committee,
        start=timezone.make_aware(dt.datetime.combine(day, dt.time(14))),
        status=Meeting.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    AgendaItem.objects.create(
        meeting=meeting, number="5", position=5, title="Coventry Market refurbishment"
    )
    return meeting


def test_a_clerk_publishes_an_entry_links_its_meeting_and_takes_a_record_to_effective(
    page_for, portal_url, cabinet_meeting
):
    page = page_for("clerk")
    decision_day = timezone.localtime(cabinet_meeting.start).date()

    # A new plan entry, a draft until published.
    page.goto(f"{portal_url}/workspace/forward-plan/")
    page.get_by_role("link", name="New plan entry").click()
    page.fill("#id_matter", "Coventry Market refurbishment")
    page.click("label[for=id_decision_maker_kind_0]")
    page.fill("#id_decision_maker", "Cabinet")
    _fill_date(page, "expected_date", decision_day)
    page.click("label[for=id_is_key_decision]")
    page.click("label[for=id_part_0]")
    page.get_by_role("button", name="Create draft entry").click()
    assert "created" in page.locator(".govuk-notification-banner").inner_text()
    entry = PlanEntry.objects.get(matter="Coventry Market refurbishment")

    public = page_for("anonymous")
    assert public.goto(f"{portal_url}/forward-plan/{entry.pk}/").status == 404

    page.get_by_role("button", name="Publish on the forward plan").click()
    assert (
        "is published on the forward plan"
        in page.locator(".govuk-notification-banner").inner_text()
    )

    # The meeting that takes the decision.
    item = cabinet_meeting.agenda_items.get()
    page.select_option("#link_item", str(item.pk))
    page.get_by_role("button", name="Save the agenda item").click()

    public.goto(f"{portal_url}/forward-plan/")
    public.get_by_role("link", name="Coventry Market refurbishment").click()
    summary = public.locator(".govuk-summary-list").inner_text()
    assert "28 clear days' notice" in summary
    assert long_date(decision_day) in summary
    public.get_by_role("link", name="Item 5, Coventry Market refurbishment").click()
    assert public.url.endswith(f"{cabinet_meeting.get_absolute_url()}#item-5")

    # The decision record.
    page.goto(f"{portal_url}/workspace/forward-plan/")
    page.get_by_role("link", name="New decision record").click()
    page.fill("#id_title", "Coventry Market refurbishment: contract award")
    page.click("label[for=id_decision_maker_kind_0]")
    page.fill("#id_decision_maker", "Cabinet")
    _fill_date(page, "decided_on", timezone.localdate())
    page.select_option("#id_plan_entry", str(entry.pk))
    page.fill("#id_decision", "To award the contract to the lowest compliant tender.")
    page.fill("#id_reasons", "Best value.")
    page.fill("#id_alternatives_rejected", "Not to refurbish.")
    page.get_by_role("button", name="Create draft record").click()
    page.get_by_role("button", name="Publish the decision record").click()
    record = DecisionRecord.objects.get(title__startswith="Coventry Market")
    takes_effect = long_date(record.takes_effect_on)
    assert takes_effect in page.locator(".govuk-notification-banner").inner_text()

    public.goto(f"{portal_url}/decisions/records/{record.pk}/")
    assert public.locator("strong.govuk-tag").first.inner_text() == "Subject to call-in"
    assert f"it takes effect on {takes_effect}" in public.locator(".govuk-inset-text").inner_text()

    scrutiny = (
        Meeting.objects.filter(committee__slug="health-and-social-care-scrutiny-board")
        .exclude(status=Meeting.Status.DRAFT)
        .order_by("-start")
        .first()
    )
    page.fill("#id_called_in_by", "Councillors Bigham and Clifford")
    page.select_option("#id_meeting", str(scrutiny.pk))
    page.get_by_role("button", name="Record that it was called in").click()
    public.reload()
    assert public.locator("strong.govuk-tag").first.inner_text() == "Called in"
    public.get_by_role("link", name="Health and Social Care Scrutiny Board").click()
    assert public.url.endswith(scrutiny.get_absolute_url())

    page.fill("#id_outcome", "The scrutiny board made no recommendation.")
    page.get_by_role("button", name="Record the outcome: the decision takes effect").click()
    public.goto(f"{portal_url}/decisions/records/{record.pk}/")
    assert public.locator("strong.govuk-tag").first.inner_text() == "Effective"
    assert "took effect on" in public.locator(".govuk-inset-text").inner_text()

    # The plan entry says where it went: the agenda item and the decision record.
    public.goto(f"{portal_url}/forward-plan/{entry.pk}/")
    public.get_by_role(
        "link", name="Decision record: Coventry Market refurbishment: contract award"
    ).click()
    assert public.locator("h1").inner_text() == "Coventry Market refurbishment: contract award"


def test_a_refused_entry_shows_the_error_summary_linked_to_its_fields(page_for, portal_url):
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/forward-plan/new/")
    page.fill("#id_matter", "Sale of land")
    page.click("label[for=id_decision_maker_kind_0]")
    page.fill("#id_decision_maker", "Cabinet")
    page.fill("#id_expected_date", "30")
    page.fill("#id_expected_date_month", "2")
    page.fill("#id_expected_date_year", "2027")
    page.click("label[for=id_part_1]")
    page.get_by_role("button", name="Create draft entry").click()
    summary = page.locator(".govuk-error-summary")
    assert "Expected date of decision must be a real date" in summary.inner_text()
    summary.get_by_role("link", name="Expected date of decision must be a real date").click()
    assert page.evaluate("document.activeElement.id") == "id_expected_date"


PUBLIC_PAGES = [
    "/forward-plan/",
    "/forward-plan/?earlier=1",
    "/forward-plan/notices/",
    "/forward-plan/special-urgency/",
    "/decisions/records/",
    "/decisions/register/",
    "/forward-plan/?ward=atlantis",
    "/decisions/votes/",
]


def _entry_and_record_pages() -> list[str]:
    private = PlanEntry.objects.get(matter__contains="Radford Yard")
    called = DecisionRecord.objects.get(title__contains="Earlsdon day centre")
    waiting = DecisionRecord.objects.get(title__contains="community meals")
    voter = RecordedVote.objects.get(motion=DEMO_VOTE_MOTION).casts.first().person
    return [
        f"/people/{voter.slug}/votes/",
        private.get_absolute_url(),
        called.get_absolute_url(),
        waiting.get_absolute_url(),
    ]


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_violation_on_the_plan_pages(width, page_for, portal_url):
    axe = Axe()
    problems = {}
    public = page_for("anonymous", width=width)
    for path in PUBLIC_PAGES + _entry_and_record_pages():
        public.goto(portal_url + path)
        assert public.locator("h1").count() == 1, path
        problems.update(page_problems(public, path, axe))
    clerk = page_for("clerk", width=width)
    draft = DecisionRecord.objects.get(published_at__isnull=True)
    called = DecisionRecord.objects.get(title__contains="Earlsdon day centre")
    waiting = DecisionRecord.objects.get(title__contains="community meals")
    entry = PlanEntry.objects.get(matter__contains="Radford Yard")
    vote = RecordedVote.objects.get(motion=DEMO_VOTE_MOTION)
    for path in [
        "/workspace/forward-plan/",
        "/workspace/forward-plan/new/",
        f"/workspace/forward-plan/{entry.pk}/",
        f"/workspace/forward-plan/{entry.pk}/notices/new/",
        "/workspace/decision-records/new/",
        "/workspace/meetings/2014-07-07-health-and-well-being-board/votes/",
        f"/workspace/resolutions/{vote.resolution_id}/vote/",
        f"/workspace/decision-records/{draft.pk}/",
        f"/workspace/decision-records/{called.pk}/",
        f"/workspace/decision-records/{waiting.pk}/",
    ]:
        clerk.goto(portal_url + path)
        assert clerk.locator("h1").count() == 1, path
        problems.update(page_problems(clerk, path, axe))
    assert problems == {}
