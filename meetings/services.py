"""Writes that touch several rows: plain functions with keyword-only arguments."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import alerts, roles, visibility
from .audit import audit_record, snapshot
from .formats import ordinal_date
from .models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    MeetingAddress,
    Membership,
    MinuteItem,
    Minutes,
    Part,
    PortalSettings,
    Resolution,
)
from .publishing import meeting_lost_public_material


def roles_ensure_groups(*, using: str = "default") -> None:
    """Create the member, clerk and admin groups with their permissions; safe to run repeatedly.

    Members need no permissions: what they may read is decided by ``visible_to``. Clerks may
    change meeting work; admins also users, roles and portal settings.
    """
    clerk_perms = _permissions(roles.CLERK_MODELS, using)
    admin_perms = clerk_perms | _permissions(roles.ADMIN_EXTRA_MODELS, using)
    for name, perms in (
        (roles.MEMBER, set()),
        (roles.CLERK, clerk_perms),
        (roles.ADMIN, admin_perms),
    ):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        if perms:
            group.permissions.add(*perms)


def _permissions(models_by_app: dict[str, list[str]], using: str) -> set[Permission]:
    perms: set[Permission] = set()
    for app_label, model_names in models_by_app.items():
        perms.update(
            Permission.objects.using(using).filter(
                content_type__app_label=app_label, content_type__model__in=model_names
            )
        )
    return perms


@transaction.atomic
def user_set_role(*, user: User, role: str | None) -> User:
    """Give a user exactly one role (or none). Clerks and admins may use the staff pages."""
    if role is not None and role not in roles.ROLES:
        raise ValueError(f"Unknown role {role!r}; expected one of {', '.join(roles.ROLES)}.")
    roles_ensure_groups()
    user.groups.remove(*Group.objects.filter(name__in=roles.ROLES))
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    user.is_staff = role in (roles.CLERK, roles.ADMIN)
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)
    return user


@transaction.atomic
def meeting_reschedule(*, meeting: Meeting, start: dt.datetime) -> Meeting:
    """Move a meeting to a new date and time. Its address follows the date; the old address is
    kept and redirects, so links already shared keep working."""
    old_slug = meeting.slug
    meeting.start = start
    meeting.slug = ""
    if meeting.status == Meeting.Status.POSTPONED:
        meeting.status = Meeting.Status.PUBLISHED
    meeting.save()
    if meeting.slug != old_slug:
        MeetingAddress.objects.create(meeting=meeting, slug=old_slug)
    return meeting


# The clerk's work on agendas. Each write is one transaction and leaves one audit entry.

STANDARD_AGENDA = [
    ("Welcome and Apologies for Absence", ""),
    ("Declarations of Interest", ""),
    ("Minutes of Previous Meeting", ""),
    (
        "Any other items of public business",
        "Any other items of public business which the Chair decides to take as matters of "
        "urgency because of the special circumstances involved",
    ),
]
AGENDA_FIELDS = (
    "number", "title", "description", "bullet_points", "presenter", "part",
    "exemption_paragraph", "public_description", "position", "parent_id",
)  # fmt: skip


def _previous_meeting(committee: Committee, start: dt.datetime) -> Meeting | None:
    return (
        Meeting.objects.filter(committee=committee, start__lt=start)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-start")
        .first()
    )


@transaction.atomic
def meeting_create(
    *,
    committee: Committee,
    start: dt.datetime,
    venue: str = "",
    by: User,
) -> Meeting:
    """A draft meeting with the committee's defaults and the standard agenda items; item 3(a)
    agrees the minutes of the committee's previous meeting and points at them."""
    settings_row = PortalSettings.load()
    meeting = Meeting.objects.create(
        committee=committee,
        start=start,
        venue=venue or committee.default_venue,
        status=Meeting.Status.DRAFT,
        contact_officer=committee.contact_officer,
        signatory=settings_row.default_signatory,
    )
    previous = _previous_meeting(committee, start)
    for position, (title, description) in enumerate(STANDARD_AGENDA, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            number=str(position),
            title=title,
            description=description,
        )
        if title == "Minutes of Previous Meeting":
            minutes = Minutes.objects.filter(meeting=previous).first() if previous else None
            when = ordinal_date(timezone.localtime(previous.start).date()) if previous else ""
            AgendaItem.objects.create(
                meeting=meeting,
                parent=item,
                position=1,
                number="a",
                title=(
                    f"To agree the minutes of the meeting held on {when}"
                    if previous
                    else "To agree the minutes of the previous meeting"
                ),
                previous_minutes=minutes,
            )
            AgendaItem.objects.create(
                meeting=meeting, parent=item, position=2, number="b", title="Matters Arising"
            )
    audit_record(
        user=by,
        action="meeting.create",
        obj=meeting,
        meeting=meeting,
        after={"start": meeting.start.isoformat(), "venue": meeting.venue},
    )
    return meeting


