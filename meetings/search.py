"""A first, plain search: every word must appear (case-insensitive) in an agenda item, a minute,
a resolution or a page of a report the viewer may see. Ranked full-text search over a passage
index replaces it (search issue); what it searches and who may see what stay the same."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Q
from django.urls import reverse

from reports.models import Report, ReportPage

from .models import AgendaItem, MinuteItem, Resolution

MAX_WORDS = 8
MAX_RESULTS = 50
WORD = re.compile(r"[\w'£-]+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    snippet: str
    url: str
    meeting: object


def words_of(query: str) -> list[str]:
    return WORD.findall(query or "")[:MAX_WORDS]


def _all_words(fields: list[str], words: list[str]) -> Q:
    return reduce(
        and_,
        (reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words),
    )


def _snippet(text: str, words: list[str], width: int = 220) -> str:
    lower = text.lower()
    at = min((i for i in (lower.find(w.lower()) for w in words) if i >= 0), default=0)
    start = max(at - width // 3, 0)
    piece = text[start : start + width].replace("\n", " ").strip()
    return ("… " if start else "") + piece + (" …" if start + width < len(text) else "")


def search(*, user, query: str) -> list[Hit]:
    words = words_of(query)
    if not words:
        return []
    hits: list[Hit] = []
    fields_by_part = AgendaItem.objects.text_visible_to(user)
    matches = reduce(
        or_, (Q(part=part) & _all_words(list(f), words) for part, f in fields_by_part.items())
    )
    items = (
        AgendaItem.objects.visible_to(user)
        .filter(matches)
        .select_related("meeting__committee", "parent")[:MAX_RESULTS]
    )
    for item in items:
        readable = " ".join(getattr(item, f) for f in fields_by_part[item.part][1:])
        hits.append(
            Hit("Agenda item", f"Item {item.stamp_number}: {item.title}",
                _snippet(f"{item.title}. {readable}", words),
                item.meeting.get_absolute_url() + f"#item-{item.stamp_number}", item.meeting)
        )  # fmt: skip
    minutes = (
        MinuteItem.objects.visible_to(user)
        .filter(_all_words(["title", "narrative"], words))
        .select_related("minutes__meeting__committee")[:MAX_RESULTS]
    )
    for minute in minutes:
        meeting = minute.minutes.meeting
        hits.append(
            Hit("Minute", f"Minute {minute.number}: {minute.title}",
                _snippet(minute.narrative, words),
                reverse("minutes-detail", args=[meeting.slug]) + f"#minute-{minute.number}",
                meeting)
        )  # fmt: skip
    resolutions = (
        Resolution.objects.visible_to(user)
        .filter(_all_words(["text"], words))
        .select_related("minute_item__minutes__meeting__committee")[:MAX_RESULTS]
    )
    for r in resolutions:
        meeting = r.minute_item.minutes.meeting
        hits.append(
            Hit("Resolution", f"Resolution of minute {r.minute_item.number}: {r.minute_item.title}",
                _snippet(r.text, words),
                reverse("minutes-detail", args=[meeting.slug]) + f"#minute-{r.minute_item.number}",
                meeting)
        )  # fmt: skip
    pages = (
        ReportPage.objects.filter(report__in=Report.objects.visible_to(user))
        .filter(_all_words(["text"], words))
        .select_related("report__agenda_item__meeting__committee")
        .order_by("report_id", "number")[:MAX_RESULTS]
    )
    for page in pages:
        report = page.report
        hits.append(
            Hit("Report page", f"{report.title}, page {page.number}",
                _snippet(page.text, words),
                reverse("document-detail", args=[report.pk]) + f"#page-{page.number}",
                report.agenda_item.meeting)
        )  # fmt: skip
    return hits[:MAX_RESULTS]
