"""The JSON API of the forward plan, notices and decision records: what the caller may see,
filtered like the pages, described in the OpenAPI document."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from meetings.demo_plans import MARKER
from meetings.models import DecisionRecord, PlanEntry

pytestmark = pytest.mark.django_db


def test_the_openapi_document_describes_the_plan_endpoints_and_stays_valid(client):
    spec = client.get("/api/openapi.json").json()
    validate(spec)
    for path in ("/api/forward-plan/", "/api/notices/", "/api/decision-records/{id}/"):
        assert path in spec["paths"]
    assert "DecisionRecord" in spec["components"]["schemas"]


def test_the_plan_list_holds_published_entries_only_for_the_public(client, client_as):
    public = client.get("/api/forward-plan/?page_size=200").json()
    matters = [e["matter"] for e in public["results"]]
    assert MARKER in matters
    assert not any("draft, clerks only" in m for m in matters)
    clerk = client_as("clerk").get("/api/forward-plan/?page_size=200").json()
    assert any("draft, clerks only" in e["matter"] for e in clerk["results"])


def test_an_entry_in_the_api_has_its_history_and_where_it_went(client):
    went = PlanEntry.objects.get(matter__contains="Better Care Fund plan")
    data = client.get(f"/api/forward-plan/{went.pk}/").json()
    assert data["agenda_item"]["number"] == "4"
    assert data["agenda_item"]["title"] == "Better Care Fund Update"
    assert data["history"][0]["note"] == "First published"
    assert data["notice"] == "28 clear days"


def test_a_private_entrys_documents_are_withheld_from_the_public_in_the_api(client, client_as):
    private = PlanEntry.objects.get(matter__contains="Radford Yard")
    public = client.get(f"/api/forward-plan/{private.pk}/").json()
    assert public["private"] is True
    assert public["exemption_paragraph"] == 3
    assert "commercially confidential" in public["private_reason"]
    assert public["documents"] is None
    member = client_as("member").get(f"/api/forward-plan/{private.pk}/").json()
    assert member["documents"] == ["Valuation report (exempt)", "Schedule of bids (exempt)"]


def test_records_are_filtered_like_the_page_and_show_their_state(client):
    data = client.get("/api/decision-records/", {"ward": "earlsdon"}).json()
    states = {r["title"]: r["state"] for r in data["results"]}
    assert states == {
        "Demonstration: closure of the Earlsdon day centre": "called_in",
        "Demonstration: community meals contract extension": "subject_to_call_in",
    }
    called = DecisionRecord.objects.get(title__contains="Earlsdon day centre")
    detail = client.get(f"/api/decision-records/{called.pk}/").json()
    assert detail["call_in_meeting"]["name"].startswith("Health and Social Care Scrutiny Board")


def test_a_bad_filter_gets_a_400_that_names_it(client):
    response = client.get("/api/decision-records/", {"date_from": "yesterday"})
    assert response.status_code == 400
    assert "date_from" in response.json()["fields"]


def test_a_draft_record_is_not_found_by_the_public(client):
    draft = DecisionRecord.objects.get(published_at__isnull=True)
    assert client.get(f"/api/decision-records/{draft.pk}/").status_code == 404


def test_notices_list_both_kinds(client):
    kinds = {n["kind"] for n in client.get("/api/notices/").json()["results"]}
    assert kinds == {"general_exception", "special_urgency"}
