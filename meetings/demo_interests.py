"""Demo registers of interests for the 19 members of the Health and Well-being Board: made up
for the demonstration, not anyone's real interests (each version is marked ``is_demo`` and its
pages say so). Each member has a register approved in June 2014; every third member updated it
in October 2014, so an earlier version is listed; one entry is sensitive (section 32).
Loading is idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import InterestCategory, InterestEntry, InterestVersion, Membership

BOARD = "health-and-well-being-board"
C = InterestCategory
HELD = InterestEntry.HeldBy

# (category, held by, description, start) in turn; each member takes two, starting at their own
# place in the list, so registers differ.
MADE_UP = [
    (C.EMPLOYMENT, HELD.MEMBER, "Made up: part-time lecturer, Coventry College", "2009-09-01"),
    (C.LAND, HELD.MEMBER_OR_PARTNER, "Made up: a house in Earlsdon, Coventry (home)", None),
    (C.BODIES, HELD.MEMBER, "Made up: trustee of a local carers' charity", "2012-04-01"),
    (C.SECURITIES, HELD.MEMBER_OR_PARTNER, "Made up: shares in a pharmacy company", None),
    (C.SPONSORSHIP, HELD.MEMBER, "Made up: election expenses from a local party", "2014-05-22"),
    (C.GIFTS, HELD.MEMBER, "Made up: dinner at a health conference, value £80", "2014-03-12"),
    (C.LICENCES, HELD.MEMBER_OR_PARTNER, "Made up: allotment licence, Radford", "2010-01-01"),
    (C.CONTRACTS, HELD.MEMBER_OR_PARTNER, "Made up: a partner's firm supplies the council", None),
    (C.CORPORATE_TENANCIES, HELD.MEMBER, "Made up: tenancy of a council shop unit", None),
]
SENSITIVE = (
    C.LAND,
    HELD.MEMBER_OR_PARTNER,
    "Made up: a second address, withheld on the police's advice",
    "2013-02-01",
)
FIRST_APPROVED = dt.date(2014, 6, 2)
UPDATED = dt.date(2014, 10, 6)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _version(person, day: dt.date, rows) -> InterestVersion:
    version = InterestVersion.objects.create(
        person=person,
        state=InterestVersion.State.APPROVED,
        submitted_at=_at(day - dt.timedelta(days=3)),
        decided_at=_at(day),
        is_demo=True,
    )
    InterestVersion.objects.filter(pk=version.pk).update(created_at=_at(day - dt.timedelta(days=4)))
    InterestEntry.objects.bulk_create(
        InterestEntry(
            version=version,
            position=n,
            category=category,
            held_by=held_by,
            description=description,
            start_date=dt.date.fromisoformat(start) if start else None,
            sensitive=sensitive,
        )
        for n, (category, held_by, description, start, sensitive) in enumerate(rows, start=1)
    )
    return version


def load_interests(summary) -> None:
    if InterestVersion.objects.filter(is_demo=True).exists():
        summary.skipped.append("the demonstration registers of interests (already loaded)")
        return
    members = [
        m.person
        for m in Membership.objects.filter(committee__slug=BOARD)
        .select_related("person")
        .order_by("position", "pk")
    ]
    for n, person in enumerate(members):
        rows = [(*MADE_UP[(n + k) % len(MADE_UP)], False) for k in range(2)]
        if n == 1:
            rows.append((*SENSITIVE, True))
        _version(person, FIRST_APPROVED, rows)
        if n % 3 == 0:
            rows = [
                *rows,
                (C.GIFTS, HELD.MEMBER, "Made up: theatre tickets, value £60", None, False),
            ]
            _version(person, UPDATED, rows)
    summary.created.append(
        f"Registers of interests (made up) for the {len(members)} members of the board"
    )
