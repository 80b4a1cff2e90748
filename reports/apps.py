from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and packs"
    default_auto_field = "django.db.models.BigAutoField"
