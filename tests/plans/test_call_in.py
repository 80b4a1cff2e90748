"""A decision record through call-in, as the clerk does it in the workspace and as the public
reads it: subject to call-in, called in (with the scrutiny meeting), effective."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from meetings import plans
from meetings.formats import long_date
from meetings.models import AuditEntry, DecisionRecord, Meeting

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


@pytest.fixture
def record(clerk) -> DecisionRecord:
    return plans.decision_record_create(
        by=clerk,
        title="Closure of the Lower Ford Street car park",
        decision_maker="Cabinet Member for City Services",
        decided_on=timezone.localdate(),
        decision="To close the car park.",
        reasons="It is little used.",
    )


@pytest.fixture
def scrutiny_meeting() -> Meeting:
    return (
        Meeting.objects.filter(committee__slug="health-and-social-care-scrutiny-board")
        .exclude(status=Meeting.Status.DRAFT)
        .order_by("-start")
        .first()
    )


def test_a_record_goes_through_call_in_to_effective(record, client_as, scrutiny_meeting):
    clerk, public = client_as("clerk"), client_as("anonymous")
    assert public.get(record.get_absolute_url()).status_code == 404

    response = clerk.post(f"/workspace/decision-records/{record.pk}/publish/", follow=True)
    effective = plans.takes_effect_on(timezone.localdate())
    assert f"takes effect on {long_date(effective)}" in text(response)
    page = text(public.get(record.get_absolute_url()))
    assert "Subject to call-in" in page
    assert f"it takes effect on {long_date(effective)}" in page

    response = clerk.post(
        f"/workspace/decision-records/{record.pk}/call-in/",
        {
            "called_in_by": "Councillors Bigham and Clifford",
            **_date("called_in_on", timezone.localdate()),
            "meeting": scrutiny_meeting.pk,
        },
    )
    assert response.status_code == 302
    page = text(public.get(record.get_absolute_url()))
    assert "Called in" in page
    assert "Councillors Bigham and Clifford" in page
    assert "Health and Social Care Scrutiny Board" in page
    assert "Subject to call-in" not in page

    response = clerk.post(
        f"/workspace/decision-records/{record.pk}/effective/",
        {
            "outcome": "The scrutiny board made no recommendation.",
            **_date("effective_on", timezone.localdate()),
        },
    )
    assert response.status_code == 302
    page = text(public.get(record.get_absolute_url()))
    assert "Effective" in page
    assert f"took effect on {long_date(timezone.localdate())}" in page
    assert "The scrutiny board made no recommendation." in page
    actions = set(
        AuditEntry.objects.filter(
            object_type="decisionrecord", object_id=str(record.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {
        "decision_record_create",
        "decision_record_publish",
        "decision_record_call_in",
        "decision_record_effective",
    }


def test_the_decisions_list_shows_the_state_the_public_would_see(record, clerk, client):
    plans.decision_record_publish(record=record, by=clerk)
    page = text(client.get("/decisions/records/"))
    assert "Closure of the Lower Ford Street car park" in page
    row = page.split("Closure of the Lower Ford Street car park", 1)[1][:200]
    assert "Subject to call-in" in row


def test_once_its_day_has_passed_a_record_is_effective_without_anything_run(record, clerk, client):
    plans.decision_record_publish(record=record, by=clerk)
    DecisionRecord.objects.filter(pk=record.pk).update(
        takes_effect_on=timezone.localdate() - dt.timedelta(days=1)
    )
    page = text(client.get(record.get_absolute_url()))
    assert "Effective" in page and "Subject to call-in" not in page


def test_calling_in_after_the_period_is_refused_and_changes_nothing(
    record, clerk, client_as, scrutiny_meeting
):
    plans.decision_record_publish(record=record, by=clerk)
    ended = timezone.localdate() - dt.timedelta(days=1)
    DecisionRecord.objects.filter(pk=record.pk).update(takes_effect_on=ended)
    response = client_as("clerk").post(
        f"/workspace/decision-records/{record.pk}/call-in/",
        {
            "called_in_by": "Councillor Late",
            **_date("called_in_on", timezone.localdate()),
            "meeting": scrutiny_meeting.pk,
        },
    )
    assert response.status_code == 400
    assert f"The call-in period ended: the decision took effect on {long_date(ended)}." in text(
        response
    )
    record.refresh_from_db()
    assert record.called_in_on is None


def test_a_call_in_without_who_or_meeting_shows_the_error_summary(record, clerk, client_as):
    plans.decision_record_publish(record=record, by=clerk)
    response = client_as("clerk").post(
        f"/workspace/decision-records/{record.pk}/call-in/",
        {"called_in_by": "", **_date("called_in_on", timezone.localdate())},
    )
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "This field is required." in page
    record.refresh_from_db()
    assert record.called_in_on is None


def test_scrutinys_outcome_is_refused_for_a_record_not_called_in(record, clerk, client_as):
    plans.decision_record_publish(record=record, by=clerk)
    response = client_as("clerk").post(
        f"/workspace/decision-records/{record.pk}/effective/",
        {"outcome": "None", **_date("effective_on", timezone.localdate())},
    )
    assert response.status_code == 400
    assert "Only a called-in decision waits for scrutiny" in text(response)
    record.refresh_from_db()
    assert record.effective_recorded_on is None


def test_a_decision_without_call_in_is_effective_when_published(clerk, client):
    record = plans.decision_record_create(
        by=clerk,
        title="Appointment of an interim head of libraries",
        decision_maker="Chief Executive",
        decision_maker_kind="officer",
        decided_on=timezone.localdate(),
        decision="To appoint.",
        reasons="The post is vacant.",
        call_in_applies=False,
    )
    plans.decision_record_publish(record=record, by=clerk)
    page = text(client.get(record.get_absolute_url()))
    assert "Effective" in page and "call-in did not apply" in page


def test_a_published_record_cannot_be_changed(record, clerk, client_as):
    plans.decision_record_publish(record=record, by=clerk)
    page = text(client_as("clerk").get(f"/workspace/decision-records/{record.pk}/"))
    assert "Change the draft" not in page
    assert "Record a call-in" in page
