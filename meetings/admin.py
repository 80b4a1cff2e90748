"""Django's staff pages for clerks and admins.

The clerk's workspace (/workspace/) is where meeting work happens: every change there goes
through a service (``meetings.services``, ``meetings.publishing``, ``reports.services``), which
keeps the packs, search, caches and audit log in step with who may see what. The staff pages
never change what the services own (DESIGN.md), so the meeting-content models are view-only
here. A few fields that only the staff pages can set stay editable, and only those whose value
cannot change who sees what: a meeting's venue, webcast, contact officer and closing time (and its
signatory while it is a draft) and a minute's heading. Declarations of interest are recorded on
the clerk's minutes screen (``meetings.declarations``), so they are view-only here too.
Committees, people, memberships and portal settings stay editable: they are not meeting content.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import (
    AgendaItem,
    Attendance,
    Committee,
    Declaration,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Person,
    PortalSettings,
    Resolution,
)

admin.site.site_header = "Board papers: staff pages"
admin.site.site_title = "Board papers"


def workspace_note() -> str:
    return format_html(
        'Read-only here: meetings, agendas, papers and minutes are changed in the <a href="{}">'
        "clerk's workspace</a>, which rebuilds the packs and keeps the audit log.",
        reverse("workspace"),
    )


class ViewOnly:
    """Seen, never added, changed or deleted through the staff pages (nor by a bulk action):
    the workspace's services own these rows. Mixed into a ModelAdmin or an inline."""

    actions = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"subtitle": workspace_note(), **(extra_context or {})}
        )


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ["council_name", "default_signatory"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not PortalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["display_name", "job_title", "organisation"]
    search_fields = ["display_name", "surname", "forenames", "organisation"]
    prepopulated_fields = {"slug": ["forenames", "surname"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_officer", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["contact_officer"]
    inlines = [MembershipInline]


class AgendaItemInline(ViewOnly, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "number", "parent", "title", "part", "exemption_paragraph"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """A meeting is created, published, cancelled or postponed in the workspace. Here a clerk may
    still set what only the staff pages can, none of which changes who sees what; a draft
    meeting (seen by clerks alone) may be deleted with everything under it."""

    list_display = ["committee", "start", "status", "venue"]
    list_filter = ["status", "committee"]
    date_hierarchy = "start"
    search_fields = ["committee__name", "venue"]
    autocomplete_fields = ["committee", "contact_officer"]
    inlines = [AgendaItemInline]
    actions = None  # a bulk delete would not ask whether each meeting is a draft
    fields = [
        "committee", "slug", "start", "status", "published_at", "dispatch_date", "signatory",
        "venue", "webcast_url", "contact_officer", "closed_at",
    ]  # fmt: skip
    readonly_fields = ["committee", "slug", "start", "status", "published_at", "dispatch_date"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_public:
            # Printed on the front sheet the members and the public were sent.
            return [*self.readonly_fields, "signatory"]
        return self.readonly_fields

    def has_add_permission(self, request) -> bool:
        return False  # the workspace creates meetings, with the standard agenda

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != Meeting.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if all(meeting.status == Meeting.Status.DRAFT for meeting in objs):
            # Nobody but clerks has seen a draft: what hangs off it goes with it, although
            # none of it may be deleted on its own here.
            perms_needed = set()
        else:
            perms_needed = {*perms_needed, "published meeting"}
        return deleted, counts, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"subtitle": workspace_note(), **(extra_context or {})}
        )


@admin.register(AgendaItem)
class AgendaItemAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["__str__", "meeting", "part"]
    list_filter = ["part", "meeting__committee"]
    search_fields = ["title", "meeting__committee__name"]

    def get_inlines(self, request, obj):
        from reports.admin import ReportInline

        return [ReportInline]


class AttendanceInline(ViewOnly, admin.TabularInline):
    model = Attendance
    extra = 0


class MinuteItemInline(ViewOnly, admin.StackedInline):
    model = MinuteItem
    extra = 0
    fields = ["position", "number", "title", "narrative", "part", "exemption_paragraph"]
    show_change_link = True


@admin.register(Minutes)
class MinutesAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["meeting", "status", "is_published", "approved_at"]
    list_filter = ["status", "is_published"]
    inlines = [AttendanceInline, MinuteItemInline]


class ResolutionInline(ViewOnly, admin.TabularInline):
    model = Resolution
    extra = 0


class DeclarationInline(ViewOnly, admin.TabularInline):
    """Declarations of interest are recorded, changed and removed on the clerk's minutes screen
    (each minute's "Declarations of interest"), through ``meetings.declarations``, which checks
    who declared and keeps the audit log; here they are only seen."""

    model = Declaration
    extra = 0
    fields = ["person", "kind", "interest", "left_room", "register_entry"]


@admin.register(MinuteItem)
class MinuteItemAdmin(admin.ModelAdmin):
    """A minute's narrative and resolutions are written in the workspace, and its part follows
    the agenda item it records; only its heading may be corrected here."""

    list_display = ["__str__", "minutes", "part"]
    search_fields = ["title", "narrative"]
    inlines = [ResolutionInline, DeclarationInline]
    actions = None
    fields = [
        "minutes", "position", "number", "title", "agenda_item", "part", "exemption_paragraph",
        "narrative", "narrative_html",
    ]  # fmt: skip
    readonly_fields = [
        "minutes", "position", "number", "agenda_item", "part", "exemption_paragraph",
        "narrative", "narrative_html",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"subtitle": workspace_note(), **(extra_context or {})}
        )


@admin.register(Resolution)
class ResolutionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["__str__", "minute_item"]
    search_fields = ["text"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "committee", "role", "start_date", "end_date"]
    list_filter = ["committee", "role"]
    autocomplete_fields = ["person", "committee"]


@admin.register(Attendance)
class AttendanceAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["person", "minutes", "group"]
    list_filter = ["group"]


@admin.register(Declaration)
class DeclarationAdmin(ViewOnly, admin.ModelAdmin):
    """Seen here; recorded on the clerk's minutes screen (see DeclarationInline)."""

    list_display = ["person", "minute_item", "kind", "left_room"]
