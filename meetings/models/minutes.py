"""Minutes: attendance, the numbered minutes, their resolutions and declarations of interest."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .. import visibility
from ..changes import TrackedQuerySet
from .agenda import EXEMPTION_CHOICES, AgendaItem, Meeting, Part, exemption_constraints
from .people import Person


class MinutesQuerySet(TrackedQuerySet):
    def visible_to(self, user) -> MinutesQuerySet:
        """Clerks see every draft; others see minutes the clerk has published (draft or approved)
        of meetings they may see (``visibility.minutes_q``)."""
        return self.filter(visibility.minutes_q(visibility.audience_of(user)))


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_published = models.BooleanField(
        default=False, help_text="Published minutes are public; draft ones are marked 'draft'."
    )
    approved_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_approved",
        help_text="The later meeting that agreed them as a true record.",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved"]), name="minutes_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="minutes_approved_names_meeting",
                violation_error_message="Approved minutes must name the meeting that agreed them.",
            ),
            models.CheckConstraint(
                condition=~Q(approved_at=models.F("meeting")),
                name="minutes_not_approved_at_own_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"


class AttendanceQuerySet(TrackedQuerySet):
    meeting_path = "minutes__meeting_id"


class Attendance(models.Model):
    """One line of the minutes' attendance, in the seed's four groups."""

    class Group(models.TextChoices):
        BOARD_MEMBER = "board_member", "Board Members"
        OTHER_REPRESENTATIVE = "other_representative", "Other representatives"
        OFFICER = "officer", "Employees (by Directorate)"
        APOLOGIES = "apologies", "Apologies"

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    group = models.CharField(max_length=30, choices=Group.choices)
    capacity = models.CharField(
        max_length=200, blank=True, help_text="Printed after the name: 'Director of Public Health'."
    )
    directorate = models.CharField(max_length=100, blank=True, help_text="For officers.")
    is_chair = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["minutes", "position"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "person"], name="attendance_person_once_per_minutes"
            ),
            models.CheckConstraint(
                condition=Q(
                    group__in=["board_member", "other_representative", "officer", "apologies"]
                ),
                name="attendance_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_group_display()})"


class MinuteItemQuerySet(TrackedQuerySet):
    meeting_path = "minutes__meeting_id"

    def visible_to(self, user) -> MinuteItemQuerySet:
        return self.filter(visibility.minute_item_q(visibility.audience_of(user)))


class MinuteItem(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    number = models.CharField(max_length=10)
    title = models.CharField(max_length=500)
    narrative = models.TextField(
        blank=True,
        help_text="Paragraphs separated by a blank line; bullet points as lines starting '- '.",
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="minute_items"
    )
    part = models.CharField(max_length=10, choices=Part.choices, default=Part.PUBLIC)
    exemption_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=EXEMPTION_CHOICES
    )
    # ModernGov import (meetings.moderngov): the minute as imported, sanitised HTML shown in place
    # of the narrative; the narrative then holds its text, for search and the printed minutes.
    narrative_html = models.TextField(blank=True)

    objects = MinuteItemQuerySet.as_manager()

    class Meta:
        ordering = ["minutes", "position"]
        constraints = [
            *exemption_constraints("minute_item"),
            models.UniqueConstraint(fields=["minutes", "number"], name="minute_item_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_private(self) -> bool:
        """Private in effect: marked so, or recording an item that is private
        (``visibility.minute_item_is_private``)."""
        return visibility.minute_item_is_private(self)


class ResolutionQuerySet(TrackedQuerySet):
    meeting_path = "minute_item__minutes__meeting_id"

    def visible_to(self, user) -> ResolutionQuerySet:
        return self.filter(visibility.resolution_q(visibility.audience_of(user)))


class Resolution(models.Model):
    """One decision: "RESOLVED that: (1) ..." or an unnumbered "RESOLVED that ..."."""

    minute_item = models.ForeignKey(
        MinuteItem, on_delete=models.CASCADE, related_name="resolutions"
    )
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="(1), (2) ...; blank for a single unnumbered resolution."
    )
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["minute_item", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["minute_item", "number"], name="resolution_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"({self.number}) {self.text[:60]}" if self.number else self.text[:60]


class DeclarationQuerySet(TrackedQuerySet):
    meeting_path = "minute_item__minutes__meeting_id"

    def visible_to(self, user) -> DeclarationQuerySet:
        return self.filter(visibility.declaration_q(visibility.audience_of(user)))


class Declaration(models.Model):
    """A declaration of interest recorded in a minute."""

    class Kind(models.TextChoices):
        DISCLOSABLE_PECUNIARY = "dpi", "Disclosable pecuniary interest"
        OTHER = "other", "Other registrable interest"
        NON_REGISTRABLE = "nonreg", "Non-registrable interest"

    minute_item = models.ForeignKey(
        MinuteItem, on_delete=models.CASCADE, related_name="declarations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="declarations"
    )
    interest = models.TextField()
    left_room = models.BooleanField(
        default=False, help_text="They left the room for the item's discussion and vote."
    )
    register_entry = models.ForeignKey(
        "meetings.InterestEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="declarations",
        help_text="The entry of their register of interests this declaration refers to.",
    )

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["dpi", "other", "nonreg"]),
                name="declaration_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.interest[:60]}"
