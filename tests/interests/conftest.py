"""Rows the interests tests share: the demo's sensitive entry and its member, and a board member
linked to the test member's account."""

from __future__ import annotations

import pytest

from meetings.demo_interests import SENSITIVE
from meetings.models import InterestEntry, InterestVersion, Person

SECRET = SENSITIVE[2]


@pytest.fixture
def sensitive_entry() -> InterestEntry:
    return InterestEntry.objects.select_related("version__person").get(description=SECRET)


@pytest.fixture
def own_person(member) -> Person:
    """A board member with one approved register (no earlier version), now the test member."""
    person = (
        Person.objects.filter(interest_versions__is_demo=True)
        .exclude(interest_versions__entries__sensitive=True)
        .order_by("surname", "pk")
        .distinct()
    )
    person = next(p for p in person if p.interest_versions.count() == 1)
    person.user = member
    person.save(update_fields=["user"])
    return person


def approved(person) -> list[InterestVersion]:
    return list(person.interest_versions.approved())
