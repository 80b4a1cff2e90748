"""Search across minutes, resolutions, agenda items, meetings, the text of every report, the
forward plan and decision records.

``search()`` is the one entry point; ``search_page(request)`` is the page. Both databases answer
through the same steps, with a backend each (``backends.py``):

1. the passages the viewer may read (``Passage.objects.for_audience``, the viewer's audience) are
   narrowed by the filters (``SearchFilter``, django-filter); the ORM compiles that to a WHERE
   clause which the backend puts beside its full-text match, so private passages are gone before
   anything is counted, ranked or quoted; the backend is made for the same audience, so what its
   ranking counts across passages (how common a word is) is counted among those alone, and
   nothing hidden from the viewer changes the order;
2. the matches are counted, up to ``COUNT_CAP``; when fewer than ``FEW`` passages have every
   word, passages with any of them are shown as well (those with most of the words, and the
   rarer words, rank first), and the page says so;
3. one page is ranked, over all the matches or, when there are more than ``CANDIDATE_CAP``,
   over that many of them (see ``NEWEST_FIRST``), and only its passages get snippets;
4. each passage shown is checked once more against its source model's ``visible_to``, so an
   index that has fallen behind (a ``QuerySet.update()`` sends no signal) never shows anything;
   a plan entry's passage also against ``visibility.plan_entry_shows_documents``, in case the
   entry was made private since (its documents are then for members and clerks only).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from boardpapers import cache as page_cache
from reports.document_text import document_page_url

from .. import search_index, visibility
from ..models import (
    AgendaItem,
    Committee,
    DecisionRecord,
    Meeting,
    MinuteItem,
    PlanEntry,
    Resolution,
)
from ..models_search import Passage, audience_of
from .backends import START, STOP, Backend, backend_for
from .filters import SearchFilter
from .query import ParsedQuery, parse

__all__ = ["Hit", "SearchFilter", "SearchResults", "parse", "search", "search_page"]

log = logging.getLogger(__name__)

PER_PAGE = 20
CANDIDATE_CAP = 1000  # passages ranked at most: beyond this, the most recently indexed
# Matches counted at most: beyond this the page says "more than 1,000". An estimate ("about
# 160,000") would be cheap, but it comes from statistics over every passage, private ones too.
COUNT_CAP = 1000
FEW = 3  # fewer passages than this have every word: show those with any of them too
# Over CANDIDATE_CAP matches, which to rank: None for the backend's own choice (the newest on
# SQLite, where FTS5 reads backwards at no cost; the first found on PostgreSQL, where ordering
# every match by id costs more than ranking them), True or False to insist.
NEWEST_FIRST: bool | None = None
SORTS = {"relevance": "Best match", "date": "Newest first"}


@dataclass
class Hit:
    """One result: what it is, where it is, and the words that matched."""

    passage: Passage
    label: str
    title: SafeString
    snippet: SafeString
    url: str
    pdf_url: str = ""

    @property
    def kind(self) -> str:
        return self.passage.kind

    @property
    def kind_label(self) -> str:
        return self.passage.get_kind_display()

    @property
    def meeting(self) -> Meeting | None:
        """The meeting the passage is of (None for the forward plan and decision records)."""
        return self.passage.meeting

    @property
    def committee(self) -> Committee | None:
        return self.passage.committee

    @property
    def source_name(self) -> str:
        """Whose it is, for the line under the title: the committee whose meeting it is of, or
        the decision maker of a plan entry or decision record."""
        passage = self.passage
        if passage.plan_entry_id:
            return passage.plan_entry.decision_maker
        if passage.decision_record_id:
            return passage.decision_record.decision_maker
        return passage.committee.name if passage.committee_id else ""

    @property
    def date_prefix(self) -> str:
        """What the date is: a plan entry's is when the decision is expected."""
        return "expected" if self.kind == Passage.Kind.PLAN_ENTRY else ""

    @property
    def date(self):
        return self.passage.date

    @property
    def page_number(self) -> int | None:
        return self.passage.page if self.kind == Passage.Kind.REPORT_PAGE else None


