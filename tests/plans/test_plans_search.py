"""The forward plan and decision records in search and the sitemap: a visitor who searches for a
matter on the plan, or a decision, finds it with a link to its page; a draft is found only by
clerks; a private entry's documents are not found by the public; a change made through the
service shows on the (cached) search page; a search engine finds the pages in /sitemap.xml."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.test import Client

from meetings import plans, search_index
from meetings.demo_plans import MARKER
from meetings.models import Committee, DecisionRecord, Passage, PlanEntry
from meetings.search import search
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DRAFT = "Demonstration: school admissions policy for next year (draft, clerks only)"
PRIVATE = "Demonstration: sale of the former Radford Yard depot"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def results(client: Client, words: str, **filters) -> tuple[str, list[tuple[str, str]]]:
    """The page's count line and its results as (heading, link)."""
    response = client.get("/search/", {"q": words, **filters})
    assert response.status_code == 200
    html = response.content.decode()
    count = re.search(r'<p class="count"[^>]*>(.*?)</p>', html, re.S).group(1)
    hits = re.findall(
        r'<h3 class="govuk-heading-s result-title"><a class="govuk-link" href="([^"]+)">(.*?)</a>',
        html,
        re.S,
    )
    return count, [(re.sub(r"<[^>]+>", "", title), url) for url, title in hits]


@pytest.fixture
def page_cache(settings):
    """The public's page cache on, as it is in production."""
    settings.PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def clerk_client(clerk) -> Client:
    client = Client()
    sign_in(client, clerk)
    return client


def test_the_public_finds_a_published_plan_entry_by_its_matter_with_a_link_to_it(client):
    entry = PlanEntry.objects.get(matter=MARKER)
    _, hits = results(client, "community equipment service contract")
    assert ("Forward plan: " + MARKER, f"/forward-plan/{entry.pk}/") in hits
    page = text(client.get("/search/", {"q": "community equipment service contract"}))
    assert "Forward plan, Cabinet, expected" in page
    assert client.get(f"/forward-plan/{entry.pk}/").status_code == 200
    # Its description and documents are found too (a public entry's documents are public).
    _, hits = results(client, "equality impact assessment")
    assert any(url == f"/forward-plan/{entry.pk}/" for _, url in hits)


def test_a_draft_plan_entry_is_found_by_clerks_only(client, member, clerk_client):
    entry = PlanEntry.objects.get(matter=DRAFT)
    link = f"/forward-plan/{entry.pk}/"
    assert link not in [url for _, url in results(client, "school admissions policy")[1]]
    assert link not in [h.url for h in search(user=member, query="school admissions policy").hits]
    _, hits = results(clerk_client, "school admissions policy")
    assert ("Forward plan: " + DRAFT, f"/forward-plan/{entry.pk}/") in hits


def test_the_public_does_not_find_a_private_entry_by_its_documents(client, member):
    entry = PlanEntry.objects.get(matter=PRIVATE)
    # The matter and the reason for privacy are public; the documents are not.
    _, hits = results(client, "Radford Yard depot")
    assert ("Forward plan: " + PRIVATE, f"/forward-plan/{entry.pk}/") in hits
    _, hits = results(client, "commercially confidential bids")
    assert any(url == f"/forward-plan/{entry.pk}/" for _, url in hits)
    for words in ('"schedule of bids"', '"valuation report"', "valuation"):
        count, hits = results(client, words)
        assert not any(url == f"/forward-plan/{entry.pk}/" for _, url in hits), count
    # A member reads the documents, and finds them.
    found = search(user=member, query="valuation report schedule of bids")
    assert any(hit.url == f"/forward-plan/{entry.pk}/" for hit in found.hits)


