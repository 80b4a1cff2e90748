"""E-mail alerts: an address that follows a committee, a person, a forward plan entry or a saved
search, with no account. The address is stored for this alone, with nothing else about its owner,
and its owner can delete it with everything it follows (``meetings.alerts``)."""

from __future__ import annotations

from django.db import models


class AlertAddress(models.Model):
    """An address that follows something. Stored lowercased, once."""

    email = models.EmailField(max_length=254, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "alert addresses"

    def __str__(self) -> str:
        return self.email


class AlertSubscription(models.Model):
    """What one address follows, and how often it hears. Nothing is sent before it is confirmed
    (double opt-in)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", "Committee"
        PERSON = "person", "Person"
        PLAN_ENTRY = "plan_entry", "Forward plan entry"
        SEARCH = "search", "Saved search"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "As it happens"
        DAILY = "daily", "A daily digest"

    address = models.ForeignKey(AlertAddress, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    committee = models.ForeignKey(
        "meetings.Committee", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "meetings.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    plan_entry = models.ForeignKey(
        "meetings.PlanEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    query = models.CharField(max_length=500, blank=True, help_text="A saved search's words.")
    filters = models.JSONField(default=dict, blank=True, help_text="A saved search's filters.")
    key = models.CharField(max_length=800, help_text="What is followed, as one string.")
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    searched_up_to = models.PositiveBigIntegerField(
        default=0, help_text="A saved search: the last passage already told of."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "key"], name="alert_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.address} follows {self.key}"


class AlertEvent(models.Model):
    """Something to tell one subscription of: sent at once, or kept for the daily digest."""

    subscription = models.ForeignKey(
        AlertSubscription, on_delete=models.CASCADE, related_name="events"
    )
    headline = models.CharField(max_length=500)
    lines = models.TextField(blank=True, help_text="What the public may read, one a line.")
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.headline
