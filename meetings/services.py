"""Writes that touch several rows: plain functions with keyword-only arguments."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from . import roles
from .models import Meeting, MeetingAddress


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
