# ruff: noqa: F811  (exempt_material is a fixture of tests/test_canary.py)
"""The public's pages come from a shared cache; a signed-in reader's never do, and any change
to the papers shows on the public's next request (boardpapers/cache.py)."""

from __future__ import annotations

import pickle
import socket
import zlib
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from boardpapers.cache import cache_from_url
from meetings.models import AgendaItem, Meeting
from reports.services import report_create
from tests.test_canary import CANARY, crawl, exempt_material  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db
SEED = "/meetings/2014-09-22-health-and-well-being-board/"
MINUTES = "/meetings/2014-07-07-health-and-well-being-board/minutes/"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return True
    except OSError:
        return False


BACKENDS = {
    "locmem": lambda tmp: "locmem://",
    "file": lambda tmp: f"file://{tmp}/cache",
    "redis": lambda tmp: "redis://127.0.0.1:6379/15",
}


@pytest.fixture(params=["locmem", "file", "redis"])
def page_cache(request, settings, tmp_path):
    """The page cache turned on, on each kind of shared cache the README offers."""
    if request.param == "redis" and not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": cache_from_url(BACKENDS[request.param](tmp_path))}
    settings.PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def get(client: Client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_the_second_anonymous_request_comes_from_the_cache(page_cache, client):
    first, first_queries = get(client, SEED)
    second, second_queries = get(client, SEED)
    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first_queries > 0 and second_queries == 0
    assert second.content == first.content
    assert set(second["Cache-Control"].split(", ")) == {"public", "max-age=60"}
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_cached_page_answers_a_conditional_request_with_304(page_cache, client):
    etag = client.get(SEED)["ETag"]
    again = client.get(SEED, headers={"if-none-match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    ["/", MINUTES, "/search/?q=better+care", "/meetings/?committee=health-and-well-being-board"],
)
def test_public_pages_and_public_search_results_are_cached(page_cache, client, url):
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_the_query_string_is_part_of_the_key(page_cache, client):
    client.get("/search/?q=better+care")
    other = client.get("/search/?q=minutes")
    assert other["X-Page-Cache"] == "miss"
    assert "better care" not in other.content.decode().lower().split("results for")[0]


def test_editing_an_item_shows_on_the_next_anonymous_request(page_cache, client, seed_meeting):
    assert "Better Care Fund" in client.get(SEED).content.decode()
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    item.title = "Pooled budget for adult social care"
    item.save()
    page = client.get(SEED)
    assert page["X-Page-Cache"] == "miss"
    assert "Pooled budget for adult social care" in page.content.decode()


def test_a_new_paper_shows_on_the_next_anonymous_request(
    page_cache, client, seed_meeting, make_pdf
):
    client.get(SEED)
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report_create(agenda_item=item, data=make_pdf("late paper"), title="Late paper on carers")
    assert "Late paper on carers" in client.get(SEED).content.decode()


def test_cancelling_a_meeting_shows_on_the_next_anonymous_request(page_cache, client, seed_meeting):
    client.get("/")
    client.get(SEED)
    seed_meeting.status = Meeting.Status.CANCELLED
    seed_meeting.save()
    assert "ancelled" in client.get(SEED).content.decode()


def test_a_committee_renamed_without_a_save_shows_its_new_name_everywhere(page_cache, client):
    """``QuerySet.update()`` sends no save signal: the rename is still followed by the cached
    pages and by the search (its meetings' passages carry its name)."""
    from meetings.models import Committee

    pages = [SEED, "/committees/health-and-well-being-board/", "/committees/"]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    Committee.objects.filter(slug="health-and-well-being-board").update(
        name="Zephyrine Health Partnership"
    )
    for url in pages:
        assert "Zephyrine Health Partnership" in client.get(url).content.decode(), url
    found = client.get("/search/", {"q": "Zephyrine"}).content.decode()
    assert SEED in found
    # A committee with no meetings yet: its page and the list follow too.
    Committee.objects.create(name="Scrutiny Task Group", slug="scrutiny-task-group")
    pages = ["/committees/scrutiny-task-group/", "/committees/"]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    Committee.objects.filter(slug="scrutiny-task-group").update(name="Quillon Task Group")
    for url in pages:
        assert "Quillon Task Group" in client.get(url).content.decode(), url


def test_a_withdrawn_paper_leaves_the_cached_page(page_cache, client, seed_meeting, clerk):
    from meetings.publishing import report_withdraw

    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report = item.reports.filter(is_exempt=False).first()
    assert report.get_download_url() in client.get(SEED).content.decode()
    report_withdraw(report=report, note="Published in error.", by=clerk)
    assert report.get_download_url() not in client.get(SEED).content.decode()


def test_a_deleted_item_leaves_the_cached_page(page_cache, client, seed_meeting):
    item = AgendaItem.objects.filter(meeting=seed_meeting, parent=None).order_by("-position")[0]
    assert item.title in client.get(SEED).content.decode()
    item.delete()
    assert item.title not in client.get(SEED).content.decode()


def test_a_members_page_is_private_and_never_read_from_or_written_to_the_cache(
    page_cache, client_as, exempt_material
):
    anonymous, member = client_as("anonymous"), client_as("member")
    public_page = anonymous.get(SEED)
    assert public_page["X-Page-Cache"] == "miss"
    entries = len(_cached_bodies(page_cache))
    for _ in range(2):
        page = member.get(SEED)
        assert "X-Page-Cache" not in page
        assert f"{CANARY} evaluation" in page.content.decode()
        assert "public" not in page["Cache-Control"]
        assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    assert len(_cached_bodies(page_cache)) == entries
    again = anonymous.get(SEED)
    assert again["X-Page-Cache"] == "hit" and CANARY not in again.content.decode()


def test_a_member_first_leaves_nothing_for_the_public(page_cache, client_as, exempt_material):
    client_as("member").get(SEED)
    page = client_as("anonymous").get(SEED)
    assert page["X-Page-Cache"] == "miss"
    assert CANARY not in page.content.decode()


def test_a_request_with_any_session_cookie_bypasses_the_cache(page_cache, client):
    client.get(SEED)
    client.cookies["sessionid"] = "not-a-session"
    page = client.get(SEED)
    assert "X-Page-Cache" not in page
    assert "public" not in page["Cache-Control"]


def _cached_bodies(cache) -> list[bytes]:
    """Every page body in the cache, whichever backend holds it."""
    bodies = []
    kind = type(cache).__name__
    if kind == "LocMemCache":
        values = [pickle.loads(v) for v in cache._cache.values()]
    elif kind == "FileBasedCache":
        values = []
        for path in Path(cache._dir).glob("*.djcache"):
            with open(path, "rb") as handle:
                pickle.load(handle)  # expiry
                values.append(pickle.loads(zlib.decompress(handle.read())))
    else:  # redis
        client = cache._cache.get_client()
        values = [cache._cache._serializer.loads(client.get(k)) for k in client.keys("*")]
    for value in values:
        if isinstance(value, tuple) and len(value) == 6:  # versions, status, headers, body...
            bodies.append(value[3])
    return bodies


def test_the_canary_never_reaches_a_cached_page(page_cache, client_as, exempt_material):
    """Members and the public crawl the site in turns; nothing the cache holds, and nothing
    the public is served, carries the word that is only in exempt papers."""
    member, anonymous = client_as("member"), client_as("anonymous")
    crawl(member, limit=60)
    public = crawl(anonymous, limit=60)
    member_again = crawl(member, limit=60)
    public_again = crawl(anonymous, limit=60)
    assert any(CANARY.encode() in body for _, body in member_again.values())
    for bodies in (public, public_again):
        leaks = [
            u for u, (_, body) in bodies.items() if CANARY.encode() in body and CANARY not in u
        ]
        assert leaks == []
    cached = _cached_bodies(page_cache)
    assert len(cached) > 20
    assert not [body for body in cached if CANARY.encode() in body and b"0 results for" not in body]


def test_errors_and_private_answers_are_not_cached(page_cache, client):
    missing = client.get("/meetings/no-such-meeting/")
    assert missing.status_code == 404 and "X-Page-Cache" not in missing
    status = client.get(f"{SEED}packs/status/")
    assert "X-Page-Cache" not in status
    assert "private" in status["Cache-Control"]
    assert len(_cached_bodies(page_cache)) == 0


def test_losing_the_versions_loses_every_page(page_cache, client):
    client.get(SEED)
    page_cache.clear()
    assert client.get(SEED)["X-Page-Cache"] == "miss"


def test_the_cache_is_off_unless_configured(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert "X-Page-Cache" not in client.get(SEED)
    assert "X-Page-Cache" not in client.get(SEED)


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("file:///var/lib/papers/cache", "filebased.FileBasedCache", "/var/lib/papers/cache"),
        ("redis://127.0.0.1:6379/1", "redis.RedisCache", "redis://127.0.0.1:6379/1"),
        ("db://page_cache", "db.DatabaseCache", "page_cache"),
    ],
)
def test_cache_url_names_a_backend(url, backend, location):
    entry = cache_from_url(url)
    assert entry["BACKEND"].endswith(backend)
    assert entry["LOCATION"] == location


def test_an_unknown_cache_url_is_refused():
    with pytest.raises(ValueError, match="unknown kind of cache"):
        cache_from_url("memcache://127.0.0.1")


# -- Invalidation by dependency: a change reaches the pages that show it, and only those. --

COMMITTEE = "/committees/health-and-well-being-board/"
LISTS = [
    "/", "/meetings/", "/decisions/", "/feeds/papers/", "/sitemap.xml",
    "/mgWebService.asmx/GetCommittees", "/api/meetings/",
]  # fmt: skip


def _other_meeting(seed_meeting) -> Meeting:
    """A public meeting of another committee, whose minutes no item of the seed agrees."""
    return (
        Meeting.objects.published()
        .exclude(committee=seed_meeting.committee)
        .exclude(minutes__approved_at=seed_meeting)
        .order_by("start")
        .first()
    )


def _warm(client: Client, urls: list[str]) -> None:
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_editing_one_meeting_leaves_another_meetings_pages_in_the_cache(
    page_cache, client, seed_meeting, clerk
):
    from meetings.services import agenda_item_update

    other = _other_meeting(seed_meeting)
    other_pages = [
        other.get_absolute_url(),
        f"/committees/{other.committee.slug}/",
        f"/api/meetings/{other.slug}/",
    ]
    _warm(client, [SEED, COMMITTEE, *LISTS, *other_pages])

    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    agenda_item_update(item=item, by=clerk, title="Pooled budget for adult social care")

    # The home page shows meetings and papers, no item's words: a new title leaves it alone.
    for url in [*other_pages, "/"]:
        assert client.get(url)["X-Page-Cache"] == "hit", url
    for url in [SEED, COMMITTEE, *(u for u in LISTS if u != "/")]:
        assert client.get(url)["X-Page-Cache"] == "miss", url
    page = client.get(SEED)
    assert page["X-Page-Cache"] == "hit"
    assert "Pooled budget for adult social care" in page.content.decode()


def test_a_change_by_queryset_update_reaches_the_cached_page(page_cache, client, seed_meeting):
    other = _other_meeting(seed_meeting).get_absolute_url()
    _warm(client, [SEED, other])
    AgendaItem.objects.filter(meeting=seed_meeting, number="4", parent=None).update(
        title="Pooled budget, changed in bulk"
    )
    page = client.get(SEED)
    assert page["X-Page-Cache"] == "miss"
    assert "Pooled budget, changed in bulk" in page.content.decode()
    assert client.get(other)["X-Page-Cache"] == "hit"
    Meeting.objects.filter(pk=seed_meeting.pk).update(venue="Committee Room 3, Council House")
    assert "Committee Room 3" in client.get(SEED).content.decode()


def test_the_portal_settings_reach_every_page(page_cache, client, seed_meeting):
    from meetings.models import PortalSettings

    other = _other_meeting(seed_meeting).get_absolute_url()
    _warm(client, [SEED, other, "/accessibility/"])
    portal = PortalSettings.load()
    portal.council_name = "Borough of Testford"
    portal.save()
    for url in (SEED, other, "/accessibility/"):
        page = client.get(url)
        assert page["X-Page-Cache"] == "miss", url
        assert "Borough of Testford" in page.content.decode(), url


def test_a_person_page_follows_a_new_membership(page_cache, client, seed_meeting):
    from meetings.models import Committee, Membership

    membership = Membership.objects.select_related("person", "committee").first()
    person = f"/people/{membership.person.slug}/"
    other_committee = (
        Committee.objects.exclude(pk=membership.committee_id)
        .exclude(memberships__person=membership.person)
        .first()
    )
    _warm(client, [person, f"/committees/{other_committee.slug}/", SEED])
    Membership.objects.create(
        person=membership.person, committee=other_committee, start_date=membership.start_date
    )
    page = client.get(person)
    assert page["X-Page-Cache"] == "miss"
    assert other_committee.name in page.content.decode()
    assert client.get(f"/committees/{other_committee.slug}/")["X-Page-Cache"] == "miss"
    assert client.get(SEED)["X-Page-Cache"] == "hit"


def _public_urls(meeting: Meeting) -> list[str]:
    from reports.models import Report

    reports = Report.objects.filter(agenda_item__meeting=meeting).order_by("pk")
    return [
        meeting.get_absolute_url(),
        f"/api/meetings/{meeting.slug}/",
        f"/committees/{meeting.committee.slug}/",
        *LISTS,
        "/meetings/calendar/?month=2014-09",
        "/search/?q=better+care",
        "/search/?q=carers",
        "/search/?q=pooled",
        *[f"/documents/{r.pk}/" for r in reports],
        *[f"/documents/{r.pk}/download/" for r in reports],
    ]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _stale_pages(client: Client, settings, urls: list[str]) -> list[str]:
    """The addresses whose page from the cache differs from the page rendered afresh."""
    stale = []
    for url in urls:
        served = client.get(url)
        settings.PAGE_CACHE_SECONDS = 0
        fresh = client.get(url)
        settings.PAGE_CACHE_SECONDS = 600
        if (served.status_code, _body(served)) != (fresh.status_code, _body(fresh)):
            stale.append(url)
    return stale


def test_no_cached_page_outlives_a_paper_or_an_item_made_private(
    page_cache, client, settings, seed_meeting, clerk, make_pdf
):
    """A clerk makes one change after another; after each, every page the public may have in
    the cache is the page the database gives now: nothing withdrawn or made private lingers."""
    from meetings.models import Part
    from meetings.publishing import report_withdraw
    from meetings.services import agenda_item_update

    items = AgendaItem.objects.filter(meeting=seed_meeting, parent=None).order_by("position")
    late = report_create(
        agenda_item=items[1], data=make_pdf("late paper on carers"), title="Late paper on carers"
    )
    urls = _public_urls(seed_meeting)
    for url in urls:
        client.get(url)
    assert "Late paper on carers" in client.get(SEED).content.decode()

    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    public_papers = item.reports.filter(is_exempt=False)
    changes = [
        lambda: report_withdraw(report=public_papers[0], note="Published in error.", by=clerk),
        lambda: agenda_item_update(
            item=AgendaItem.objects.get(pk=late.agenda_item_id),
            by=clerk,
            part=Part.PRIVATE,
            exemption_paragraph=3,
        ),
        lambda: report_create(
            agenda_item=item, data=make_pdf("pooled budget"), title="Pooled budget paper"
        ),
        lambda: agenda_item_update(
            item=AgendaItem.objects.get(pk=item.pk),
            by=clerk,
            part=Part.PRIVATE,
            exemption_paragraph=3,
        ),
    ]
    for change in changes:
        change()
        urls = sorted(set(urls) | set(_public_urls(seed_meeting)))
        assert _stale_pages(client, settings, urls) == []
    page = client.get(SEED).content.decode()
    assert "Late paper on carers" not in page and "Pooled budget paper" not in page
    assert client.get(f"/documents/{late.pk}/").status_code == 404


def test_check_deploy_warns_of_a_cache_each_process_keeps_to_itself(settings):
    from django.core.checks import run_checks

    settings.CACHES = {"default": cache_from_url("locmem://")}
    settings.PAGE_CACHE_SECONDS = 600
    warnings = [m for m in run_checks(include_deployment_checks=True) if m.id.startswith("boardp")]
    assert [m.id for m in warnings] == ["boardpapers.W001"]
    settings.CACHES = {"default": cache_from_url("redis://127.0.0.1:6379/1")}
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id.startswith("boardp")]


