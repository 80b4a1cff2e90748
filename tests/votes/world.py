"""A meeting as a clerk makes one, with recorded votes and declarations of interest on a public
and on a private minute, for the tests of where votes and declarations are shown (the minutes
page, the printed minutes, the person's page). Built through the services, the declarations
with those of the minutes screen (``meetings.declarations``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from meetings import declarations, interests, publishing, services, votes
from meetings.models import (
    Committee,
    Declaration,
    InterestEntry,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Person,
)

LONDON = ZoneInfo("Europe/London")

PUBLIC_INTEREST = "Owns a car park on Spon Street (made up)"
PRIVATE_INTEREST = "Lives next door to the depot (made up)"
PRIVATE_RESOLUTION = "The depot be sold to the highest bidder."


@dataclass
class World:
    meeting: Meeting
    minutes: Minutes
    public_minute: MinuteItem
    private_minute: MinuteItem
    able: Person
    baker: Person
    carter: Person
    dixon: Person
    entry: InterestEntry  # Carter's approved register entry the public declaration refers to


def _person(forenames: str, surname: str) -> Person:
    return Person.objects.create(
        honorific="Councillor",
        forenames=forenames,
        surname=surname,
        display_name=f"Councillor {forenames} {surname}",
        slug=f"test-{surname.lower()}",
    )


def build_world(clerk) -> World:
    """The Parking Board of 1 March 2021: a public item (parking charges: two resolutions,
    (1) voted by name, (2) by totals; Carter declares a disclosable pecuniary interest, in
    their approved register, and leaves the room) and a private one (the depot: one
    resolution voted by name; Baker declares an other registrable interest). Minutes
    published, still a draft."""
    committee = Committee.objects.create(name="Parking Board", slug="parking-board")
    able, baker = _person("Ann", "Able"), _person("Ben", "Baker")
    carter, dixon = _person("Cat", "Carter"), _person("Dee", "Dixon")
    for n, person in enumerate((able, baker, carter, dixon), start=1):
        Membership.objects.create(committee=committee, person=person, position=n)
    entry = interests.interest_entry_add(
        person=carter, by=clerk, category="land", description="Car park, Spon Street (made up)"
    )
    interests.interest_approve(version=interests.interest_submit(person=carter, by=clerk), by=clerk)
    entry = InterestEntry.objects.select_related("version").get(pk=entry.pk)  # now approved
    meeting = services.meeting_create(
        committee=committee, start=dt.datetime(2021, 3, 1, 18, tzinfo=LONDON), by=clerk
    )
    parking = services.agenda_item_add(meeting=meeting, by=clerk, title="Parking charges")
    depot = services.agenda_item_add(
        meeting=meeting, by=clerk, title="Sale of the depot", part="private",
        exemption_paragraph=3, public_description="Commercially sensitive.",
    )  # fmt: skip
    publishing.meeting_publish(
        meeting=meeting, by=clerk, base_url="http://testserver", confirm_short_notice=True
    )
    minutes = services.minutes_start(meeting=meeting, by=clerk)
    public_minute = minutes.items.get(agenda_item=parking)
    private_minute = minutes.items.get(agenda_item=depot)
    services.minute_item_save(
        item=public_minute,
        narrative="The Board considered the charges.",
        resolutions=["The new charges be approved.", "The charges be reviewed in a year."],
        by=clerk,
    )
    services.minute_item_save(
        item=private_minute,
        narrative="The Board considered the offers.",
        resolutions=[PRIVATE_RESOLUTION],
        by=clerk,
    )
    first, second = public_minute.resolutions.order_by("position")
    votes.vote_record(
        resolution=first, by=clerk, outcome="carried",
        casts={able: "for", baker: "for", dixon: "against"},  # Carter left the room
    )  # fmt: skip
    votes.vote_record(resolution=second, by=clerk, outcome="lost", totals=(4, 7, 2))
    votes.vote_record(
        resolution=private_minute.resolutions.get(), by=clerk, outcome="carried",
        casts={able: "against", baker: "abstain", carter: "for", dixon: "for"},
    )  # fmt: skip
    declarations.declaration_add(
        minute_item=public_minute,
        agenda_item=parking,
        person=carter,
        kind=Declaration.Kind.DISCLOSABLE_PECUNIARY,
        interest=PUBLIC_INTEREST,
        left_room=True,
        register_entry=entry,
        by=clerk,
    )
    declarations.declaration_add(
        minute_item=private_minute,
        agenda_item=depot,
        person=baker,
        kind=Declaration.Kind.OTHER,
        interest=PRIVATE_INTEREST,
        by=clerk,
    )
    services.minutes_publish(minutes=minutes, by=clerk)
    return World(meeting, minutes, public_minute, private_minute, able, baker, carter, dixon, entry)
