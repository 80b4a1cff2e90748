"""Registers of members' interests (Localism Act 2011 ss.29-32; the Relevant Authorities
(Disclosable Pecuniary Interests) Regulations 2012, SI 2012/1464): each member's register as
versions (the member's draft, submitted for the clerk's approval, approved or returned with a
reason), every version kept; the public reads the approved ones.

A sensitive entry (s.32) is published only as "details withheld under section 32", with its
category: ``visibility.interest_details_shown`` decides who reads its details.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .. import visibility
from .people import Person

GIFT_THRESHOLD = "£50"


class InterestCategory(models.TextChoices):
    # The disclosable pecuniary interests of the 2012 Regulations' Schedule.
    EMPLOYMENT = "employment", "Employment, office, trade, profession or vocation"
    SPONSORSHIP = "sponsorship", "Sponsorship"
    CONTRACTS = "contracts", "Contracts"
    LAND = "land", "Land"
    LICENCES = "licences", "Licences"
    CORPORATE_TENANCIES = "corporate_tenancies", "Corporate tenancies"
    SECURITIES = "securities", "Securities"
    # The council's own categories (its code of conduct).
    GIFTS = "gifts", f"Gifts and hospitality over {GIFT_THRESHOLD}"
    BODIES = "bodies", "Membership of other bodies"


DISCLOSABLE_PECUNIARY = {
    InterestCategory.EMPLOYMENT,
    InterestCategory.SPONSORSHIP,
    InterestCategory.CONTRACTS,
    InterestCategory.LAND,
    InterestCategory.LICENCES,
    InterestCategory.CORPORATE_TENANCIES,
    InterestCategory.SECURITIES,
}
# The Regulations count a spouse's or partner's interests in every category but sponsorship
# (a payment towards the member's own expenses); the council's categories are the member's own.
PARTNER_CATEGORIES = sorted(DISCLOSABLE_PECUNIARY - {InterestCategory.SPONSORSHIP})


class InterestVersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InterestVersionQuerySet:
        return self.filter(visibility.interest_version_q(visibility.audience_of(user)))

    def approved(self) -> InterestVersionQuerySet:
        return self.filter(state=InterestVersion.State.APPROVED).order_by("-decided_at", "-pk")


class InterestVersion(models.Model):
    """One version of a member's register, as the member wrote it."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING = "awaiting", "Awaiting approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="interest_versions")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False, help_text="Made up for the demonstration.")

    objects = InterestVersionQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "awaiting", "approved", "returned"]),
                name="interest_version_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="interest_version_returned_with_reason",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["draft", "awaiting"]),
                name="interest_version_one_open",
                violation_error_message="A member has one register in progress at a time.",
            ),
        ]

    def __str__(self) -> str:
        return f"Register of interests of {self.person}: {self.get_state_display()}"

    @property
    def tag(self) -> str:
        return {
            "draft": "govuk-tag--grey",
            "awaiting": "govuk-tag--yellow",
            "approved": "govuk-tag--green",
            "returned": "govuk-tag--red",
        }[self.state]


class InterestEntry(models.Model):
    class HeldBy(models.TextChoices):
        MEMBER = "member", "Member"
        MEMBER_OR_PARTNER = "member_or_partner", "Member or partner"

    version = models.ForeignKey(InterestVersion, on_delete=models.CASCADE, related_name="entries")
    category = models.CharField(max_length=30, choices=InterestCategory.choices)
    held_by = models.CharField(max_length=20, choices=HeldBy.choices, default=HeldBy.MEMBER)
    description = models.TextField()
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    sensitive = models.BooleanField(
        default=False,
        help_text="Its disclosure could lead to violence or intimidation (Localism Act 2011 "
        "s.32): the published register says only that details are withheld.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name_plural = "interest entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=InterestCategory.values),
                name="interest_entry_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(held_by="member") | Q(category__in=PARTNER_CATEGORIES),
                name="interest_entry_partner_where_regulations_say",
                violation_error_message="Only a disclosable pecuniary interest other than "
                "sponsorship may be the member's or their partner's.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="interest_entry_dates_in_order",
                violation_error_message="The date it ended must be on or after the date it "
                "started.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:60]}"

    @property
    def is_disclosable_pecuniary(self) -> bool:
        return self.category in DISCLOSABLE_PECUNIARY
