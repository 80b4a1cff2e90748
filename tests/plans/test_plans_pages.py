"""The public pages of the forward plan, notices and decision records, as a visitor opens them
first (no parameters), then with filters; and the clerk's workspace for them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from meetings import plans
from meetings.demo_plans import MARKER
from meetings.models import AuditEntry, DecisionRecord, Notice, PlanEntry, Ward

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_forward_plan_shows_the_published_decisions_to_come_by_month_and_maker(client):
    response = client.get("/forward-plan/")
    assert response.status_code == 200
    page = text(response)
    assert MARKER in page
    assert "Cabinet Member for City Services" in page
    assert "draft, clerks only" not in page
    month = (timezone.localdate() + dt.timedelta(days=45)).strftime("%B %Y")
    assert month in page
    # The 2014 entry is an earlier decision, not on the current plan.
    assert "Better Care Fund plan" not in page
    earlier = text(client.get("/forward-plan/?earlier=1"))
    assert "Better Care Fund plan" in earlier


def test_each_key_decision_says_how_it_was_noticed(client):
    page = text(client.get("/forward-plan/"))
    assert "28 clear days' notice" in page
    assert "General exception" in page
    assert "Special urgency" in page


def test_the_forward_plan_filters_by_decision_maker_and_ward(client):
    page = text(client.get("/forward-plan/", {"decision_maker": "Cabinet"}))
    assert MARKER in page
    assert "parking scheme" not in page
    page = text(client.get("/forward-plan/", {"ward": "radford"}))
    assert "Radford Yard" in page
    assert MARKER in page  # all wards
    assert "parking scheme" not in page


def test_a_filter_that_cannot_be_used_says_so_and_shows_nothing(client):
    response = client.get("/forward-plan/", {"ward": "atlantis"})
    assert response.status_code == 200
    page = text(response)
    assert "Some filters could not be used" in page
    assert "0 decisions" in page


def test_an_entry_shows_its_history_and_where_it_went(client):
    moved = PlanEntry.objects.get(matter__contains="parking scheme")
    page = text(client.get(moved.get_absolute_url()))
    assert "Moved back to allow a second consultation" in page
    assert "First published" in page
    went = PlanEntry.objects.get(matter__contains="Better Care Fund plan")
    response = client.get(went.get_absolute_url())
    assert "Item 4, Better Care Fund Update" in text(response)
    assert "/meetings/2014-09-22-health-and-well-being-board/#item-4" in response.content.decode()


def test_the_notices_page_lists_both_kinds_with_the_chair(client):
    page = text(client.get("/forward-plan/notices/"))
    assert "General exception" in page and "Special urgency" in page
    assert "Councillor Demo Chair (made up): informed" in page
    assert "agreed" in page


def test_the_special_urgency_report_lists_this_years_urgent_decisions(client):
    response = client.get("/forward-plan/special-urgency/")
    assert response.status_code == 200
    page = text(response)
    assert "Foleshill swimming baths roof" in page
    assert "Radford Yard" not in page  # a general exception, not special urgency
    year = plans.municipal_year_of(timezone.localdate())
    assert f"{year} to {year + 1}" in page
    empty = text(client.get("/forward-plan/special-urgency/", {"year": "2014"}))
    assert "No decisions were taken under special urgency in this year" in empty
    bad = client.get("/forward-plan/special-urgency/", {"year": "²"})
    assert bad.status_code == 200
    assert "Year must be a year such as 2026" in text(bad)


def test_decision_records_show_each_state_and_filter(client):
    page = text(client.get("/decisions/records/"))
    for state in ("Subject to call-in", "Called in", "Effective"):
        assert state in page
    assert "not yet published" not in page
    key = text(client.get("/decisions/records/", {"key_decision": "false"}))
    assert "food bank" in key and "community meals" not in key
    ward = text(client.get("/decisions/records/", {"ward": "earlsdon"}))
    assert "Earlsdon day centre" in ward and "food bank" not in ward
    maker = text(client.get("/decisions/records/", {"decision_maker": "Chief Executive"}))
    assert "interim director" in maker and "food bank" not in maker
    old = (timezone.localdate() - dt.timedelta(days=45)).isoformat()
    dated = text(client.get("/decisions/records/", {"date_to": old}))
    assert "libraries opening hours" in dated and "community meals" not in dated


def test_a_called_in_record_names_the_scrutiny_meeting(client):
    record = DecisionRecord.objects.get(title__contains="Earlsdon day centre")
    page = text(client.get(record.get_absolute_url()))
    assert "Called in" in page
    assert "Health and Social Care Scrutiny Board" in page
    assert "Reasons" in page and "Alternatives considered and rejected" in page


def test_the_register_lists_resolutions_and_records_each_with_its_source(client):
    page = text(client.get("/decisions/register/"))
    assert "Decision record: Cabinet" in page
    assert "Minutes:" in page and "RESOLVED that" in page


def test_forward_plan_is_in_the_main_navigation(client):
    response = client.get("/")
    assert 'href="/forward-plan/"' in response.content.decode()
    assert "Forward plan" in text(response)


def test_the_calendar_and_atom_feeds_hold_what_the_public_may_see(client):
    ics = client.get("/forward-plan/calendar.ics").content.decode()
    assert "Key decision: " + MARKER in ics.replace("\r\n ", "")
    assert "school admissions" not in ics
    atom = client.get("/feeds/forward-plan/").content.decode()
    assert MARKER in atom and "school admissions" not in atom
    assert "Schedule of bids" not in atom
    records = client.get("/feeds/decision-records/").content.decode()
    assert "community meals" in records and "not yet published" not in records


# ----------------------------------------------------------------------------------------------
# The clerk's workspace
# ----------------------------------------------------------------------------------------------


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_a_clerk_creates_and_publishes_a_plan_entry(client_as):
    clerk = client_as("clerk")
    day = timezone.localdate() + dt.timedelta(days=40)
    response = clerk.post(
        "/workspace/forward-plan/new/",
        {
            "matter": "Library refurbishment",
            "decision_maker_kind": "executive",
            "decision_maker": "Cabinet",
            **_date("expected_date", day),
            "is_key_decision": "on",
            "part": "public",
            "wards": [Ward.objects.get(slug="earlsdon").pk],
        },
    )
    entry = PlanEntry.objects.get(matter="Library refurbishment")
    assert response.status_code == 302
    assert client_as("anonymous").get(entry.get_absolute_url()).status_code == 404
    clerk.post(f"/workspace/forward-plan/{entry.pk}/publish/")
    page = text(client_as("anonymous").get(entry.get_absolute_url()))
    assert "28 clear days' notice" in page
    assert "Earlsdon" in page
    assert AuditEntry.objects.filter(action="plan_entry_publish", object_id=str(entry.pk))


def test_a_private_entry_without_its_paragraph_is_refused_with_the_error_summary(client_as):
    clerk = client_as("clerk")
    before = PlanEntry.objects.count()
    response = clerk.post(
        "/workspace/forward-plan/new/",
        {
            "matter": "Sale of land",
            "decision_maker_kind": "executive",
            "decision_maker": "Cabinet",
            **_date("expected_date", timezone.localdate() + dt.timedelta(days=40)),
            "part": "private",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Choose the Schedule 12A paragraph." in page
    assert "Say why the decision will be taken in private." in page
    assert PlanEntry.objects.count() == before


def test_a_bad_date_is_refused_with_the_design_systems_message(client_as):
    clerk = client_as("clerk")
    response = clerk.post(
        "/workspace/forward-plan/new/",
        {
            "matter": "x",
            "decision_maker_kind": "executive",
            "decision_maker": "Cabinet",
            "expected_date_day": "31",
            "expected_date_month": "2",
            "expected_date_year": "2027",
            "part": "public",
        },
    )
    assert "Expected date of decision must be a real date" in text(response)


def test_a_change_to_a_published_entry_is_kept_in_its_public_history(client_as):
    clerk = client_as("clerk")
    entry = PlanEntry.objects.get(matter=MARKER)
    new_day = entry.expected_date + dt.timedelta(days=14)
    response = clerk.post(
        f"/workspace/forward-plan/{entry.pk}/",
        {
            "matter": entry.matter,
            "decision_maker_kind": entry.decision_maker_kind,
            "decision_maker": entry.decision_maker,
            **_date("expected_date", new_day),
            "is_key_decision": "on",
            "part": "public",
            "documents": entry.documents,
            "note": "Delayed for the tender results",
        },
    )
    assert response.status_code == 302
    page = text(client_as("anonymous").get(entry.get_absolute_url()))
    assert "Delayed for the tender results" in page
    assert entry.versions.count() == 2


def test_a_general_exception_notice_too_late_is_refused_and_says_why(client_as):
    clerk = client_as("clerk")
    entry = PlanEntry.objects.get(matter__contains="Foleshill swimming")
    clerk.post(
        f"/workspace/forward-plan/{entry.pk}/notices/new/",
        {
            "kind": "general_exception",
            "reasons": "Late",
            "scrutiny_chair": "Councillor X",
            **_date("chair_date", timezone.localdate()),
        },
    )
    notice = Notice.objects.get(entry=entry, kind="general_exception")
    response = clerk.post(f"/workspace/notices/{notice.pk}/publish/", follow=True)
    assert "fewer than 5 clear days" in text(response)
    notice.refresh_from_db()
    assert notice.published_at is None


def test_loading_the_demo_again_changes_nothing():
    from meetings.demo import LoadSummary
    from meetings.demo_plans import load_plans, load_votes

    before = (PlanEntry.objects.count(), DecisionRecord.objects.count(), Notice.objects.count())
    summary = LoadSummary()
    load_plans(summary)
    load_votes(summary)
    after = (PlanEntry.objects.count(), DecisionRecord.objects.count(), Notice.objects.count())
    assert after == before
    assert summary.created == []


def test_a_clerk_finds_the_workspace_from_the_plan_and_the_votes_from_the_workspace(client_as):
    clerk = client_as("clerk")
    assert 'href="/workspace/forward-plan/"' in clerk.get("/forward-plan/").content.decode()
    workspace = clerk.get("/workspace/forward-plan/").content.decode()
    assert 'href="/workspace/meetings/2014-07-07-health-and-well-being-board/votes/"' in workspace
    public = client_as("anonymous").get("/forward-plan/").content.decode()
    assert "/workspace/" not in public
