"""The printed minutes (issue #15): recorded votes under their resolution (the outcome, and for,
against and abstained by name, or the totals where names were not recorded) and declarations of
interest in words; a private minute's only in the members' pack. A changed vote makes a new
build. Read back from the PDF as a reader has it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from meetings import publishing, services, votes
from reports.models import Pack
from reports.packs import inputs_hash, pack_inputs, pack_request, pack_url
from tests.reports.pdf_reading import all_text, flat, in_order

from .world import LONDON, PRIVATE_INTEREST, PRIVATE_RESOLUTION, PUBLIC_INTEREST, build_world

pytestmark = pytest.mark.django_db

PUBLIC_MINUTE_PRINTED = [
    "Parking charges",
    "The Board considered the charges.",
    f"Councillor Cat Carter declared a disclosable pecuniary interest: {PUBLIC_INTEREST}. "
    "Councillor Cat Carter left the room for this item.",
    "RESOLVED that:",
    "(1) The new charges be approved.",
    "Recorded vote: carried.",
    "For (2): Councillor Ann Able and Councillor Ben Baker",
    "Against (1): Councillor Dee Dixon",
    "Abstained (0): None",
    "(2) The charges be reviewed in a year.",
    "Recorded vote: lost.",
    "For: 4 Against: 7 Abstained: 2 Names were not recorded.",
]
PRIVATE_MINUTE_PRINTED = [
    "Sale of the depot",
    f"Councillor Ben Baker declared an other registrable interest: {PRIVATE_INTEREST}.",
    f"RESOLVED that {PRIVATE_RESOLUTION}",
    "Recorded vote: carried.",
    "For (2): Councillor Cat Carter and Councillor Dee Dixon",
    "Against (1): Councillor Ann Able",
    "Abstained (1): Councillor Ben Baker",
]


def pack_text(pack: Pack) -> str:
    assert pack.state == Pack.State.READY, pack.error
    with default_storage.open(pack.file.name, "rb") as handle:
        return flat(all_text(handle.read()))


def test_the_printed_minutes_show_votes_and_declarations_of_the_public_minutes_only(client, clerk):
    world = build_world(clerk)
    response = client.get(pack_url(world.meeting, Pack.Kind.MINUTES))
    assert response.status_code == 200
    text = flat(all_text(b"".join(response.streaming_content)))
    assert in_order(text, PUBLIC_MINUTE_PRINTED) == []
    # The private minute, its vote and its declaration are not in the public's printed minutes.
    for private in ("Sale of the depot", PRIVATE_RESOLUTION, PRIVATE_INTEREST, "Abstained (1)"):
        assert private not in text


def test_a_private_minutes_vote_and_declaration_are_printed_in_the_members_pack_only(clerk):
    world = build_world(clerk)
    # The next meeting agrees these minutes (item 3(a)): its packs print them.
    later = services.meeting_create(
        committee=world.meeting.committee,
        start=dt.datetime(2021, 4, 12, 18, tzinfo=LONDON),
        by=clerk,
    )
    publishing.meeting_publish(
        meeting=later, by=clerk, base_url="http://testserver", confirm_short_notice=True
    )
    members = pack_text(pack_request(meeting=later, kind=Pack.Kind.MEMBERS))
    assert in_order(members, PRIVATE_MINUTE_PRINTED) == []
    public = pack_text(pack_request(meeting=later, kind=Pack.Kind.PUBLIC))
    assert in_order(public, PUBLIC_MINUTE_PRINTED) == []
    for private in (PRIVATE_RESOLUTION, PRIVATE_INTEREST, "Abstained (1)"):
        assert private not in public


def test_a_new_vote_changes_the_inputs_and_builds_the_printed_minutes_again(clerk):
    world = build_world(clerk)
    first = pack_request(meeting=world.meeting, kind=Pack.Kind.MINUTES)
    before = inputs_hash(pack_inputs(meeting=world.meeting, kind=Pack.Kind.MINUTES))
    assert first.inputs_hash == before
    votes.vote_record(
        resolution=world.public_minute.resolutions.order_by("position").first(),
        by=clerk,
        outcome="lost",
        motion="An amendment: that the charges be halved.",
        casts={world.dixon: "for", world.able: "against", world.baker: "against"},
    )
    assert inputs_hash(pack_inputs(meeting=world.meeting, kind=Pack.Kind.MINUTES)) != before
    second = pack_request(meeting=world.meeting, kind=Pack.Kind.MINUTES)
    assert second.pk != first.pk
    text = pack_text(second)
    assert (
        in_order(
            text,
            [
                "(1) The new charges be approved.",
                "Recorded vote: carried.",
                "Recorded vote: lost. The motion put: An amendment: that the charges be halved.",
                "For (1): Councillor Dee Dixon",
                "Against (2): Councillor Ann Able and Councillor Ben Baker",
                "(2) The charges be reviewed in a year.",
            ],
        )
        == []
    )
