from django.apps import AppConfig


class BoardpapersConfig(AppConfig):
    """The project package as an app, so that every process (web, task worker, management
    commands) connects the page cache's invalidation to the models' signals, and the sessions
    of an account that is switched off end at once."""

    name = "boardpapers"
    verbose_name = "Portal"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from .accounts.sessions import end_sessions_of_inactive_user
        from .cache import connect_invalidation

        connect_invalidation()
        post_save.connect(
            end_sessions_of_inactive_user,
            sender=get_user_model(),
            dispatch_uid="boardpapers.end_sessions_of_inactive_user",
        )
