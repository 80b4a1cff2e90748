"""Uploading reports through the staff pages: every file passes the same checks as any upload."""

from django import forms
from django.contrib import admin

from .models import DownloadLog, Report, ReportPage
from .pdf import inspect_pdf
from .services import report_create


class ReportUploadForm(forms.ModelForm):
    upload = forms.FileField(label="PDF file", help_text="A PDF without passwords or scripts.")

    class Meta:
        model = Report
        fields = ["agenda_item", "title", "author", "kind", "is_exempt"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.data_bytes = upload.read()
        self.facts = inspect_pdf(self.data_bytes)
        return upload


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ["title", "kind", "is_exempt", "page_count", "sha256"]
    readonly_fields = ["page_count", "sha256"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # New documents come in through the upload form, which checks the file.
        return False


class ReportPageInline(admin.TabularInline):
    model = ReportPage
    extra = 0
    fields = ["number", "text"]
    readonly_fields = ["number", "text"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "agenda_item", "kind", "is_exempt", "page_count"]
    list_filter = ["kind", "is_exempt"]
    search_fields = ["title", "author", "sha256"]
    raw_id_fields = ["agenda_item"]
    readonly_fields = [
        # Pending, replaced and withdrawn change only through the workspace's publishing
        # steps, which rebuild the packs and tell the members.
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

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ReportUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["agenda_item", "title", "author", "kind", "is_exempt", "upload"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = report_create(
            agenda_item=form.cleaned_data["agenda_item"],
            data=form.data_bytes,
            title=form.cleaned_data["title"],
            filename=form.cleaned_data["upload"].name,
            kind=form.cleaned_data["kind"],
            author=form.cleaned_data["author"],
            is_exempt=form.cleaned_data["is_exempt"],
            by=request.user,
        )
        obj.pk = created.pk
        obj.__dict__.update(created.__dict__)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


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