def test_a_private_entry_made_so_without_a_signal_does_not_show_its_documents(client):
    """update() sends no signal; the search still keeps the documents from the public."""
    entry = PlanEntry.objects.get(matter=MARKER)
    PlanEntry.objects.filter(pk=entry.pk).update(
        part="private", exemption_paragraph=3, private_reason="Commercial terms."
    )
    _, hits = results(client, "equality impact assessment")
    assert not any(url == f"/forward-plan/{entry.pk}/" for _, url in hits)
    # The search queued the entry; once reindexed the public still finds its matter.
    _, hits = results(client, "community equipment service contract")
    assert any(url == f"/forward-plan/{entry.pk}/" for _, url in hits)
    assert not Passage.objects.filter(
        plan_entry=entry, audience_min=0, body__icontains="impact assessment"
    ).exists()


def test_a_decision_record_is_found_with_a_link_to_it(client):
    record = DecisionRecord.objects.filter(published_at__isnull=False).order_by("pk").first()
    words = " ".join(record.title.split(": ", 1)[-1].split()[:3])
    _, hits = results(client, words)
    assert ("Decision record: " + record.title, f"/decisions/records/{record.pk}/") in hits
    # Its reasons and the alternatives rejected are found too.
    found = search(user=AnonymousUser(), query="while the new contract is procured")
    assert any(hit.url == f"/decisions/records/{record.pk}/" for hit in found.hits)
    found = search(user=AnonymousUser(), query=record.alternatives_rejected)
    assert any(hit.url == f"/decisions/records/{record.pk}/" for hit in found.hits)


def test_a_draft_decision_record_is_found_by_clerks_only(client, clerk, clerk_client):
    record = plans.decision_record_create(
        by=clerk,
        title="Demonstration: heronry survey grant",
        decision_maker="Cabinet Member for Parks",
        decided_on=dt.date(2026, 11, 2),
        decision="A grant for the heronry survey.",
        reasons="The herons nest early.",
    )
    found = ("Decision record: " + record.title, f"/decisions/records/{record.pk}/")
    assert found not in results(client, '"heronry survey"')[1]
    assert found in results(clerk_client, '"heronry survey"')[1]
    plans.decision_record_publish(record=record, by=clerk)
    assert found in results(client, '"heronry survey"')[1]


def test_a_change_through_the_service_shows_on_the_cached_search_page(page_cache, client, clerk):
    entry = PlanEntry.objects.get(matter=MARKER)
    first = client.get("/search/", {"q": "community equipment"})
    again = client.get("/search/", {"q": "community equipment"})
    assert again["X-Page-Cache"] == "hit"
    assert MARKER in text(first)
    assert results(client, "wheelchair loans")[1] == []
    plans.plan_entry_update(
        entry=entry,
        by=clerk,
        matter="Demonstration: community equipment and wheelchair loans contract",
        note="Wheelchair loans added",
    )
    page = text(client.get("/search/", {"q": "community equipment"}))
    assert "community equipment and wheelchair loans contract" in page
    assert MARKER not in page
    _, hits = results(client, "wheelchair loans")
    assert hits == [
        (
            "Forward plan: Demonstration: community equipment and wheelchair loans contract",
            f"/forward-plan/{entry.pk}/",
        )
    ]


def test_a_plan_entry_is_found_once_published(client, clerk):
    entry = PlanEntry.objects.get(matter=DRAFT)
    plans.plan_entry_publish(entry=entry, by=clerk)
    _, hits = results(client, "school admissions policy")
    assert ("Forward plan: " + DRAFT, f"/forward-plan/{entry.pk}/") in hits


def test_the_committee_and_date_filters_still_work(client):
    board = Committee.objects.get(slug="health-and-well-being-board")
    bcf = PlanEntry.objects.get(matter="Demonstration: Better Care Fund plan")
    entry = PlanEntry.objects.get(matter=MARKER)
    # A committee's plan entry carries its committee; one of Cabinet is left out.
    _, hits = results(client, "Better Care Fund plan", committee=board.slug, kind="plan_entry")
    assert [url for _, url in hits] == [f"/forward-plan/{bcf.pk}/"]
    _, hits = results(client, "community equipment", committee=board.slug)
    assert not any(url == f"/forward-plan/{entry.pk}/" for _, url in hits)
    # The date is the expected decision date.
    day = entry.expected_date.isoformat()
    _, hits = results(client, "community equipment", date_from=day, date_to=day)
    assert [url for _, url in hits] == [f"/forward-plan/{entry.pk}/"]
    later = (entry.expected_date + dt.timedelta(days=1)).isoformat()
    assert results(client, "community equipment", date_from=later)[1] == []
    # Looking only in minutes leaves the forward plan out.
    _, hits = results(client, "community equipment", kind="minute")
    assert not any(url.startswith("/forward-plan/") for _, url in hits)