@dataclass
class SearchResults:
    text: str
    query: ParsedQuery
    filterset: SearchFilter
    sort: str = "relevance"
    page: Page | None = None
    total: int = 0
    more_than: bool = False  # more matches than COUNT_CAP: total is the cap
    narrowed: bool = False  # more matches than CANDIDATE_CAP: that many were ranked
    any_words: bool = False  # few passages had every word; these have some
    failed: bool = False
    notes: list[str] = field(default_factory=list)
    cap: int = CANDIDATE_CAP

    @property
    def hits(self) -> list[Hit]:
        return list(self.page.object_list) if self.page is not None else []


def marked(text: str) -> SafeString:
    """Escape text for HTML and turn the backend's match marks into <mark> elements."""
    html = escape(text or "")
    if html.count(START) != html.count(STOP):
        html = html.replace(START, "").replace(STOP, "")
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _where(qs) -> tuple[str, list] | None:
    """The WHERE clause the ORM writes for these passages (None: nothing can match)."""
    query = qs.query
    compiler = query.get_compiler(using=qs.db)
    if len([a for a in query.alias_map if query.alias_refcount.get(a)]) > 1:
        sql, params = qs.values("pk").query.get_compiler(using=qs.db).as_sql()
        return f"meetings_passage.id IN ({sql})", list(params)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "1 = 1", []
    return (sql or "1 = 1"), list(params)


def _label(passage: Passage) -> str:
    kind = Passage.Kind
    if passage.kind == kind.MINUTE:
        return f"Minute {passage.number}"
    if passage.kind == kind.RESOLUTION:
        number = f" ({passage.page})" if passage.page else ""
        return f"Resolution{number} of minute {passage.number}"
    if passage.kind == kind.AGENDA_ITEM:
        return f"Agenda item {passage.number}"
    if passage.kind == kind.REPORT_PAGE:
        return f"Page {passage.page}"
    if passage.kind == kind.PLAN_ENTRY:
        return "Forward plan"
    if passage.kind == kind.DECISION_RECORD:
        return "Decision record"
    return "Meeting"


def _links(passage: Passage) -> tuple[str, str]:
    if passage.kind == Passage.Kind.PLAN_ENTRY:
        return reverse("plan-entry-detail", args=[passage.plan_entry_id]), ""
    if passage.kind == Passage.Kind.DECISION_RECORD:
        return reverse("decision-record-detail", args=[passage.decision_record_id]), ""
    meeting = passage.meeting
    if passage.kind in (Passage.Kind.MINUTE, Passage.Kind.RESOLUTION):
        return reverse("minutes-detail", args=[meeting.slug]) + f"#minute-{passage.number}", ""
    if passage.kind == Passage.Kind.AGENDA_ITEM:
        return meeting.get_absolute_url() + f"#item-{passage.number}", ""
    if passage.kind == Passage.Kind.REPORT_PAGE:
        return (
            document_page_url(passage.report_id, passage.page),
            reverse("report-download", args=[passage.report_id]) + f"#page={passage.page}",
        )
    return meeting.get_absolute_url(), ""


def _documents_still_right(passage: Passage, audience: int) -> bool:
    """A plan entry's passage that this audience reads with audiences that may read more
    (members read a private entry's documents; the public does not) was written when the
    entry was public: if it is private now and lists documents, the passage may hold them."""
    entry = passage.plan_entry
    if visibility.plan_entry_shows_documents(entry, audience) or not entry.documents.strip():
        return True
    shared = range(audience + 1, passage.audience_max + 1)
    return not any(visibility.plan_entry_shows_documents(entry, a) for a in shared)


