"""Records and their ModernGov ids: finding what an earlier run wrote, remembering what this
one writes, and the committees and people an answer names."""

from __future__ import annotations

from django.utils.text import slugify

from meetings.models import Committee, Person

from . import parse
from .models import NATIVE_ID_BASE, ModernGovId
from .summary import Summary

Kind = ModernGovId.Kind
HONORIFICS = (
    "Councillor", "Cllr", "County Councillor", "Alderman", "Dr", "Mr", "Mrs", "Ms", "Miss",
    "Professor", "Prof", "Sir", "Dame", "Lord", "Lady", "Reverend", "Rev",
)  # fmt: skip


def _mapped(kind: str, moderngov_id: int, model):
    row = ModernGovId.objects.filter(kind=kind, moderngov_id=moderngov_id).first()
    if row is None:
        return None, None
    obj = model.objects.filter(pk=row.object_id).first()
    if obj is None:  # the record was deleted since: its id is free again
        row.delete()
        return None, None
    return obj, row


def _remember(kind: str, moderngov_id: int, obj, *, source: str, extra=None) -> None:
    ModernGovId.objects.update_or_create(
        kind=kind,
        moderngov_id=moderngov_id,
        defaults={"object_id": obj.pk, "source": source[:300], "extra": extra or {}},
    )


def _apply(obj, values: dict) -> bool:
    """Set the values on obj; True if any differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _free_slug(model, base: str, *, exclude_pk=None) -> str:
    base = (slugify(base) or "imported")[:110]
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_id(value: int, what: str) -> None:
    if value >= NATIVE_ID_BASE:
        raise parse.BadAnswer(f"{what} id {value} is too large for a ModernGov id")


def _committee(
    moderngov_id: int, title: str, summary: Summary, *, source: str, expired: bool = False
) -> Committee:
    _check_id(moderngov_id, "committee")
    committee, _ = _mapped(Kind.COMMITTEE, moderngov_id, Committee)
    values = {"name": title[:200], "is_active": not expired}
    if committee is None:
        committee = Committee.objects.filter(name=title[:200]).first()
        if committee is not None:
            summary.notes.append(
                f"committee {moderngov_id} '{title}' joined to the portal's committee of that name"
            )
    if committee is None:
        committee = Committee(slug=_free_slug(Committee, title), **values)
        committee.full_clean()
        committee.save()
        summary.count("committees", "added")
    elif _apply(committee, values):
        committee.full_clean()
        committee.save()
        summary.count("committees", "updated")
    else:
        summary.count("committees", "unchanged")
    _remember(Kind.COMMITTEE, moderngov_id, committee, source=source)
    return committee


def _split_name(name: str) -> tuple[str, str, str]:
    words = name.split()
    honorific = ""
    for title in sorted(HONORIFICS, key=len, reverse=True):
        if name.lower().startswith(title.lower() + " "):
            honorific = "Councillor" if title in ("Cllr", "County Councillor") else title
            words = name[len(title) :].split()
            break
    if not words:
        return honorific, "", name
    return honorific, " ".join(words[:-1]), words[-1]


def _person(attendee: parse.Attendee, summary: Summary, *, source: str) -> Person:
    _check_id(attendee.id, "member")
    person, row = _mapped(Kind.PERSON, attendee.id, Person)
    honorific, forenames, surname = _split_name(attendee.name)
    values = {
        "honorific": honorific[:30],
        "forenames": forenames[:100],
        "surname": surname[:100],
        "display_name": attendee.name[:200],
    }
    said = {"ward": attendee.ward, "party": attendee.party, "key_posts": attendee.key_posts}
    # An attribute left out says nothing: what an earlier answer gave is kept.
    extra = {**(row.extra if row else {}), **{k: v for k, v in said.items() if v}}
    outcome = "unchanged"
    if person is None:
        person = Person(slug=_free_slug(Person, f"{forenames} {surname}"), **values)
        outcome = "added"
    elif _apply(person, values) or (row.extra or {}) != extra:
        outcome = "updated"
    if outcome != "unchanged":
        person.full_clean()
        person.save()
    if attendee.id not in summary.people_seen:
        summary.people_seen.add(attendee.id)
        summary.count("people", outcome)
    _remember(Kind.PERSON, attendee.id, person, source=source, extra=extra)
    return person
