"""The read-only JSON API: shaped as Open Civic Data events, paginated, filtered like the pages,
described by a valid OpenAPI document, and holding only what the caller may see."""

import pytest
from openapi_spec_validator import validate

from meetings.models import Meeting

pytestmark = pytest.mark.django_db
SEED = "2014-09-22-health-and-well-being-board"


def test_the_openapi_document_is_valid_and_names_every_endpoint(client):
    spec = client.get("/api/openapi.json").json()
    validate(spec)
    assert set(spec["paths"]) == {
        "/api/committees/", "/api/committees/{id}/", "/api/meetings/", "/api/meetings/{id}/",
        "/api/people/", "/api/people/{id}/", "/api/decisions/",
        "/api/forward-plan/", "/api/forward-plan/{id}/", "/api/notices/",
        "/api/decision-records/", "/api/decision-records/{id}/", "/api/votes/",
        "/api/interests/", "/api/interests/{id}/",
    }  # fmt: skip


def test_the_seed_meeting_reads_as_an_ocd_event_with_its_agenda_and_documents(client):
    event = client.get(f"/api/meetings/{SEED}/").json()
    assert event["_type"] == "event"
    assert event["classification"] == "committee-meeting"
    assert event["name"] == "Coventry Health and Well-being Board meeting"
    assert event["start_date"] == "2014-09-22T14:00:00+01:00"
    assert event["status"] == "passed"
    assert event["location"]["name"] == "Diamond Room 2 - Council House"
    assert event["participants"][0]["entity_name"] == "Coventry Health and Well-being Board"
    agenda = {a["order"]: a for a in event["agenda"]}
    assert agenda["3a"]["description"] == (
        "To agree the minutes of the meeting held on 7th July, 2014"
    )
    assert agenda["3a"]["extras"]["sub_item_of"] == "3"
    assert agenda["4"]["extras"]["bullet_points"][0] == "Progress Update"
    assert [m["note"] for m in agenda["4"]["media"]] == [
        "Better Care Fund (BCF) – Coventry Resubmission",
        "Appendix One – Better Care Projects",
        "Appendix Two – Better Care Fund Governance Structure (proposed)",
    ]
    pdf = agenda["4"]["media"][0]["links"][0]
    assert pdf["media_type"] == "application/pdf"
    assert client.get(pdf["url"]).status_code == 200
    assert sum(m["extras"]["pages"] for m in agenda["6"]["media"]) == 74
    assert event["extras"]["contact_officer"]["email"] == "liz.knight@coventry.gov.uk"


def test_meetings_are_paginated_and_filtered_like_the_pages(client):
    first = client.get("/api/meetings/?page_size=5").json()
    assert first["count"] == Meeting.objects.published().count()
    assert len(first["results"]) == 5 and first["previous"] is None
    second = client.get(first["next"].replace("http://testserver", "")).json()
    assert second["previous"] and {m["id"] for m in second["results"]}.isdisjoint(
        {m["id"] for m in first["results"]}
    )
    september = client.get("/api/meetings/?date_from=2014-09-01&date_to=2014-09-30").json()
    assert [m["id"] for m in september["results"]] == [SEED]
    scrutiny = client.get("/api/meetings/?committee=health-and-social-care-scrutiny-board").json()
    assert {m["participants"][0]["entity_id"] for m in scrutiny["results"]} == {
        "health-and-social-care-scrutiny-board"
    }


@pytest.mark.parametrize(
    ("query", "status"),
    [("?date_from=tomorrow", 400), ("?committee=nope", 400), ("?page=99", 404),
     ("?page=x", 400), ("?page_size=0", 400)],
)  # fmt: skip
def test_bad_api_input_gets_a_clear_json_error(client, query, status):
    response = client.get("/api/meetings/" + query)
    assert response.status_code == status
    assert response.json()["error"]


def test_committee_people_and_decisions(client):
    board = client.get("/api/committees/health-and-well-being-board/").json()
    assert len(board["memberships"]) == 19
    chair = [m for m in board["memberships"] if m["role"] == "Chair"]
    assert chair[0]["person"]["name"] == "Councillor Gingell"
    person = client.get(chair[0]["person"]["url"].replace("http://testserver", "")).json()
    assert person["surname"] == "Gingell"
    decisions = client.get("/api/decisions/?committee=health-and-well-being-board").json()
    assert decisions["count"] == 8
    assert decisions["results"][0]["html_url"].startswith(
        "http://testserver/meetings/2014-07-07-health-and-well-being-board/minutes/#minute-"
    )


def test_drafts_are_not_in_the_api_for_the_public(client, client_as):
    draft = Meeting.objects.get(status="draft")
    assert client.get(f"/api/meetings/{draft.slug}/").status_code == 404
    ids = {m["id"] for m in client.get("/api/meetings/?page_size=200").json()["results"]}
    assert draft.slug not in ids
    clerk_ids = {
        m["id"] for m in client_as("clerk").get("/api/meetings/?page_size=200").json()["results"]
    }
    assert draft.slug in clerk_ids
