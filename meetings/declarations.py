"""Declarations of interest at a meeting, recorded by the clerk under the minute of the item
they concern (issue #15): who declared, the kind of interest, the interest, whether they left
the room, and the entry of their published register it refers to.

Each write is one transaction with an audit entry. The row is saved or deleted through the
model, so its signals reach the page cache (``boardpapers.cache``: the meeting's pages and the
person's) like every other minute write; declarations are no search source, so the search index
has nothing to follow. A declaration is seen by whoever may see its minute
(``visibility.declaration_q``): a private minute's stay private.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import audit_record
from .models import (
    AgendaItem,
    Attendance,
    Declaration,
    InterestEntry,
    InterestVersion,
    MinuteItem,
    Minutes,
    Person,
)

FIELDS = (
    "minute_item_id", "agenda_item_id", "person_id", "kind", "interest", "left_room",
    "register_entry_id",
)  # fmt: skip
KINDS = {choice for choice, _ in Declaration.Kind.choices}


@dataclass
class Declarers:
    """Who may declare at a meeting: those recorded as attending (in the minutes' order), then
    the committee's members on the day who are not among them."""

    attended: list[Person]
    members: list[Person]

    @property
    def everyone(self) -> list[Person]:
        return self.attended + self.members

    def __contains__(self, person: Person) -> bool:
        return any(p.pk == person.pk for p in self.everyone)


def declarers(minutes: Minutes) -> Declarers:
    meeting = minutes.meeting
    attended = [
        a.person
        for a in minutes.attendance.select_related("person").order_by("position", "pk")
        if a.group != Attendance.Group.APOLOGIES
    ]
    seen = {p.pk for p in attended}
    on = timezone.localtime(meeting.start).date()
    members = [
        m.person
        for m in meeting.committee.memberships.select_related("person").order_by("position", "pk")
        if m.is_current(on) and m.person_id not in seen
    ]
    unique = list({p.pk: p for p in members}.values())
    return Declarers(attended=attended, members=unique)


def published_entries(people) -> dict[int, list[InterestEntry]]:
    """Each person's entries in their published register (the latest approved version), the
    entries a declaration may refer to."""
    versions: dict[int, int] = {}
    for version in (
        InterestVersion.objects.approved()
        .filter(person__in=[p.pk for p in people])
        .order_by("person_id", "-decided_at", "-pk")
        .values("pk", "person_id")
    ):
        versions.setdefault(version["person_id"], version["pk"])
    entries: dict[int, list[InterestEntry]] = {pk: [] for pk in versions}
    for entry in InterestEntry.objects.filter(version_id__in=versions.values()).select_related(
        "version"
    ):
        entries[entry.version.person_id].append(entry)
    return entries


def _check(
    *,
    minute_item: MinuteItem,
    person: Person,
    kind: str,
    interest: str,
    register_entry: InterestEntry | None,
    agenda_item: AgendaItem | None,
    check_person: bool = True,
) -> None:
    """Refuse, in words a clerk uses, a declaration the minutes cannot record."""
    minutes = minute_item.minutes
    if minutes.status == Minutes.Status.APPROVED:
        raise ValidationError("These minutes were agreed as a true record: they cannot be changed.")
    errors: dict[str, str] = {}
    if check_person and person not in declarers(minutes):
        errors["person"] = (
            f"{person.display_name} is not recorded as attending this meeting and is not a "
            "member of the committee: record their attendance first, or choose who declared"
        )
    if kind not in KINDS:
        errors["kind"] = "Choose the kind of interest declared"
    if not interest.strip():
        errors["interest"] = "Enter the interest declared"
    if register_entry is not None:
        version = register_entry.version
        if version.person_id != person.pk:
            errors["register_entry"] = (
                f"That entry is in {version.person.display_name}'s register, not "
                f"{person.display_name}'s: choose one of theirs, or none"
            )
        elif version.state != InterestVersion.State.APPROVED:
            errors["register_entry"] = (
                "That entry is not in their published register: choose a published entry, or none"
            )
    if agenda_item is not None and agenda_item.pk != minute_item.agenda_item_id:
        errors["__all__"] = (
            f"Item {agenda_item.stamp_number} is not the item minute {minute_item.number} "
            "records: record the declaration on that item's minute"
        )
    if errors:
        raise ValidationError(errors)


def _audit(declaration: Declaration, action: str, by, **kwargs) -> None:
    audit_record(
        user=by,
        action=action,
        obj=declaration,
        meeting=declaration.minute_item.minutes.meeting,
        **kwargs,
    )


def _snapshot(declaration: Declaration) -> dict:
    return {f: getattr(declaration, f) for f in FIELDS}


@transaction.atomic
def declaration_add(
    *,
    minute_item: MinuteItem,
    person: Person,
    kind: str,
    interest: str,
    left_room: bool = False,
    register_entry: InterestEntry | None = None,
    agenda_item: AgendaItem | None = None,
    by,
) -> Declaration:
    """Record that ``person`` declared an interest in the item ``minute_item`` records. They
    attended the meeting or are a member of its committee; the register entry, if any, is in
    their published register; ``agenda_item``, if given, is the minute's item (it is always
    stored as the minute's own)."""
    interest = interest.strip()
    _check(
        minute_item=minute_item, person=person, kind=kind, interest=interest,
        register_entry=register_entry, agenda_item=agenda_item,
    )  # fmt: skip
    declaration = Declaration(
        minute_item=minute_item,
        agenda_item_id=minute_item.agenda_item_id,
        person=person,
        kind=kind,
        interest=interest,
        left_room=bool(left_room),
        register_entry=register_entry,
    )
    declaration.full_clean()
    declaration.save()
    _audit(declaration, "declaration.add", by, after=_snapshot(declaration))
    return declaration


@transaction.atomic
def declaration_update(
    *,
    declaration: Declaration,
    person: Person,
    kind: str,
    interest: str,
    left_room: bool = False,
    register_entry: InterestEntry | None = None,
    by,
) -> Declaration:
    """Correct a declaration: who declared, the kind, the interest, whether they left the room,
    the register entry. The minute it is recorded under stays. Someone no longer among those
    who attended (the attendance corrected since) keeps their declaration until it is changed
    to another person or removed."""
    interest = interest.strip()
    minute_item = declaration.minute_item
    _check(
        minute_item=minute_item, person=person, kind=kind, interest=interest,
        register_entry=register_entry, agenda_item=None,
        check_person=person.pk != declaration.person_id,
    )  # fmt: skip
    before = _snapshot(declaration)
    old_person = declaration.person
    declaration.person = person
    declaration.kind = kind
    declaration.interest = interest
    declaration.left_room = bool(left_room)
    declaration.register_entry = register_entry
    after = _snapshot(declaration)
    if after == before:
        return declaration
    declaration.full_clean()
    declaration.save()
    if old_person.pk != person.pk:
        # The save tells the page cache about the person now named; the page of the person
        # first named listed the declaration too.
        from boardpapers.cache import invalidate

        invalidate({f"person:{old_person.slug}"})
    _audit(declaration, "declaration.update", by, before=before, after=after)
    return declaration


@transaction.atomic
def declaration_remove(*, declaration: Declaration, by) -> None:
    """Remove a declaration recorded in error."""
    if declaration.minute_item.minutes.status == Minutes.Status.APPROVED:
        raise ValidationError("These minutes were agreed as a true record: they cannot be changed.")
    _audit(declaration, "declaration.remove", by, before=_snapshot(declaration))
    declaration.delete()