def _still_visible(passages: list[Passage], user) -> list[Passage]:
    """Keep what the source models still show this user; a passage that slipped through (its
    meeting, plan entry or record changed without a signal) is dropped and its source queued
    for reindexing."""
    from reports.models import Report

    sources = {
        Passage.Kind.MEETING: ("meeting_id", Meeting),
        Passage.Kind.AGENDA_ITEM: ("agenda_item_id", AgendaItem),
        Passage.Kind.MINUTE: ("minute_item_id", MinuteItem),
        Passage.Kind.RESOLUTION: ("resolution_id", Resolution),
        Passage.Kind.REPORT_PAGE: ("report_id", Report),
        Passage.Kind.PLAN_ENTRY: ("plan_entry_id", PlanEntry),
        Passage.Kind.DECISION_RECORD: ("decision_record_id", DecisionRecord),
    }
    allowed: dict[str, set[int]] = {}
    for kind, (attr, model) in sources.items():
        wanted = {getattr(p, attr) for p in passages if p.kind == kind}
        if not wanted:
            continue
        if model is Resolution:
            # Resolution.visible_to is "of a minute the user may see"; asked that way, SQLite
            # does not first list every visible minute (a test holds the two to the same answer).
            minutes = MinuteItem.objects.visible_to(user).filter(resolutions__in=wanted)
            visible = Resolution.objects.filter(pk__in=wanted, minute_item__in=minutes)
        else:
            visible = model.objects.visible_to(user).filter(pk__in=wanted)
        allowed[kind] = set(visible.values_list("pk", flat=True))
    audience = audience_of(user)
    kept = []
    stale: dict[str, set[int]] = {
        "meetings": set(),
        "plan_entries": set(),
        "decision_records": set(),
    }
    for passage in passages:
        attr = sources[passage.kind][0]
        if getattr(passage, attr) not in allowed.get(passage.kind, ()):
            ok = False
        elif passage.kind == Passage.Kind.PLAN_ENTRY:
            ok = _documents_still_right(passage, audience)
        else:
            ok = True
        if ok:
            kept.append(passage)
        elif passage.plan_entry_id:
            stale["plan_entries"].add(passage.plan_entry_id)
        elif passage.decision_record_id:
            stale["decision_records"].add(passage.decision_record_id)
        else:
            stale["meetings"].add(passage.meeting_id)
    if any(stale.values()):
        log.warning(
            "Search index behind for %s; reindexing them.",
            {k: sorted(v) for k, v in stale.items() if v},
        )
        search_index.mark(
            stale["meetings"],
            plan_entries=stale["plan_entries"],
            decision_records=stale["decision_records"],
        )
    return kept


class _Ranked(Sequence):
    """The ranked results as a sequence the paginator can slice: the page already fetched is
    served as it is; any other slice runs the queries for that slice alone."""

    def __init__(self, length: int, fetch, first: tuple[int, list[Hit]]) -> None:
        self.length, self.fetch, self.first = length, fetch, first

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _ = index.indices(self.length)
            if start == self.first[0]:
                return self.first[1][: max(stop - start, 0)]
            return self.fetch(start, max(stop - start, 0))[1]
        return self[index : index + 1][0]


def _safely(results: SearchResults, call, default):
    try:
        with transaction.atomic():
            return call()
    except DatabaseError:
        log.exception("Search failed for %r", results.text)
        results.failed = True
        return default


def _fetcher(backend: Backend, results: SearchResults, query: ParsedQuery, where, user, **kw):
    """fetch(offset, limit) -> (matches counted up to the cap + 1, hits of that slice)."""

    def fetch(offset: int, limit: int) -> tuple[int, list[Hit]]:
        def ranked_with_snippets():  # one transaction for both
            total, ids = backend.ranked(
                query, where, order=results.sort, offset=offset, limit=limit, **kw
            )
            return total, ids, (backend.snippets(query, ids) if ids else {})

        total, ids, snippets = _safely(results, ranked_with_snippets, (0, [], {}))
        if not ids:
            return total, []
        rows = (
            Passage.objects.filter(pk__in=ids)
            .select_related("meeting__committee", "committee", "plan_entry", "decision_record")
            .defer("body", "digest", *DEFERRED_SOURCE_TEXT)
        )
        found = {p.pk: p for p in _still_visible(list(rows), user)}
        hits = []
        for pk in ids:
            passage = found.get(pk)
            if passage is None:
                continue
            title, snippet = snippets.get(pk, (passage.title, ""))
            url, pdf_url = _links(passage)
            hits.append(Hit(passage, _label(passage), marked(title), marked(snippet), url, pdf_url))
        return total, hits

    return fetch


