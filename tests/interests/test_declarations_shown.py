"""Declarations of interest at meetings (issue #15): under their minute on the minutes page (who,
linked to their page and to the entry of their register; the kind in words; whether they left
the room) and on the person's page, with their recorded votes; a private minute's declaration
and vote reach members, never the public. The minutes page stays within its queries."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Declaration
from tests.reports.pdf_reading import in_order
from tests.votes.world import PRIVATE_INTEREST, PRIVATE_RESOLUTION, PUBLIC_INTEREST, build_world

pytestmark = pytest.mark.django_db
MOST_QUERIES = 10  # tests/meetings/test_query_counts.py

PUBLIC_DECLARATION = (
    f"Councillor Cat Carter declared a disclosable pecuniary interest: {PUBLIC_INTEREST} "
    "Left the room for this item."
)
PRIVATE_DECLARATION = (
    f"Councillor Ben Baker declared an other registrable interest: {PRIVATE_INTEREST}"
)


def text(response) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def minutes_url(world) -> str:
    return reverse("minutes-detail", args=[world.meeting.slug])


@pytest.fixture
def world(clerk):
    return build_world(clerk)


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_the_minutes_page_shows_each_minutes_declarations_to_whoever_may_read_it(
    client_as, world, role
):
    reader = client_as(role)
    response = reader.get(minutes_url(world))
    page = text(response)
    # Under its minute, after the narrative and before the resolutions.
    assert in_order(
        page,
        ["5. Parking charges", "The Board considered the charges.", "Declarations of interest",
         PUBLIC_DECLARATION, "RESOLVED that:", "The new charges be approved."],
    ) == []  # fmt: skip
    carter = world.carter
    body = response.content.decode()
    assert f'href="{reverse("person-detail", args=[carter.slug])}"' in body
    entry = reverse("interests-version", args=[carter.slug, world.entry.version_id])
    assert f'href="{entry}#interest-{world.entry.pk}"' in body
    assert "The entry in Councillor Cat Carter's register of interests" in page
    # The link's target is on the register page, with the entry the declaration refers to.
    register = reader.get(entry).content.decode()
    assert f'id="interest-{world.entry.pk}"' in register
    assert "Car park, Spon Street (made up)" in html.unescape(register)
    if role == "anonymous":
        assert PRIVATE_INTEREST not in page and "Ben Baker declared" not in page
        assert PRIVATE_RESOLUTION not in page
    else:
        assert in_order(
            page, ["Sale of the depot", PRIVATE_DECLARATION, PRIVATE_RESOLUTION]
        ) == []  # fmt: skip
        assert "Left the room for this item." not in page.split(PRIVATE_DECLARATION)[1]


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_the_persons_page_shows_their_declarations_and_links_to_their_votes(client_as, world, role):
    reader = client_as(role)
    carter = text(reader.get(reverse("person-detail", args=[world.carter.slug])))
    assert f"Disclosable pecuniary interest: {PUBLIC_INTEREST}" in carter
    assert re.search(re.escape(PUBLIC_INTEREST) + r".*? Yes ", carter)  # left the room
    baker_page = reader.get(reverse("person-detail", args=[world.baker.slug]))
    baker = text(baker_page)
    votes_url = reverse("person-votes", args=[world.baker.slug])
    assert f'href="{votes_url}"' in baker_page.content.decode() and "Recorded votes" in baker
    baker_votes = text(reader.get(votes_url))
    assert "The new charges be approved. For Carried" in baker_votes
    if role == "anonymous":
        assert PRIVATE_INTEREST not in baker
        assert "No declarations of interest are recorded" in baker
        assert PRIVATE_RESOLUTION not in baker_votes
    else:
        assert f"Other registrable interest: {PRIVATE_INTEREST}" in baker
        assert f"{PRIVATE_RESOLUTION} Abstained Carried" in baker_votes


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_declarations_add_no_queries_to_the_minutes_page(client_as, world, role):
    reader = client_as(role)
    url = minutes_url(world)
    reader.get(url)  # warm caches such as the session

    def queries() -> int:
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            assert reader.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    assert few <= MOST_QUERIES
    people = [world.able, world.baker, world.carter, world.dixon]
    for minute in world.minutes.items.all():
        for n, person in enumerate(people):
            Declaration.objects.create(
                minute_item=minute, person=person, interest=f"Interest {minute.number}.{n}"
            )
    many = text(reader.get(url))
    assert "Councillor Dee Dixon declared an other registrable interest: Interest 5.3" in many
    assert queries() == few
