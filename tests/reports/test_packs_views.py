"""Downloading packs: who gets which, what the response says, and what each pack holds."""

from __future__ import annotations

import hashlib
import re
from html import unescape

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Meeting, MinuteItem, Minutes
from reports.models import Pack
from reports.packs import pack_url
from reports.services import report_create
from tests.conftest import SEED_SLUG

from .pdf_reading import flat, page_texts, read_pages

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "clerk", "admin")
CANARIES = ("Quillfeather", "Marrowbright", "Thistlegrave")


@pytest.fixture
def exempt_material(seed_meeting, make_pdf):
    """Exempt papers of every sort: an exempt appendix under a public item, a report of a
    private item, and a private minute in the minutes the meeting agrees."""
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report_create(
        agenda_item=item4,
        data=make_pdf(f"Exempt appendix: bidder {CANARIES[0]} and prices"),
        title="Appendix Three - Provider prices",
        is_exempt=True,
    )
    private = AgendaItem.objects.create(
        meeting=seed_meeting, number="8", position=99, title="Land at Earl Street",
        part="private", exemption_paragraph=3,
        public_description="Commercial terms of a proposed sale.",
    )  # fmt: skip
    report_create(
        agenda_item=private, data=make_pdf(f"Heads of terms with {CANARIES[1]} Ltd"),
        title="Heads of terms",
    )  # fmt: skip
    july = Minutes.objects.get(meeting__slug="2014-07-07-health-and-well-being-board")
    MinuteItem.objects.create(
        minutes=july, position=99, number="11", title="Staffing matter", part="private",
        exemption_paragraph=1, narrative=f"The Board considered the case of {CANARIES[2]}.",
    )  # fmt: skip
    return seed_meeting


