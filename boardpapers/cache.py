"""Whole public pages from a shared cache, for the public only, invalidated by any change.

Django's ``cache_page`` would do the caching but sends ``Cache-Control: public`` with every page
it caches and keys pages by their ``Vary`` headers, so a member's page could be stored under a
cookie and a public header could reach a member's page. This middleware instead:

- reads and writes the cache only for a GET without a session (or messages) cookie, so a
  signed-in request never comes from the cache nor goes into it;
- stores only a whole 200 response with no cookie to set, no ``private``/``no-store``/
  ``no-cache`` in its Cache-Control and no ``Vary`` beyond Cookie and Accept-Encoding, and
  says ``public, max-age=PAGE_CACHE_MAX_AGE`` only on those;
- tells browsers ``private, no-store`` for every page of a signed-in request that did not set
  its own Cache-Control (a view that serves a public file to anyone may still say public);
- keys a page by scheme, host, path and query string and by the cache's *generation*, a random
  token replaced by every save, deletion or many-to-many change of a meetings or reports model
  (signals, in every process: see ``apps.py``). Replaced once at once and once more when the
  transaction commits, so a page rendered from the data before a commit is never read again.
  A lost token (evicted, or the cache restarted) is replaced by a new random one, so an old
  generation can never come back. A ``QuerySet.update()`` of a meeting's rows sends
  ``meetings.changes.meeting_rows_changed``, which replaces it too; a write that sends no signal
  at all (raw SQL) must call ``meetings.changes.meeting_changed()``, or at worst such a page is
  PAGE_CACHE_SECONDS old.

The cache is Django's ``default`` cache (``CACHES`` in settings, from ``CACHE_URL``): it must be
shared by every worker process (a folder, Redis or the database), never ``locmem`` in production.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlparse

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
GENERATION_KEY = "page-cache:generation"
WATCHED_APPS = {"meetings", "reports"}
# Rows no public page shows: writing them must not empty the cache.
IGNORED_MODELS = {
    "reports.downloadlog",
    "reports.uploadlayout",
    # A member opening "My meetings" (meetings/member.py) changes no public page.
    "meetings.mymeetingsvisit",
}
BYPASS_COOKIES = {"messages"}  # and settings.SESSION_COOKIE_NAME
NEVER_CACHED_PATHS = ("/staff/", "/workspace/", "/sign-in/", "/sign-out/", "/password-reset/")
ALLOWED_VARY = {"cookie", "accept-encoding"}
MAX_BODY_BYTES = 2 * 1024 * 1024
HEADER = "X-Page-Cache"


def cache_from_url(url: str) -> dict:
    """A CACHES entry from a URL: ``file:///var/lib/papers/cache``, ``redis://host:6379/1``
    (or ``rediss://``), ``db://table_name`` (run ``createcachetable``), ``locmem://`` or
    ``dummy://``. Any query parameters are passed as OPTIONS (``?max_entries=20000``)."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    entry: dict
    if scheme == "file":
        options.setdefault("MAX_ENTRIES", "20000")
        entry = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": unquote(parsed.path),
        }
    elif scheme in ("redis", "rediss"):
        entry = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url.split("?", 1)[0],
        }
        options = {}
    elif scheme == "db":
        entry = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": parsed.netloc or parsed.path.strip("/") or "page_cache",
        }
    elif scheme == "locmem":
        entry = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    elif scheme == "dummy":
        entry = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    else:
        raise ValueError(f"CACHE_URL: unknown kind of cache {scheme!r} in {url!r}")
    if options:
        upper = {k.upper(): int(v) if str(v).isdigit() else v for k, v in options.items()}
        entry["OPTIONS"] = upper
    return entry


def _cache():
    return caches[CACHE_ALIAS]


def generation() -> str:
    """The current generation of the data: pages stored under another one are never read."""
    cache = _cache()
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def _bump() -> None:
    try:
        _cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # a cache that is down must not fail the change that was made
        logger.exception("Could not invalidate the page cache")


def data_changed() -> None:
    """Every cached page is out of date: now, and again once the current transaction commits
    (a page rendered meanwhile from the data before the commit is then never read)."""
    from django.db import transaction

    _bump()
    transaction.on_commit(_bump, robust=True)


def _watched(model) -> bool:
    meta = model._meta
    return meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED_MODELS


def _on_change(sender, **kwargs) -> None:
    if _watched(sender):
        data_changed()


def _on_m2m(sender, action: str, instance, **kwargs) -> None:
    if action.startswith("post_") and (_watched(sender) or _watched(type(instance))):
        data_changed()


def _on_meeting_rows(sender, **kwargs) -> None:
    if sender is None or _watched(sender):
        data_changed()


def connect_invalidation() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from meetings.changes import meeting_rows_changed

    # A QuerySet.update() of a meeting's rows, or a service's bulk write (meetings.changes).
    meeting_rows_changed.connect(_on_meeting_rows, dispatch_uid="page-cache-rows", weak=False)
    post_save.connect(_on_change, dispatch_uid="page-cache-save", weak=False)
    post_delete.connect(_on_change, dispatch_uid="page-cache-delete", weak=False)
    m2m_changed.connect(_on_m2m, dispatch_uid="page-cache-m2m", weak=False)


def private_page(view: Callable) -> Callable:
    """Mark a view whose page must never be cached, whoever asks (its responses say
    ``private, no-store``)."""
    import functools

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _signed_in(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or any(c in cookies for c in BYPASS_COOKIES)


def _request_cacheable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not _signed_in(request)
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(NEVER_CACHED_PATHS)
    )


def _response_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control"):
        directives = response["Cache-Control"].lower()
        if any(word in directives for word in ("private", "no-store", "no-cache")):
            return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if not vary <= ALLOWED_VARY:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return len(response.content) <= MAX_BODY_BYTES


def _key(request: HttpRequest, token: str) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{token}:{hashlib.sha256(where.encode()).hexdigest()}"


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _request_cacheable(request):
            response = self.get_response(request)
            if _signed_in(request) and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        try:
            key = _key(request, generation())
            entry = _cache().get(key)
        except Exception:  # the cache is down: serve the page from the database
            logger.exception("The page cache could not be read")
            return self.get_response(request)
        if entry is not None:
            status, headers, body = entry
            response = HttpResponse(body, status=status, headers=headers)
            response[HEADER] = "hit"
            conditional = get_conditional_response(
                request, etag=response.get("ETag"), response=response
            )
            return conditional
        response = self.get_response(request)
        if _response_cacheable(request, response):
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            headers = [(k, v) for k, v in response.items() if k.lower() != HEADER.lower()]
            try:
                _cache().set(
                    key,
                    (response.status_code, headers, response.content),
                    settings.PAGE_CACHE_SECONDS,
                )
            except Exception:
                logger.exception("The page cache could not be written")
            response[HEADER] = "miss"
        return response
