"""Who downloaded which exempt paper, when and from where.

Every download of an exempt paper (a report that is exempt in its own right or sits under a
private item) and of a members' pack leaves a row here; clerks and admins read them in the
staff pages, where nobody may change or delete one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from boardpapers.client import client_address


class DownloadLog(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", "Exempt report"
        MEMBERS_PACK = "members_pack", "Members' pack"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(
        max_length=150, help_text="Kept as it was, should the account later be deleted."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pack = models.ForeignKey(
        "reports.Pack", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField(
        max_length=600, help_text="The paper as it was named when it was downloaded."
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "download of an exempt paper"
        verbose_name_plural = "downloads of exempt papers"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["report", "members_pack"]),
                name="download_log_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} downloaded {self.what}"

    @classmethod
    def record(cls, request: HttpRequest, *, report=None, pack=None) -> DownloadLog:
        """Log one download of an exempt report or of a members' pack."""
        user = request.user if request.user.is_authenticated else None
        if report is not None:
            kind, what = cls.Kind.REPORT, report.title
            meeting_id = report.agenda_item.meeting_id
        else:
            kind, meeting_id = cls.Kind.MEMBERS_PACK, pack.meeting_id
            what = f"{pack.get_kind_display()} of {pack.meeting}"
            if pack.version:
                what += f", version {pack.version}"
        return cls.objects.create(
            user=user,
            username=user.get_username() if user else "",
            kind=kind,
            report=report,
            pack=pack,
            meeting_id=meeting_id,
            what=what[:600],
            address=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