def test_anyone_may_download_the_seed_pack_with_a_name_a_person_understands(seed_meeting, client):
    response = client.get(f"/meetings/{SEED_SLUG}/packs/agenda-pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="Coventry Health and Well-being Board 2014-09-22 agenda pack.pdf"'
    )
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    # The ETag names the very bytes downloaded.
    assert response["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    # The seed's 94 pages, and its page references (front sheet, seed lines 1-65) exact.
    pages = read_pages(data)
    assert len(pages) == 94
    front = flat(" ".join(p.text for p in pages[:2]))
    assert "(a) To agree the minutes of the meeting held on 7th July, 2014 (Pages 3 - 10)" in front
    assert "4. Better Care Fund Update (Pages 11 - 20)" in front
    assert "Safeguarding Children Board (Pages 21 - 94)" in front
    stamped = [(p.number, p.stamp(r"Agenda Item \S+")) for p in pages]
    assert [(n, found[0]) for n, found in stamped if found] == [
        (3, "Agenda Item 3a"), (11, "Agenda Item 4"), (21, "Agenda Item 6"),
    ]  # fmt: skip
    # A second request with the ETag is answered "not modified", without the file.
    again = client.get(
        f"/meetings/{SEED_SLUG}/packs/agenda-pack.pdf", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_the_public_pack_holds_no_exempt_text_and_the_members_pack_holds_it_after(
    exempt_material, client_as
):
    public = client_as("anonymous").get(pack_url(exempt_material, Pack.Kind.PUBLIC))
    members = client_as("member").get(pack_url(exempt_material, Pack.Kind.MEMBERS))
    assert public.status_code == members.status_code == 200
    public_data = b"".join(public.streaming_content)
    member_data = b"".join(members.streaming_content)
    public_pages, member_pages = page_texts(public_data), page_texts(member_data)
    public_text = flat(" ".join(public_pages))
    for canary in CANARIES:
        assert canary not in public_text
        assert canary in flat(" ".join(member_pages))
    # The private item is listed, with only why it is exempt; its paper is not in the pack.
    assert "8. Land at Earl Street" in public_text
    assert "Commercial terms of a proposed sale." in public_text
    assert "Heads of terms" not in public_text
    # The public pages come first and keep their numbers; the exempt papers follow.
    assert len(public_pages) == 94
    assert [flat(p) for p in member_pages[1:94]] == [flat(p) for p in public_pages[1:94]]
    assert flat(member_pages[0]).startswith("Members' Document Pack Agenda")
    assert flat(public_pages[0]).startswith("Public Document Pack Agenda")
    exempt = read_pages(member_data, range(94, len(member_pages)))
    assert "Not for publication" in exempt[0].text and "Exempt papers" in exempt[0].text
    for page in exempt:
        assert page.stamp(r"Page \d+")[0] == f"Page {page.number}"
    stamped = [p.stamp(r"Agenda Item \S+")[0] for p in exempt if p.stamp(r"Agenda Item \S+")]
    assert stamped == ["Agenda Item 3a", "Agenda Item 4", "Agenda Item 8"]
    assert set(members["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert members["Content-Disposition"].endswith("members' pack.pdf\"")


@pytest.mark.parametrize(
    ("kind", "expect"),
    [
        (Pack.Kind.PUBLIC, {"anonymous": 200, "member": 200, "clerk": 200, "admin": 200}),
        (Pack.Kind.MEMBERS, {"anonymous": 404, "member": 200, "clerk": 200, "admin": 200}),
    ],
)
def test_who_may_download_each_pack(exempt_material, client_as, kind, expect):
    url = pack_url(exempt_material, kind)
    got = {role: client_as(role).get(url).status_code for role in ROLES}
    assert got == expect


def test_a_draft_meetings_packs_are_previews_for_clerks_only(client_as, make_pdf):
    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    url = pack_url(draft, Pack.Kind.PUBLIC)
    got = {role: client_as(role).get(url) for role in ROLES}
    assert {role: r.status_code for role, r in got.items()} == {
        "anonymous": 404, "member": 404, "clerk": 200, "admin": 200,
    }  # fmt: skip
    assert "no-store" in got["clerk"]["Cache-Control"]
    assert "public" not in got["clerk"]["Cache-Control"]


def test_unknown_packs_and_meetings_are_not_found(seed_meeting, client):
    assert client.get(f"/meetings/{seed_meeting.slug}/packs/everything.pdf").status_code == 404
    assert client.get("/meetings/no-such-meeting/packs/agenda-pack.pdf").status_code == 404
    # The seed meeting's own minutes are not written yet; nor are exempt papers there.
    assert client.get(pack_url(seed_meeting, Pack.Kind.MINUTES)).status_code == 404
    assert client.get(pack_url(seed_meeting, Pack.Kind.MEMBERS)).status_code == 404


def test_the_printed_minutes_of_the_july_meeting(client):
    july = Meeting.objects.get(slug="2014-07-07-health-and-well-being-board")
    response = client.get(pack_url(july, Pack.Kind.MINUTES))
    assert response.status_code == 200
    pages = read_pages(b"".join(response.streaming_content))
    text = flat(" ".join(p.text for p in pages))
    assert text.startswith(
        "Minutes of the meeting of the Coventry Health and Well-being Board held at 2.00 p.m. "
        "on 7th July, 2014 Present:"
    )
    assert [flat(p.text).endswith(f"Page {p.number}") for p in pages] == [True] * len(pages)
    assert response["Content-Disposition"].endswith('2014-07-07 printed minutes.pdf"')


def offered_packs(client, meeting) -> list[tuple[str, str]]:
    """The "Agenda packs" list of the meeting page as the viewer reads it: (text, link)."""
    html = client.get(meeting.get_absolute_url()).content.decode()
    listing = re.search(r'<ul class="documents pack-list">(.*?)</ul>', html, re.S)
    if listing is None:
        return []
    return [
        (unescape(re.sub(r"<[^>]+>", "", item)).replace("\xa0", " "), href)
        for item, href in (
            (item, re.search(r'href="([^"]+)"', item).group(1))
            for item in re.findall(r"<li>(.*?)</li>", listing.group(1), re.S)
        )
    ]


def test_the_meeting_page_offers_each_viewer_the_packs_they_may_have_and_their_state(
    exempt_material, client_as
):
    packs = f"/meetings/{SEED_SLUG}/packs/"
    anonymous = client_as("anonymous")
    assert offered_packs(anonymous, exempt_material) == [
        ("Agenda pack (agenda and reports) (PDF)", f"{packs}agenda-pack.pdf"),
        ("Agenda front sheet (PDF)", f"{packs}agenda-front-sheet.pdf"),
    ]
    downloaded = b"".join(anonymous.get(f"{packs}agenda-pack.pdf").streaming_content)
    # Once built, the page says how long and how large the file is (the size as the file has it).
    first = f"Agenda pack (agenda and reports) (PDF, 94 pages, {len(downloaded) / 1024:.1f} KB)"
    assert offered_packs(anonymous, exempt_material)[0][0] == first
    assert offered_packs(client_as("member"), exempt_material) == [
        (first, f"{packs}agenda-pack.pdf"),
        ("Agenda front sheet (PDF)", f"{packs}agenda-front-sheet.pdf"),
        ("Members' pack (with exempt papers) (PDF)", f"{packs}members-pack.pdf"),
    ]

    url = reverse("pack-status", kwargs={"slug": exempt_material.slug})
    public_state = anonymous.get(url).json()
    assert [(p["kind"], p["state"]) for p in public_state["packs"]] == [
        ("public", "ready"), ("front_sheet", "not built"),
    ]  # fmt: skip
    assert "error" not in public_state["packs"][0]
    clerk_state = client_as("clerk").get(url).json()["packs"]
    assert [p["kind"] for p in clerk_state] == ["public", "front_sheet", "members"]
    assert clerk_state[0]["up_to_date"] is True and clerk_state[0]["error"] == ""
    assert clerk_state[2]["state"] == "not built" and clerk_state[2]["stale"] is False


def test_a_member_is_offered_no_members_pack_or_printed_minutes_a_meeting_does_not_have(
    seed_meeting, client_as
):
    """The seed meeting has no exempt papers and its own minutes are not written yet."""
    member = client_as("member")
    packs = f"/meetings/{SEED_SLUG}/packs/"
    assert [text for text, _ in offered_packs(member, seed_meeting)] == [
        "Agenda pack (agenda and reports) (PDF)", "Agenda front sheet (PDF)",
    ]  # fmt: skip
    assert member.get(f"{packs}members-pack.pdf").status_code == 404
    assert member.get(f"{packs}printed-minutes.pdf").status_code == 404
    # The July meeting, whose minutes are published, offers them printed.
    july = Meeting.objects.get(slug="2014-07-07-health-and-well-being-board")
    assert ("Printed minutes (PDF)", f"/meetings/{july.slug}/packs/printed-minutes.pdf") in (
        offered_packs(member, july)
    )


@pytest.mark.parametrize("page_cache", [False, True])
def test_a_pack_whose_file_has_gone_from_storage_is_built_again(
    seed_meeting, client, settings, page_cache
):
    """A restore without the files, or a folder cleaned by hand: the download builds the pack
    again from what it was built from (here at once: the tests' task backend runs tasks as
    they are queued) rather than failing with a server error."""
    from django.core.cache import caches

    if page_cache:  # the public's pack is then remembered, per meeting, in the shared cache
        settings.PAGE_CACHE_SECONDS = 600
        caches["default"].clear()
    url = f"/meetings/{SEED_SLUG}/packs/agenda-pack.pdf"
    first = client.get(url)
    assert first.status_code == 200
    assert len(read_pages(b"".join(first.streaming_content))) == 94
    pack = Pack.objects.get(sha256=first["ETag"].strip('"'))
    pack.file.storage.delete(pack.file.name)

    again = client.get(url)
    assert again.status_code == 200
    assert len(read_pages(b"".join(again.streaming_content))) == 94
    pack.refresh_from_db()
    assert pack.state == Pack.State.READY and pack.file.storage.exists(pack.file.name)
