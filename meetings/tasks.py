"""Background work for meetings (``django.tasks``; django-tasks-db's worker runs it)."""

from __future__ import annotations

from django.tasks import task


@task()
def send_summonses(summons_ids: list[int]) -> int:
    """Send the recorded summonses that have not gone yet. Idempotent: one already sent is
    skipped, and a refusal is recorded on its row rather than raised. Returns how many went."""
    from .publishing import summons_send

    return summons_send(ids=summons_ids)
