"""Recording declarations of interest (issue #15): the clerk records, changes and removes them on
the minutes screen, through meetings.declarations, which refuses (changing nothing) a person who
neither attended nor is a member, another person's register entry, an item the minute does not
record and agreed minutes; each write is in the audit log and reaches the public's cached
minutes page and the person's page. The staff pages only show them."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import declarations, interests
from meetings.models import Declaration, MinuteItem, Person
from tests.votes.world import PUBLIC_INTEREST, build_world

pytestmark = pytest.mark.django_db

NEW_INTEREST = "Chairs the Spon Street traders' association (made up)"
NEW_DECLARATION = (
    f"Councillor Ann Able declared an other registrable interest: {NEW_INTEREST} "
    "Left the room for this item."
)


def text(response) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def world(clerk):
    return build_world(clerk)


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "declarations-page-cache",
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def stranger() -> Person:
    """Neither at the meeting nor a member of the Parking Board."""
    return Person.objects.create(
        honorific="Councillor", forenames="Eve", surname="Evans",
        display_name="Councillor Eve Evans", slug="test-evans",
    )  # fmt: skip


def minutes_url(world) -> str:
    return reverse("minutes-detail", args=[world.meeting.slug])


def audit_page(client_as) -> str:
    return text(client_as("clerk").get(reverse("workspace-audit")))


def add(world, clerk, **fields) -> Declaration:
    values = {
        "minute_item": world.public_minute,
        "person": world.able,
        "kind": "other",
        "interest": NEW_INTEREST,
        "left_room": True,
        "by": clerk,
    }
    return declarations.declaration_add(**{**values, **fields})


# The service ------------------------------------------------------------------------------


def test_a_declaration_is_recorded_under_its_minute_for_the_minutes_item(world, clerk, client_as):
    declaration = add(world, clerk)
    assert declaration.agenda_item_id == world.public_minute.agenda_item_id
    page = text(client_as("anonymous").get(minutes_url(world)))
    assert NEW_DECLARATION in page
    assert "declaration.add: Councillor Ann Able: Chairs the Spon Street" in audit_page(client_as)


def test_someone_who_neither_attended_nor_is_a_member_is_refused(world, clerk, client_as, stranger):
    before = Declaration.objects.count()
    audited = audit_page(client_as).count("declaration.add")  # the world's own two
    with pytest.raises(ValidationError) as refused:
        add(world, clerk, person=stranger)
    assert "Councillor Eve Evans is not recorded as attending this meeting and is not a member" in (
        " ".join(refused.value.messages)
    )
    assert Declaration.objects.count() == before
    assert audit_page(client_as).count("declaration.add") == audited


def test_an_officer_who_attended_may_declare(world, clerk, stranger):
    from meetings import services

    lines = [
        {"person": a.person, "group": a.group, "capacity": a.capacity, "is_chair": a.is_chair}
        for a in world.minutes.attendance.order_by("position")
    ]
    services.minutes_attendance_save(
        minutes=world.minutes, lines=[*lines, {"person": stranger, "group": "officer"}], by=clerk
    )
    assert add(world, clerk, person=stranger).person == stranger


def test_another_persons_register_entry_is_refused(world, clerk):
    with pytest.raises(ValidationError) as refused:
        add(world, clerk, register_entry=world.entry)  # Carter's, declared by Able
    assert "That entry is in Councillor Cat Carter's register, not Councillor Ann Able's" in (
        " ".join(refused.value.messages)
    )
    assert not Declaration.objects.filter(interest=NEW_INTEREST).exists()


def test_an_entry_not_yet_published_is_refused(world, clerk):
    draft = interests.interest_entry_add(
        person=world.able, by=clerk, category="bodies", description="A club (made up)"
    )
    with pytest.raises(ValidationError, match="not in their published register"):
        add(world, clerk, register_entry=draft)
    assert not Declaration.objects.filter(interest=NEW_INTEREST).exists()


def test_the_agenda_item_must_be_the_minutes_item(world, clerk):
    depot = world.private_minute.agenda_item
    with pytest.raises(ValidationError, match="is not the item minute"):
        add(world, clerk, agenda_item=depot)
    assert not Declaration.objects.filter(interest=NEW_INTEREST).exists()
    assert add(world, clerk, agenda_item=world.public_minute.agenda_item).pk


def test_agreed_minutes_take_no_declaration(world, clerk):
    from meetings import services

    later = services.meeting_create(
        committee=world.meeting.committee,
        start=world.meeting.start.replace(month=4),
        by=clerk,
    )
    services.minutes_approve(minutes=world.minutes, at=later, by=clerk)
    world.public_minute.refresh_from_db()
    with pytest.raises(ValidationError, match="agreed as a true record"):
        add(world, clerk)
    existing = world.public_minute.declarations.get()
    with pytest.raises(ValidationError, match="agreed as a true record"):
        declarations.declaration_remove(declaration=existing, by=clerk)
    assert Declaration.objects.filter(pk=existing.pk).exists()


def test_a_change_and_a_removal_are_audited_and_reach_the_cached_pages(
    world, clerk, client_as, page_cache, client
):
    minutes, able_page = minutes_url(world), reverse("person-detail", args=[world.able.slug])
    for url in (minutes, able_page):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    declaration = add(world, clerk)
    page = client.get(minutes)
    assert page["X-Page-Cache"] == "miss"
    assert NEW_DECLARATION in text(page)
    assert NEW_INTEREST in text(client.get(able_page))
    client.get(minutes)
    assert client.get(minutes)["X-Page-Cache"] == "hit"

    # Changed to Dixon, who stayed: the minutes and both people's pages follow.
    declarations.declaration_update(
        declaration=declaration, person=world.dixon, kind="nonreg", interest=NEW_INTEREST,
        left_room=False, by=clerk,
    )  # fmt: skip
    page = text(client.get(minutes))
    assert f"Councillor Dee Dixon declared a non-registrable interest: {NEW_INTEREST}" in page
    assert "Councillor Ann Able declared" not in page
    assert NEW_INTEREST not in text(client.get(able_page))
    dixon = text(client.get(reverse("person-detail", args=[world.dixon.slug])))
    assert f"Non-registrable interest: {NEW_INTEREST}" in dixon

    declarations.declaration_remove(declaration=declaration, by=clerk)
    page = client.get(minutes)
    assert page["X-Page-Cache"] == "miss"
    assert NEW_INTEREST not in text(page)
    assert PUBLIC_INTEREST in text(page)  # Carter's stays
    audit = audit_page(client_as)
    assert "declaration.update: Councillor Dee Dixon" in audit
    assert "declaration.remove: Councillor Dee Dixon" in audit


def test_a_private_minutes_declaration_stays_private(world, clerk, client_as):
    add(world, clerk, minute_item=world.private_minute, interest="Bid for the depot (made up)")
    assert "Bid for the depot" not in text(client_as("anonymous").get(minutes_url(world)))
    assert "Councillor Ann Able declared an other registrable interest: Bid for the depot" in (
        text(client_as("member").get(minutes_url(world)))
    )
    able = reverse("person-detail", args=[world.able.slug])
    assert "Bid for the depot" not in text(client_as("anonymous").get(able))


# The minutes screen -----------------------------------------------------------------------


def minute_screen(world, minute: MinuteItem | None = None) -> str:
    return reverse("workspace-minute-item", args=[(minute or world.public_minute).pk])


def form_data(world, **fields) -> dict:
    data = {
        "declaration-person": world.able.pk,
        "declaration-kind": "other",
        "declaration-interest": NEW_INTEREST,
        "declaration-left_room": "on",
        "declaration-register_entry": "",
    }
    data.update({f"declaration-{k}": v for k, v in fields.items()})
    return data


def test_the_minute_screen_lists_declarations_and_offers_the_people_of_the_meeting(
    world, client_as, stranger
):
    page = client_as("clerk").get(minute_screen(world))
    body = page.content.decode()
    words = text(page)
    assert "Declarations of interest" in words
    assert "Councillor Cat Carter Change Councillor Cat Carter’s declaration" in words
    assert PUBLIC_INTEREST in words and "Left the room Yes, for this item" in words
    assert "Register entry Land: Car park, Spon Street (made up)" in words
    # Who may declare: those at the meeting; Carter's published entries to choose from.
    assert '<optgroup label="At the meeting">' in body
    assert "Councillor Eve Evans" not in body
    assert f'<option value="{world.entry.pk}">Land: Car park, Spon Street (made up)</option>' in (
        body
    )
    for kind in ("Disclosable pecuniary interest", "Other registrable interest",
                 "Non-registrable interest"):  # fmt: skip
        assert kind in words


def test_the_clerk_adds_a_declaration_from_the_minute_screen(world, client_as):
    clerk = client_as("clerk")
    response = clerk.post(
        reverse("workspace-declaration-add", args=[world.public_minute.pk]), form_data(world)
    )
    assert response.status_code == 302
    assert response["Location"].endswith(minute_screen(world) + "#declarations")
    page = text(clerk.get(response["Location"]))
    assert "Declaration recorded: Councillor Ann Able, an other registrable interest." in page
    assert NEW_DECLARATION in text(client_as("anonymous").get(minutes_url(world)))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"person": ""}, "Choose who declared the interest"),
        ({"interest": "  "}, "Enter the interest declared"),
        ({"kind": ""}, "Choose the kind of interest declared"),
        ({"register_entry": "carter"}, "That entry is in Councillor Cat Carter's register"),
    ],
)
def test_bad_input_shows_an_error_summary_and_saves_nothing(world, client_as, fields, message):
    if fields.get("register_entry") == "carter":
        fields = {"register_entry": world.entry.pk}
    before = Declaration.objects.count()
    response = client_as("clerk").post(
        reverse("workspace-declaration-add", args=[world.public_minute.pk]),
        form_data(world, **fields),
    )
    page = text(response)
    assert re.search(r"<title>\s*Error:", response.content.decode())
    assert f"There is a problem {message}" in page
    assert Declaration.objects.count() == before
    # Shown at the address of the refused form: the minute's own form still saves the minute.
    assert f'action="{minute_screen(world)}"' in response.content.decode()


def test_someone_not_offered_is_refused_by_the_form(world, client_as, stranger):
    response = client_as("clerk").post(
        reverse("workspace-declaration-add", args=[world.public_minute.pk]),
        form_data(world, person=stranger.pk),
    )
    assert "There is a problem Select a valid choice" in text(response)
    assert not Declaration.objects.filter(person=stranger).exists()


def test_the_clerk_changes_and_removes_a_declaration(world, client_as):
    clerk = client_as("clerk")
    carter = world.public_minute.declarations.get()
    change = reverse("workspace-declaration-change", args=[carter.pk])
    form = text(clerk.get(change))
    assert "Change Councillor Cat Carter’s declaration" in form
    response = clerk.post(
        change,
        form_data(
            world,
            person=world.carter.pk,
            kind="dpi",
            interest="Owns two car parks (made up)",
            left_room="",
            register_entry=world.entry.pk,
        ),
    )
    assert response.status_code == 302
    public = text(client_as("anonymous").get(minutes_url(world)))
    assert (
        "Councillor Cat Carter declared a disclosable pecuniary interest: Owns two car parks "
        "(made up)"
    ) in public
    assert "Left the room for this item." not in public

    remove = reverse("workspace-declaration-remove", args=[carter.pk])
    assert "Remove Councillor Cat Carter’s declaration?" in text(clerk.get(remove))
    assert Declaration.objects.filter(pk=carter.pk).exists()  # asking removes nothing
    response = clerk.post(remove)
    assert response.status_code == 302
    assert "Declaration removed: Councillor Cat Carter" in text(clerk.get(response["Location"]))
    assert "Owns two car parks" not in text(client_as("anonymous").get(minutes_url(world)))


def test_a_members_page_cannot_reach_the_declaration_screens(world, client_as):
    carter = world.public_minute.declarations.get()
    member = client_as("member")
    for url in (
        reverse("workspace-declaration-change", args=[carter.pk]),
        reverse("workspace-declaration-remove", args=[carter.pk]),
    ):
        assert member.post(url, form_data(world)).status_code == 403
    assert Declaration.objects.filter(pk=carter.pk, interest=PUBLIC_INTEREST).exists()


def test_the_declarations_of_interest_item_takes_declarations_under_its_own_minute(
    world, clerk, client_as
):
    item = world.minutes.items.get(title="Declarations of Interest")
    screen = text(client_as("clerk").get(minute_screen(world, item)))
    assert "or here if it was declared under this item" in screen
    add(world, clerk, minute_item=item, interest="A general interest (made up)")
    public = text(client_as("anonymous").get(minutes_url(world)))
    heading = f"{item.number}. Declarations of Interest"
    assert heading in public
    after = public.split(heading, 1)[1]
    assert after.index("A general interest (made up)") < after.index("Parking charges")


# The staff pages ----------------------------------------------------------------------------


def test_the_staff_pages_only_show_declarations(world, client_as):
    clerk = client_as("clerk")
    carter = world.public_minute.declarations.get()
    assert clerk.get(reverse("admin:meetings_declaration_add")).status_code == 403
    change = reverse("admin:meetings_declaration_change", args=[carter.pk])
    assert clerk.get(change).status_code == 200
    clerk.post(change, {"interest": "Changed in the staff pages", "kind": "other"})
    assert Declaration.objects.get(pk=carter.pk).interest == PUBLIC_INTEREST
    delete = reverse("admin:meetings_declaration_delete", args=[carter.pk])
    assert clerk.post(delete, {"post": "yes"}).status_code == 403
    assert Declaration.objects.filter(pk=carter.pk).exists()
    minute = reverse("admin:meetings_minuteitem_change", args=[world.public_minute.pk])
    assert PUBLIC_INTEREST in text(clerk.get(minute))
