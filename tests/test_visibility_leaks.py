"""Leaks of the visibility rule (DESIGN.md, "Who may see what"), each as a user would notice it:
a word of private, pending or unpublished material that a reader finds where the rule says they
may not (or, for a member, does not find where it says they may). Made with the services and
the workspace, read back from the pages, the API, search, the ModernGov service and the PDFs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import publishing, services
from meetings.models import AgendaItem, Committee, MinuteItem, Minutes
from meetings.moderngov.models import NATIVE_ID_BASE
from reports.services import report_create
from tests.reports.pdf_making import PageSpec, make_pdf
from tests.reports.pdf_reading import all_text

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """A service call's on-commit work (search index, e-mails) runs as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def meeting(clerk, commit):
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(
        weeks=7
    )
    with commit():
        return services.meeting_create(
            committee=Committee.objects.get(slug="health-and-well-being-board"),
            start=start,
            by=clerk,
        )


def publish(meeting, clerk, commit) -> None:
    with commit():
        publishing.meeting_publish(meeting=meeting, by=clerk, base_url=BASE_URL)
    meeting.refresh_from_db()


def text(client, url: str) -> str:
    response = client.get(url)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code != 200:
        return ""
    return all_text(data) if data[:5] == b"%PDF-" else data.decode()


def search_count(client, word: str) -> int:
    """The number of results the search page says it found."""
    import re

    page = client.get("/search/", {"q": word}).content.decode()
    found = re.search(r'<p class="count" role="status">(?:More than )?([\d,]+) result', page)
    return int(found.group(1).replace(",", "")) if found else 0


def moderngov(meeting) -> str:
    return f"/mgWebService.asmx/GetMeeting?lMeetingId={NATIVE_ID_BASE + meeting.pk}"


def surfaces_showing(client, meeting, words: list[str], urls: dict[str, str]) -> dict:
    """{surface: the words it shows}, for the surfaces that show any; search by each word."""
    shown = {}
    for name, url in urls.items():
        body = text(client, url)
        found = [w for w in words if w in body]
        if found:
            shown[name] = found
    found = [w for w in words if search_count(client, w)]
    if found:
        shown["search"] = found
    return shown


def test_sub_items_of_a_private_item_are_private(meeting, clerk, client_as, commit):
    with commit():
        item = services.agenda_item_add(
            meeting=meeting, by=clerk, title="Depot site disposal", part="public"
        )
        sub = services.agenda_item_add(
            meeting=meeting,
            parent=item,
            by=clerk,
            title="Valuation by gorsebrook",
            description="Bids received from thistlemarsh holdings.",
            bullet_points=["Offer from wrenhollow limited"],
            presenter="Report of the kestrelmoor surveyor",
            part="public",
        )
    publish(meeting, clerk, commit)
    with commit():
        services.agenda_item_update(
            item=AgendaItem.objects.get(pk=item.pk),
            by=clerk,
            part="private",
            exemption_paragraph=3,
            public_description="Commercially sensitive terms.",
        )
    words = ["gorsebrook", "thistlemarsh", "wrenhollow", "kestrelmoor"]
    urls = {
        "meeting page": meeting.get_absolute_url(),
        "API": reverse("api-meeting-detail", args=[meeting.slug]),
        "ModernGov GetMeeting": moderngov(meeting),
    }
    public = client_as("anonymous")
    assert surfaces_showing(public, meeting, words, urls) == {}, (
        "the public reads the sub-item of a private item"
    )
    # The members still read it all.
    assert "thistlemarsh" in text(client_as("member"), meeting.get_absolute_url())

    # The workspace offers no way to set it back to public: the part stays private, or the
    # clerk is told why not; either way the public still reads none of it.
    clerk_client = client_as("clerk")
    with commit():
        response = clerk_client.post(
            reverse("workspace-item-edit", args=[sub.pk]),
            {
                "title": "Valuation by gorsebrook",
                "description": "Bids received from thistlemarsh holdings.",
                "bullet_points": "Offer from wrenhollow limited",
                "presenter": "Report of the kestrelmoor surveyor",
                "part": "public",
                "exemption_paragraph": "",
                "public_description": "",
            },
        )
    sub.refresh_from_db()
    refused = response.status_code == 200 and b"private" in response.content
    assert sub.part == "private" or refused, (response.status_code, sub.part)
    assert surfaces_showing(public, meeting, words, urls) == {}, (
        "after the clerk posted part=public for the sub-item, the public reads it"
    )


def _minutes_urls(meeting) -> dict[str, str]:
    day = timezone.localtime(meeting.start).date().isoformat()
    return {
        "minutes page": reverse("minutes-detail", args=[meeting.slug]),
        "decisions page": f"/decisions/?date_from={day}&date_to={day}",
        "API decisions": f"/api/decisions/?date_from={day}&date_to={day}&page_size=200",
        "printed minutes": f"/meetings/{meeting.slug}/packs/printed-minutes.pdf",
        "ModernGov GetMeeting": moderngov(meeting),
    }


def _write_minute(item, clerk, commit, *, narrative: str, resolution: str) -> None:
    minute = MinuteItem.objects.get(agenda_item=item)
    with commit():
        services.minute_item_save(
            item=minute, narrative=narrative, resolutions=[resolution], by=clerk
        )


