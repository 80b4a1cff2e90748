"""Meetings and their agendas: the items, sub-items and their parts (public or private)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import visibility
from ..changes import TrackedQuerySet
from ..formats import long_meeting_datetime
from .people import Committee, Person


class MeetingQuerySet(TrackedQuerySet):
    meeting_path = "pk"

    def published(self) -> MeetingQuerySet:
        """Meetings the public may know about: published, and those later cancelled or postponed."""
        return self.exclude(status=Meeting.Status.DRAFT)

    def visible_to(self, user) -> MeetingQuerySet:
        return self.filter(visibility.meeting_q(visibility.audience_of(user)))


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    slug = models.SlugField(
        max_length=160,
        unique=True,
        blank=True,
        help_text="Its address: the date and the committee, e.g. 2014-09-22-health-board.",
    )
    start = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    webcast_url = models.URLField(blank=True)
    dispatch_date = models.DateField(
        null=True, blank=True, help_text="The date the agenda was sent out."
    )
    signatory = models.CharField(max_length=300, blank=True)
    contact_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.TimeField(null=True, blank=True, help_text="When the meeting closed.")
    published_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(
        blank=True,
        help_text="Why the meeting was cancelled or postponed, as the public is told.",
    )
    postponed_to = models.DateField(
        null=True, blank=True, help_text="The new date of a postponed meeting, once it is known."
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled", "postponed"]),
                name="meeting_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "start"]),
            models.Index(fields=["status", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.committee}, {long_meeting_datetime(self.start)}"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def _free_slug(self) -> str:
        day = timezone.localtime(self.start).date().isoformat()
        base = f"{day}-{self.committee.slug}"[:150]
        slug, n = base, 1
        while (
            Meeting.objects.filter(slug=slug).exclude(pk=self.pk).exists()
            or MeetingAddress.objects.filter(slug=slug).exists()
        ):
            n += 1
            slug = f"{base}-{n}"
        return slug


class MeetingAddress(models.Model):
    """An address a meeting had before it was moved: it keeps working and redirects."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="old_addresses")
    slug = models.SlugField(max_length=160, unique=True)
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "meeting addresses"

    def __str__(self) -> str:
        return f"{self.slug} -> {self.meeting.slug}"


class AgendaItemQuerySet(TrackedQuerySet):
    def visible_to(self, user) -> AgendaItemQuerySet:
        """Items listed to the user (``visibility.item_q``); what of their text the user may
        read is ``visibility.item_text_fields``."""
        return self.filter(visibility.item_q(visibility.audience_of(user)))


class Part(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


SCHEDULE_12A_PARAGRAPHS = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated "
    "consultations or negotiations, in connection with any labour relations matter arising "
    "between the authority or a Minister of the Crown and employees of, or office holders "
    "under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be "
    "maintained in legal proceedings.",
    6: "Information which reveals that the authority proposes (a) to give under any enactment a "
    "notice under or by virtue of which requirements are imposed on a person; or (b) to make "
    "an order or direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the "
    "prevention, investigation or prosecution of crime.",
}
EXEMPTION_CHOICES = [(n, f"Paragraph {n}: {text}") for n, text in SCHEDULE_12A_PARAGRAPHS.items()]
# The names clerks give the paragraphs, for choosing one (the statutory text is above).
SCHEDULE_12A_SHORT_NAMES = {
    1: "Information relating to any individual",
    2: "Information likely to reveal the identity of an individual",
    3: "Financial or business affairs",
    4: "Labour relations consultations or negotiations",
    5: "Legal professional privilege",
    6: "Notices, orders or directions the authority proposes",
    7: "Prevention, investigation or prosecution of crime",
}


def exemption_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A private part names its Schedule 12A paragraph (1-7); a public part names none."""
    return [
        models.CheckConstraint(
            condition=Q(part__in=["public", "private"]), name=f"{prefix}_part_valid"
        ),
        models.CheckConstraint(
            condition=(
                Q(part="public", exemption_paragraph__isnull=True)
                | Q(
                    part="private",
                    exemption_paragraph__isnull=False,
                    exemption_paragraph__gte=1,
                    exemption_paragraph__lte=7,
                )
            ),
            name=f"{prefix}_private_has_exemption",
            violation_error_message=(
                "A private item must give its exemption paragraph (1 to 7 of Schedule 12A); "
                "a public item must not."
            ),
        ),
    ]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sub_items",
        help_text="Set for a sub-item such as 3(a); it must be an item of the same meeting.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within its level.")
    number = models.CharField(
        max_length=10, help_text="As printed: '3' for an item, 'a' for sub-item (a)."
    )
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    bullet_points = models.JSONField(default=list, blank=True)
    presenter = models.CharField(
        max_length=500,
        blank=True,
        help_text="'Report of ...' or '... will report at the meeting'.",
    )
    part = models.CharField(max_length=10, choices=Part.choices, default=Part.PUBLIC)
    exemption_paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=EXEMPTION_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    public_description = models.TextField(
        blank=True, help_text="For a private item: what the public is told, only why it is exempt."
    )
    previous_minutes = models.ForeignKey(
        "Minutes",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreed_by_items",
        help_text="For 'minutes of the previous meeting': the minutes to be agreed.",
    )
    is_pending = models.BooleanField(
        default=False,
        help_text="Added after the agenda was published: seen only by clerks until a "
        "supplementary agenda publishes it.",
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "parent_id", "position"]
        constraints = [
            *exemption_constraints("agenda_item"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="agenda_item_not_own_parent"
            ),
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=Q(parent__isnull=True),
                name="agenda_item_number_unique",
                violation_error_message="This meeting already has an item with that number.",
            ),
            models.UniqueConstraint(
                fields=["parent", "number"],
                condition=Q(parent__isnull=False),
                name="agenda_sub_item_number_unique",
                violation_error_message="This item already has a sub-item with that letter.",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "position"])]

    def __str__(self) -> str:
        return f"{self.display_number} {self.title}"

    @property
    def is_private(self) -> bool:
        """Private in effect: its own part, or its parent's (``visibility.item_is_private``)."""
        return visibility.item_is_private(self)

    @property
    def exemption(self) -> int | None:
        """The Schedule 12A paragraph that makes it private: its own, or its parent's."""
        if self.exemption_paragraph or not self.parent_id:
            return self.exemption_paragraph
        return self.parent.exemption_paragraph

    @property
    def display_number(self) -> str:
        """'3' for an item, '(a)' for a sub-item, as the front sheet prints them."""
        return f"({self.number})" if self.parent_id else f"{self.number}."

    @property
    def stamp_number(self) -> str:
        """'3a' for sub-item (a) of item 3: the "Agenda Item 3a" stamp."""
        if self.parent_id:
            return f"{self.parent.number}{self.number}"
        return self.number

    def clean(self) -> None:
        super().clean()
        if self.parent_id:
            parent = self.parent
            if self.meeting_id and parent.meeting_id != self.meeting_id:
                raise ValidationError(
                    {"parent": "A sub-item must belong to an item of the same meeting."}
                )
            if parent.parent_id:
                raise ValidationError({"parent": "Sub-items cannot have sub-items of their own."})
