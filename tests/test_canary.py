"""A word placed only in exempt material (and in papers waiting for a supplementary agenda, and
in a withdrawn one) never reaches the public: not through a page, search result, feed, calendar,
API answer, sitemap or file URL. A member, as the control, finds it."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest

from meetings.models import AgendaItem, MinuteItem, Minutes
from reports.services import report_create

pytestmark = pytest.mark.django_db
CANARY = "Zanthoxylum"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


@pytest.fixture
def exempt_material(seed_meeting, make_pdf):
    private = AgendaItem.objects.create(
        meeting=seed_meeting, number="8", position=99, title="Community Equipment Contract",
        part="private", exemption_paragraph=3,
        public_description="It contains the commercial terms offered by bidders.",
        description=f"Award to {CANARY} Ltd", bullet_points=[f"{CANARY} bid"],
        presenter=f"Report of the {CANARY} panel",
    )  # fmt: skip
    private_report = report_create(
        agenda_item=private, data=make_pdf(f"Evaluation of {CANARY} tender"),
        title=f"{CANARY} evaluation",
    )  # fmt: skip
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    exempt_report = report_create(
        agenda_item=item4, data=make_pdf(f"Staffing costs for {CANARY} posts"),
        title=f"{CANARY} staffing appendix", is_exempt=True,
    )  # fmt: skip
    # Waiting for a supplementary agenda: an item and a paper only clerks see until then.
    waiting = AgendaItem.objects.create(
        meeting=seed_meeting, number="9", position=100, title=f"{CANARY} late item",
        is_pending=True,
    )  # fmt: skip
    report_create(
        agenda_item=waiting, data=make_pdf(f"Late {CANARY} paper"), title="Late paper",
        pending=True,
    )  # fmt: skip
    report_create(
        agenda_item=item4, data=make_pdf(f"Late {CANARY} appendix"),
        title=f"{CANARY} late appendix", pending=True,
    )  # fmt: skip
    # Withdrawn as published in error: nobody sees it.
    from meetings.publishing import report_withdraw

    wrong = report_create(
        agenda_item=item4, data=make_pdf(f"Wrongly published {CANARY} names"),
        title=f"{CANARY} names",
    )  # fmt: skip
    report_withdraw(report=wrong, note="Published in error.", by=None)
    july = Minutes.objects.get(meeting__slug="2014-07-07-health-and-well-being-board")
    MinuteItem.objects.create(
        minutes=july, number="11", position=11, title=f"{CANARY} contract", part="private",
        exemption_paragraph=3, narrative=f"The {CANARY} contract was discussed.",
    )  # fmt: skip
    return private_report, exempt_report


ENTRY_POINTS = [
    "/", "/sitemap.xml", "/feeds/papers/", "/meetings/calendar.ics",
    "/search/?q=" + CANARY, "/search/?q=evaluation", "/search/?q=staffing",
    "/api/meetings/2014-09-22-health-and-well-being-board/", "/api/meetings/?page_size=200",
    "/api/decisions/?page_size=200", "/api/committees/health-and-well-being-board/",
    "/decisions/", "/meetings/?page=1",
]  # fmt: skip


def crawl(client, limit=400):
    """Every page reachable from the entry points by following links, as this client sees it."""
    seen, queue, bodies = set(), deque(ENTRY_POINTS), {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        path = urlparse(url)._replace(fragment="").geturl()
        if path in seen or path.startswith("/staff/") or path.startswith("/sign-"):
            continue
        seen.add(path)
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[path] = (response.status_code, body)
        if "html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(body.decode())
            for href in parser.hrefs:
                target = urljoin(path, href)
                if urlparse(target).netloc in ("", "testserver") and target.startswith(
                    ("/", "http://testserver/")
                ):
                    queue.append(target.replace("http://testserver", ""))
    return bodies


def test_the_public_never_meets_the_canary_anywhere(client, exempt_material):
    bodies = crawl(client)
    assert len(bodies) > 60  # the crawl really went round the site
    # A search page repeats the words the visitor typed; everywhere else the word is a leak.
    leaks = [
        url for url, (_, body) in bodies.items() if CANARY.encode() in body and CANARY not in url
    ]
    assert leaks == []
    assert "0 results for" in bodies["/search/?q=" + CANARY][1].decode()
    for report in exempt_material:
        assert client.get(report.get_download_url()).status_code == 404
        assert client.get(f"/documents/{report.pk}/").status_code == 404
    # The private item itself is listed with its reason, as DESIGN.md says.
    page = bodies["/meetings/2014-09-22-health-and-well-being-board/"][1].decode()
    assert "Community Equipment Contract" in page
    assert "It contains the commercial terms offered by bidders." in page


def test_a_member_finds_the_canary(client_as, exempt_material):
    member = client_as("member")
    page = member.get("/meetings/2014-09-22-health-and-well-being-board/").content.decode()
    assert f"{CANARY} evaluation" in page and f"{CANARY} staffing appendix" in page
    assert CANARY in member.get("/search/?q=" + CANARY).content.decode()
    minutes = member.get("/meetings/2014-07-07-health-and-well-being-board/minutes/")
    assert f"{CANARY} contract" in minutes.content.decode()
    for report in exempt_material:
        download = member.get(report.get_download_url())
        assert download.status_code == 200
        assert "public" not in download["Cache-Control"]


def test_the_canary_is_gone_again_once_its_item_is_switched_back_to_private(
    client, clerk, exempt_material, settings
):
    """With the page cache on: switched to public, the item's words reach the public (so the
    cache and the search index did follow); switched back to private, they are gone again
    from every page, search result, feed and pack."""
    from meetings import services

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "canary-switch",
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    item = AgendaItem.objects.get(title="Community Equipment Contract")

    def leaks() -> list[str]:
        return [
            url
            for url, (_, body) in crawl(client).items()
            if CANARY.encode() in body and CANARY not in url
        ]

    assert leaks() == []  # and the public pages are now in the cache
    services.agenda_item_update(item=item, by=clerk, part="public", exemption_paragraph=None)
    assert "/meetings/2014-09-22-health-and-well-being-board/" in leaks()
    services.agenda_item_update(item=item, by=clerk, part="private", exemption_paragraph=3)
    assert leaks() == []
    assert "0 results for" in client.get("/search/?q=" + CANARY).content.decode()
