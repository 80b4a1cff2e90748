"""Recorded votes: by name or by totals, with the outcome, recorded by the clerk, read by the
public on the votes page, a person's page and the API (as Open Civic Data vote events), and
never ahead of the minutes they belong to."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from meetings import votes
from meetings.demo_plans import DEMO_VOTE_MOTION
from meetings.models import AuditEntry, Minutes, Person, RecordedVote, Resolution

pytestmark = pytest.mark.django_db
JULY = "2014-07-07-health-and-well-being-board"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def resolution() -> Resolution:
    return (
        Resolution.objects.filter(minute_item__minutes__meeting__slug=JULY)
        .order_by("minute_item__position", "position")
        .last()
    )


def test_the_demo_vote_shows_who_voted_each_way(client):
    vote = RecordedVote.objects.get(motion=DEMO_VOTE_MOTION)
    against = vote.casts.get(option="against").person
    page = text(client.get("/decisions/votes/"))
    assert "Carried" in page
    assert f"Against (1) {against.display_name}" in page
    assert "Made up for the demonstration" in page


def test_a_clerk_records_a_vote_by_name_and_the_public_reads_it(resolution, client_as):
    clerk = client_as("clerk")
    page = clerk.get(f"/workspace/resolutions/{resolution.pk}/vote/")
    assert page.status_code == 200
    people = list(
        Person.objects.filter(
            attendance__minutes__meeting__slug=JULY, attendance__group="board_member"
        )
        .distinct()
        .order_by("surname", "pk")
    )
    first, second = people[0], people[1]
    data = {"outcome": "lost", "names_recorded": "yes", f"person_{first.pk}": "for"}
    data[f"person_{second.pk}"] = "against"
    response = clerk.post(f"/workspace/resolutions/{resolution.pk}/vote/", data)
    assert response.status_code == 302
    vote = RecordedVote.objects.get(resolution=resolution, outcome="lost")
    assert AuditEntry.objects.filter(action="vote_record", object_id=str(vote.pk)).exists()
    person_page = text(client_as("anonymous").get(f"/people/{second.slug}/votes/"))
    assert "Against" in person_page and "Lost" in person_page
    api = client_as("anonymous").get("/api/votes/", {"person": first.slug}).json()
    event = next(e for e in api["results"] if e["id"] == vote.pk)
    assert event["_type"] == "vote_event"
    assert event["result"] == "fail"
    assert {"option": "yes", "value": 1} in event["counts"]
    assert {"option": "no", "value": 1} in event["counts"]
    assert [v["voter_id"] for v in event["votes"] if v["option"] == "yes"] == [first.slug]


def test_totals_only_need_all_three_numbers(resolution, client_as):
    clerk = client_as("clerk")
    response = clerk.post(
        f"/workspace/resolutions/{resolution.pk}/vote/",
        {"outcome": "carried", "names_recorded": "no", "for_count": "9"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Enter the total against" in page
    assert not RecordedVote.objects.filter(resolution=resolution).exists()
    clerk.post(
        f"/workspace/resolutions/{resolution.pk}/vote/",
        {
            "outcome": "carried",
            "names_recorded": "no",
            "for_count": "9",
            "against_count": "2",
            "abstain_count": "1",
        },
    )
    page = text(client_as("anonymous").get("/decisions/votes/"))
    assert "For (9) Names not recorded" in page


def test_a_budget_vote_must_be_by_name(resolution, clerk):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="budget vote records each member"):
        votes.vote_record(
            resolution=resolution,
            by=clerk,
            outcome="carried",
            is_budget_vote=True,
            totals=(5, 1, 0),
        )
    assert not RecordedVote.objects.filter(resolution=resolution).exists()


def test_a_vote_in_unpublished_minutes_is_for_clerks_only(resolution, clerk, client_as):
    vote = votes.vote_record(resolution=resolution, by=clerk, outcome="carried", totals=(7, 0, 0))
    Minutes.objects.filter(meeting__slug=JULY).update(is_published=False)
    for role, seen in (("anonymous", False), ("member", False), ("clerk", True)):
        ids = [e["id"] for e in client_as(role).get("/api/votes/").json()["results"]]
        assert (vote.pk in ids) == seen, role


def test_the_openapi_document_describes_vote_events(client):
    spec = client.get("/api/openapi.json").json()
    validate(spec)
    assert "/api/votes/" in spec["paths"]
