"""Recorded votes in the JSON API as Open Civic Data vote events (``_type: vote_event``,
``motion_text``, ``result``, ``counts``, ``votes`` by voter), with what the caller may see."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .api import _abs, _meeting_summary, _paginated
from .models import RecordedVote, VoteCast

OCD_OPTION = {"for": "yes", "against": "no", "abstain": "abstain"}
OCD_RESULT = {"carried": "pass", "lost": "fail"}


def vote_event(request: HttpRequest, vote: RecordedVote) -> dict:
    resolution = vote.resolution
    minute = resolution.minute_item
    meeting = minute.minutes.meeting
    minutes_url = reverse("minutes-detail", args=[meeting.slug]) + f"#minute-{minute.number}"
    return {
        "_type": "vote_event",
        "id": vote.pk,
        "identifier": f"{meeting.slug}/minute-{minute.number}/vote-{vote.pk}",
        "motion_text": vote.motion or resolution.text,
        "motion_classification": ["budget"] if vote.is_budget_vote else [],
        "start_date": meeting.start.isoformat(),
        "result": OCD_RESULT[vote.outcome],
        "organization": meeting.committee.name,
        "counts": [{"option": OCD_OPTION[o], "value": n} for o, n in vote.counts().items()],
        "votes": [
            {
                "option": OCD_OPTION[cast.option],
                "voter_name": cast.person.display_name,
                "voter_id": cast.person.slug,
                "voter_url": _abs(request, reverse("api-person-detail", args=[cast.person.slug])),
            }
            for cast in sorted(vote.casts.all(), key=lambda c: (c.person.surname, c.person.pk))
        ],
        "sources": [{"url": _abs(request, minutes_url), "note": "minutes"}],
        "extras": {
            "names_recorded": vote.names_recorded,
            "resolution": {"number": resolution.number, "text": resolution.text},
            "minute": {"number": minute.number, "title": minute.title},
            "meeting": _meeting_summary(request, meeting),
        },
    }


@require_GET
def vote_list(request: HttpRequest) -> JsonResponse:
    qs = (
        RecordedVote.objects.visible_to(request.user)
        .select_related("resolution__minute_item__minutes__meeting__committee")
        .prefetch_related(Prefetch("casts", queryset=VoteCast.objects.select_related("person")))
        .order_by("-resolution__minute_item__minutes__meeting__start", "pk")
    )
    person = request.GET.get("person")
    if person:
        qs = qs.filter(casts__person__slug=person).distinct()
    return _paginated(request, qs, vote_event)