def test_the_index_is_rebuilt_with_the_plan_and_records_and_twice_changes_nothing():
    before = sorted(Passage.objects.filter(meeting__isnull=True).values_list("digest", flat=True))
    assert before
    Passage.objects.filter(meeting__isnull=True).delete()
    search_index.rebuild()
    after = sorted(Passage.objects.filter(meeting__isnull=True).values_list("digest", flat=True))
    assert after == before
    again = search_index.rebuild()
    assert (again.created, again.deleted) == (0, 0)


def test_the_sitemap_lists_the_plan_records_and_registers_but_no_drafts(client):
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {u.find(f"{SITEMAP}loc").text for u in sitemap.findall(f"{SITEMAP}url")}
    base = "http://testserver"
    for path in (
        "/forward-plan/",
        "/forward-plan/notices/",
        "/decisions/records/",
        "/decisions/register/",
        "/interests/",
    ):
        assert base + path in locations
    for entry in PlanEntry.objects.all():
        listed = f"{base}/forward-plan/{entry.pk}/" in locations
        assert listed == (entry.published_at is not None), entry.matter
    assert PlanEntry.objects.filter(published_at__isnull=True).exists()
    for record in DecisionRecord.objects.all():
        listed = f"{base}/decisions/records/{record.pk}/" in locations
        assert listed == (record.published_at is not None), record.title
    assert any(
        loc.startswith(base + "/interests/") and loc != base + "/interests/" for loc in locations
    )
    for location in locations:
        if "/forward-plan/" in location or "/decisions/" in location or "/interests/" in location:
            assert client.get(location.removeprefix(base)).status_code == 200, location


def test_a_saved_search_tells_of_a_new_decision_record(client, clerk):
    """A saved search's e-mail names a new decision record (no meeting) and links to its page."""
    from django.core.management import call_command

    from tests.alerts.test_alerts import VISITOR, body_of, follow_and_confirm, to

    follow_and_confirm(client, q="heronry survey")
    record = plans.decision_record_create(
        by=clerk,
        title="Demonstration: heronry survey grant",
        decision_maker="Cabinet Member for Parks",
        decided_on=dt.date(2026, 11, 2),
        decision="A grant for the heronry survey.",
        reasons="The herons nest early.",
    )
    plans.decision_record_publish(record=record, by=clerk)
    call_command("send_alert_digests", "--searches-only", "--base-url", "http://testserver")
    [alert] = to(VISITOR)[1:]
    assert "heronry survey grant" in alert.subject
    assert f"http://testserver/decisions/records/{record.pk}/" in body_of(alert)


def test_a_plan_entry_or_record_changed_by_queryset_update_is_found_by_its_new_words(
    client, page_cache
):
    """Written without a save (``QuerySet.update()``, as a data fix or a script would): search
    and the cached search page follow it all the same."""
    entry = PlanEntry.objects.get(matter=MARKER)
    record = DecisionRecord.objects.filter(published_at__isnull=False).first()
    assert results(client, "zanderwick")[1] == []
    assert results(client, "quorrelby")[1] == []
    PlanEntry.objects.filter(pk=entry.pk).update(matter="Zanderwick community equipment")
    DecisionRecord.objects.filter(pk=record.pk).update(title="Quorrelby depot decision")
    assert ("Forward plan: Zanderwick community equipment", f"/forward-plan/{entry.pk}/") in (
        results(client, "zanderwick")[1]
    )
    assert any(url.endswith(f"/{record.pk}/") for _, url in results(client, "quorrelby")[1])
    titles = [title for title, _ in results(client, "community equipment service contract")[1]]
    assert "Forward plan: " + MARKER not in titles  # its old matter is gone from the index
