"""The audit log's writer: every clerk action leaves one entry, with the record before and after."""

from __future__ import annotations

from .models import AuditEntry, Meeting


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def audit_record(
    *, user, action: str, obj, meeting: Meeting | None = None, before=None, after=None
) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "system",
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:300],
        meeting=meeting,
        before=before,
        after=after,
    )
