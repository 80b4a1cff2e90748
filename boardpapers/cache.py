"""Whole public pages from a shared cache, for the public only, invalidated by what changed.

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
- keys a page by scheme, host, path and query string, and stores with it the *versions* of the
  things it shows, its dependencies: ``meeting:<slug>``, ``committee:<slug>``,
  ``person:<slug>``, ``report:<pk>``, ``lists`` (home, the meeting list and calendar,
  decisions, feeds, sitemap, calendars, the API's lists, ModernGov answers), ``search``, and
  ``site`` (the portal's settings), which every page depends on. A page says what it depends
  on from its URL, before it is rendered: its view is decorated with ``depends_on(...)`` (keys
  formatted with the URL's arguments: ``@depends_on("meeting:{slug}")``), or, for a view not
  ours, ``DEPENDS`` names it by URL name; a page that declares nothing depends on ``all``,
  which every change replaces. A version is a random token; the
  page is served only while every token it was stored with is still current, and the check is
  one cache round trip (``get_many`` of the page and its versions). The versions are read
  before the view reads the database, so a page rendered from data older than a change is
  stored under versions that change replaces. One request renders a missing page; others
  asking for it meanwhile wait for it (a lock per page and versions, ``RENDER_WAIT_SECONDS`` at
  most) and are served it only if its versions are still current, so fifty readers of the home
  page just after a change cause one render, not fifty.
- works out, for every save, deletion or many-to-many change of a meetings or reports row (and
  every ``meetings.changes.meeting_rows_changed``, which ``QuerySet.update()`` sends), which
  dependencies it touches (``keys_for``): a row of a meeting (agenda item, paper, its pages,
  minutes and their parts, pack, supplement, old address) touches its meeting, the meeting's
  committee, its papers, the people in its minutes, the meetings whose minutes it agrees or
  that agree its minutes, ``lists``, ``search`` and ``all``; a membership its person and
  committee; a committee, person, the portal settings or any row not known here: ``site``,
  so everything. Replaced at once and once more when the transaction commits (worked out
  again from the committed rows), so a page rendered from the data before a commit is never
  read again. A lost version (evicted, or the cache restarted) is replaced by a new random
  one, so an old page can never come back. A write that sends no signal at all (raw SQL) must
  call ``meetings.changes.meeting_changed()``, or at worst such a page is PAGE_CACHE_SECONDS
  old.

No state is kept in a process: every web node and worker reads and replaces the same versions,
so a change made through one node shows on the next request to any other. The cache is
Django's ``default`` cache (``CACHES`` in settings, from ``CACHE_URL``): it must be shared by
every worker process and every node (Redis, or a folder or the database on one machine), never
``locmem`` in production.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs, unquote, urlparse

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
VERSION_PREFIX = "page-cache:v:"
PAGE_PREFIX = "page-cache:page:"
SITE = "site"  # every page: the portal's settings, and any change not worked out more finely
ALL = "all"  # pages that declare nothing: replaced by every change
LISTS = "lists"
SEARCH = "search"
# The words of an agenda item the public could already read, changed with nothing else about
# it (its title or description edited; who may read what unchanged): WORDS. A page declaring
# LISTS depends on it too, unless it shows no item's words (the home page); a search page
# depends on it loosely (``depends_on(soft=...)``): it may go on missing the new words for
# PAGE_CACHE_NEW_WORDS_SECONDS, while any search page showing the edited meeting is rendered
# again at once (it depends on the meetings of its results, ``shows()``), as is every page of
# that meeting. Any other change replaces LISTS and SEARCH as well.
WORDS = "words"
WORD_FIELDS = {
    "meetings.agendaitem": frozenset(
        {"title", "description", "bullet_points", "presenter", "public_description"}
    ),
}
HARD = frozenset({LISTS, SEARCH, WORDS, ALL})  # what any change to a meeting's rows touches
SOFT = frozenset({WORDS, ALL})  # ... and a change of words alone
WATCHED_APPS = {"meetings", "reports"}
# Rows no public page shows: writing them touches nothing.
IGNORED_MODELS = {
    "reports.downloadlog",
    "reports.uploadlayout",
    "meetings.auditentry",
    "meetings.summons",
    "meetings.mymeetingsvisit",
    "meetings.passage",
    # E-mail alerts: visitors' addresses and what they are sent, never shown on a page.
    "meetings.alertaddress",
    "meetings.alertsubscription",
    "meetings.alertevent",
}
BYPASS_COOKIES = {"messages"}  # and settings.SESSION_COOKIE_NAME
NEVER_CACHED_PATHS = ("/staff/", "/workspace/", "/sign-in/", "/sign-out/", "/password-reset/")
ALLOWED_VARY = {"cookie", "accept-encoding"}
MAX_BODY_BYTES = 2 * 1024 * 1024
HEADER = "X-Page-Cache"
# One request renders a page that is missing for given versions; others asking for it meanwhile
# wait for it (polling) up to RENDER_WAIT_SECONDS, then render it themselves.
LOCK_PREFIX = "page-cache:rendering:"
RENDER_LOCK_SECONDS = 30
RENDER_WAIT_SECONDS = 5.0
RENDER_POLL_SECONDS = 0.02

# What each public page shows is declared on its view (``depends_on``); this is for views that
# are not ours to decorate, by URL name.
DEPENDS: dict[str, tuple[str, ...]] = {
    "django.contrib.sitemaps.views.sitemap": (LISTS,),
}


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


# -- Versions ------------------------------------------------------------------------------


def versions(keys: Iterable[str]) -> dict[str, str]:
    """The current version of each dependency; one that is missing gets a new random one."""
    keys = list(keys)
    cache = _cache()
    found = cache.get_many([VERSION_PREFIX + k for k in keys])
    current = {k: found.get(VERSION_PREFIX + k) for k in keys}
    missing = [k for k, v in current.items() if v is None]
    for key in missing:
        cache.add(VERSION_PREFIX + key, uuid.uuid4().hex, timeout=None)
    if missing:
        again = cache.get_many([VERSION_PREFIX + k for k in missing])
        current.update({k: again.get(VERSION_PREFIX + k) for k in missing})
    return current


def generation() -> str:
    """A token that every change replaces (the version of ``all``): something kept under it is
    never read after any change."""
    return versions([ALL])[ALL]


def _bump(keys: Iterable[str]) -> None:
    keys = set(keys)
    if not keys:
        return
    try:
        _cache().set_many({VERSION_PREFIX + k: uuid.uuid4().hex for k in keys}, timeout=None)
    except Exception:  # a cache that is down must not fail the change that was made
        logger.exception("Could not invalidate the page cache")


# -- What a change touches -------------------------------------------------------------------


def keys_for_meetings(meeting_ids: Iterable[int], *, words_only: bool = False) -> set[str]:
    """Every dependency a change to these meetings' rows touches, from the rows as they are
    (``words_only``: a change of an item's words alone, see WORDS)."""
    return set(SOFT if words_only else HARD) | _meeting_keys(meeting_ids)


def _meeting_keys(meeting_ids: Iterable[int]) -> set[str]:
    """The pages of these meetings and of what hangs from them or shows them: their own, their
    committees', their papers', the people in their minutes', the meetings linked by minutes."""
    from meetings.models import (
        AgendaItem,
        Attendance,
        Declaration,
        Meeting,
        MeetingAddress,
        Minutes,
    )
    from reports.models import Report

    ids = {pk for pk in meeting_ids if pk is not None}
    keys: set[str] = set()
    if not ids:
        return keys
    # Meetings whose pages show these meetings' minutes, or whose minutes these meetings agree.
    linked = set(
        Minutes.objects.filter(meeting_id__in=ids, approved_at__isnull=False).values_list(
            "approved_at_id", flat=True
        )
    )
    linked |= set(
        Minutes.objects.filter(approved_at_id__in=ids).values_list("meeting_id", flat=True)
    )
    linked |= set(
        AgendaItem.objects.filter(previous_minutes__meeting_id__in=ids).values_list(
            "meeting_id", flat=True
        )
    )
    linked |= set(
        AgendaItem.objects.filter(meeting_id__in=ids, previous_minutes__isnull=False).values_list(
            "previous_minutes__meeting_id", flat=True
        )
    )
    every = ids | linked
    for slug, committee in Meeting.objects.filter(pk__in=every).values_list(
        "slug", "committee__slug"
    ):
        keys |= {f"meeting:{slug}", f"committee:{committee}"}
    keys |= {
        f"meeting:{slug}"
        for slug in MeetingAddress.objects.filter(meeting_id__in=ids).values_list("slug", flat=True)
    }
    keys |= {
        f"report:{pk}"
        for pk in Report.objects.filter(agenda_item__meeting_id__in=ids).values_list(
            "pk", flat=True
        )
    }
    people = set(
        Attendance.objects.filter(minutes__meeting_id__in=ids).values_list(
            "person__slug", flat=True
        )
    )
    people |= set(
        Declaration.objects.filter(minute_item__minutes__meeting_id__in=ids).values_list(
            "person__slug", flat=True
        )
    )
    keys |= {f"person:{slug}" for slug in people}
    return keys


def _meeting_of(model_label: str, pk) -> int | None:
    """The meeting a row hangs from, looked up from the row's parent (None once it is gone)."""
    from django.apps import apps

    paths = {
        "meetings.minutes": "meeting_id",
        "meetings.minuteitem": "minutes__meeting_id",
        "meetings.agendaitem": "meeting_id",
        "reports.report": "agenda_item__meeting_id",
    }
    if pk is None:
        return None
    model = apps.get_model(model_label)
    return model.objects.filter(pk=pk).values_list(paths[model_label], flat=True).first()


def _words_alone_changed(instance) -> bool:
    """Whether this save of an existing row changed nothing but the words WORD_FIELDS names
    (compared with the row as ``_remember_old_row`` read it just before the save)."""
    fields = WORD_FIELDS.get(instance._meta.label_lower)
    old = getattr(instance, "_page_cache_old_row", None)
    if not fields or old is None:
        return False
    return all(
        getattr(instance, name) == value for name, value in old.items() if name not in fields
    )


def keys_for(instance, edited: bool = False) -> tuple[set[str], set[int], bool]:
    """What a change to this row touches: dependencies now, meetings whose dependencies are
    worked out (now and once more after the commit), and whether only words changed (only
    ever for ``edited``: a save of a row that was there before, not a creation or deletion)."""
    label = instance._meta.label_lower
    meetings: set[int | None] = set()
    keys: set[str] = set()
    if label == "meetings.meeting":
        meetings.add(instance.pk)
        keys.add(f"meeting:{instance.slug}")
        keys.add(f"committee:{_committee_slug(instance.committee_id)}")
        keys |= getattr(instance, "_page_cache_old_keys", set())
    elif label == "meetings.meetingaddress":
        meetings.add(instance.meeting_id)
        keys.add(f"meeting:{instance.slug}")
    elif label in ("meetings.agendaitem", "reports.pack", "meetings.supplement"):
        meetings.add(instance.meeting_id)
        if label == "meetings.agendaitem" and instance.previous_minutes_id:
            meetings.add(_meeting_of("meetings.minutes", instance.previous_minutes_id))
    elif label == "meetings.minutes":
        meetings |= {instance.meeting_id, instance.approved_at_id}
    elif label in ("meetings.attendance", "meetings.minuteitem"):
        meetings.add(_meeting_of("meetings.minutes", instance.minutes_id))
        if label == "meetings.attendance":
            keys.add(f"person:{_person_slug(instance.person_id)}")
    elif label in ("meetings.resolution", "meetings.declaration"):
        meetings.add(_meeting_of("meetings.minuteitem", instance.minute_item_id))
        if label == "meetings.declaration":
            keys.add(f"person:{_person_slug(instance.person_id)}")
    elif label == "reports.report":
        keys.add(f"report:{instance.pk}")
        if instance.replaces_id:
            keys.add(f"report:{instance.replaces_id}")
        meetings.add(_meeting_of("meetings.agendaitem", instance.agenda_item_id))
    elif label == "reports.reportpage":
        keys.add(f"report:{instance.report_id}")
        meetings.add(_meeting_of("reports.report", instance.report_id))
    elif label == "meetings.membership":
        keys |= {
            f"person:{_person_slug(instance.person_id)}",
            f"committee:{_committee_slug(instance.committee_id)}",
            LISTS,
            SEARCH,
            ALL,
        }
    else:
        # The portal's settings, a committee's or a person's name (shown on many pages), and
        # any row not worked out above: every page.
        keys |= {SITE, ALL}
    words_only = edited and bool(meetings) and _words_alone_changed(instance)
    return keys, {pk for pk in meetings if pk is not None}, words_only


def _committee_slug(pk) -> str | None:
    from meetings.models import Committee

    return Committee.objects.filter(pk=pk).values_list("slug", flat=True).first()


def _person_slug(pk) -> str | None:
    from meetings.models import Person

    return Person.objects.filter(pk=pk).values_list("slug", flat=True).first()


_pending = threading.local()


def _pending_state() -> tuple[set[str], set[int], set[int]]:
    """Keys, meetings changed and meetings whose words alone changed, since the last commit."""
    state = getattr(_pending, "state", None)
    if state is None:
        state = _pending.state = (set(), set(), set())
    return state


def _base(meetings: set[int], words_only: set[int]) -> set[str]:
    return set(HARD) if meetings - words_only else set(SOFT) if meetings else set()


def _after_commit() -> None:
    keys, meetings, words_only = _pending_state()
    if not keys and not meetings:
        return  # an earlier callback of the same transaction did it
    keys, meetings, words_only = set(keys), set(meetings), set(words_only)
    _pending.state = (set(), set(), set())
    try:
        keys |= _base(meetings, words_only) | _meeting_keys(meetings)
    except Exception:
        logger.exception("Could not work out what a change touched; every page is out of date")
        keys |= {SITE, ALL}
    _bump(keys)


def _meeting_keys_now(meetings: set[int], keys: set[str]) -> set[str]:
    """``_meeting_keys``, worked out once a meeting within one transaction (a service saving
    twenty items asks once), with the keys of the meeting's rows changed since (a new paper's);
    after the commit they are worked out again from the committed rows."""
    from django.db import transaction

    connection = transaction.get_connection()
    if not connection.in_atomic_block or not connection.atomic_blocks:
        return _meeting_keys(meetings)
    outermost = connection.atomic_blocks[0]
    memo = getattr(_pending, "memo", None)
    if memo is None or memo[0] is not outermost:
        memo = _pending.memo = (outermost, {})
    known = memo[1]
    new = meetings - known.keys()
    if new:
        found = _meeting_keys(new)
        known.update({pk: set(found) for pk in new})
    for pk in meetings:
        known[pk] |= keys
    return set().union(*(known[pk] for pk in meetings))


def invalidate(
    keys: Iterable[str] = (), meeting_ids: Iterable[int | None] = (), *, words_only: bool = False
) -> None:
    """These dependencies and these meetings' pages are out of date: now, and again once the
    current transaction commits (a page rendered meanwhile from the data before the commit is
    then never read). ``words_only``: the meetings' rows changed only in words (WORDS)."""
    from django.db import transaction

    keys = set(keys)
    meetings = {pk for pk in meeting_ids if pk is not None}
    softly = set(meetings) if words_only else set()
    try:
        now = keys | _base(meetings, softly)
        if meetings:
            now |= _meeting_keys_now(meetings, keys)
    except Exception:
        logger.exception("Could not work out what a change touched; every page is out of date")
        now = keys | {SITE, ALL}
    _bump(now)
    if transaction.get_connection().in_atomic_block:
        pending_keys, pending_meetings, pending_soft = _pending_state()
        pending_keys |= keys
        # A meeting changed otherwise earlier in the transaction stays changed otherwise.
        pending_soft |= softly - pending_meetings
        pending_soft -= meetings - softly
        pending_meetings |= meetings
        # One callback a change: the first to run does them all, the others find nothing left
        # (a callback lost with a rolled-back savepoint leaves its keys to the next one).
        transaction.on_commit(_after_commit, robust=True)


def data_changed(
    meeting_ids: Iterable[int | None] | None = None, *, words_only: bool = False
) -> None:
    """These meetings' pages are out of date (every page, with no meetings named);
    ``words_only``: nothing any list or search shows of them changed but words (WORDS)."""
    if meeting_ids is None:
        invalidate({SITE, ALL})
    else:
        invalidate(meeting_ids=meeting_ids, words_only=words_only)


def _watched(model) -> bool:
    meta = model._meta
    return meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED_MODELS


def _on_change(sender, instance, edited: bool = False, **kwargs) -> None:
    if not _watched(sender):
        return
    try:
        keys, meetings, words_only = keys_for(instance, edited)
    except Exception:
        logger.exception("Could not work out what a change touched; every page is out of date")
        keys, meetings, words_only = {SITE, ALL}, set(), False
    invalidate({k for k in keys if not k.endswith(":None")}, meetings, words_only=words_only)


def _remember_old_address(sender, instance, raw=False, **kwargs) -> None:
    """A meeting may move to another address or committee: the pages under the old ones are
    out of date too."""
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("slug", "committee__slug").first()
    if old:
        instance._page_cache_old_keys = {f"meeting:{old[0]}", f"committee:{old[1]}"}


def _on_save(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    _on_change(sender, instance, edited=not created and not raw)


def _remember_old_row(sender, instance, raw=False, **kwargs) -> None:
    """The row as it is before this save, to tell a change of words alone (WORD_FIELDS)."""
    instance._page_cache_old_row = None
    if raw or instance.pk is None:
        return
    names = [f.attname for f in sender._meta.concrete_fields]
    instance._page_cache_old_row = sender.objects.filter(pk=instance.pk).values(*names).first()


def _on_m2m(sender, action: str, instance, **kwargs) -> None:
    if action.startswith("post_") and (_watched(sender) or _watched(type(instance))):
        _on_change(type(instance), instance)


def _on_meeting_rows(sender, meeting_ids=(), **kwargs) -> None:
    if sender is None or _watched(sender):
        invalidate(meeting_ids=meeting_ids)


def _on_own_rows(sender, pks=(), **kwargs) -> None:
    """An ``update()`` of rows that are no meeting's (a plan entry, a decision record): as a
    save of one of them, every page (``keys_for``)."""
    if _watched(sender):
        invalidate({SITE, ALL})


def check_shared_cache(app_configs=None, **kwargs) -> list:
    """``check --deploy``: a page cache that each process keeps for itself (``locmem``) would
    serve pages that a change made through another process has replaced."""
    from django.core.checks import Warning

    backend = settings.CACHES.get(CACHE_ALIAS, {}).get("BACKEND", "")
    if settings.PAGE_CACHE_SECONDS > 0 and backend.endswith("LocMemCache"):
        return [
            Warning(
                "The page cache is in each process's memory (CACHE_URL=locmem://): a change "
                "made through one process would not reach the pages another has cached.",
                hint="Set CACHE_URL to a folder every worker shares (file:///...) or, with "
                "more than one machine, to Redis (redis://host:6379/1).",
                id="boardpapers.W001",
            )
        ]
    return []


def connect_invalidation() -> None:
    from django.core import checks
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    checks.register(check_shared_cache, checks.Tags.caches, deploy=True)

    from meetings.changes import meeting_rows_changed, rows_changed

    # A QuerySet.update() of a meeting's rows, or a service's bulk write (meetings.changes).
    meeting_rows_changed.connect(_on_meeting_rows, dispatch_uid="page-cache-rows", weak=False)
    rows_changed.connect(_on_own_rows, dispatch_uid="page-cache-own-rows", weak=False)
    post_save.connect(_on_save, dispatch_uid="page-cache-save", weak=False)
    post_delete.connect(_on_change, dispatch_uid="page-cache-delete", weak=False)
    m2m_changed.connect(_on_m2m, dispatch_uid="page-cache-m2m", weak=False)
    pre_save.connect(
        _remember_old_address,
        sender="meetings.Meeting",
        dispatch_uid="page-cache-address",
        weak=False,
    )
    for label in WORD_FIELDS:
        pre_save.connect(
            _remember_old_row, sender=label, dispatch_uid=f"page-cache-old-{label}", weak=False
        )


# -- What a page depends on ------------------------------------------------------------------


def depends_on(
    *keys: str, soft: tuple[str, ...] = (), shows_words: bool = True
) -> Callable[[Callable], Callable]:
    """Declare what a view's page shows (``"meeting:{slug}"``, ``LISTS``...), formatted with
    the URL's arguments; it overrides ``DEPENDS``. A page declaring LISTS depends on WORDS too
    unless ``shows_words=False`` (it shows no agenda item's words). ``soft``: versions the page
    may lag by PAGE_CACHE_NEW_WORDS_SECONDS (only WORDS, for a page that calls ``shows()``
    with every meeting whose words it shows)."""

    def decorate(view: Callable) -> Callable:
        view.page_depends_on = keys
        view.page_soft = tuple(soft)
        view.page_shows_words = shows_words and WORDS not in soft
        return view

    return decorate


def shows(request: HttpRequest, keys: Iterable[str]) -> None:
    """The page being rendered shows these (``meeting:<slug>``...), found while rendering it
    (a search page's results): it is served from the cache only while they are unchanged."""
    found = getattr(request, "page_cache_shows", None)
    if found is None:
        found = request.page_cache_shows = set()
    found.update(k for k in keys if k and not k.endswith(":None"))


@functools.lru_cache(maxsize=8192)
def _dependencies_of(path: str, urlconf: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the page at this address depends on: strictly (``site`` always) and loosely."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return (SITE,), ()
    templates = getattr(match.func, "page_depends_on", None)
    if templates is None:
        templates = DEPENDS.get(match.url_name or "", (ALL,))
    try:
        keys = {t.format(**match.kwargs) for t in templates}
    except (KeyError, IndexError):
        keys = {ALL}
    soft = tuple(sorted(getattr(match.func, "page_soft", ())))
    if LISTS in keys and getattr(match.func, "page_shows_words", True):
        keys.add(WORDS)
    return tuple(sorted((keys | {SITE}) - set(soft))), soft


def dependencies(request: HttpRequest) -> tuple[str, ...]:
    """What the page at this request's address depends on strictly (``site`` always)."""
    return _dependencies_of(request.path_info, getattr(request, "urlconf", None))[0]


def loose_dependencies(request: HttpRequest) -> tuple[str, ...]:
    """What it may lag by PAGE_CACHE_NEW_WORDS_SECONDS (WORDS, for a search page)."""
    return _dependencies_of(request.path_info, getattr(request, "urlconf", None))[1]


def private_page(view: Callable) -> Callable:
    """Mark a view whose page must never be cached, whoever asks (its responses say
    ``private, no-store``)."""

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


def _key(request: HttpRequest) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_PREFIX + hashlib.sha256(where.encode()).hexdigest()


def _lookup(key: str, deps: tuple[str, ...], lock: str = "") -> tuple[object, tuple, bool]:
    """The stored page (or None), the current versions of its dependencies and whether
    ``lock`` is held, in one round trip (two only when a version has been lost)."""
    cache = _cache()
    wanted = [key, *(VERSION_PREFIX + d for d in deps), *([lock] if lock else [])]
    found = cache.get_many(wanted)
    current = [found.get(VERSION_PREFIX + d) for d in deps]
    if None in current:
        fresh = versions(deps)
        return None, tuple(fresh[d] for d in deps), False
    return found.get(key), tuple(current), bool(lock) and lock in found


def _fresh(entry, current: tuple, strict: int) -> bool:
    """Whether a stored page may be served: the versions of its strict dependencies as it was
    stored with, its loose ones (WORDS) too or the page no older than
    PAGE_CACHE_NEW_WORDS_SECONDS, and what it showed (``shows()``) unchanged (one more round
    trip, only for such a page)."""
    if entry is None or len(entry) != 6:
        return False
    stored, _, _, _, stored_at, shown = entry
    if len(stored) != len(current) or stored[:strict] != current[:strict]:
        return False
    lagging = stored[strict:] != current[strict:]
    if lagging and time.time() - stored_at > settings.PAGE_CACHE_NEW_WORDS_SECONDS:
        return False
    if shown:
        found = _cache().get_many([VERSION_PREFIX + k for k, _ in shown])
        return all(found.get(VERSION_PREFIX + k) == version for k, version in shown)
    return True


def _lock_key(key: str, current: tuple) -> str:
    return f"{LOCK_PREFIX}{key}:{hashlib.sha256(repr(current).encode()).hexdigest()[:16]}"


def _wait_for_render(
    key: str, deps: tuple[str, ...], lock: str, expected: tuple, strict: int
) -> tuple[object, tuple]:
    """Another request is rendering this page for these versions: wait for it rather than
    render it once more (fifty readers of the home page just after a change would otherwise
    render it fifty times at once). Gives up when the other request is done without storing
    it, when the versions change again, or after RENDER_WAIT_SECONDS; then the caller renders,
    from the versions returned (read before it reads the database)."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        entry, current, locked = _lookup(key, deps, lock)
        if _fresh(entry, current, strict):
            return entry, current
        if not locked or current != expected:
            return None, current
    return None, _lookup(key, deps)[1]


def _from_entry(request: HttpRequest, entry) -> HttpResponse:
    _, status, headers, body = entry[:4]
    response = HttpResponse(body, status=status, headers=headers)
    response[HEADER] = "hit"
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def _shown(request: HttpRequest, loose: tuple[str, ...], before: tuple) -> tuple | None:
    """The versions of what the page showed (``shows()``), read after it was rendered; None
    when its loose versions changed meanwhile: the words of a meeting it shows may have changed
    after it read them and before these versions were read, so it is not stored."""
    keys = sorted(getattr(request, "page_cache_shows", ()))
    if not keys and not loose:
        return ()
    now = versions([*loose, *keys])
    if tuple(now[k] for k in loose) != before:
        return None
    return tuple((k, now[k]) for k in keys)


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _request_cacheable(request):
            response = self.get_response(request)
            if _signed_in(request) and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        cache = _cache()
        try:
            key = _key(request)
            strict, loose = dependencies(request), loose_dependencies(request)
            deps = strict + loose
            entry, current, _ = _lookup(key, deps)
            if _fresh(entry, current, len(strict)):
                return _from_entry(request, entry)
            lock = _lock_key(key, current)
            if not cache.add(lock, 1, RENDER_LOCK_SECONDS):
                entry, current = _wait_for_render(key, deps, lock, current, len(strict))
                if entry is not None:
                    return _from_entry(request, entry)
                lock = ""
            stored_at = time.time()  # with the versions, before the view reads the database
        except Exception:  # the cache is down: serve the page from the database
            logger.exception("The page cache could not be read")
            return self.get_response(request)
        try:
            response = self.get_response(request)
            if _response_cacheable(request, response):
                patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
                headers = [(k, v) for k, v in response.items() if k.lower() != HEADER.lower()]
                try:
                    shown = _shown(request, loose, current[len(strict) :])
                    if shown is not None:
                        cache.set(
                            key,
                            (
                                current, response.status_code, headers, response.content,
                                stored_at, shown,
                            ),
                            settings.PAGE_CACHE_SECONDS,
                        )  # fmt: skip
                except Exception:
                    logger.exception("The page cache could not be written")
                response[HEADER] = "miss"
            return response
        finally:
            if lock:
                try:
                    cache.delete(lock)
                except Exception:
                    logger.exception("The page cache's render lock could not be released")
