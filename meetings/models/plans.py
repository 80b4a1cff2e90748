"""Decisions beyond meetings: the forward plan of key decisions with its history, the general
exception and special urgency notices, and decision records with their call-in.

The statutory rules are those of the Local Authorities (Executive Arrangements) (Meetings and
Access to Information) (England) Regulations 2012: a key decision is noticed at least 28 clear
days before it is taken (regulation 9), or under a general exception notice (regulation 10) or
special urgency (regulation 11); a record of every executive decision (regulations 12 and 13).
The clocks are counted in ``meetings.plans``; who may see a row is ``meetings.visibility``.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import visibility
from ..changes import TrackedRowsQuerySet
from .agenda import EXEMPTION_CHOICES, AgendaItem, Meeting, Part, exemption_constraints
from .people import Committee, Person


class Ward(models.Model):
    """An electoral ward, for saying which places a decision affects."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DecisionMakerKind(models.TextChoices):
    EXECUTIVE = "executive", "The executive (Cabinet)"
    COMMITTEE = "committee", "A committee"
    MEMBER = "member", "An executive member"
    OFFICER = "officer", "An officer"


DECISION_MAKER_KINDS = [c[0] for c in DecisionMakerKind.choices]


class PlanEntryQuerySet(TrackedRowsQuerySet):
    def published(self) -> PlanEntryQuerySet:
        return self.filter(published_at__isnull=False)

    def visible_to(self, user) -> PlanEntryQuerySet:
        """Published entries for everyone, drafts for clerks (``visibility.plan_entry_q``); what
        of a private entry the audience may read is ``visibility.plan_entry_shows_documents``."""
        return self.filter(visibility.plan_entry_q(visibility.audience_of(user)))


