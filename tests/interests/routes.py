"""Who may request each route of the registers of interests: cases for the access matrix
(tests/test_access_matrix.py), in its own ``Case`` type. The rows are the demo's
(meetings/demo_interests.py): approved registers for everyone; the member's own page needs an
account linked to a member (the matrix's member account is not: 403)."""

from __future__ import annotations

from django.urls import reverse

from meetings.models import InterestEntry, InterestVersion

ROLES = ("anonymous", "member", "clerk", "admin")
EVERYONE_200 = dict.fromkeys(ROLES, 200)
EVERYONE_404 = dict.fromkeys(ROLES, 404)
CLERKS_ONLY = {"anonymous": 404, "member": 404, "clerk": 200, "admin": 200}
WORKSPACE = {"anonymous": 302, "member": 403, "clerk": 200, "admin": 200}
LINKED_MEMBER = {"anonymous": 302, "member": 403, "clerk": 403, "admin": 403}


def _approved() -> InterestVersion:
    return InterestVersion.objects.filter(state="approved").select_related("person").first()


def _draft() -> InterestVersion:
    """A draft made for the matrix: only clerks read a version not yet approved."""
    version = _approved()
    draft = InterestVersion.objects.filter(person=version.person, state="draft").first()
    return draft or InterestVersion.objects.create(person=version.person)


def routes(case) -> dict[str, list]:
    def public(name: str):
        return [case(lambda w: reverse(name), EVERYONE_200)]

    return {
        "interests-index": public("interests-index"),
        "interests-person": [
            case(
                lambda w: reverse("interests-person", args=[_approved().person.slug]), EVERYONE_200
            ),
            case(
                lambda w: reverse("interests-person", args=["no-such-person"]),
                EVERYONE_404,
                "unknown",
            ),
        ],
        "interests-version": [
            case(
                lambda w: reverse(
                    "interests-version", args=[_approved().person.slug, _approved().pk]
                ),
                EVERYONE_200,
            ),
            case(
                lambda w: reverse("interests-version", args=[_draft().person.slug, _draft().pk]),
                CLERKS_ONLY,
                "draft",
            ),
        ],
        "my-interests": [case(lambda w: reverse("my-interests"), LINKED_MEMBER)],
        "my-interests-remove": [
            case(
                lambda w: reverse("my-interests-remove", args=[InterestEntry.objects.first().pk]),
                {"anonymous": 302, "member": 405, "clerk": 405, "admin": 405},
            )
        ],
        "my-interests-submit": [
            case(
                lambda w: reverse("my-interests-submit"),
                {"anonymous": 302, "member": 405, "clerk": 405, "admin": 405},
            )
        ],
        "api-interests-list": public("api-interests-list"),
        "api-interests-person": [
            case(
                lambda w: reverse("api-interests-person", args=[_approved().person.slug]),
                EVERYONE_200,
            )
        ],
        "workspace-interests": [case(lambda w: reverse("workspace-interests"), WORKSPACE)],
        "workspace-interests-review": [
            case(lambda w: reverse("workspace-interests-review", args=[_draft().pk]), WORKSPACE)
        ],
    }
