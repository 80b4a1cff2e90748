"""Registers of interests: the member's draft, submitting it, the clerk approving or returning
it, and who is overdue. Every write is one transaction with an audit entry; every version is
kept (an approved version is never changed: the next change starts a new draft from it).

The deadline: a member registers "before the end of 28 days beginning with the day on which
the person becomes a member" (Localism Act 2011 s.30(1)), so the day of taking office is the
first of the 28 and the last is 27 days after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from .audit import audit_record
from .models import InterestEntry, InterestVersion, Membership, Person

REGISTER_WITHIN_DAYS = 28
ENTRY_FIELDS = ("category", "held_by", "description", "start_date", "end_date", "sensitive")


def _entry_data(entry: InterestEntry) -> dict:
    return {
        "category": entry.category,
        "held_by": entry.held_by,
        "sensitive": entry.sensitive,
        "start_date": entry.start_date.isoformat() if entry.start_date else None,
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
    }


def current_version(person: Person) -> InterestVersion | None:
    """The approved version the public reads: the latest approved."""
    return person.interest_versions.approved().first()


def open_version(person: Person) -> InterestVersion | None:
    """The member's draft, or the version awaiting the clerk's approval."""
    return person.interest_versions.filter(
        state__in=[InterestVersion.State.DRAFT, InterestVersion.State.AWAITING]
    ).first()


def _draft(*, person: Person, by) -> InterestVersion:
    """The member's draft: the open one, else a new one copying the latest version returned to
    them (when newer than the approved one) or the approved one."""
    version = open_version(person)
    if version is not None:
        if version.state != InterestVersion.State.DRAFT:
            raise ValidationError(
                "Your register is awaiting the clerk's approval: it cannot be changed until "
                "the clerk approves or returns it."
            )
        return version
    source = (
        person.interest_versions.filter(
            state__in=[InterestVersion.State.APPROVED, InterestVersion.State.RETURNED]
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    version = InterestVersion.objects.create(person=person)
    if source is not None:
        InterestEntry.objects.bulk_create(
            InterestEntry(
                version=version,
                position=e.position,
                **{f: getattr(e, f) for f in ENTRY_FIELDS},
            )
            for e in source.entries.all()
        )
    audit_record(
        user=by,
        action="interest_draft",
        obj=version,
        after={"person": person.slug, "from_version": source.pk if source else None},
    )
    return version


@transaction.atomic
def interest_entry_add(*, person: Person, by, **fields) -> InterestEntry:
    """Add an interest to the member's draft (started if need be)."""
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    version = _draft(person=person, by=by)
    last = version.entries.order_by("-position").first()
    entry = InterestEntry(version=version, position=(last.position + 1) if last else 1, **fields)
    entry.full_clean()
    entry.save()
    audit_record(user=by, action="interest_entry_add", obj=entry, after=_entry_data(entry))
    return entry


@transaction.atomic
def interest_entry_remove(*, person: Person, entry: InterestEntry, by) -> None:
    """Take an interest off the member's draft (an entry of the approved version: its copy in
    a new draft)."""
    version = _draft(person=person, by=by)
    if entry.version_id != version.pk:
        entry = version.entries.filter(
            position=entry.position, category=entry.category, description=entry.description
        ).first()
        if entry is None:
            raise ValidationError("That interest is not in your register.")
    before = _entry_data(entry)
    audit_record(user=by, action="interest_entry_remove", obj=entry, before=before)
    entry.delete()


@transaction.atomic
def interest_submit(*, person: Person, by) -> InterestVersion:
    """Send the member's register for the clerk's approval. With no draft, the approved
    version is confirmed as it stands (a new version with the same entries)."""
    version = _draft(person=person, by=by)
    version.state = InterestVersion.State.AWAITING
    version.submitted_at = timezone.now()
    version.submitted_by = by if getattr(by, "pk", None) else None
    version.save(update_fields=["state", "submitted_at", "submitted_by"])
    audit_record(
        user=by,
        action="interest_submit",
        obj=version,
        after={"entries": [_entry_data(e) for e in version.entries.all()]},
    )
    return version


def _awaiting(version: InterestVersion) -> None:
    if version.state != InterestVersion.State.AWAITING:
        raise ValidationError("Only a register awaiting approval can be approved or returned.")


@transaction.atomic
def interest_approve(*, version: InterestVersion, by) -> InterestVersion:
    """The clerk approves a submitted register: it becomes the published one."""
    version = InterestVersion.objects.select_for_update().get(pk=version.pk)
    _awaiting(version)
    version.state = InterestVersion.State.APPROVED
    version.decided_at = timezone.now()
    version.decided_by = by
    version.save(update_fields=["state", "decided_at", "decided_by"])
    audit_record(user=by, action="interest_approve", obj=version, after={"state": "approved"})
    return version


@transaction.atomic
def interest_return(*, version: InterestVersion, by, reason: str) -> InterestVersion:
    """The clerk returns a submitted register to the member with a reason; it is kept, and
    the member's next change starts from it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter why the register is being returned.")
    version = InterestVersion.objects.select_for_update().get(pk=version.pk)
    _awaiting(version)
    version.state = InterestVersion.State.RETURNED
    version.decided_at = timezone.now()
    version.decided_by = by
    version.return_reason = reason
    version.save(update_fields=["state", "decided_at", "decided_by", "return_reason"])
    audit_record(
        user=by,
        action="interest_return",
        obj=version,
        after={"state": "returned", "reason": reason},
    )
    return version


# ---------------------------------------------------------------------------------------------
# Who is overdue
# ---------------------------------------------------------------------------------------------


def register_by(took_office: dt.date) -> dt.date:
    """The last day to register: the 28th day beginning with the day of taking office."""
    return took_office + dt.timedelta(days=REGISTER_WITHIN_DAYS - 1)


@dataclass
class Overdue:
    person: Person
    took_office: dt.date
    register_by: dt.date
    days_late: int


def overdue_registrations(today: dt.date | None = None) -> list[Overdue]:
    """Members with a current membership whose 28 days have ended and who have no approved
    register, longest overdue first. Taking office: the earliest start of their memberships."""
    today = today or timezone.localdate()
    started = (
        Membership.objects.filter(start_date__isnull=False)
        .values("person")
        .annotate(first=Min("start_date"))
    )
    first_day = {row["person"]: row["first"] for row in started}
    current = {
        m.person_id
        for m in Membership.objects.filter(start_date__isnull=False)
        if m.is_current(today)
    }
    approved = set(
        InterestVersion.objects.filter(state=InterestVersion.State.APPROVED).values_list(
            "person_id", flat=True
        )
    )
    people = Person.objects.in_bulk(current - approved)
    rows = []
    for pk, person in people.items():
        deadline = register_by(first_day[pk])
        if today > deadline:
            rows.append(Overdue(person, first_day[pk], deadline, (today - deadline).days))
    return sorted(rows, key=lambda r: (r.register_by, r.person.surname, r.person.pk))
