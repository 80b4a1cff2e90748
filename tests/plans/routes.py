"""Who may request each route of the forward plan, notices and decision records: cases for the
access matrix (tests/test_access_matrix.py), in its own ``Case`` type. The rows are the demo's
(meetings/demo_plans.py): published ones for everyone, drafts for clerks only."""

from __future__ import annotations

from django.urls import reverse

from meetings.models import DecisionRecord, Notice, PlanEntry, Resolution

ROLES = ("anonymous", "member", "clerk", "admin")
EVERYONE_200 = dict.fromkeys(ROLES, 200)
CLERKS_ONLY = {"anonymous": 404, "member": 404, "clerk": 200, "admin": 200}
WORKSPACE = {"anonymous": 302, "member": 403, "clerk": 200, "admin": 200}
WORKSPACE_POST = {"anonymous": 302, "member": 403, "clerk": 405, "admin": 405}


def _published_entry() -> int:
    return PlanEntry.objects.filter(published_at__isnull=False).order_by("pk").first().pk


def _draft_entry() -> int:
    return PlanEntry.objects.filter(published_at__isnull=True).order_by("pk").first().pk


def _published_record() -> int:
    return DecisionRecord.objects.filter(published_at__isnull=False).order_by("pk").first().pk


def _draft_record() -> int:
    return DecisionRecord.objects.filter(published_at__isnull=True).order_by("pk").first().pk


def routes(case) -> dict[str, list]:
    def public(name: str, query: str = ""):
        return [case(lambda w: reverse(name) + query, EVERYONE_200)]

    def workspace(name: str, args=None, expect=WORKSPACE, label: str = ""):
        return [case(lambda w: reverse(name, args=args() if args else None), expect, label)]

    return {
        "plan-current": public("plan-current") + public("plan-current", "?earlier=1"),
        "plan-entry-detail": [
            case(lambda w: reverse("plan-entry-detail", args=[_published_entry()]), EVERYONE_200),
            case(
                lambda w: reverse("plan-entry-detail", args=[_draft_entry()]),
                CLERKS_ONLY,
                "draft",
            ),
        ],
        "plan-notices": public("plan-notices"),
        "plan-special-urgency": public("plan-special-urgency"),
        "plan-ics": public("plan-ics"),
        "plan-feed": public("plan-feed"),
        "decision-record-list": public("decision-record-list"),
        "decision-record-detail": [
            case(
                lambda w: reverse("decision-record-detail", args=[_published_record()]),
                EVERYONE_200,
            ),
            case(
                lambda w: reverse("decision-record-detail", args=[_draft_record()]),
                CLERKS_ONLY,
                "draft",
            ),
        ],
        "decisions-register": public("decisions-register"),
        "decision-records-feed": public("decision-records-feed"),
        "api-plan-entry-list": public("api-plan-entry-list"),
        "api-plan-entry-detail": [
            case(
                lambda w: reverse("api-plan-entry-detail", args=[_published_entry()]),
                EVERYONE_200,
            ),
            case(
                lambda w: reverse("api-plan-entry-detail", args=[_draft_entry()]),
                CLERKS_ONLY,
                "draft",
            ),
        ],
        "api-notice-list": public("api-notice-list"),
        "api-decision-record-list": public("api-decision-record-list"),
        "api-decision-record-detail": [
            case(
                lambda w: reverse("api-decision-record-detail", args=[_published_record()]),
                EVERYONE_200,
            ),
            case(
                lambda w: reverse("api-decision-record-detail", args=[_draft_record()]),
                CLERKS_ONLY,
                "draft",
            ),
        ],
        "vote-list": public("vote-list"),
        "person-votes": [
            case(lambda w: reverse("person-votes", args=[w.person.slug]), EVERYONE_200),
            case(
                lambda w: reverse("person-votes", args=["no-such-person"]),
                dict.fromkeys(ROLES, 404),
                "unknown",
            ),
        ],
        "api-vote-list": public("api-vote-list"),
        "workspace-meeting-votes": [
            case(
                lambda w: reverse("workspace-meeting-votes", args=[w.minutes_meeting.slug]),
                WORKSPACE,
            )
        ],
        "workspace-vote-new": [
            case(
                lambda w: reverse(
                    "workspace-vote-new",
                    args=[
                        Resolution.objects.filter(minute_item__minutes__meeting=w.minutes_meeting)
                        .first()
                        .pk
                    ],
                ),
                WORKSPACE,
            )
        ],
        "workspace-plans": workspace("workspace-plans"),
        "workspace-plan-entry-new": workspace("workspace-plan-entry-new"),
        "workspace-plan-entry": workspace("workspace-plan-entry", lambda: [_draft_entry()]),
        "workspace-plan-entry-publish": workspace(
            "workspace-plan-entry-publish", lambda: [_draft_entry()], WORKSPACE_POST
        ),
        "workspace-plan-entry-link": workspace(
            "workspace-plan-entry-link", lambda: [_draft_entry()], WORKSPACE_POST
        ),
        "workspace-notice-new": workspace("workspace-notice-new", lambda: [_draft_entry()]),
        "workspace-notice-publish": workspace(
            "workspace-notice-publish",
            lambda: [Notice.objects.order_by("pk").first().pk],
            WORKSPACE_POST,
        ),
        "workspace-decision-record-new": workspace("workspace-decision-record-new"),
        "workspace-decision-record": workspace(
            "workspace-decision-record", lambda: [_published_record()]
        )
        + workspace("workspace-decision-record", lambda: [_draft_record()], label="draft"),
        "workspace-decision-record-publish": workspace(
            "workspace-decision-record-publish", lambda: [_draft_record()], WORKSPACE_POST
        ),
        "workspace-decision-record-call-in": workspace(
            "workspace-decision-record-call-in", lambda: [_published_record()], WORKSPACE_POST
        ),
        "workspace-decision-record-effective": workspace(
            "workspace-decision-record-effective", lambda: [_published_record()], WORKSPACE_POST
        ),
    }
