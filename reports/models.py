"""Uploaded documents (reports, appendices, presentations) and the text of each of their pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from meetings import roles
from meetings.models import AgendaItem, Meeting, Part


def report_upload_to(instance: Report, filename: str) -> str:
    # Stored by content hash: the original is never changed, and a name says nothing private.
    return f"reports/{instance.sha256[:2]}/{instance.sha256}.pdf"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportQuerySet:
        """Clerks see every document. Members see those of published meetings, exempt ones
        included. The public sees those of published meetings that are neither exempt nor
        attached to a private item."""
        if roles.sees_unpublished(user):
            return self.all()
        qs = self.filter(agenda_item__meeting__in=Meeting.objects.published())
        if not roles.sees_exempt(user):
            qs = qs.exclude(is_exempt=True).exclude(agenda_item__part=Part.PRIVATE)
        return qs

    def public(self) -> ReportQuerySet:
        """What may go into a public pack: no exempt report, nothing of a private item."""
        return self.filter(is_exempt=False, agenda_item__part=Part.PUBLIC)


class Report(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        APPENDIX = "appendix", "Appendix"
        MINUTES = "minutes", "Minutes"
        PRESENTATION = "presentation", "Presentation"
        OTHER = "other", "Other"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="reports")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPORT)
    is_exempt = models.BooleanField(
        default=False,
        help_text="Exempt papers are never in the public pack, even under a public item.",
    )
    file = models.FileField(upload_to=report_upload_to, max_length=200)
    original_filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField()
    has_text_layer = models.BooleanField(
        default=True, help_text="False for a scan: unsearchable and not accessible."
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["agenda_item", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["report", "appendix", "minutes", "presentation", "other"]),
                name="report_kind_valid",
            ),
            models.CheckConstraint(condition=Q(page_count__gte=1), name="report_has_pages"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="report_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_exempt_material(self) -> bool:
        """Exempt in its own right or by sitting under a private item."""
        return self.is_exempt or self.agenda_item.is_private

    def get_download_url(self) -> str:
        return reverse("report-download", kwargs={"pk": self.pk})


class ReportPage(models.Model):
    """The extracted text of one page, for search and for the HTML version of the document."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_page_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_page_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.report}, page {self.number}"
