# ruff: noqa: F811  (page_cache is a fixture of tests/hardening/test_cache.py)
"""A change of words alone (an item's title or description edited, nobody's access changed)
leaves the home page in the cache and lets a search page that does not show the edited meeting
lag the new words for PAGE_CACHE_NEW_WORDS_SECONDS; every other page, every search page showing
that meeting, and every page after any other change, is the page the database gives now
(boardpapers/cache.py, WORDS)."""

from __future__ import annotations

import random
import re

import pytest
from django.test import Client, override_settings

from meetings.models import AgendaItem, Meeting, Part
from meetings.publishing import report_withdraw
from meetings.services import agenda_item_update
from reports.models import Report
from tests.hardening.test_cache import SEED, _body, page_cache  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

# Made-up words no paper holds, so a search for one finds only what a test wrote.
WORDS = ["zephyrine", "quillonage", "marrowby", "tesselfern", "brackwater", "lumenfold"]
MEETING_LINK = re.compile(r'href="/meetings/([a-z0-9-]+)/')


@pytest.fixture
def lag(settings):
    settings.PAGE_CACHE_NEW_WORDS_SECONDS = 3600  # a test says when the lag is over
    return settings


def _item(meeting: Meeting, number: str = "4") -> AgendaItem:
    return AgendaItem.objects.get(meeting=meeting, number=number, parent=None)


def _fresh(client: Client, settings, url: str):
    with override_settings(PAGE_CACHE_SECONDS=0):
        return client.get(url)


def test_the_home_page_stays_cached_when_an_items_words_change(
    page_cache, client, lag, seed_meeting, clerk
):
    client.get("/")
    agenda_item_update(item=_item(seed_meeting), by=clerk, title="Pooled budget for carers")
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert "Pooled budget for carers" in client.get(SEED).content.decode()
    # Anything else about the item (here: made private) reaches the home page at once.
    agenda_item_update(item=_item(seed_meeting), by=clerk, part=Part.PRIVATE, exemption_paragraph=3)
    page = client.get("/")
    assert page["X-Page-Cache"] == "miss"
    assert page.content == _fresh(client, lag, "/").content


def test_a_search_page_showing_the_edited_meeting_is_rendered_again_at_once(
    page_cache, client, lag, seed_meeting, clerk
):
    url = "/search/?q=better+care+fund"
    assert seed_meeting.slug in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    item = _item(seed_meeting)
    assert "Better Care Fund" in item.title
    agenda_item_update(item=item, by=clerk, title="Pooled budget for adult social care")
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert page.content == _fresh(client, lag, url).content


def test_a_search_page_not_showing_it_catches_up_within_the_lag(
    page_cache, client, lag, seed_meeting, clerk
):
    url = f"/search/?q={WORDS[0]}"
    assert seed_meeting.slug not in client.get(url).content.decode()
    item = _item(seed_meeting)
    agenda_item_update(item=item, by=clerk, title=f"{item.title} ({WORDS[0]})")
    lagging = client.get(url)
    assert lagging["X-Page-Cache"] == "hit"
    assert seed_meeting.slug not in lagging.content.decode()
    lag.PAGE_CACHE_NEW_WORDS_SECONDS = 0  # the lag is over
    caught_up = client.get(url)
    assert caught_up["X-Page-Cache"] == "miss"
    assert seed_meeting.slug in caught_up.content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_search_page_follows_an_item_made_private_at_once(
    page_cache, client, lag, seed_meeting, clerk
):
    item = _item(seed_meeting)
    agenda_item_update(item=item, by=clerk, title=f"{item.title} ({WORDS[1]})")
    url = f"/search/?q={WORDS[1]}"
    assert seed_meeting.slug in client.get(url).content.decode()
    agenda_item_update(item=_item(seed_meeting), by=clerk, part=Part.PRIVATE, exemption_paragraph=3)
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert page.content == _fresh(client, lag, url).content


def _meetings_shown(body: bytes) -> set[str]:
    return set(MEETING_LINK.findall(body.decode()))


def test_no_page_is_served_that_the_rule_does_not_allow(
    page_cache, client, lag, seed_meeting, clerk
):
    """Random changes to three meetings, one after another: words of public and private items,
    items made private and public again, papers withdrawn. After each, every page is compared
    with the page rendered afresh. The rule (DESIGN.md: exempt material never reaches the public;
    a change shows on the next request): a page may differ only if it is a search page, every
    change since it was rendered changed words alone, and it shows none of the meetings whose
    words changed since then. When the lag is over, every page is the fresh one."""
    rng = random.Random(20261206)
    meetings = [seed_meeting, *Meeting.objects.published().exclude(pk=seed_meeting.pk)[:2]]
    items = [i.pk for m in meetings for i in AgendaItem.objects.filter(meeting=m, parent=None)[:4]]
    urls = [
        "/",
        "/meetings/",
        "/feeds/papers/",
        "/api/meetings/",
        *(m.get_absolute_url() for m in meetings),
        f"{SEED}packs/agenda-pack.pdf",  # the public pack, remembered per meeting
        *(f"/search/?q={w}" for w in WORDS),
        "/search/?q=better+care",
        "/search/?q=meeting",
    ]
    rendered: dict[str, int] = {}  # url -> the number of changes made when it was rendered
    changes: list[tuple[str, int]] = []  # (kind, meeting id): "words" or "other"

    def change() -> tuple[str, int]:
        item = AgendaItem.objects.get(pk=rng.choice(items))
        roll = rng.random()
        if roll < 0.6:
            words = " ".join(rng.sample(WORDS, 2))
            agenda_item_update(item=item, by=clerk, title=f"Report on {words}")
            return "words", item.meeting_id
        if roll < 0.8:
            if item.part == Part.PRIVATE and item.parent_id is None:
                agenda_item_update(item=item, by=clerk, part=Part.PUBLIC)
            else:
                agenda_item_update(item=item, by=clerk, part=Part.PRIVATE, exemption_paragraph=3)
            return "other", item.meeting_id
        paper = Report.objects.filter(agenda_item__meeting_id=item.meeting_id).first()
        if paper is None or paper.withdrawn_at:
            agenda_item_update(item=item, by=clerk, description=f"Now {rng.choice(WORDS)}.")
            return "words", item.meeting_id
        report_withdraw(report=paper, note="Published in error.", by=clerk)
        return "other", item.meeting_id

    slugs = {m.pk: m.slug for m in meetings}
    differed = 0
    for _ in range(24):
        changes.append(change())
        for url in urls:
            served = client.get(url)
            fresh = _fresh(client, lag, url)
            if served.get("X-Page-Cache") != "hit":  # a pack is never a cached page
                rendered[url] = len(changes)
                assert _body(served) == _body(fresh), url
                continue
            if _body(served) == _body(fresh):
                continue
            differed += 1
            since = changes[rendered[url] :]
            assert url.startswith("/search/"), url
            assert all(kind == "words" for kind, _ in since), (url, since)
            edited = {slugs[pk] for _, pk in since}
            assert not (_meetings_shown(_body(served)) & edited), (url, since)
    lag.PAGE_CACHE_NEW_WORDS_SECONDS = 0
    for url in urls:
        assert _body(client.get(url)) == _body(_fresh(client, lag, url)), url
    assert differed > 0  # the lag was used: some search pages missed new words meanwhile
