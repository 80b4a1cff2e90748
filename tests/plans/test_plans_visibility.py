"""Who sees what of the forward plan and decision records, decided by meetings.visibility:
published rows for everyone, drafts for clerks only; a private entry's paragraph and reason for
everyone, its documents for members and clerks only, on every surface."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings import plans, visibility
from meetings.models import DecisionRecord, Notice, PlanEntry

pytestmark = pytest.mark.django_db

SECRET_DOCUMENT = "Heads of terms for the Cheylesmore site"


@pytest.fixture
def private_entry(clerk) -> PlanEntry:
    entry = plans.plan_entry_create(
        by=clerk,
        matter="Disposal of the Cheylesmore site",
        decision_maker="Cabinet",
        expected_date=timezone.localdate() + dt.timedelta(days=40),
        part="private",
        exemption_paragraph=3,
        private_reason="Bidders' commercial terms would be revealed.",
        documents=SECRET_DOCUMENT,
    )
    return plans.plan_entry_publish(entry=entry, by=clerk)


@pytest.fixture
def draft_entry(clerk) -> PlanEntry:
    return plans.plan_entry_create(
        by=clerk,
        matter="Draft matter zebra-crossing",
        decision_maker="Cabinet",
        expected_date=timezone.localdate() + dt.timedelta(days=40),
    )


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_a_private_entrys_reason_is_public_and_its_documents_are_for_members(
    role, private_entry, client_as
):
    page = client_as(role).get(private_entry.get_absolute_url()).content.decode()
    assert "Schedule 12A paragraph 3" in page
    assert "Bidders&#x27; commercial terms would be revealed." in page
    if role == "anonymous":
        assert SECRET_DOCUMENT not in page
        assert "Exempt: available to members of the council only" in page
    else:
        assert SECRET_DOCUMENT in page


def test_a_private_entrys_documents_never_reach_the_public_feeds_or_api(private_entry, client):
    for url in (
        "/forward-plan/",
        "/forward-plan/calendar.ics",
        "/feeds/forward-plan/",
        "/api/forward-plan/?page_size=200",
        f"/api/forward-plan/{private_entry.pk}/",
    ):
        body = client.get(url).content.decode()
        assert SECRET_DOCUMENT not in body, url
    assert "Cheylesmore" in client.get("/forward-plan/calendar.ics").content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 404), ("member", 404), ("clerk", 200), ("admin", 200)]
)
def test_a_draft_entry_is_for_clerks_only(role, status, draft_entry, client_as):
    client = client_as(role)
    assert client.get(draft_entry.get_absolute_url()).status_code == status
    listed = "zebra-crossing" in client.get("/forward-plan/").content.decode()
    assert listed == (status == 200)


def test_draft_entries_never_reach_the_feeds(draft_entry, client):
    for url in ("/forward-plan/calendar.ics", "/feeds/forward-plan/", "/api/forward-plan/"):
        assert "zebra-crossing" not in client.get(url).content.decode(), url


def test_a_draft_notice_is_not_listed_until_published(private_entry, clerk, client):
    notice = plans.notice_create(
        entry=private_entry,
        kind=Notice.Kind.SPECIAL_URGENCY,
        reasons="Unicorn-urgent reasons",
        scrutiny_chair="Councillor Chair",
        chair_at=timezone.now(),
        by=clerk,
    )
    assert "Unicorn-urgent" not in client.get("/forward-plan/notices/").content.decode()
    plans.notice_publish(notice=notice, by=clerk)
    assert "Unicorn-urgent" in client.get("/forward-plan/notices/").content.decode()


@pytest.mark.parametrize("audience", visibility.AUDIENCES)
def test_the_rule_for_each_audience_matches_what_is_published(audience, draft_entry):
    entries = set(PlanEntry.objects.filter(visibility.plan_entry_q(audience)))
    records = set(DecisionRecord.objects.filter(visibility.decision_record_q(audience)))
    if audience >= visibility.CLERKS:
        assert entries == set(PlanEntry.objects.all())
        assert records == set(DecisionRecord.objects.all())
    else:
        assert entries == set(PlanEntry.objects.exclude(published_at=None))
        assert records == set(DecisionRecord.objects.exclude(published_at=None))
        assert draft_entry not in entries


def test_the_documents_predicate_follows_the_part(private_entry):
    assert not visibility.plan_entry_shows_documents(private_entry, visibility.PUBLIC)
    assert visibility.plan_entry_shows_documents(private_entry, visibility.MEMBERS)
    private_entry.part = "public"
    assert visibility.plan_entry_shows_documents(private_entry, visibility.PUBLIC)


def test_a_draft_record_reaches_no_one_but_clerks(client_as):
    draft = DecisionRecord.objects.get(published_at__isnull=True)
    for role, status in (("anonymous", 404), ("member", 404), ("clerk", 200)):
        assert client_as(role).get(draft.get_absolute_url()).status_code == status
    for url in ("/decisions/records/", "/decisions/register/", "/feeds/decision-records/"):
        assert draft.title not in client_as("member").get(url).content.decode(), url


def test_where_an_entry_went_is_hidden_while_its_meeting_is_a_draft(
    private_entry, clerk, client_as
):
    from meetings.models import Meeting

    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    item = draft.agenda_items.filter(parent=None).first()
    plans.plan_entry_link_item(entry=private_entry, item=item, by=clerk)
    for role, seen in (("anonymous", False), ("member", False), ("clerk", True)):
        client = client_as(role)
        detail = client.get(private_entry.get_absolute_url()).content.decode()
        listing = client.get("/forward-plan/").content.decode()
        api = client.get(f"/api/forward-plan/{private_entry.pk}/").json()
        assert (draft.get_absolute_url() in detail) == seen, role
        assert (draft.get_absolute_url() in listing) == seen, role
        assert (api["agenda_item"] is not None) == seen, role
