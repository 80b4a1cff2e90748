"""Django's admin for clerks and admins until the clerk workspace replaces it for meeting work."""

from django.contrib import admin

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


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "number", "parent", "title", "part", "exemption_paragraph"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["committee", "start", "status", "venue"]
    list_filter = ["status", "committee"]
    date_hierarchy = "start"
    search_fields = ["committee__name", "venue"]
    autocomplete_fields = ["committee", "contact_officer"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "part"]
    list_filter = ["part", "meeting__committee"]
    search_fields = ["title", "meeting__committee__name"]
    autocomplete_fields = ["meeting", "parent"]
    raw_id_fields = ["previous_minutes"]
    readonly_fields = ["is_pending"]  # a supplementary agenda publishes it

    def get_inlines(self, request, obj):
        from reports.admin import ReportInline

        return [ReportInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


class MinuteItemInline(admin.StackedInline):
    model = MinuteItem
    extra = 0
    fields = ["position", "number", "title", "narrative", "part", "exemption_paragraph"]
    show_change_link = True


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["meeting", "status", "is_published", "approved_at"]
    list_filter = ["status", "is_published"]
    autocomplete_fields = ["meeting", "approved_at"]
    inlines = [AttendanceInline, MinuteItemInline]


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0


class DeclarationInline(admin.TabularInline):
    model = Declaration
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(MinuteItem)
class MinuteItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "minutes", "part"]
    search_fields = ["title", "narrative"]
    raw_id_fields = ["minutes", "agenda_item"]
    inlines = [ResolutionInline, DeclarationInline]


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "minute_item"]
    search_fields = ["text"]
    raw_id_fields = ["minute_item"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "committee", "role", "start_date", "end_date"]
    list_filter = ["committee", "role"]
    autocomplete_fields = ["person", "committee"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "minutes", "group"]
    list_filter = ["group"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["minutes"]


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["person", "minute_item", "kind"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["minute_item", "agenda_item"]