def test_minute_follows_its_item_made_private_later(meeting, clerk, client_as, commit):
    with commit():
        item = services.agenda_item_add(
            meeting=meeting, by=clerk, title="Leisure centre contract", part="public"
        )
    publish(meeting, clerk, commit)
    with commit():
        minutes = services.minutes_start(meeting=meeting, by=clerk)
    _write_minute(
        item, clerk, commit,
        narrative="The board heard the bid from brambleton leisure.",
        resolution="the contract be awarded to harrowdene trust",
    )  # fmt: skip
    with commit():
        services.minutes_publish(minutes=minutes, by=clerk)
    words = ["brambleton", "harrowdene"]
    public = client_as("anonymous")
    urls = _minutes_urls(meeting)
    before = surfaces_showing(public, meeting, words, urls)
    assert set(before) == {*urls, "search"}, before  # public business, read everywhere

    with commit():
        services.agenda_item_update(
            item=AgendaItem.objects.get(pk=item.pk),
            by=clerk,
            part="private",
            exemption_paragraph=3,
            public_description="Commercially sensitive terms.",
        )
    assert surfaces_showing(public, meeting, words, urls) == {}, (
        "the minute of an item made private is still public"
    )
    assert "harrowdene" in text(client_as("member"), urls["minutes page"])


def test_minutes_of_pending_item_wait_for_the_supplement(meeting, clerk, client_as, commit):
    with commit():
        services.agenda_item_add(meeting=meeting, by=clerk, title="Strategy", part="public")
    publish(meeting, clerk, commit)
    with commit():
        late = services.agenda_item_add(
            meeting=meeting, by=clerk, title="Urgent item on quarrymead", part="public"
        )
    assert late.is_pending
    with commit():
        minutes = services.minutes_start(meeting=meeting, by=clerk)
    _write_minute(
        late, clerk, commit,
        narrative="The board discussed the larkspindle proposal.",
        resolution="the ravenscleugh option be pursued",
    )  # fmt: skip
    with commit():
        services.minutes_publish(minutes=minutes, by=clerk)
    words = ["quarrymead", "larkspindle", "ravenscleugh"]
    public, member = client_as("anonymous"), client_as("member")
    urls = _minutes_urls(meeting)
    assert surfaces_showing(public, meeting, words, urls) == {}, (
        "the minute of an item still waiting for its supplementary agenda is public"
    )
    assert surfaces_showing(member, meeting, words, urls) == {}, (
        "the minute of an item still waiting for its supplementary agenda reaches members"
    )

    with commit():
        publishing.supplement_publish(
            meeting=meeting, summary="Adds the urgent item.", by=clerk, base_url=BASE_URL
        )
    after = surfaces_showing(public, meeting, words, urls)
    assert set(after.get("minutes page", [])) == set(words), after
    assert set(after.get("search", [])) == set(words), after
    assert "ravenscleugh" in after.get("decisions page", []), after
    assert "ravenscleugh" in after.get("API decisions", []), after
    assert {"larkspindle", "ravenscleugh"} <= set(after.get("printed minutes", [])), after
    assert {"larkspindle", "ravenscleugh"} <= set(after.get("ModernGov GetMeeting", [])), after


def test_pending_paper_is_never_publicly_cacheable(meeting, clerk, client_as, commit):
    with commit():
        item = services.agenda_item_add(meeting=meeting, by=clerk, title="Budget", part="public")
    publish(meeting, clerk, commit)
    with commit():
        paper = report_create(
            agenda_item=AgendaItem.objects.get(pk=item.pk),
            data=make_pdf([PageSpec(lines=[(72, 720, "Late paper on cowslipford")])]),
            title="Late paper",
            by=clerk,
            pending=None,
        )
    assert paper.is_pending
    response = client_as("clerk").get(reverse("report-download", args=[paper.pk]))
    assert response.status_code == 200
    control = {part.strip().split("=")[0] for part in response["Cache-Control"].split(",")}
    assert "public" not in control, response["Cache-Control"]
    assert {"private", "no-store"} <= control, response["Cache-Control"]
    assert client_as("anonymous").get(reverse("report-download", args=[paper.pk])).status_code in (
        403,
        404,
    )


def test_member_sees_private_item_description_on_every_surface(meeting, clerk, client_as, commit):
    with commit():
        services.agenda_item_add(
            meeting=meeting,
            by=clerk,
            title="Staffing review",
            description="Restructure of the fellbarrow team.",
            bullet_points=["Posts at nettlecombe depot"],
            presenter="Report of the hollinsgate director",
            part="private",
            exemption_paragraph=1,
            public_description="Information relating to individuals.",
        )
    publish(meeting, clerk, commit)
    words = ["fellbarrow", "nettlecombe", "hollinsgate"]
    page = meeting.get_absolute_url()
    api = reverse("api-meeting-detail", args=[meeting.slug])

    member = client_as("member")
    assert search_count(member, "fellbarrow") >= 1
    for name, url in (("meeting page", page), ("API", api)):
        body = text(member, url)
        missing = [w for w in words if w not in body]
        assert not missing, f"a member does not see {missing} on the {name}"

    public = client_as("anonymous")
    urls = {"meeting page": page, "API": api, "ModernGov GetMeeting": moderngov(meeting)}
    assert surfaces_showing(public, meeting, words, urls) == {}
    assert "Staffing review" in text(public, page)  # the public sees its title
    assert Minutes.objects.filter(meeting=meeting).count() == 0
