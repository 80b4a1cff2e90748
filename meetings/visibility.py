"""Who may see what: the rules of DESIGN.md ("Who may see what"), decided here and nowhere else.

Every surface asks this module: the querysets' ``visible_to(user)`` (pages, API, feeds, the
sitemap, the ModernGov service, downloads), the search index (which audiences may read a
passage), the packs (what a pack of an audience may hold), the templates (through the flags the
selectors set from here) and the cache headers. A rule is written once, as a ``Q`` for the
database and, where a surface holds a row already, as a predicate on that row; both read the
same fields the same way, and ``tests/test_visibility_rules.py`` checks every surface against a
reference written from DESIGN.md.

The rules, in order:

1. Nothing of a draft meeting reaches anyone but clerks.
2. A private item is private with everything under it: its sub-items (with their bullet points,
   presenters and papers), its papers, and the minutes, resolutions and declarations that
   record it or its sub-items, whenever written. The public sees only a private item's number,
   title and public description (why it is exempt); the sub-items of a private item not at all.
   Members and clerks see it in full, on every surface alike.
3. An exempt paper is members-only, even under a public item. A withdrawn paper reaches no one
   on any reading surface (clerks see it in the workspace's withdrawal record only).
4. Pending material (added after publication, waiting for a supplementary agenda) reaches only
   clerks, and so does what records it (its minute and that minute's resolutions).
5. Minutes reach members and the public once the clerk publishes them.
6. Only what the public may have is ever publicly cacheable.

Audiences are ranked: the public (0) < members (1) < clerks and admins (2); each sees all that
the audiences below it see. The roles behind them are in ``meetings.roles``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from . import roles

PUBLIC, MEMBERS, CLERKS = 0, 1, 2
AUDIENCES = (PUBLIC, MEMBERS, CLERKS)
AUDIENCE_NAMES = {PUBLIC: "the public", MEMBERS: "members", CLERKS: "clerks"}

# The stored values these rules read (the models' choices; literal here so that this module sits
# below the models and they can ask it).
_PRIVATE = "private"
_DRAFT = "draft"

# The text of an agenda item, by who may read it.
ITEM_FULL_TEXT = ("title", "description", "bullet_points", "presenter", "public_description")
ITEM_PUBLIC_TEXT_OF_PRIVATE = ("title", "public_description")


def audience_of(user) -> int:
    """The audience a user reads as: a clerk or admin (with the second factor) reads as clerks,
    any other role as members, everyone else as the public."""
    if roles.sees_unpublished(user):
        return CLERKS
    if roles.sees_exempt(user):
        return MEMBERS
    return PUBLIC


# ---------------------------------------------------------------------------------------------
# Rows: a Q for each model, relative to ``prefix`` (e.g. "agenda_item__" from a Report).
# ---------------------------------------------------------------------------------------------


def _q(prefix: str, **lookups: Any) -> Q:
    return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})


def meeting_q(audience: int, prefix: str = "") -> Q:
    """Rule 1: a draft meeting only for clerks (cancelled and postponed ones stay public)."""
    if audience >= CLERKS:
        return Q()
    return ~_q(prefix, status=_DRAFT)


def item_private_q(prefix: str = "") -> Q:
    """An item is private in effect when it, or the item it is a sub-item of, is private."""
    return _q(prefix, part=_PRIVATE) | _q(prefix, parent__part=_PRIVATE)


def item_q(audience: int, prefix: str = "") -> Q:
    """Which agenda items are listed to the audience. A private item is listed to everyone (with
    only its number, title and reason for the public: ``item_text_fields``); the sub-items of a
    private item are not listed to the public at all (rule 2); pending items only to clerks."""
    q = meeting_q(audience, f"{prefix}meeting__")
    if audience >= CLERKS:
        return q
    q &= _q(prefix, is_pending=False) & ~_q(prefix, parent__is_pending=True)
    if audience < MEMBERS:
        q &= ~_q(prefix, parent__part=_PRIVATE)
    return q


def report_q(audience: int, prefix: str = "") -> Q:
    """Which papers the audience may have: never a withdrawn one; clerks every other; members
    those of listed items that are not pending; the public, of those, neither exempt nor under a
    private item (rule 2 and 3)."""
    q = _q(prefix, withdrawn_at__isnull=True)
    if audience >= CLERKS:
        return q
    q &= item_q(audience, f"{prefix}agenda_item__") & _q(prefix, is_pending=False)
    if audience < MEMBERS:
        q &= ~_q(prefix, is_exempt=True) & ~item_private_q(f"{prefix}agenda_item__")
    return q


def minutes_q(audience: int, prefix: str = "") -> Q:
    """Rule 5: minutes once published, of a meeting the audience may see."""
    if audience >= CLERKS:
        return Q()
    return _q(prefix, is_published=True) & meeting_q(audience, f"{prefix}meeting__")


def minute_item_private_q(prefix: str = "") -> Q:
    """A minute is private in effect when it is marked private or records an item that is
    private in effect: it follows its item always, whenever either was written."""
    return _q(prefix, part=_PRIVATE) | item_private_q(f"{prefix}agenda_item__")


def minute_item_q(audience: int, prefix: str = "") -> Q:
    """Which minutes (minute items) the audience may read: of minutes it may read; not one that
    records a pending item (rule 4) unless a clerk; for the public, none private in effect."""
    q = minutes_q(audience, f"{prefix}minutes__")
    if audience >= CLERKS:
        return q
    q &= ~_q(prefix, agenda_item__is_pending=True) & ~_q(
        prefix, agenda_item__parent__is_pending=True
    )
    if audience < MEMBERS:
        q &= ~minute_item_private_q(prefix)
    return q


def resolution_q(audience: int, prefix: str = "") -> Q:
    """A resolution or a declaration goes with the minute that records it."""
    return minute_item_q(audience, f"{prefix}minute_item__")


declaration_q = resolution_q


# ---------------------------------------------------------------------------------------------
# Rows already in hand: the same rules as predicates.
# ---------------------------------------------------------------------------------------------


def item_is_private(item) -> bool:
    """``item_private_q`` for an item in hand (reads ``item.parent`` for a sub-item)."""
    if item.part == _PRIVATE:
        return True
    return item.parent_id is not None and item.parent.part == _PRIVATE


def item_text_fields(item, audience: int) -> tuple[str, ...]:
    """Which text of a listed item the audience may read: all of it, except that the public
    reads only the number, title and public description of an item private in effect."""
    if audience >= MEMBERS or not item_is_private(item):
        return ITEM_FULL_TEXT
    return ITEM_PUBLIC_TEXT_OF_PRIVATE


def item_shows_full_text(item, audience: int) -> bool:
    return item_text_fields(item, audience) == ITEM_FULL_TEXT


def report_is_exempt(report) -> bool:
    """A paper members may have and the public may not: exempt in its own right or by sitting
    under an item private in effect."""
    return bool(report.is_exempt) or item_is_private(report.agenda_item)


def minute_item_is_private(minute_item) -> bool:
    """``minute_item_private_q`` for a minute in hand."""
    if minute_item.part == _PRIVATE:
        return True
    item = minute_item.agenda_item if minute_item.agenda_item_id else None
    return item is not None and item_is_private(item)


def report_exempt_q(prefix: str = "") -> Q:
    """``report_is_exempt`` for the database: what a public pack may never hold."""
    return _q(prefix, is_exempt=True) | item_private_q(f"{prefix}agenda_item__")


def item_is_pending(item) -> bool:
    return bool(item.is_pending) or (item.parent_id is not None and item.parent.is_pending)


def minute_item_records_pending(minute_item) -> bool:
    """Rule 4: a minute of an item still waiting for its supplementary agenda."""
    return minute_item.agenda_item_id is not None and item_is_pending(minute_item.agenda_item)


def minute_item_least_audience(minute_item, *, pending_shown: bool = False) -> int:
    """The least audience that may read a minute of published minutes: clerks for one recording
    pending material (unless ``pending_shown``, the clerk's preview), members for a private one,
    else the public."""
    if not pending_shown and minute_item_records_pending(minute_item):
        return CLERKS
    return MEMBERS if minute_item_is_private(minute_item) else PUBLIC


def report_is_public(report) -> bool:
    """Whether the public may have this paper now: the test behind a public Cache-Control."""
    item = report.agenda_item
    return (
        report.withdrawn_at is None
        and not report.is_pending
        and not item_is_pending(item)
        and item.meeting.status != _DRAFT
        and not report_is_exempt(report)
    )


def minute_part_for(item) -> tuple[str, int | None]:
    """The part and exemption paragraph a minute recording ``item`` is stored with, so the
    stored value says what ``minute_item_private_q`` decides."""
    if item_is_private(item):
        return _PRIVATE, item.exemption
    return "public", None


# ---------------------------------------------------------------------------------------------
# The forward plan, its notices and decision records (meetings.models.plans)
# ---------------------------------------------------------------------------------------------


def plan_entry_q(audience: int, prefix: str = "") -> Q:
    """A plan entry reaches members and the public once published; a draft only clerks."""
    if audience >= CLERKS:
        return Q()
    return _q(prefix, published_at__isnull=False)


def notice_q(audience: int, prefix: str = "") -> Q:
    """A general exception or special urgency notice once published, of an entry the audience
    may see."""
    if audience >= CLERKS:
        return Q()
    return _q(prefix, published_at__isnull=False) & plan_entry_q(audience, f"{prefix}entry__")


def decision_record_q(audience: int, prefix: str = "") -> Q:
    """A decision record reaches members and the public once published; a draft only clerks."""
    if audience >= CLERKS:
        return Q()
    return _q(prefix, published_at__isnull=False)


def vote_q(audience: int, prefix: str = "") -> Q:
    """A recorded vote goes with the resolution it is recorded against (and so its minute)."""
    return resolution_q(audience, f"{prefix}resolution__")


def plan_entry_shows_documents(entry, audience: int) -> bool:
    """Rule 2 for the forward plan: a decision to be taken in private shows everyone its
    Schedule 12A paragraph and the reason; the documents to be considered reach only members
    and clerks."""
    return audience >= MEMBERS or entry.part != _PRIVATE


# ---------------------------------------------------------------------------------------------
# Registers of interests (meetings.models.interests)
# ---------------------------------------------------------------------------------------------


def interest_version_q(audience: int, prefix: str = "") -> Q:
    """A version of a member's register reaches members and the public once the clerk approves
    it; drafts, versions awaiting approval and returned ones only clerks (and the member, on
    their own portal page: ``meetings.views_interests``)."""
    if audience >= CLERKS:
        return Q()
    return _q(prefix, state="approved")


def interest_details_shown(entry, audience: int, *, own: bool = False) -> bool:
    """Sensitive interests (Localism Act 2011 s.32): the published register says only that an
    interest of the category is withheld, never its details or dates. Nobody reads them but
    clerks, and the member on their own portal page (``own``): not the public, not other
    members (the Act withholds them from the published register, which members read too). Every
    surface (the pages, the API, the person's page; the search does not index registers) asks
    this."""
    return not entry.sensitive or audience >= CLERKS or own


# ---------------------------------------------------------------------------------------------
# Packs
# ---------------------------------------------------------------------------------------------


def pack_audience(kind: str) -> int:
    """The least audience a kind of pack is made for: the members' pack holds exempt papers."""
    return MEMBERS if kind == "members" else PUBLIC
