"""Recorded votes on a resolution: for, against and abstaining by name, or the totals where
names were not recorded, and the outcome (at budget meetings the names must be recorded: the
Local Authorities (Standing Orders) (England) (Amendment) Regulations 2014, SI 2014/165).

A vote goes with the resolution it is recorded against, and so with its minute
(``visibility.vote_q``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .. import visibility
from ..changes import TrackedQuerySet
from .minutes import Resolution
from .people import Person


class RecordedVoteQuerySet(TrackedQuerySet):
    meeting_path = "resolution__minute_item__minutes__meeting_id"

    def visible_to(self, user) -> RecordedVoteQuerySet:
        return self.filter(visibility.vote_q(visibility.audience_of(user)))


class RecordedVote(models.Model):
    class Outcome(models.TextChoices):
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="votes")
    motion = models.TextField(
        blank=True,
        help_text="What was put to the vote, if not the resolution as recorded (an amendment).",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    names_recorded = models.BooleanField(default=True)
    is_budget_vote = models.BooleanField(
        default=False, help_text="A budget decision: names must be recorded (SI 2014/165)."
    )
    for_count = models.PositiveSmallIntegerField(null=True, blank=True)
    against_count = models.PositiveSmallIntegerField(null=True, blank=True)
    abstain_count = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RecordedVoteQuerySet.as_manager()

    class Meta:
        ordering = ["resolution", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["carried", "lost"]), name="recorded_vote_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(names_recorded=True)
                | Q(
                    for_count__isnull=False,
                    against_count__isnull=False,
                    abstain_count__isnull=False,
                ),
                name="recorded_vote_totals_without_names",
                violation_error_message="Without names, give the totals for, against and "
                "abstaining.",
            ),
            models.CheckConstraint(
                condition=Q(is_budget_vote=False) | Q(names_recorded=True),
                name="recorded_vote_budget_by_name",
                violation_error_message="A budget vote records each member's name.",
            ),
        ]

    def __str__(self) -> str:
        return f"Vote on {self.resolution}: {self.get_outcome_display()}"

    def counts(self) -> dict[str, int]:
        """For, against and abstaining: counted from the names, or the totals recorded."""
        if not self.names_recorded:
            return {
                VoteCast.Option.FOR: self.for_count or 0,
                VoteCast.Option.AGAINST: self.against_count or 0,
                VoteCast.Option.ABSTAIN: self.abstain_count or 0,
            }
        counts = dict.fromkeys(VoteCast.Option.values, 0)
        for cast in self.casts.all():
            counts[cast.option] += 1
        return counts

    def names(self) -> dict[str, list[Person]]:
        """Who voted each way, by name, in surname order."""
        names: dict[str, list[Person]] = {o: [] for o in VoteCast.Option.values}
        for cast in sorted(self.casts.all(), key=lambda c: (c.person.surname, c.person.pk)):
            names[cast.option].append(cast.person)
        return names


class VoteCast(models.Model):
    class Option(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstained"

    vote = models.ForeignKey(RecordedVote, on_delete=models.CASCADE, related_name="casts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes_cast")
    option = models.CharField(max_length=10, choices=Option.choices)

    class Meta:
        ordering = ["vote", "person__surname"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "person"], name="vote_cast_once"),
            models.CheckConstraint(
                condition=Q(option__in=["for", "against", "abstain"]),
                name="vote_cast_option_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_option_display()}"
