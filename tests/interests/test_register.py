"""The register of interests: a member keeps theirs up to date in the portal, the clerk approves
or returns it, every version is kept, and the public reads the approved one with the date it
was last updated; new members who have not registered within 28 days are listed for clerks."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from meetings import interests
from meetings.models import AuditEntry, InterestEntry, InterestVersion, Membership, Person

from .conftest import approved

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_a_visitor_reads_the_registers_of_the_nineteen_board_members(client):
    page = client.get("/interests/")
    assert page.status_code == 200
    body = text(page)
    assert "Demonstration data: made up" in body
    board = Person.objects.filter(memberships__committee__slug="health-and-well-being-board")
    assert board.count() == 19
    for person in board:
        assert person.display_name in body
    assert body.count("2 June 2014") + body.count("6 October 2014") == 19


def test_a_members_register_shows_the_approved_version_and_earlier_ones(client):
    person = Person.objects.filter(interest_versions__decided_at__month=10).first()
    body = text(client.get(f"/interests/{person.slug}/"))
    assert "Last updated 6 October 2014" in body
    assert "Earlier versions" in body and "Approved 2 June 2014" in body
    assert "Made up: theatre tickets, value £60" in body
    earlier = person.interest_versions.approved().last()
    old = text(client.get(f"/interests/{person.slug}/versions/{earlier.pk}/"))
    assert "An earlier version" in old and "theatre tickets" not in old


def test_the_person_page_links_to_the_register_and_the_votes(client):
    person = Person.objects.filter(interest_versions__isnull=False).first()
    page = client.get(f"/people/{person.slug}/").content.decode()
    assert reverse("interests-person", args=[person.slug]) in page
    assert reverse("person-votes", args=[person.slug]) in page
    assert "Register of interests (last updated" in page


def test_a_member_updates_their_register_the_clerk_approves_and_the_public_reads_it(
    client, client_as, own_person, clerk
):
    member = client_as("member")
    before = approved(own_person)[0]
    page = member.get("/my-interests/")
    assert page.status_code == 200
    response = member.post(
        "/my-interests/",
        {
            "category": "bodies",
            "held_by": "member",
            "description": "Governor of a primary school in Foleshill",
            "start_date_day": "1",
            "start_date_month": "9",
            "start_date_year": "2026",
        },
        follow=True,
    )
    assert "The interest is added to your draft" in text(response)
    # Not public until the clerk approves.
    assert "Governor of a primary school" not in text(client.get(f"/interests/{own_person.slug}/"))
    response = member.post("/my-interests/submit/", follow=True)
    assert "sent to the clerk for approval" in text(response)
    assert "Awaiting approval" in text(response)

    desk = client_as("clerk")
    listed = text(desk.get("/workspace/interests/"))
    assert own_person.display_name in listed and "Awaiting approval" in listed
    version = InterestVersion.objects.get(person=own_person, state="awaiting")
    review = text(desk.get(f"/workspace/interests/{version.pk}/"))
    assert "Governor of a primary school in Foleshill" in review
    response = desk.post(f"/workspace/interests/{version.pk}/", {"action": "approve"}, follow=True)
    assert "is approved" in text(response)

    public = text(client.get(f"/interests/{own_person.slug}/"))
    version.refresh_from_db()
    assert f"Last updated {version.decided_at:%-d %B %Y}" in public
    assert "Governor of a primary school in Foleshill" in public
    assert "From 1 September 2026" in public
    assert f"Approved {before.decided_at:%-d %B %Y}" in public  # the earlier version, listed
    # Every version kept: the demo's and the new one, the old one unchanged.
    assert [v.pk for v in approved(own_person)] == [version.pk, before.pk]
    assert before.entries.count() == 2
    actions = set(
        AuditEntry.objects.filter(action__startswith="interest_").values_list("action", flat=True)
    )
    assert actions == {
        "interest_draft",
        "interest_entry_add",
        "interest_submit",
        "interest_approve",
    }


def test_the_clerk_returns_a_register_with_a_reason_and_the_member_reads_it(
    client, client_as, own_person
):
    member = client_as("member")
    old = own_person.interest_versions.approved().first().entries.first()
    member.post(reverse("my-interests-remove", args=[old.pk]))
    member.post("/my-interests/submit/")
    version = InterestVersion.objects.get(person=own_person, state="awaiting")
    assert version.entries.count() == 1

    desk = client_as("clerk")
    response = desk.post(
        f"/workspace/interests/{version.pk}/",
        {"action": "return", "reason": "Say when the interest ended rather than removing it."},
        follow=True,
    )
    assert "is returned to them" in text(response)
    version.refresh_from_db()
    assert version.state == "returned"
    page = text(member.get("/my-interests/"))
    assert "The clerk returned your register" in page
    assert "Say when the interest ended rather than removing it." in page
    # The public still reads the approved version, with the entry the member took off.
    assert old.description in text(client.get(f"/interests/{own_person.slug}/"))
    # The member's next change starts from the returned version; the returned one is kept.
    member.post(
        "/my-interests/",
        {"category": "gifts", "held_by": "member", "description": "Made up: a hamper, £70"},
    )
    draft = InterestVersion.objects.get(person=own_person, state="draft")
    assert draft.entries.count() == 2
    assert own_person.interest_versions.filter(state="returned").count() == 1


def test_a_register_awaiting_approval_cannot_be_changed(client_as, own_person):
    member = client_as("member")
    member.post("/my-interests/submit/")
    page = text(member.get("/my-interests/"))
    assert "with the clerk for approval" in page
    response = member.post(
        "/my-interests/", {"category": "gifts", "held_by": "member", "description": "A pen"}
    )
    assert "awaiting the clerk" in text(response)
    assert not InterestEntry.objects.filter(description="A pen").exists()


@pytest.mark.parametrize(
    "data, message, field",
    [
        (
            {"category": "land", "held_by": "member"},
            "Enter the details of the interest",
            "id_description",
        ),
        (
            {"held_by": "member", "description": "x"},
            "Select the category of the interest",
            "id_category_0",
        ),
        (
            {
                "category": "land",
                "held_by": "member",
                "description": "x",
                "start_date_day": "2",
                "start_date_month": "3",
                "start_date_year": "2024",
                "end_date_day": "1",
                "end_date_month": "3",
                "end_date_year": "2024",
            },
            "The date it ended must be on or after the date it started",
            "id_end_date",
        ),
        (
            {"category": "gifts", "held_by": "member_or_partner", "description": "x"},
            "Only a disclosable pecuniary interest other than sponsorship can be your partner",
            "id_held_by_0",
        ),
    ],
)
def test_bad_input_shows_the_error_summary_and_changes_nothing(
    client_as, own_person, data, message, field
):
    member = client_as("member")
    count = InterestVersion.objects.count(), InterestEntry.objects.count()
    response = member.post("/my-interests/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in text(response)
    assert f'href="#{field}' in page
    assert (InterestVersion.objects.count(), InterestEntry.objects.count()) == count


def test_returning_without_a_reason_is_refused_and_changes_nothing(client_as, own_person):
    client_as("member").post("/my-interests/submit/")
    version = InterestVersion.objects.get(person=own_person, state="awaiting")
    response = client_as("clerk").post(
        f"/workspace/interests/{version.pk}/", {"action": "return", "reason": "  "}
    )
    assert "There is a problem" in response.content.decode()
    assert "Enter why the register is being returned" in text(response)
    version.refresh_from_db()
    assert version.state == "awaiting" and version.return_reason == ""


def test_an_account_not_linked_to_a_member_cannot_keep_a_register(client_as, client):
    assert client_as("member").get("/my-interests/").status_code == 403
    assert client.get("/my-interests/").status_code == 302


def test_overdue_counts_28_days_beginning_with_the_day_of_taking_office():
    # Took office Monday 5 January 2026: the 28 days beginning that day end on Sunday
    # 1 February 2026; from Monday 2 February the member is overdue.
    person = Person.objects.create(surname="Newcomer", forenames="Nia", slug="nia-newcomer")
    committee = Membership.objects.first().committee
    Membership.objects.create(
        committee=committee, person=person, start_date=dt.date(2026, 1, 5), position=99
    )
    assert interests.register_by(dt.date(2026, 1, 5)) == dt.date(2026, 2, 1)
    names = lambda day: [r.person.pk for r in interests.overdue_registrations(day)]  # noqa: E731
    assert person.pk not in names(dt.date(2026, 2, 1))
    row = next(
        r for r in interests.overdue_registrations(dt.date(2026, 2, 2)) if r.person == person
    )
    assert (row.took_office, row.register_by, row.days_late) == (
        dt.date(2026, 1, 5), dt.date(2026, 2, 1), 1,
    )  # fmt: skip
    # A register sent but not yet approved does not count; an approved one does.
    version = InterestVersion.objects.create(person=person, state="awaiting")
    assert person.pk in names(dt.date(2026, 2, 2))
    version.state = "approved"
    version.save()
    assert person.pk not in names(dt.date(2026, 2, 2))


def test_the_clerk_sees_who_is_overdue(client_as):
    person = Person.objects.create(surname="Latecomer", forenames="Lee", slug="lee-latecomer")
    committee = Membership.objects.first().committee
    Membership.objects.create(
        committee=committee, person=person, start_date=dt.date(2020, 1, 6), position=99
    )
    page = text(client_as("clerk").get("/workspace/interests/"))
    assert "Lee Latecomer" in page or person.display_name in page
    assert "6 January 2020 2 February 2020" in page
    assert client_as("member").get("/workspace/interests/").status_code == 403


def test_the_api_gives_the_approved_register_and_its_earlier_versions(client):
    person = Person.objects.filter(interest_versions__decided_at__month=10).first()
    listing = client.get("/api/interests/", {"page_size": 100}).json()
    row = next(r for r in listing["results"] if r["id"] == person.slug)
    assert row["last_updated"].startswith("2014-10-06")
    data = client.get(row["url"]).json()
    assert data["current"]["demonstration"] is True
    assert data["current"]["approved_at"].startswith("2014-10-06")
    assert [v["approved_at"][:10] for v in data["earlier_versions"]] == ["2014-06-02"]
    gift = next(e for e in data["current"]["entries"] if e["category"] == "gifts")
    assert gift["description"] == "Made up: theatre tickets, value £60"
    assert gift["held_by"] == "member" and gift["withheld"] is False
    assert client.get("/api/interests/no-such-person/").status_code == 404


def test_the_member_finds_their_own_page_from_their_register(client_as, own_person, client):
    link = reverse("my-interests")
    assert link in client_as("member").get(f"/interests/{own_person.slug}/").content.decode()
    assert link not in client.get(f"/interests/{own_person.slug}/").content.decode()
