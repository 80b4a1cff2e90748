"""Registers of interests in the JSON API: the members with when each last updated their
register, and a member's approved register; a sensitive entry (section 32) gives its category
and ``withheld: true`` only, as ``visibility.interest_details_shown`` says."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import interests, visibility
from .api import _abs, _error, _paginated
from .models import InterestEntry, InterestVersion, Person
from .views_interests import _people

WITHHELD = "Details withheld under section 32 of the Localism Act 2011."


def entry_data(entry: InterestEntry, audience: int) -> dict:
    data = {
        "category": entry.category,
        "category_label": entry.get_category_display(),
        "disclosable_pecuniary": entry.is_disclosable_pecuniary,
        "withheld": entry.sensitive,
    }
    if visibility.interest_details_shown(entry, audience):
        data.update(
            held_by=entry.held_by,
            description=entry.description,
            start_date=entry.start_date.isoformat() if entry.start_date else None,
            end_date=entry.end_date.isoformat() if entry.end_date else None,
        )
    else:
        data["note"] = WITHHELD
    return data


def version_data(request: HttpRequest, version: InterestVersion) -> dict:
    audience = visibility.audience_of(request.user)
    return {
        "id": version.pk,
        "state": version.state,
        "approved_at": version.decided_at.isoformat() if version.decided_at else None,
        "demonstration": version.is_demo,
        "entries": [entry_data(e, audience) for e in version.entries.all()],
    }


def _summary(request: HttpRequest, person: Person) -> dict:
    return {
        "id": person.slug,
        "name": person.display_name,
        "last_updated": person.last_updated.isoformat() if person.last_updated else None,
        "url": _abs(request, reverse("api-interests-person", args=[person.slug])),
        "html_url": _abs(request, reverse("interests-person", args=[person.slug])),
    }


@require_GET
def register_list(request: HttpRequest) -> JsonResponse:
    return _paginated(request, _people(), lambda r, p: _summary(r, p))


@require_GET
def person_register(request: HttpRequest, slug: str) -> JsonResponse:
    person = Person.objects.filter(slug=slug).first()
    if person is None:
        return _error(404, "No such person.")
    approved = list(
        InterestVersion.objects.visible_to(request.user)
        .filter(person=person, state=InterestVersion.State.APPROVED)
        .order_by("-decided_at", "-pk")
        .prefetch_related("entries")
    )
    current = interests.current_version(person)
    return JsonResponse(
        {
            "id": person.slug,
            "name": person.display_name,
            "html_url": _abs(request, reverse("interests-person", args=[person.slug])),
            "current": version_data(request, current) if current else None,
            "earlier_versions": [
                {"id": v.pk, "approved_at": v.decided_at.isoformat() if v.decided_at else None}
                for v in approved[1:]
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