def _siblings(meeting: Meeting, parent_id: int | None):
    return AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).order_by(
        "position", "pk"
    )


def agenda_renumber(*, meeting: Meeting) -> None:
    """Number items 1, 2, 3 ... and sub-items a, b, c ... in their order on the agenda."""
    # update() tells the search index and the page cache itself (meetings.changes).
    items = list(_siblings(meeting, None))
    # Two steps, so a swap never meets the unique-number constraint half-way.
    for item in items:
        AgendaItem.objects.filter(pk=item.pk).update(number=f"~{item.pk}")
    for position, item in enumerate(items, start=1):
        AgendaItem.objects.filter(pk=item.pk).update(number=str(position), position=position)
        subs = list(_siblings(meeting, item.pk))
        for sub in subs:
            AgendaItem.objects.filter(pk=sub.pk).update(number=f"~{sub.pk}")
        for n, sub in enumerate(subs):
            letter = chr(ord("a") + n) if n < 26 else f"a{n}"
            AgendaItem.objects.filter(pk=sub.pk).update(number=letter, position=n + 1)


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    parent: AgendaItem | None = None,
    position: int | None = None,
    by: User,
    **fields,
):
    """Add an item at ``position`` among its siblings (counting from 1; at the end when None)
    and renumber the items after it. On a published agenda the items keep the numbers they
    were published with, so a new item goes at the end and waits, seen only by clerks, until
    a supplementary agenda publishes it."""
    # Locked, so an item added while the agenda is being published waits for a supplement.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    siblings = list(_siblings(meeting, parent.pk if parent else None))
    end = len(siblings) + 1
    if position is not None and position < end and meeting.status != Meeting.Status.DRAFT:
        raise ValidationError(
            "The agenda is published: its items keep their numbers, so a new item goes at the end."
        )
    position = end if position is None else min(max(position, 1), end)
    for place, sibling in enumerate(siblings, start=1):
        wanted = place if place < position else place + 1
        if sibling.position != wanted:
            AgendaItem.objects.filter(pk=sibling.pk).update(position=wanted)
    if parent is not None and parent.is_private:
        # A sub-item of private business is private business, with its parent's reason.
        fields["part"] = Part.PRIVATE
        fields["exemption_paragraph"] = fields.get("exemption_paragraph") or (
            parent.exemption_paragraph
        )
    item = AgendaItem(
        meeting=meeting,
        parent=parent,
        position=position,
        number=f"~new{position}",
        is_pending=meeting.status != Meeting.Status.DRAFT,
        **fields,
    )
    item.full_clean(exclude=["number"])
    item.save()
    agenda_renumber(meeting=meeting)
    item.refresh_from_db()
    audit_record(
        user=by, action="agenda_item.add", obj=item, meeting=meeting,
        after=snapshot(item, AGENDA_FIELDS),
    )  # fmt: skip
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: User, **fields) -> AgendaItem:
    """Change an item. A sub-item of a private item stays private with it, whatever is asked;
    the minutes that record the item follow its part; and when the public may no longer read
    something published (the item made private), every public pack version that holds it is
    built again without it."""
    before = snapshot(item, AGENDA_FIELDS)
    was_private = visibility.item_is_private(item)
    for name, value in fields.items():
        setattr(item, name, value)
    if item.parent_id and item.parent.part == Part.PRIVATE and item.part != Part.PRIVATE:
        item.part = Part.PRIVATE
        item.exemption_paragraph = item.exemption_paragraph or item.parent.exemption_paragraph
    if item.part == Part.PUBLIC:
        item.exemption_paragraph = None
    item.full_clean()
    item.save()
    _minutes_follow_items(meeting=item.meeting)
    if visibility.item_is_private(item) and not was_private:
        meeting_lost_public_material(
            meeting=item.meeting,
            note=f"Reissued on {ordinal_date(timezone.localdate())}: an item was made private.",
        )
    audit_record(
        user=by, action="agenda_item.update", obj=item, meeting=item.meeting,
        before=before, after=snapshot(item, AGENDA_FIELDS),
    )  # fmt: skip
    return item


