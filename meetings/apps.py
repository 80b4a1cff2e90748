from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The signals that keep the search index in step with every change.
        from . import search_index  # noqa: F401
        from .services import roles_ensure_groups

        post_migrate.connect(
            lambda **kwargs: roles_ensure_groups(using=kwargs.get("using", "default")),
            dispatch_uid="meetings.roles_ensure_groups",
            weak=False,
        )
