"""The staff pages for authenticator devices: admins see who has set one up and delete a lost
one (its owner then sets up a new one at the next sign-in). The secret is never shown, so this
replaces django-otp's own admin, which shows it and a QR code."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["confirmed", "created_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "user"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Only its owner can confirm a device, by entering a code from it: one added here waits
        # for them to set it up at their next sign-in.
        if not change:
            obj.confirmed = False
        super().save_model(request, obj, form, change)
