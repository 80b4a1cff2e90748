"""Recording a vote on a resolution: one atomic write with an audit entry."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import audit_record
from .models import Person, RecordedVote, Resolution, VoteCast


@transaction.atomic
def vote_record(
    *,
    resolution: Resolution,
    by,
    outcome: str,
    motion: str = "",
    is_budget_vote: bool = False,
    casts: Mapping[Person, str] | None = None,
    totals: tuple[int, int, int] | None = None,
) -> RecordedVote:
    """Record a vote: by name (``casts``, each person's option), or, where names were not
    recorded, the totals for, against and abstaining. A budget vote is always by name."""
    casts = {p: o for p, o in (casts or {}).items() if o}
    if totals is None and not casts:
        raise ValidationError("Give how each member voted, or the totals.")
    if is_budget_vote and totals is not None:
        raise ValidationError("A budget vote records each member's name (SI 2014/165).")
    vote = RecordedVote(
        resolution=resolution,
        motion=motion.strip(),
        outcome=outcome,
        is_budget_vote=is_budget_vote,
        names_recorded=totals is None,
    )
    if totals is not None:
        vote.for_count, vote.against_count, vote.abstain_count = totals
    vote.full_clean()
    vote.save()
    VoteCast.objects.bulk_create(
        VoteCast(vote=vote, person=person, option=option) for person, option in casts.items()
    )
    meeting = resolution.minute_item.minutes.meeting
    audit_record(
        user=by,
        action="vote_record",
        obj=vote,
        meeting=meeting,
        after={
            "resolution": resolution.pk,
            "outcome": outcome,
            "counts": vote.counts(),
            "names": {p.slug: o for p, o in casts.items()},
        },
    )
    return vote
