"""Committees, people, meetings, agendas and minutes: the domain of DESIGN.md.

Who may see a row is decided in ``meetings.visibility``; each model's queryset asks it through
``visible_to(user)``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import visibility
from .formats import long_meeting_datetime


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


class MeetingQuerySet(models.QuerySet):
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


class AgendaItemQuerySet(models.QuerySet):
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


class MinutesQuerySet(models.QuerySet):
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


class MinuteItemQuerySet(models.QuerySet):
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


class ResolutionQuerySet(models.QuerySet):
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


class DeclarationQuerySet(models.QuerySet):
    def visible_to(self, user) -> DeclarationQuerySet:
        return self.filter(visibility.declaration_q(visibility.audience_of(user)))


class Declaration(models.Model):
    """A declaration of interest recorded in a minute."""

    class Kind(models.TextChoices):
        DISCLOSABLE_PECUNIARY = "dpi", "Disclosable pecuniary interest"
        OTHER = "other", "Other interest"

    minute_item = models.ForeignKey(
        MinuteItem, on_delete=models.CASCADE, related_name="declarations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="declarations"
    )
    interest = models.TextField()

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["dpi", "other"]), name="declaration_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.interest[:60]}"


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
                condition=Q(kind__in=["summons", "supplement"]), name="summons_kind_valid"
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


from .models_search import Passage  # noqa: E402, F401
from .moderngov.models import ModernGovId  # noqa: E402, F401
