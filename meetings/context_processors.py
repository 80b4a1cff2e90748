"""What every page's chrome needs, worked out once per change rather than once per request: the
portal's settings are read again only when the shared cache says they changed, and the links of
the header and footer are reversed once per process (they change only with the code)."""

from __future__ import annotations

import functools
import logging

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from boardpapers import cache as page_cache

from . import roles
from .models import PortalSettings

logger = logging.getLogger(__name__)

MAIN_NAVIGATION = (
    ("home", "Home"),
    ("committee-list", "Committees"),
    ("meeting-list", "Meetings"),
    ("meeting-calendar", "Calendar"),
    ("decision-list", "Decisions"),
    ("plan-current", "Forward plan"),
)
# The links in every page's header and footer, by the name base.html uses.
SITE_LINKS = {
    "home": "home",
    "theme_css": "theme-css",
    "papers_feed": "papers-feed",
    "search": "search",
    "login": "login",
    "logout": "logout",
    "my_meetings": "my-meetings",
    "workspace": "workspace",
    "staff": "admin:index",
    "accessibility": "accessibility",
    "interests": "interests-index",
    "alerts": "alerts-follow",
    "calendar": "calendar-ics",
    "api": "api-openapi",
}


@functools.lru_cache(maxsize=16)
def _links(urlconf, script_prefix: str) -> tuple[dict[str, str], tuple[tuple[str, str, str], ...]]:
    links = {key: reverse(name, urlconf) for key, name in SITE_LINKS.items()}
    navigation = tuple((name, label, reverse(name, urlconf)) for name, label in MAIN_NAVIGATION)
    return links, navigation


def site_links() -> tuple[dict[str, str], tuple[tuple[str, str, str], ...]]:
    """The header's and footer's addresses, and the main navigation as (url name, label,
    address): reversed once for each URLconf and script prefix."""
    return _links(get_urlconf(), get_script_prefix())


# (version of the portal's settings in the shared cache, the settings read for it)
_settings_memo: tuple[str, PortalSettings] | None = None


def portal_settings() -> PortalSettings:
    """The portal's settings, read from the database once per change: every change to them
    gives the page cache's ``site`` dependency a new version in the cache every process shares
    (boardpapers/cache.py), and the row is read again when that version is not the one it was
    read for. Read every time when there is no version to go by: the cache is down, it is each
    process's own (``locmem``: another process's change would not reach it), or the request is
    inside a transaction (what it reads may not be committed, or be rolled back)."""
    global _settings_memo
    version = None
    if not connection.in_atomic_block and not isinstance(
        caches[page_cache.CACHE_ALIAS], LocMemCache
    ):
        try:
            version = page_cache.versions([page_cache.SITE])[page_cache.SITE]
        except Exception:
            logger.warning("The portal settings' version could not be read", exc_info=True)
    memo = _settings_memo
    if version is not None and memo is not None and memo[0] == version:
        return memo[1]
    loaded = PortalSettings.load()
    if version is not None:
        _settings_memo = (version, loaded)
    return loaded


def portal(request):
    """The council's details and the viewer's role, for the page chrome."""
    links, navigation = site_links()
    return {
        "portal": SimpleLazyObject(portal_settings),
        "main_navigation": navigation,
        "site_links": links,
        "viewer_role": SimpleLazyObject(lambda: roles.role_of(request.user) or "public"),
        "viewer_works_on_meetings": lambda: roles.works_on_meetings(request.user),
    }