def _render_lock(url: str):
    """The lock a request rendering ``url`` now holds, and the versions it renders for."""
    from django.test import RequestFactory

    from boardpapers.cache import _key, _lock_key, _lookup, dependencies

    request = RequestFactory().get(url)
    key, deps = _key(request), dependencies(request)
    current = _lookup(key, deps)[1]
    return key, _lock_key(key, current), current


def test_a_reader_waits_for_the_render_already_under_way(page_cache, client):
    """Readers of a page that another request is rendering get that render when it is stored,
    rather than rendering it again; if that request stores nothing, they render it."""
    import threading
    import time

    key, lock, current = _render_lock(SEED)
    assert page_cache.add(lock, 1, 30)

    def render_elsewhere():
        time.sleep(0.3)
        page = (current, 200, [("Content-Type", "text/html")], b"rendered once", time.time(), ())
        page_cache.set(key, page)
        page_cache.delete(lock)

    other = threading.Thread(target=render_elsewhere)
    other.start()
    page = client.get(SEED)
    other.join()
    assert page["X-Page-Cache"] == "hit" and page.content == b"rendered once"

    page_cache.delete(key)
    key, lock, current = _render_lock(SEED)
    assert page_cache.add(lock, 1, 30)
    gives_up = threading.Timer(0.3, page_cache.delete, args=[lock])
    gives_up.start()
    page = client.get(SEED)
    gives_up.join()
    assert page["X-Page-Cache"] == "miss" and b"Better Care Fund" in page.content


@pytest.mark.parametrize(
    ("url", "shows"),
    [
        (SEED, {"meeting:2014-09-22-health-and-well-being-board"}),
        (MINUTES, {"meeting:2014-07-07-health-and-well-being-board"}),
        (COMMITTEE, {"committee:health-and-well-being-board"}),
        ("/", {"lists"}),
        ("/search/?q=carers", {"search"}),
        ("/feeds/papers/", {"lists", "words"}),
        ("/sitemap.xml", {"lists", "words"}),
        ("/mgWebService.asmx/GetMeetings", {"lists", "words"}),
        ("/documents/5/", {"report:5"}),
        ("/accessibility/", set()),
        ("/no-such-page/", set()),
    ],
)
def test_each_page_says_what_it_shows(url, shows):
    """Declared on the view (``depends_on``), worked out from the address alone, and every page
    depends on the portal's settings. Only a search page may lag new words (loosely)."""
    from django.test import RequestFactory

    from boardpapers.cache import dependencies, loose_dependencies

    request = RequestFactory().get(url)
    assert set(dependencies(request)) == shows | {"site"}
    assert set(loose_dependencies(request)) == ({"words"} if "search" in shows else set())