class PlanEntry(models.Model):
    """A matter on the forward plan: what is to be decided, by whom, and when."""

    matter = models.CharField(max_length=500, help_text="What is to be decided.")
    summary = models.TextField(blank=True, help_text="A short description of the matter.")
    decision_maker_kind = models.CharField(
        max_length=20, choices=DecisionMakerKind.choices, default=DecisionMakerKind.EXECUTIVE
    )
    decision_maker = models.CharField(
        max_length=200,
        help_text="As the public should read it, e.g. 'Cabinet' or 'Cabinet Member for Health'.",
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_entries"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_entries"
    )
    expected_date = models.DateField(help_text="The date the decision is expected to be taken.")
    is_key_decision = models.BooleanField(default=True)
    part = models.CharField(max_length=10, choices=Part.choices, default=Part.PUBLIC)
    exemption_paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=EXEMPTION_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    private_reason = models.TextField(
        blank=True,
        help_text="For a decision to be taken in private: why, as the public is told.",
    )
    documents = models.TextField(
        blank=True,
        help_text="The documents to be considered, one a line. Members and clerks only when the "
        "decision is to be taken in private.",
    )
    contact = models.CharField(max_length=300, blank=True)
    wards = models.ManyToManyField(Ward, blank=True, related_name="plan_entries")
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_entries",
        help_text="The agenda item at which the decision is taken, once it is on an agenda.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    first_published_on = models.DateField(
        null=True, blank=True, help_text="The day the entry was first published: its notice."
    )

    objects = PlanEntryQuerySet.as_manager()

    class Meta:
        ordering = ["expected_date", "decision_maker", "pk"]
        verbose_name_plural = "plan entries"
        constraints = [
            *exemption_constraints("plan_entry"),
            models.CheckConstraint(
                condition=Q(decision_maker_kind__in=DECISION_MAKER_KINDS),
                name="plan_entry_decision_maker_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["published_at", "expected_date"])]

    def __str__(self) -> str:
        return self.matter

    def get_absolute_url(self) -> str:
        return reverse("plan-entry-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_private(self) -> bool:
        return self.part == Part.PRIVATE

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class PlanEntryVersion(models.Model):
    """The entry as published at one moment: the history the public sees."""

    entry = models.ForeignKey(PlanEntry, on_delete=models.CASCADE, related_name="versions")
    published_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True, help_text="What changed, and why.")
    matter = models.CharField(max_length=500)
    decision_maker = models.CharField(max_length=200)
    expected_date = models.DateField()
    is_key_decision = models.BooleanField()
    part = models.CharField(max_length=10, choices=Part.choices)
    exemption_paragraph = models.PositiveSmallIntegerField(null=True, blank=True)
    private_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["entry", "-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.matter} ({self.published_at:%Y-%m-%d})"


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> NoticeQuerySet:
        return self.filter(visibility.notice_q(visibility.audience_of(user)))


class Notice(models.Model):
    """A general exception (regulation 10) or special urgency (regulation 11) notice: the key
    decision is to be taken with less than 28 clear days' notice on the forward plan."""

    class Kind(models.TextChoices):
        GENERAL_EXCEPTION = "general_exception", "General exception"
        SPECIAL_URGENCY = "special_urgency", "Special urgency"

    entry = models.ForeignKey(PlanEntry, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reasons = models.TextField(
        help_text="Why the decision cannot wait for 28 clear days' notice (special urgency: "
        "why it is urgent and cannot reasonably be deferred)."
    )
    scrutiny_chair = models.CharField(
        max_length=200,
        help_text="The chair of the scrutiny committee (or whoever acts for them) who was "
        "informed (general exception) or agreed (special urgency).",
    )
    chair_informed_at = models.DateTimeField(
        null=True, blank=True, help_text="General exception: when the chair was told in writing."
    )
    chair_agreed_at = models.DateTimeField(
        null=True, blank=True, help_text="Special urgency: when the chair agreed."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["general_exception", "special_urgency"]),
                name="notice_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="special_urgency") | Q(chair_informed_at__isnull=False),
                name="notice_general_exception_chair_informed",
                violation_error_message="Record when the scrutiny chair was informed.",
            ),
            models.CheckConstraint(
                condition=Q(kind="general_exception") | Q(chair_agreed_at__isnull=False),
                name="notice_special_urgency_chair_agreed",
                violation_error_message="Record when the chair agreed the decision is urgent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice: {self.entry.matter}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DecisionRecordQuerySet(TrackedRowsQuerySet):
    def visible_to(self, user) -> DecisionRecordQuerySet:
        return self.filter(visibility.decision_record_q(visibility.audience_of(user)))


class CallInState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBJECT_TO_CALL_IN = "subject_to_call_in", "Subject to call-in"
    CALLED_IN = "called_in", "Called in"
    EFFECTIVE = "effective", "Effective"


class DecisionRecord(models.Model):
    """The record of a decision taken by the executive, an executive member or an officer
    (regulations 12 and 13; officer decisions under the Openness of Local Government Bodies
    Regulations 2014). Its call-in state is computed from its dates (``state_on``), so that a
    decision becomes effective when its date passes without anything having to run."""

    title = models.CharField(max_length=500)
    decision_maker_kind = models.CharField(
        max_length=20, choices=DecisionMakerKind.choices, default=DecisionMakerKind.EXECUTIVE
    )
    decision_maker = models.CharField(max_length=200)
    plan_entry = models.ForeignKey(
        PlanEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_records",
    )
    decided_on = models.DateField()
    is_key_decision = models.BooleanField(default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="decision_records")
    decision = models.TextField(help_text="What was decided.")
    reasons = models.TextField()
    alternatives_rejected = models.TextField(blank=True)
    conflicts_of_interest = models.TextField(
        blank=True, help_text="Any conflict of interest declared by anyone consulted."
    )
    dispensations = models.TextField(
        blank=True, help_text="Any dispensation granted in respect of such a conflict."
    )
    call_in_applies = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    takes_effect_on = models.DateField(
        null=True,
        blank=True,
        help_text="Unless called in: the working day the call-in period ends on publication.",
    )
    called_in_on = models.DateField(null=True, blank=True)
    called_in_by = models.CharField(max_length=300, blank=True)
    call_in_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="called_in_decisions",
        help_text="The scrutiny meeting that will consider it.",
    )
    call_in_outcome = models.TextField(blank=True)
    effective_recorded_on = models.DateField(
        null=True, blank=True, help_text="After scrutiny: the day the decision took effect."
    )

    objects = DecisionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_maker_kind__in=DECISION_MAKER_KINDS),
                name="decision_record_decision_maker_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(called_in_on__isnull=True) | Q(call_in_applies=True),
                name="decision_record_called_in_only_if_call_in_applies",
            ),
        ]
        indexes = [models.Index(fields=["published_at", "decided_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decision-record-detail", args=[self.pk])

    def state_on(self, day: dt.date) -> str:
        """The call-in state on ``day``: a draft until published; without call-in, effective
        on publication; once called in, called in until the outcome is recorded; otherwise
        subject to call-in until the day it takes effect, effective from that day."""
        if self.published_at is None:
            return CallInState.DRAFT
        if not self.call_in_applies or self.effective_recorded_on is not None:
            return CallInState.EFFECTIVE
        if self.called_in_on is not None:
            return CallInState.CALLED_IN
        if self.takes_effect_on is not None and day >= self.takes_effect_on:
            return CallInState.EFFECTIVE
        return CallInState.SUBJECT_TO_CALL_IN

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def state_label(self) -> str:
        return CallInState(self.state).label

    @property
    def effective_on(self) -> dt.date | None:
        """The day it took or takes effect, as far as is known."""
        if self.published_at is None:
            return None
        if not self.call_in_applies:
            return timezone.localtime(self.published_at).date()
        if self.effective_recorded_on:
            return self.effective_recorded_on
        if self.called_in_on:
            return None
        return self.takes_effect_on
