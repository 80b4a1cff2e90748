"""Who may request each route of the e-mail alerts: everyone alike, signed in or not (an alert
follows what the public may see). Cases for the access matrix (tests/test_access_matrix.py)."""

from __future__ import annotations

from django.urls import reverse

from meetings.models import PlanEntry

ROLES = ("anonymous", "member", "clerk", "admin")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _draft_entry() -> int:
    return PlanEntry.objects.filter(published_at__isnull=True).order_by("pk").first().pk


def routes(Case) -> dict:
    follow = reverse("alerts-follow")
    return {
        "alerts-follow": [
            Case(lambda w: follow, everyone(200), "nothing chosen"),
            Case(lambda w: f"{follow}?committee={w.seed.committee.slug}", everyone(200)),
            Case(lambda w: f"{follow}?person={w.person.slug}", everyone(200)),
            Case(lambda w: f"{follow}?q=health", everyone(200), "a search"),
            Case(lambda w: f"{follow}?committee=no-such-committee", everyone(404)),
            Case(lambda w: f"{follow}?plan={_draft_entry()}", everyone(404), "a draft plan entry"),
        ],
        "alerts-check-email": [Case(lambda w: reverse("alerts-check-email"), everyone(200))],
        "alerts-confirm": [
            Case(lambda w: reverse("alerts-confirm", args=["bad"]), everyone(400), "bad link")
        ],
        "alerts-unsubscribe": [
            Case(lambda w: reverse("alerts-unsubscribe", args=["bad"]), everyone(400), "bad link")
        ],
        "alerts-manage": [Case(lambda w: reverse("alerts-manage"), everyone(200))],
        "alerts-delete": [
            Case(lambda w: reverse("alerts-delete", args=["bad"]), everyone(400), "bad link")
        ],
    }
