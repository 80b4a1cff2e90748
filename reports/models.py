"""Uploaded documents (reports, appendices, presentations) and the text of each of their pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from meetings import visibility
from meetings.changes import TrackedQuerySet
from meetings.models import AgendaItem, Meeting


def report_upload_to(instance: Report, filename: str) -> str:
    # Stored by content hash: the original is never changed, and a name says nothing private.
    return f"reports/{instance.sha256[:2]}/{instance.sha256}.pdf"


class ReportQuerySet(TrackedQuerySet):
    meeting_path = "agenda_item__meeting_id"

    def visible_to(self, user) -> ReportQuerySet:
        """Papers the user may have (``visibility.report_q``)."""
        return self.filter(visibility.report_q(visibility.audience_of(user)))

    def current(self) -> ReportQuerySet:
        """What the meeting's papers are now: not withdrawn, not replaced by a later upload."""
        return self.filter(withdrawn_at__isnull=True, superseded_at__isnull=True)

    def public(self) -> ReportQuerySet:
        """What may go into a public pack: no exempt report, nothing of a private item."""
        return self.exclude(visibility.report_exempt_q())


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
    removed_content = models.JSONField(
        default=list,
        blank=True,
        help_text="What was taken out of the uploaded file before it was stored, in words "
        "(“2 links that ran a script were removed.”); the file as uploaded is not kept.",
    )
    text_structure = models.CharField(
        max_length=10,
        blank=True,
        choices=[
            ("tagged", "From the PDF's tags"),
            ("layout", "From the PDF's layout"),
            ("word", "From the Word document"),
        ],
        help_text="Where the headings, lists and tables of the document page came from; "
        "blank until the worker has read them (the page shows the plain text until then).",
    )
    text_recognised = models.BooleanField(
        default=False,
        help_text="The text was recognised from a scan by OCR (the page says it may hold errors).",
    )
    word_findings = models.JSONField(
        default=list,
        blank=True,
        help_text="What the Word document this PDF was converted from held out of sight "
        "(tracked changes, comments, hidden text, embedded spreadsheets), in words, read at "
        "upload for the check before publication; the Word file itself is not kept.",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_pending = models.BooleanField(
        default=False,
        help_text="Uploaded after the agenda was published: seen only by clerks until a "
        "supplementary agenda publishes it.",
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replacements",
        help_text="The earlier paper this one replaces once its supplement is published.",
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a replacement was published: the paper stays in earlier pack versions.",
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Withdrawn as published in error: gone from every page, pack, feed and search.",
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_note = models.CharField(
        max_length=300, blank=True, help_text="Shown on the meeting page; say nothing exempt."
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
                condition=Q(text_structure__in=["", "tagged", "layout", "word"]),
                name="report_text_structure_valid",
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="report_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_exempt_material(self) -> bool:
        """Exempt in its own right or by sitting under a private item
        (``visibility.report_is_exempt``)."""
        return visibility.report_is_exempt(self)

    def get_download_url(self) -> str:
        return reverse("report-download", kwargs={"pk": self.pk})


class ReportPageQuerySet(TrackedQuerySet):
    meeting_path = "report__agenda_item__meeting_id"


class ReportPage(models.Model):
    """The extracted text of one page, for search and for the HTML version of the document."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    blocks = models.JSONField(
        default=list,
        blank=True,
        help_text="The page's headings, paragraphs, lists and tables "
        "(reports.document_text); empty until read, when the page shows the plain text.",
    )

    objects = ReportPageQuerySet.as_manager()

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_page_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_page_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.report}, page {self.number}"


class UploadLayout(models.Model):
    """Where the text of each page of an uploaded file stands near its top and foot, read once
    per file (files are stored by hash, so one row serves every report that shares a file).
    The pack builder checks it before a stamp goes onto a page."""

    sha256 = models.CharField(max_length=64, unique=True)
    version = models.PositiveSmallIntegerField()
    pages = models.JSONField(help_text="Per page: visible width and height, and text boxes.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="upload_layout_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"Layout of {self.sha256[:12]} ({len(self.pages)} pages)"


def pack_upload_to(instance: Pack, filename: str) -> str:
    # Named by meeting and content hash: a finished file is never overwritten.
    return f"packs/{instance.meeting_id}/{instance.sha256}.pdf"


class PackQuerySet(TrackedQuerySet):
    def ready(self) -> PackQuerySet:
        return self.filter(state=Pack.State.READY)

    def unfinished(self) -> PackQuerySet:
        return self.filter(state__in=[Pack.State.QUEUED, Pack.State.BUILDING])


class Pack(models.Model):
    """One PDF pack of a meeting, built from one set of inputs.

    A row is keyed by its meeting, kind and the hash of everything that goes into it, so an
    unchanged pack is found, never rebuilt; a changed input makes a new row. The file is set
    only once the whole PDF has been written, so nothing half-written is ever served. A
    published pack is frozen (``version`` and ``frozen_at``): it is kept and never replaced.
    """

    class Kind(models.TextChoices):
        PUBLIC = "public", "Agenda pack"
        MEMBERS = "members", "Members' pack"
        FRONT_SHEET = "front_sheet", "Agenda front sheet"
        MINUTES = "minutes", "Printed minutes"
        SUPPLEMENT = "supplement", "Supplementary agenda"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    inputs_hash = models.CharField(max_length=64)
    inputs = models.JSONField(help_text="Everything the pack is made from, as it was built.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="What the clerk should know.")
    file = models.FileField(upload_to=pack_upload_to, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    front_sheet_pages = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0,
        help_text="Raised each time the build is queued again; a build counts only "
        "while its attempt is the current one.",
    )
    task_id = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Set when published: version 1, 2, ... of this kind (of a supplementary "
        "agenda: its number). A versioned pack is frozen as soon as it is built.",
    )
    frozen_at = models.DateTimeField(null=True, blank=True)

    objects = PackQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "kind", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "inputs_hash"], name="pack_one_per_inputs"
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "version"],
                condition=Q(version__isnull=False),
                name="pack_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["public", "members", "front_sheet", "minutes", "supplement"]),
                name="pack_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "building", "ready", "failed"]),
                name="pack_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(inputs_hash__regex=r"^[0-9a-f]{64}$"), name="pack_inputs_hash_hex"
            ),
            models.CheckConstraint(
                condition=~Q(state="ready")
                | (Q(sha256__regex=r"^[0-9a-f]{64}$") & Q(page_count__gte=1) & ~Q(file="")),
                name="pack_ready_has_file",
                violation_error_message="A ready pack names its file, hash and page count.",
            ),
            models.CheckConstraint(
                condition=Q(frozen_at__isnull=True) | Q(state="ready", version__isnull=False),
                name="pack_frozen_is_ready_version",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "kind", "state"]),
            models.Index(fields=["state", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.meeting} ({self.get_state_display()})"

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


from .models_downloads import DownloadLog  # noqa: E402, F401  (who downloaded which exempt paper)
