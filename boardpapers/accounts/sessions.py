"""Ending every session of an account at once (when an admin switches the account off)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_end_for_user(*, user_id: int) -> int:
    """Delete the stored sessions signed in as this user; returns how many.

    Only database-backed session engines can be searched; with any other engine Django's own
    check still applies (an inactive account's session is treated as signed out), so nothing
    reaches the account, but the session rows are left to expire.
    """
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_id):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def end_sessions_of_inactive_user(sender, instance, **kwargs) -> None:
    """post_save of a user: an account switched off (``is_active`` false) is signed out
    everywhere, not at each session's expiry."""
    if not instance.is_active and instance.pk is not None:
        sessions_end_for_user(user_id=instance.pk)
