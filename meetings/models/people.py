"""The council, its people and its committees: who sits on what, as the papers print them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .. import colours
from ..changes import TrackedQuerySet, TrackedRowsQuerySet


class PortalSettings(models.Model):
    """The council's own details, printed on every pack. There is exactly one row (pk=1)."""

    council_name = models.CharField(max_length=200, default="Coventry City Council")
    council_address = models.TextField(blank=True, default="Council House, Coventry")
    default_signatory = models.CharField(
        max_length=300,
        blank=True,
        help_text="Printed at the foot of the agenda, e.g. "
        "'Chris West, Executive Director, Resources, Council House Coventry'.",
    )
    hearing_loop_note = models.TextField(
        blank=True, default="Please note: a hearing loop is available in the committee rooms"
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#1d4f91",
        validators=[colours.readable_on_white],
        help_text="The council's colour for the page header, as #rrggbb. White text stands on it, "
        "so it must be dark enough to read (a contrast of at least 4.5 to 1).",
    )
    link_colour = models.CharField(
        max_length=7,
        default="#1d4f91",
        validators=[colours.readable_on_white],
        help_text="The colour of links on white, as #rrggbb (a contrast of at least 4.5 to 1).",
    )
    accessibility_note = models.TextField(
        blank=True,
        default=(
            "If you require a British Sign Language interpreter for this meeting OR it you would "
            "like this information in another format or language please contact us."
        ),
    )

    class Meta:
        verbose_name = "portal settings"
        verbose_name_plural = "portal settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="portal_settings_single_row"),
        ]

    def __str__(self) -> str:
        return f"Portal settings for {self.council_name}"

    @property
    def theme_version(self) -> str:
        """Changes when the colours change, so the theme stylesheet can be cached for long."""
        return (self.brand_colour + self.link_colour).replace("#", "").lower()

    @classmethod
    def load(cls) -> PortalSettings:
        """The saved settings, or the defaults when none have been saved (no write on a read)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Person(models.Model):
    """A councillor, board member, officer or representative, named as the papers print them."""

    honorific = models.CharField(
        max_length=30, blank=True, help_text="Councillor, Dr, Professor, or blank."
    )
    forenames = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    display_name = models.CharField(
        max_length=200,
        help_text="As the minutes print it: 'Councillor Gingell', 'Dr Steven Allen'.",
    )
    slug = models.SlugField(max_length=120, unique=True)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The portal account this person signs in with: their 'My meetings' page "
        "lists the meetings of the committees they sit on.",
    )

    class Meta:
        ordering = ["surname", "forenames"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_councillor(self) -> bool:
        return self.honorific == "Councillor"

    @property
    def initials(self) -> str:
        return " ".join(part[0] for part in self.forenames.split() if part)

    @property
    def membership_name(self) -> str:
        """The form the front sheet's "Membership:" line uses: "Councillor A Gingell", "S Allen"."""
        name = f"{self.initials} {self.surname}".strip()
        return f"Councillor {name}" if self.is_councillor else name


class CommitteeQuerySet(TrackedQuerySet, TrackedRowsQuerySet):
    """``update()`` (a rename, say) is followed like a save: its meetings' passages carry its
    name and their pages show it (``TrackedQuerySet``), and so do the committees' own pages,
    meetings or none (``TrackedRowsQuerySet``)."""

    meeting_path = "meetings__id"


class Committee(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Board"
        COMMITTEE = "committee", "Committee"
        CABINET = "cabinet", "Cabinet"
        SUB_COMMITTEE = "sub_committee", "Sub-committee"
        PANEL = "panel", "Panel"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_committees"
    )
    description = models.TextField(blank=True)
    contact_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_venue = models.CharField(max_length=200, blank=True)
    default_start_time = models.TimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["board", "committee", "cabinet", "sub_committee", "panel"]),
                name="committee_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-Chair"
        MEMBER = "member", "Member"
        CO_OPTED = "co_opted", "Co-opted member"
        REPRESENTATIVE = "representative", "Representative"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.CharField(
        max_length=200, blank=True, help_text="The body this person represents on the committee."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["committee", "position", "person__surname"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
                violation_error_message="A membership cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=["chair", "vice_chair", "member", "co_opted", "representative"]
                ),
                name="membership_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["committee", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person} on {self.committee} ({self.get_role_display()})"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.start_date is None or self.start_date <= on) and (
            self.end_date is None or self.end_date >= on
        )


class MyMeetingsVisit(models.Model):
    """When a signed-in person last opened "My meetings", and what it listed then: the next
    visit marks as new whatever they may see now that was not listed (a paper, a supplement,
    minutes published or approved, a meeting published, cancelled or postponed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="my_meetings_visit"
    )
    visited_at = models.DateTimeField()
    seen = models.JSONField(
        default=list,
        blank=True,
        help_text="What the page listed, as keys such as 'paper:12' and 'minutes:3:approved'.",
    )

    class Meta:
        verbose_name = "visit to My meetings"

    def __str__(self) -> str:
        return f"{self.user} opened My meetings at {self.visited_at:%Y-%m-%d %H:%M}"
