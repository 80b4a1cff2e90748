"""Which ModernGov id each imported record had, for every kind the web service answers.

One mapping table rather than a column per model: documents are ``reports.Report`` rows, and the
mapping needs no change to the reports app. A row names its record by primary key; a record
deleted later leaves its row behind, which the importer and the service treat as absent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

# Native records are answered under this number plus their primary key: ModernGov ids are
# 32-bit integers well below it, so the two never collide (the importer refuses larger ones).
NATIVE_ID_BASE = 1_000_000_000
# A minute that records no agenda item of the portal's is answered as an agenda item of its own
# (ModernGov hangs minutes on items), under this number plus the minute's primary key.
MINUTE_ITEM_ID_BASE = 1_500_000_000


class ModernGovId(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", "Committee"
        MEETING = "meeting", "Meeting"
        AGENDA_ITEM = "agenda_item", "Agenda item"
        PERSON = "person", "Person"
        DOCUMENT = "document", "Document"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    moderngov_id = models.PositiveIntegerField()
    object_id = models.PositiveBigIntegerField()
    source = models.CharField(
        max_length=300, blank=True, help_text="The site or folder it was imported from."
    )
    extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="What ModernGov said that the portal has no field for (a person's ward, "
        "party and key posts), answered back by the web service.",
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ModernGov id"
        constraints = [
            models.UniqueConstraint(fields=["kind", "moderngov_id"], name="moderngov_id_unique"),
            models.UniqueConstraint(fields=["kind", "object_id"], name="moderngov_object_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["committee", "meeting", "agenda_item", "person", "document"]),
                name="moderngov_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(moderngov_id__lt=NATIVE_ID_BASE), name="moderngov_id_below_native"
            ),
        ]

    def __str__(self) -> str:
        return f"ModernGov {self.get_kind_display()} {self.moderngov_id} -> {self.object_id}"
