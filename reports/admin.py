"""The staff pages for documents: seen here, uploaded, withdrawn and replaced in the clerk's
workspace (its upload page checks the file, decides whether it waits for a supplementary agenda
and keeps the packs in step). Only a paper's title and author may be corrected here, which
changes nothing about who sees it; a paper of a draft meeting, seen by clerks alone, may be
deleted."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from meetings.admin import ViewOnly
from meetings.models import Meeting

from .models import DownloadLog, Report, ReportPage


def upload_note() -> str:
    return format_html(
        'Papers are uploaded, withdrawn and replaced in the <a href="{}">clerk\'s workspace</a>: '
        "open the meeting's agenda and choose “Upload a report” on the item. Here only a "
        "paper's title and author may be corrected.",
        reverse("workspace"),
    )


class ReportInline(ViewOnly, admin.TabularInline):
    model = Report
    extra = 0
    fields = ["title", "kind", "is_exempt", "is_pending", "withdrawn_at", "page_count", "sha256"]
    show_change_link = True


class ReportPageInline(ViewOnly, admin.TabularInline):
    model = ReportPage
    extra = 0
    fields = ["number", "text"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "agenda_item", "kind", "is_exempt", "page_count"]
    list_filter = ["kind", "is_exempt"]
    search_fields = ["title", "author", "sha256"]
    list_select_related = ["agenda_item__meeting__committee"]
    actions = None  # a bulk delete would not ask whether each paper's meeting is a draft
    readonly_fields = [
        # Everything but the title and author: the services own what a paper is, whether it is
        # exempt, pending, replaced or withdrawn, and the file with its facts.
        "agenda_item",
        "kind",
        "is_exempt",
        "is_pending",
        "replaces",
        "superseded_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_note",
        "file",
        "original_filename",
        "sha256",
        "size_bytes",
        "page_count",
        "has_text_layer",
        "uploaded_at",
        "uploaded_by",
    ]
    inlines = [ReportPageInline]

    def get_fields(self, request, obj=None):
        return ["title", "author", *self.readonly_fields]

    def has_add_permission(self, request) -> bool:
        return False  # the workspace's upload page

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None or obj.agenda_item.meeting.status != Meeting.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"subtitle": upload_note(), **(extra_context or {})}
        )


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    """Who downloaded which exempt paper: read-only, for clerks and admins (their roles'
    ``view`` permission). Nobody may add, change or delete a row, so those pages do not exist."""

    list_display = ["at", "username", "kind", "what", "address"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "what", "address"]
    date_hierarchy = "at"
    list_select_related = ["meeting"]

    def get_urls(self):
        gone = ("_add", "_delete")
        return [u for u in super().get_urls() if not (u.name or "").endswith(gone)]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
