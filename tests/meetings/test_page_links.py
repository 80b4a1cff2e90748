"""What the meeting, minutes, decisions and document pages show of the forward plan, the recorded
votes, the registers and where a paper sits: each as a reader opening the page sees it."""

import re

import pytest

from meetings.models import PlanEntry, RecordedVote
from reports.models import Report

pytestmark = pytest.mark.django_db
JULY = "/meetings/2014-07-07-health-and-well-being-board/"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("role", ["anonymous", "member", "clerk"])
def test_the_meeting_page_links_each_item_to_its_forward_plan_entry(role, client_as, seed_meeting):
    entry = PlanEntry.objects.get(agenda_item__meeting=seed_meeting, published_at__isnull=False)
    html = client_as(role).get(seed_meeting.get_absolute_url()).content.decode()
    link = (
        f'Forward plan: <a class="govuk-link" href="{entry.get_absolute_url()}">{entry.matter}</a>'
    )
    assert html.count(link) == 1
    # Under its own item: after the item's heading, before the next item's.
    item = html[html.index(f'id="item-{entry.agenda_item.stamp_number}"') :]
    assert link in item[: item.find('id="item-', 1)]


def test_a_draft_plan_entry_is_not_shown_to_the_public(client_as, seed_meeting):
    entry = PlanEntry.objects.get(agenda_item__meeting=seed_meeting, published_at__isnull=False)
    PlanEntry.objects.filter(pk=entry.pk).update(published_at=None)
    assert (
        "Forward plan:"
        not in client_as("anonymous").get(seed_meeting.get_absolute_url()).content.decode()
    )
    assert entry.matter in client_as("clerk").get(seed_meeting.get_absolute_url()).content.decode()


def test_the_minutes_show_the_recorded_vote_under_its_resolution(client_as):
    vote = RecordedVote.objects.get(
        resolution__minute_item__minutes__meeting__slug=JULY.split("/")[2]
    )
    html = client_as("anonymous").get(f"{JULY}minutes/").content.decode()
    resolution = html[html.index(f'id="resolution-{vote.resolution_id}"') :]
    end = resolution.index("</li>", resolution.index('class="recorded-vote"'))
    shown = text(resolution[resolution.index(">") + 1 : end])
    assert shown.startswith(f"({vote.resolution.number}) {vote.resolution.text}")
    counts = vote.counts()
    assert "Carried" in shown and f"For ({counts['for']})" in shown
    assert f"Against ({counts['against']})" in shown and f"Abstained ({counts['abstain']})" in shown
    for person in vote.names()["for"]:
        assert f'href="/people/{person.slug}/">{person.display_name}</a>' in resolution


def test_the_decisions_page_links_to_the_registers(client):
    html = client.get("/decisions/").content.decode()
    assert 'href="/decisions/register/">register of decisions</a>' in html
    assert 'href="/decisions/records/">records of executive decisions</a>' in html
    assert client.get("/decisions/register/").status_code == 200
    assert client.get("/decisions/records/").status_code == 200


def test_a_document_page_has_breadcrumbs_back_to_its_meeting(client, seed_meeting):
    report = Report.objects.filter(agenda_item__meeting=seed_meeting).first()
    html = client.get(f"/documents/{report.pk}/").content.decode()
    crumbs = re.search(
        r'<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html, re.S
    )
    assert crumbs is not None and 'class="breadcrumb"' not in html
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', crumbs.group(1)) == [
        ("/", "Home"),
        ("/committees/", "Committees"),
        (f"/committees/{seed_meeting.committee.slug}/", seed_meeting.committee.name),
        (seed_meeting.get_absolute_url(), "22 September 2014"),
    ]
