"""Sensitive interests (Localism Act 2011 s.32): every surface shows the public and members only
the category and "details withheld under section 32", never the details or dates; clerks read
them (they approve the register), and so does the member, on their own portal page only."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from meetings.models import Declaration, MinuteItem
from tests.conftest import sign_in

from .conftest import SECRET

pytestmark = pytest.mark.django_db
WITHHELD = "Details withheld under section 32"
SECRET_DATE = "1 February 2013"


def text(response) -> str:
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def surfaces(entry) -> dict[str, str]:
    person = entry.version.person
    return {
        "register": reverse("interests-person", args=[person.slug]),
        "version": reverse("interests-version", args=[person.slug, entry.version_id]),
        "person page": reverse("person-detail", args=[person.slug]),
        "api": reverse("api-interests-person", args=[person.slug]),
    }


@pytest.fixture
def declared(sensitive_entry) -> Declaration:
    """A declaration at the 7 July 2014 meeting referring to the sensitive entry."""
    minute = MinuteItem.objects.filter(
        minutes__meeting__slug="2014-07-07-health-and-well-being-board"
    ).first()
    return Declaration.objects.create(
        minute_item=minute,
        person=sensitive_entry.version.person,
        kind=Declaration.Kind.DISCLOSABLE_PECUNIARY,
        interest="An interest in land (made up)",
        left_room=True,
        register_entry=sensitive_entry,
    )


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_the_public_and_members_never_read_a_sensitive_interests_details(
    client_as, sensitive_entry, declared, role
):
    reader = client_as(role)
    for name, url in surfaces(sensitive_entry).items():
        response = reader.get(url)
        assert response.status_code == 200, name
        body = text(response)
        assert SECRET not in body, name
        assert SECRET_DATE not in body and "2013-02-01" not in body, name
        assert "Land" in body, name
        assert WITHHELD.lower() in body.lower(), name
    listing = text(reader.get(reverse("api-interests-list") + "?page_size=100"))
    assert SECRET not in listing
    found = text(reader.get("/search/", {"q": "second address police"}))
    assert SECRET not in found


def test_clerks_read_the_details_and_see_them_tagged_withheld(client_as, sensitive_entry):
    clerk = client_as("clerk")
    urls = surfaces(sensitive_entry)
    page = clerk.get(urls["register"]).content.decode()
    assert html.escape(SECRET) in page and "Withheld" in page
    assert SECRET_DATE in text(clerk.get(urls["register"]))
    data = clerk.get(urls["api"]).json()
    entry = next(e for e in data["current"]["entries"] if e["withheld"])
    assert entry["description"] == SECRET and entry["start_date"] == "2013-02-01"


def test_the_member_reads_their_own_sensitive_interest_only_in_the_portal(
    client, member, sensitive_entry
):
    person = sensitive_entry.version.person
    person.user = member
    person.save(update_fields=["user"])
    sign_in(client, member)
    assert SECRET in text(client.get("/my-interests/"))
    assert SECRET not in text(client.get(surfaces(sensitive_entry)["register"]))
    assert SECRET not in text(client.get(surfaces(sensitive_entry)["api"]))


def test_a_declaration_shows_on_the_persons_page_linked_to_its_register_entry(client, declared):
    person = declared.person
    other = declared.register_entry.version.entries.exclude(sensitive=True).first()
    Declaration.objects.create(
        minute_item=declared.minute_item,
        person=person,
        kind=Declaration.Kind.NON_REGISTRABLE,
        interest="A friend works for the provider (made up)",
        register_entry=other,
    )
    response = client.get(reverse("person-detail", args=[person.slug]))
    body = text(response)
    assert "Disclosable pecuniary interest: An interest in land (made up)" in body
    assert "In the register: Land, details withheld under section 32" in body
    assert "Non-registrable interest: A friend works for the provider (made up)" in body
    link = (
        reverse("interests-version", args=[person.slug, other.version_id]) + f"#interest-{other.pk}"
    )
    assert link in response.content.decode()
    # Who left the room: the first declaration yes, the second no.
    assert re.search(r"An interest in land \(made up\).*? Yes ", body)
    assert re.search(r"provider \(made up\).*? No ", body)
    # The target of the link exists.
    assert f'id="interest-{other.pk}"' in client.get(link.split("#")[0]).content.decode()
