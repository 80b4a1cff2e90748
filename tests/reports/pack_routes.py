"""Who may request each pack route: the cases for the access matrix (tests/test_access_matrix.py).

``pack_routes(Case)`` gives the cases in that module's own ``Case`` type, using the rows of its
``World`` (the seed meeting with an exempt appendix and a private item's report, a draft meeting,
and the July meeting, whose minutes are published). To list them there:

    from tests.reports.pack_routes import pack_routes
    ROUTES.update(pack_routes(Case))
"""

from __future__ import annotations

from django.urls import reverse

EVERYONE = {"anonymous": 200, "member": 200, "clerk": 200, "admin": 200}
MEMBERS_AND_STAFF = {"anonymous": 404, "member": 200, "clerk": 200, "admin": 200}
STAFF = {"anonymous": 404, "member": 404, "clerk": 200, "admin": 200}


def _download(meeting: str, kind: str):
    return lambda w: reverse(
        "pack-download", kwargs={"slug": getattr(w, meeting).slug, "kind": kind}
    )


def _status(meeting: str):
    return lambda w: reverse("pack-status", kwargs={"slug": getattr(w, meeting).slug})


def _version(meeting: str, kind: str):
    """The URL of version 1 of a pack, published for the occasion (as publishing would)."""

    def url(w):
        from reports import packs

        found = getattr(w, meeting)
        pack_kind = packs.KIND_BY_SLUG[kind]
        inputs = packs.pack_inputs(meeting=found, kind=pack_kind)
        pack = packs.pack_publish_version(meeting=found, kind=pack_kind, inputs=inputs)
        return reverse(
            "pack-version-download",
            kwargs={"slug": found.slug, "kind": kind, "version": pack.version},
        )

    return url


def pack_routes(case) -> dict[str, list]:
    return {
        "pack-download": [
            case(_download("seed", "agenda-pack"), EVERYONE, "public pack"),
            case(_download("seed", "agenda-front-sheet"), EVERYONE, "front sheet"),
            case(_download("seed", "members-pack"), MEMBERS_AND_STAFF, "members' pack"),
            case(_download("draft", "agenda-pack"), STAFF, "preview of a draft meeting's pack"),
            case(_download("minutes_meeting", "printed-minutes"), EVERYONE, "printed minutes"),
        ],
        "pack-status": [
            case(_status("seed"), EVERYONE, "published meeting"),
            case(_status("draft"), STAFF, "draft meeting"),
        ],
        "pack-version-download": [
            case(_version("seed", "agenda-pack"), EVERYONE, "a published version"),
            case(_version("seed", "members-pack"), MEMBERS_AND_STAFF, "members' pack version"),
        ],
    }