# A decision record's long text is not needed to show its hit (the passage has it).
DEFERRED_SOURCE_TEXT = (
    "decision_record__decision", "decision_record__reasons",
    "decision_record__alternatives_rejected", "decision_record__conflicts_of_interest",
    "decision_record__dispensations", "decision_record__call_in_outcome",
)  # fmt: skip

MAX_PAGE = 10_000  # beyond any archive's results; a larger number is read as the last page


def _page_number(page) -> int:
    try:
        return min(max(int(page), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def search(
    *,
    user,
    query: str,
    filters: Mapping | None = None,
    sort: str | None = None,
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
    using: str = "default",
) -> SearchResults:
    """Passages this user may read that match the query, best match (or newest) first.

    ``filters`` takes the search page's parameters: ``committee`` (slug), ``date_from``,
    ``date_to`` (YYYY-MM-DD) and ``kind`` (any of minute, resolution, agenda_item, report_page,
    meeting, plan_entry, decision_record). A committee filter leaves out decision records and
    plan entries of no committee; the dates are a plan entry's expected decision date and a
    record's decision date. Nothing anyone types raises; a bad filter leaves a message on the
    filter set.
    """
    try:
        search_index.flush()  # see what this thread has just written
    except Exception:
        log.exception("Reindexing before a search failed")
    parsed = parse(query)
    audience = audience_of(user)  # asked once: the passages and the ranking are the same one's
    filterset = SearchFilter(filters or None, queryset=Passage.objects.for_audience(audience))
    results = SearchResults(
        text=query or "",
        query=parsed,
        filterset=filterset,
        sort=sort if sort in SORTS else "relevance",
    )
    if parsed.left_out:
        results.notes.append("Left out as too common: " + ", ".join(parsed.left_out) + ".")
    if parsed.is_empty:
        if parsed.excluded:
            results.notes.append("Add a word to look for: words after a minus sign only exclude.")
        return results
    if filterset.is_bound and not filterset.is_valid():
        return results
    where = _where(filterset.qs)
    if where is None:
        return results
    backend = backend_for(using, audience=audience)
    number = _page_number(page)
    newest = backend.newest_first if NEWEST_FIRST is None else NEWEST_FIRST
    kw = {"cap": CANDIDATE_CAP, "newest_first": newest}
    fetch = _fetcher(backend, results, parsed, where, user, **kw)
    total, hits = fetch((number - 1) * per_page, per_page)
    if total < FEW and len(parsed.atoms) > 1:
        wider = parsed.any_of()
        wider_fetch = _fetcher(backend, results, wider, where, user, **kw)
        wider_total, wider_hits = wider_fetch((number - 1) * per_page, per_page)
        if wider_total > total:
            parsed, fetch, total, hits = wider, wider_fetch, wider_total, wider_hits
            results.any_words = True
    results.more_than = total > COUNT_CAP
    results.narrowed = total > CANDIDATE_CAP
    length = min(total, CANDIDATE_CAP)
    results.total = min(total, COUNT_CAP)
    last = max((length - 1) // per_page + 1, 1)
    if number > last:  # past the end: show the last page
        number = last
        total, hits = fetch((number - 1) * per_page, per_page)
    ranked = _Ranked(length, fetch, ((number - 1) * per_page, hits))
    results.page = Paginator(ranked, per_page).get_page(number)
    return results


def search_page(request: HttpRequest) -> HttpResponse:
    """The search page: the box on every page sends ``q`` here."""
    text = request.GET.get("q", "")[:500]
    results = search(
        user=request.user,
        query=text,
        filters=request.GET,
        sort=request.GET.get("sort"),
        page=request.GET.get("page"),
    )
    # Cached, the page may go on missing an item's new words for a few seconds, but never shows
    # a meeting's words after they changed (boardpapers/cache.py, WORDS).
    page_cache.shows(request, (f"meeting:{h.meeting.slug}" for h in results.hits if h.meeting))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/search.html",
        {
            "query": text,
            "results": results,
            "filter": results.filterset,
            "page": results.page,
            "sorts": SORTS.items(),
            "querystring": query.urlencode(),
        },
    )
