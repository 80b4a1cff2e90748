"""Downloading packs: who gets which, what the response says, and what each pack holds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Meeting, MinuteItem, Minutes
from reports.models import Pack
from reports.packs import inputs_hash, meeting_packs, pack_inputs, pack_url
from reports.services import report_create

from .pdf_reading import flat, page_count, page_texts, read_pages

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
    response = client.get(pack_url(seed_meeting, Pack.Kind.PUBLIC))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="Coventry Health and Well-being Board 2014-09-22 agenda pack.pdf"'
    )
    digest = inputs_hash(pack_inputs(meeting=seed_meeting, kind=Pack.Kind.PUBLIC))
    pack = Pack.objects.get(meeting=seed_meeting, kind=Pack.Kind.PUBLIC, inputs_hash=digest)
    assert response["ETag"] == f'"{pack.sha256}"'
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    assert page_count(data) == 94
    # A second request with the ETag is answered "not modified", without the file.
    again = client.get(
        pack_url(seed_meeting, Pack.Kind.PUBLIC), HTTP_IF_NONE_MATCH=response["ETag"]
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


def test_the_meeting_page_list_and_the_build_state(exempt_material, client_as, member):
    from django.contrib.auth.models import AnonymousUser

    public_links = meeting_packs(meeting=exempt_material, user=AnonymousUser())
    assert [link.kind for link in public_links] == ["public", "front_sheet"]
    assert [link.detail for link in public_links] == ["PDF", "PDF"]
    client_as("anonymous").get(public_links[0].url)
    public_links = meeting_packs(meeting=exempt_material, user=AnonymousUser())
    assert public_links[0].detail.startswith("PDF, 94 pages, ")
    assert [link.kind for link in meeting_packs(meeting=exempt_material, user=member)] == [
        "public", "front_sheet", "members",
    ]  # fmt: skip

    url = reverse("pack-status", kwargs={"slug": exempt_material.slug})
    public_state = client_as("anonymous").get(url).json()
    assert [(p["kind"], p["state"]) for p in public_state["packs"]] == [
        ("public", "ready"), ("front_sheet", "not built"),
    ]  # fmt: skip
    assert "error" not in public_state["packs"][0]
    clerk_state = client_as("clerk").get(url).json()["packs"]
    assert [p["kind"] for p in clerk_state] == ["public", "front_sheet", "members"]
    assert clerk_state[0]["up_to_date"] is True and clerk_state[0]["error"] == ""
    assert clerk_state[2]["state"] == "not built" and clerk_state[2]["stale"] is False
