"""Background work for meetings (``django.tasks``; django-tasks-db's worker runs it)."""

from __future__ import annotations

from django.tasks import task


@task()
def send_summonses(summons_ids: list[int]) -> int:
    """Send the recorded summonses that have not gone yet. Idempotent: one already sent is
    skipped, and a refusal is recorded on its row rather than raised. Returns how many went."""
    from .publishing import summons_send

    return summons_send(ids=summons_ids)


@task()
def send_meeting_alerts(meeting_id: int, what: str, base_url: str) -> int:
    """E-mail alerts for what happened to a meeting (its agenda, a supplement, its minutes, a
    cancellation or postponement): recorded for each follower, the immediate ones sent."""
    from .alerts import meeting_alerts

    return meeting_alerts(meeting_id=meeting_id, what=what, base_url=base_url)


@task()
def send_plan_entry_alerts(entry_id: int, what: str, base_url: str) -> int:
    """E-mail alerts for a forward plan entry changed or decided."""
    from .alerts import plan_entry_alerts

    return plan_entry_alerts(entry_id=entry_id, what=what, base_url=base_url)


@task()
def send_alert_digests(base_url: str = "") -> int:
    """The daily digests of e-mail alerts (the ``send_alert_digests`` command queues or runs
    it)."""
    from .alerts import send_digests

    return send_digests(base_url=base_url)
