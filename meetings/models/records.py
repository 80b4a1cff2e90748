"""What the clerk did and sent: the audit log, summonses and supplementary agendas."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .agenda import Meeting
from .people import Person


class AuditEntry(models.Model):
    """One clerk action: who, what, when, and the record before and after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, help_text="Kept if the account is deleted.")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(max_length=300)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["meeting", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"


class Summons(models.Model):
    """A summons or supplement e-mailed to a member: who was sent what, and when."""

    class Kind(models.TextChoices):
        SUMMONS = "summons", "Summons"
        SUPPLEMENT = "supplement", "Supplement"
        NOTICE = "notice", "Notice of cancellation or postponement"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="summonses")
    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUMMONS)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "-created_at", "email"]
        verbose_name_plural = "summonses"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["summons", "supplement", "notice"]),
                name="summons_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email} for {self.meeting}"


class Supplement(models.Model):
    """A numbered supplementary agenda: what changed after the agenda was published, and when.
    Publishing one makes the pending items and papers public, builds its own pack and a new
    version of the full pack, and sends the members the supplement."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="supplements")
    number = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(help_text="What changed, in the clerk's words; shown to everyone.")
    changes = models.JSONField(default=list, help_text="The changes, one line each.")

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="supplement_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="supplement_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Supplementary agenda {self.number}"
