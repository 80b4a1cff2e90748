"""Laying a pack out: the parts after the front sheet and the page each starts on, the
WeasyPrint renderer, the PDF's title and description, the front sheet's "(Pages X - Y)" and a
first guess at its length, and the edge text of uploads (where a stamp may not go)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from .. import pack_pdf
from ..models import Pack, UploadLayout
from .kinds import KINDS

FRONT_SHEET_LINES = 44  # lines of agenda text on a front sheet page, for a first guess


@dataclass
class PackPart:
    """One document after the front sheet, placed in the pack."""

    key: str
    source: str  # "upload", "minutes" or "cover"
    title: str
    item: str | None
    pages: int
    first: int = 0  # 1-based page number in the pack
    stamp_item: bool = False
    exempt: bool = False
    doc: dict | None = None

    @property
    def last(self) -> int:
        return self.first + self.pages - 1


class Renderer:
    """WeasyPrint for one build: one fetcher, one font configuration and the style sheet read
    once, however many times the front sheet is laid out again."""

    def __init__(self) -> None:
        # WeasyPrint is imported only where a pack is built: importing it parses its own style
        # sheets, which no web page needs to wait for.
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from ..fetcher import PACK_BASE_URL, StaticOnlyFetcher

        self.base_url = PACK_BASE_URL
        self.fetcher = StaticOnlyFetcher()
        self.fonts = FontConfiguration()
        self.css = CSS(
            url=f"{self.base_url}static/css/pack.css",
            url_fetcher=self.fetcher,
            font_config=self.fonts,
        )

    def __call__(self, template: str, context: dict):
        from weasyprint import HTML

        html = render_to_string(template, context)
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return document.render(font_config=self.fonts, stylesheets=[self.css])


def _doc_meta(inputs: dict, kind: str) -> dict:
    meeting = inputs["meeting"]
    day = dt.date.fromisoformat(meeting["date"])
    words = KINDS[kind].words
    if inputs.get("supplement"):
        words = f"{words} {inputs['supplement']['number']}"
    title = f"{meeting['committee']}, {day.day} {day:%B} {day.year}: {words}"
    subjects = {
        Pack.Kind.PUBLIC: "Agenda and reports",
        Pack.Kind.MEMBERS: "Agenda, reports and exempt papers (not for publication)",
        Pack.Kind.FRONT_SHEET: "Agenda",
        Pack.Kind.MINUTES: "Minutes",
        Pack.Kind.SUPPLEMENT: "Supplementary agenda and reports",
    }
    return {
        "title": title,
        "author": inputs["council"]["name"],
        "subject": (
            f"{subjects[kind]} for the meeting of the {meeting['committee']} at {meeting['when']}"
        ),
        "keywords": f"{meeting['committee']}; {words}; {meeting['date']}",
    }


def upload_layouts(docs: list[dict]) -> dict[str, list[dict]]:
    """The edge text of several uploads by hash, read in one query (and any missing, read)."""
    found = dict(
        UploadLayout.objects.filter(
            sha256__in={d["sha256"] for d in docs}, version=pack_pdf.ANALYSIS_VERSION
        ).values_list("sha256", "pages")
    )
    for doc in docs:
        if doc["sha256"] not in found:
            found[doc["sha256"]] = upload_layout(doc)
    return found


def upload_layout(doc: dict) -> list[dict]:
    """The text near each page's edges of one uploaded file, read once and kept by its hash."""
    found = UploadLayout.objects.filter(
        sha256=doc["sha256"], version=pack_pdf.ANALYSIS_VERSION
    ).first()
    if found is not None:
        return found.pages
    with default_storage.open(doc["file"], "rb") as handle:
        pages = pack_pdf.analyse_pdf(handle.read())
    UploadLayout.objects.update_or_create(
        sha256=doc["sha256"], defaults={"version": pack_pdf.ANALYSIS_VERSION, "pages": pages}
    )
    return pages


def estimate_front_sheet_pages(inputs: dict) -> int:
    """A first guess at the front sheet's length, from the length of what it prints, for a
    meeting with no build before it. A wrong guess costs one more layout, never a wrong page:
    the layout loop corrects it."""

    def lines(text: str, width: int = 72) -> int:
        return -(-len(text) // width) if text else 0

    def item_lines(item: dict) -> float:
        total = lines(item["title"] + " (Pages 100 - 100)") + 0.8
        total += len(item["bullets"]) + lines(item["presenter"]) + lines(item["description"])
        total += lines(item["public_description"]) + (1 if item["private"] else 0)
        return total + sum(item_lines(sub) for sub in item["sub_items"])

    body = sum(item_lines(i) for i in inputs["public_items"] + inputs["private_items"])
    council = inputs["council"]
    fixed = 24 + lines(inputs["membership"], 85) + lines(council["accessibility_note"], 85)
    return max(1, -(-round(body + fixed) // FRONT_SHEET_LINES))


def _place(parts: list[PackPart], front_pages: int) -> None:
    number = front_pages + 1
    seen_items: set[tuple[bool, str]] = set()
    for part in parts:
        part.first = number
        number += part.pages
        if part.item is not None and (part.exempt, part.item) not in seen_items:
            part.stamp_item = True
            seen_items.add((part.exempt, part.item))


def _item_pages(items: list[dict], parts: dict[str, PackPart]) -> list[dict]:
    """The front sheet's items with their "(Pages X - Y)"."""
    shown = []
    for item in items:
        own = [parts[key] for key in item["docs"] if key in parts]
        entry = {**item, "sub_items": _item_pages(item["sub_items"], parts)}
        entry["pages"] = (min(p.first for p in own), max(p.last for p in own)) if own else None
        entry["bold"] = bool(own)
        shown.append(entry)
    return shown