def _minutes_follow_items(*, meeting: Meeting) -> None:
    """Store on each minute of the meeting the part of the item it records (its own or its
    parent's), so that what is stored says what ``visibility`` decides: a minute follows its
    item, always."""
    minutes = MinuteItem.objects.filter(
        minutes__meeting=meeting, agenda_item__isnull=False
    ).select_related("agenda_item__parent")
    for minute in minutes:
        part, paragraph = visibility.minute_part_for(minute.agenda_item)
        if (minute.part, minute.exemption_paragraph) != (part, paragraph):
            minute.part, minute.exemption_paragraph = part, paragraph
            minute.save(update_fields=["part", "exemption_paragraph"])


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, step: int, by: User) -> AgendaItem:
    """Move an item up (step -1) or down (+1) among its siblings, then renumber. On a
    published agenda only items still waiting for a supplement move, among themselves: the
    published numbers stay as the members and the public were sent them."""
    siblings = list(_siblings(item.meeting, item.parent_id))
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    target = index + step
    published = item.meeting.status != Meeting.Status.DRAFT
    if published and not (
        item.is_pending and 0 <= target < len(siblings) and siblings[target].is_pending
    ):
        raise ValidationError(
            "The agenda is published: its items keep their numbers. Only items added since "
            "can be moved, among themselves."
        )
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            AgendaItem.objects.filter(pk=sibling.pk).update(position=position)
        before = item.number
        agenda_renumber(meeting=item.meeting)
        item.refresh_from_db()
        audit_record(
            user=by, action="agenda_item.move", obj=item, meeting=item.meeting,
            before={"number": before}, after={"number": item.number},
        )  # fmt: skip
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    meeting = item.meeting
    if meeting.status != Meeting.Status.DRAFT and not item.is_pending:
        raise ValidationError(
            "The agenda is published: a published item cannot be removed. Withdraw its "
            "documents if they were published in error, or cancel the meeting."
        )
    before = snapshot(item, AGENDA_FIELDS)
    audit_record(user=by, action="agenda_item.delete", obj=item, meeting=meeting, before=before)
    item.delete()
    agenda_renumber(meeting=meeting)


# Minutes: started from the agenda, written in the workspace, published as draft, approved later.


@transaction.atomic
def minutes_start(*, meeting: Meeting, by: User) -> Minutes:
    """Draft minutes with attendance filled from the membership and a minute per agenda item."""
    minutes, created = Minutes.objects.get_or_create(meeting=meeting)
    if not created:
        return minutes
    on = timezone.localtime(meeting.start).date()
    members = [
        m
        for m in meeting.committee.memberships.select_related("person").order_by("position")
        if m.is_current(on)
    ]
    Attendance.objects.bulk_create(
        Attendance(
            minutes=minutes,
            person=m.person,
            group=Attendance.Group.BOARD_MEMBER,
            capacity=m.organisation or m.person.job_title,
            is_chair=m.role == Membership.Role.CHAIR,
            position=n,
        )
        for n, m in enumerate(members, start=1)
    )
    items = AgendaItem.objects.filter(meeting=meeting, parent__isnull=True).order_by("position")
    MinuteItem.objects.bulk_create(
        MinuteItem(
            minutes=minutes,
            position=n,
            number=str(n),
            title=item.title,
            agenda_item=item,
            part=visibility.minute_part_for(item)[0],
            exemption_paragraph=visibility.minute_part_for(item)[1],
        )
        for n, item in enumerate(items, start=1)
    )
    audit_record(user=by, action="minutes.start", obj=minutes, meeting=meeting)
    return minutes


@transaction.atomic
def minute_item_save(
    *, item: MinuteItem, narrative: str, resolutions: list[str], by: User
) -> MinuteItem:
    """Save a minute's narrative and its resolutions: one resolution is printed "RESOLVED that
    ...", several are numbered (1), (2) ... Saving what is already there writes nothing (the
    minutes screen saves a draft every few seconds); approved minutes are the agreed record and
    are never changed."""
    if item.minutes.status == Minutes.Status.APPROVED:
        raise ValidationError("These minutes were agreed as a true record: they cannot be changed.")
    before = {
        "narrative": item.narrative,
        "resolutions": list(item.resolutions.order_by("position").values_list("text", flat=True)),
    }
    if before == {"narrative": narrative, "resolutions": list(resolutions)}:
        return item
    fields = ["narrative"]
    if narrative != item.narrative and item.narrative_html:
        # An imported minute shows its HTML until the clerk rewrites it: then the words written.
        item.narrative_html = ""
        fields.append("narrative_html")
    item.narrative = narrative
    item.save(update_fields=fields)
    item.resolutions.all().delete()
    numbered = len(resolutions) > 1
    Resolution.objects.bulk_create(
        Resolution(minute_item=item, number=n if numbered else None, position=n, text=text)
        for n, text in enumerate(resolutions, start=1)
    )
    audit_record(
        user=by, action="minute_item.save", obj=item, meeting=item.minutes.meeting,
        before=before, after={"narrative": narrative, "resolutions": resolutions},
    )  # fmt: skip
    return item


ATTENDANCE_GROUPS = {choice for choice, _ in Attendance.Group.choices}


@transaction.atomic
def minutes_attendance_save(*, minutes: Minutes, lines: list[dict], by: User) -> Minutes:
    """Replace the minutes' attendance with ``lines``, in the order given: dicts with
    ``person``, ``group`` and optionally ``capacity``, ``directorate``, ``is_chair``. Someone
    is listed once; at least one person was present, or there was no meeting to minute."""
    if minutes.status == Minutes.Status.APPROVED:
        raise ValidationError("These minutes were agreed as a true record: they cannot be changed.")
    seen: set[int] = set()
    for line in lines:
        if line["group"] not in ATTENDANCE_GROUPS:
            raise ValidationError(f"{line['person']} is listed as {line['group']!r}, not a group.")
        if line["person"].pk in seen:
            raise ValidationError(f"{line['person']} is listed twice: list each person once.")
        seen.add(line["person"].pk)
    if not any(line["group"] != Attendance.Group.APOLOGIES for line in lines):
        raise ValidationError("Mark at least one person present: the minutes say who was there.")

    def rows() -> list[dict]:
        return [
            {"person": a.person_id, "group": a.group, "capacity": a.capacity,
             "directorate": a.directorate, "is_chair": a.is_chair}
            for a in minutes.attendance.order_by("position", "pk")
        ]  # fmt: skip

    before = rows()
    minutes.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(
            minutes=minutes,
            person=line["person"],
            group=line["group"],
            capacity=line.get("capacity") or "",
            directorate=line.get("directorate") or "",
            is_chair=bool(line.get("is_chair")),
            position=position,
        )
        for position, line in enumerate(lines, start=1)
    )
    after = rows()
    if after != before:
        audit_record(
            user=by, action="minutes.attendance", obj=minutes, meeting=minutes.meeting,
            before=before, after=after,
        )  # fmt: skip
    return minutes


@transaction.atomic
def minutes_publish(*, minutes: Minutes, by: User) -> Minutes:
    """Publish minutes for the public; until approved they are marked "draft"."""
    minutes.is_published = True
    minutes.published_at = timezone.now()
    minutes.save(update_fields=["is_published", "published_at"])
    audit_record(
        user=by, action="minutes.publish", obj=minutes, meeting=minutes.meeting,
        after={"status": minutes.status},
    )  # fmt: skip
    alerts.meeting_event(meeting=minutes.meeting, what=alerts.MeetingWhat.MINUTES)
    return minutes


@transaction.atomic
def minutes_approve(*, minutes: Minutes, at: Meeting, by: User) -> Minutes:
    """Record that a later meeting agreed the minutes as a true record, and link the two."""
    if at.committee_id != minutes.meeting.committee_id or at.start <= minutes.meeting.start:
        raise ValidationError("Minutes are approved at a later meeting of the same committee.")
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_at = at
    minutes.save(update_fields=["status", "approved_at"])
    AgendaItem.objects.filter(
        meeting=at, parent__isnull=False, previous_minutes__isnull=True,
        title__startswith="To agree the minutes",
    ).update(previous_minutes=minutes)  # fmt: skip
    audit_record(
        user=by, action="minutes.approve", obj=minutes, meeting=minutes.meeting,
        after={"approved_at": at.slug},
    )  # fmt: skip
    return minutes
