"""Checked before it goes public: what a public paper may disclose without anyone meaning it to.

Councils have been reprimanded for publishing personal data hidden in papers: text under a
black box (a "redaction" that hides nothing: the text is still in the file, and copying it
out is enough), the author's name and comments in the document's properties, reviewers'
comments and markup, National Insurance numbers, private e-mail addresses and mobile numbers.
Before an agenda is published, the clerk sees each finding with its page and may strip the
metadata and comments in one step (``strip_hidden``, through ``reports.services``); text
under a box must be taken out of the source document. A finding never stops publishing: the
clerk confirms and publishes.

The file is read in the limited child process (``reports.pdf.run_limited``) and what it holds
is cached by the file's hash; the personal-data patterns are read from the text of each page
the portal already holds. (The Word document a PDF was converted from is not kept, so its
tracked changes, comments, hidden text and embedded spreadsheets are read at upload, before
conversion, by ``reports.convert.docx_findings``; what it found is stored with the paper,
``Report.word_findings``, and listed here.)
"""

from __future__ import annotations

import ctypes
import io
import re
from dataclasses import asdict, dataclass

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from .pdf import run_limited

VERSION = 1
METADATA_KEYS = {
    "/Author": "author",
    "/Title": "title",
    "/Subject": "subject",
    "/Keywords": "keywords",
    "/Comments": "comments",
    "/Company": "company",
    "/Manager": "manager",
    "/LastModifiedBy": "last modified by",
}
# Properties that say which program made the file and when: nothing about a person.
HARMLESS_METADATA = {"/Creator", "/Producer", "/CreationDate", "/ModDate", "/Trapped"}
# Annotations that are part of the paper (links, form fields) rather than someone's markup.
KEPT_ANNOTATIONS = {"/Link", "/Widget"}
DARK = 64  # a box this dark or darker (0-255 in each of red, green, blue) hides what is under it


@dataclass(frozen=True)
class Finding:
    kind: str  # "hidden_text", "metadata", "annotation", "personal_data", "word"
    words: str
    page: int | None = None
    strippable: bool = False  # taken out by the one-step strip


def _snippet(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# Reading the file (in the child process).


def _file_findings(data: bytes) -> list[dict]:
    findings: list[Finding] = []
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            findings += _metadata(pdf)
            findings += _annotations(pdf)
    except pikepdf.PdfError as exc:
        raise ValidationError("This PDF is damaged and cannot be read.", code="corrupt") from exc
    findings += _hidden_text(data)
    return [asdict(f) for f in findings]


def _metadata(pdf: pikepdf.Pdf) -> list[Finding]:
    """One finding for the file's properties: each that names someone or says something."""
    named = []
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        for key, value in info.items():
            if key in HARMLESS_METADATA:
                continue
            text = str(value).strip() if isinstance(value, pikepdf.String) else ""
            if text:
                named.append(f"{METADATA_KEYS.get(key, key.lstrip('/'))} (“{_snippet(text)}”)")
    if "/Metadata" in pdf.Root:
        xmp = pdf.open_metadata()
        people = [str(xmp.get(k, "")) for k in ("dc:creator", "dc:description", "pdf:Keywords")]
        if any(p.strip("[]'\" ") for p in people):
            named.append("XMP metadata that names its author or describes it")
    if not named:
        return []
    listed = ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]
    return [Finding("metadata", f"The file's properties give its {listed}.", strippable=True)]


def _annotations(pdf: pikepdf.Pdf) -> list[Finding]:
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = str(annot.get("/Subtype", ""))
            if subtype in KEPT_ANNOTATIONS or subtype == "/Popup":
                continue
            author = str(annot.get("/T", "")).strip()
            contents = str(annot.get("/Contents", "")).strip()
            kind = subtype.lstrip("/").lower() or "annotation"
            words = "A comment" if subtype == "/Text" else f"A {kind} annotation"
            if author:
                words += f" by “{_snippet(author, 30)}”"
            if contents:
                words += f": “{_snippet(contents)}”"
            found.append(Finding("annotation", words + ".", page=number, strippable=True))
    return found


def _colour(obj, getter) -> tuple[int, int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return (255, 255, 255, 0)
    return (r.value, g.value, b.value, a.value)


def _is_dark(colour: tuple[int, int, int, int]) -> bool:
    return max(colour[:3]) <= DARK and colour[3] >= 200


def _filled(obj) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    return bool(pdfium.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))) and (
        fill.value != 0
    )


def _bounds(obj) -> tuple[float, float, float, float] | None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    ok = pdfium.FPDFPageObj_GetBounds(
        obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    )
    return (left.value, bottom.value, right.value, top.value) if ok else None


def _covered(inner, outer) -> bool:
    """Most of ``inner`` lies inside ``outer``."""
    width = min(inner[2], outer[2]) - max(inner[0], outer[0])
    height = min(inner[3], outer[3]) - max(inner[1], outer[1])
    if width <= 0 or height <= 0:
        return False
    area = max((inner[2] - inner[0]) * (inner[3] - inner[1]), 1e-6)
    return width * height / area >= 0.5


def _text_of(obj, textpage) -> str:
    size = pdfium.FPDFTextObj_GetText(obj, textpage, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium.FPDFTextObj_GetText(
        obj, textpage, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size
    )
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


def _hidden_text(data: bytes) -> list[Finding]:
    """Dark text under a dark filled shape drawn after it: covered on the page, still in the
    file."""
    found = []
    document = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts, hidden = [], []
            count = pdfium.FPDFPage_CountObjects(page.raw)
            for position in range(count):
                obj = pdfium.FPDFPage_GetObject(page.raw, position)
                kind = pdfium.FPDFPageObj_GetType(obj)
                if kind == pdfium.FPDF_PAGEOBJ_TEXT:
                    colour = _colour(obj, pdfium.FPDFPageObj_GetFillColor)
                    mode = pdfium.FPDFTextObj_GetTextRenderMode(obj)
                    bounds = _bounds(obj)
                    if bounds and mode != pdfium.FPDF_TEXTRENDERMODE_INVISIBLE and _is_dark(colour):
                        texts.append((bounds, obj))
                elif kind == pdfium.FPDF_PAGEOBJ_PATH and _filled(obj):
                    if not _is_dark(_colour(obj, pdfium.FPDFPageObj_GetFillColor)):
                        continue
                    box = _bounds(obj)
                    if box is None or box[2] - box[0] < 4 or box[3] - box[1] < 4:
                        continue  # a rule or a border, not a box over words
                    for bounds, text_obj in texts:
                        if _covered(bounds, box):
                            hidden.append(_text_of(text_obj, textpage.raw))
            words = " ".join(t for t in hidden if t.strip())
            if words.strip():
                found.append(
                    Finding(
                        "hidden_text",
                        "Text lies under a black box, so the box hides nothing: anyone can "
                        f"copy it out (“{_snippet(words, 30)}”). Take it out of the source "
                        "document, make the PDF again and upload that.",
                        page=index + 1,
                    )
                )
            textpage.close()
            page.close()
    finally:
        document.close()
    return found


def file_findings(*, sha256: str, data_source) -> list[Finding]:
    """The findings of one stored file, read once per file (cached by its hash)."""
    key = f"disclosure:{VERSION}:{sha256}"
    found = cache.get(key)
    if found is None:
        try:
            found = run_limited(
                _file_findings,
                data_source(),
                seconds=settings.PDF_READ_SECONDS,
                memory_mb=settings.PDF_READ_MEMORY_MB,
            )
        except ValidationError as exc:
            found = [
                asdict(Finding("unreadable", f"The file could not be checked: {exc.messages[0]}"))
            ]
        cache.set(key, found, timeout=None)
    return [Finding(**f) for f in found]


# Personal data in the text the portal holds.

EMAIL = re.compile(r"\b[\w.+'-]+@([\w-]+(?:\.[\w-]+)+)\b")
MOBILE = re.compile(r"(?<![\d])(?:\+44\s?\(?0?\)?\s?7\d{3}|\(?07\d{3}\)?)\s?\d{3}\s?\d{3}(?![\d])")
NI_NUMBER = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"
)
PUBLIC_BODY_DOMAINS = (
    "gov.uk", "nhs.uk", "nhs.net", "police.uk", "sch.uk", "ac.uk", "parliament.uk",
    "gov.wales", "llyw.cymru", "gov.scot",
)  # fmt: skip


def _mask(value: str) -> str:
    value = value.replace(" ", "")
    return value[:2] + "…" + value[-2:] if len(value) > 4 else "…"


def text_findings(pages: list[tuple[int, str]], *, own_domains: set[str]) -> list[Finding]:
    """E-mail addresses that are not a public body's, mobile numbers and National Insurance
    numbers, each with its page. Values are masked: the finding itself is shown on a page."""
    found = []
    allowed = tuple(PUBLIC_BODY_DOMAINS) + tuple(sorted(own_domains))
    for number, text in pages:
        for match in EMAIL.finditer(text):
            domain = match.group(1).lower()
            if domain in allowed or domain.endswith(tuple("." + d for d in allowed)):
                continue
            found.append(
                Finding("personal_data", f"An e-mail address that may be a private person's "
                        f"({_mask(match.group(0).split('@')[0])}@{domain}).", page=number)
            )  # fmt: skip
        for match in MOBILE.finditer(text):
            found.append(
                Finding("personal_data", f"A mobile phone number ({_mask(match.group(0))}).",
                        page=number)
            )  # fmt: skip
        for match in NI_NUMBER.finditer(text):
            found.append(
                Finding("personal_data", "What looks like a National Insurance number "
                        f"({_mask(match.group(0))}).", page=number)
            )  # fmt: skip
    return found


def own_domains(meeting) -> set[str]:
    domains = set(getattr(settings, "DISCLOSURE_OWN_DOMAINS", ()))
    officer = getattr(meeting, "contact_officer", None)
    if officer is not None and "@" in (officer.email or ""):
        domains.add(officer.email.rsplit("@", 1)[1].lower())
    return domains


def report_findings(report, *, domains: set[str]) -> list[Finding]:
    def read() -> bytes:
        with report.file.open("rb") as handle:
            return handle.read()

    found = file_findings(sha256=report.sha256, data_source=read)
    pages = list(report.pages.order_by("number").values_list("number", "text"))
    found += text_findings(pages, own_domains=domains)
    found += [Finding("word", f"In the Word document: {words}") for words in report.word_findings]
    return sorted(found, key=lambda f: (f.page or 0, f.kind))


def meeting_findings(meeting) -> list[dict]:
    """Each public paper of the meeting that has findings, with them: what the publish page
    shows. Exempt and withdrawn papers are not published to the public and are not checked."""
    from .models import Report

    domains = own_domains(meeting)
    papers = (
        Report.objects.filter(
            agenda_item__meeting=meeting, is_exempt=False, withdrawn_at__isnull=True
        )
        .select_related("agenda_item")
        .order_by("agenda_item__position", "position", "pk")
    )
    rows = []
    for report in papers:
        found = report_findings(report, domains=domains)
        if found:
            rows.append(
                {
                    "report": report,
                    "findings": found,
                    "strippable": any(f.strippable for f in found),
                }
            )
    return rows


# The one-step strip (run by reports.services.report_strip_hidden).


def _strip(data: bytes) -> tuple[bytes, list[str]]:
    removed = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary) and any(k not in HARMLESS_METADATA for k in info):
            del pdf.trailer["/Info"]
            removed.append("The file's properties (author, title and the like) were removed.")
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
            if not removed:
                removed.append("The file's properties (author, title and the like) were removed.")
        comments = 0
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if not isinstance(annots, pikepdf.Array):
                continue
            keep = [
                a
                for a in annots
                if isinstance(a, pikepdf.Dictionary)
                and str(a.get("/Subtype", "")) in KEPT_ANNOTATIONS
            ]
            comments += len(annots) - len(keep)
            if len(keep) != len(annots):
                page.obj.Annots = pikepdf.Array(keep)
        if comments:
            removed.append(
                f"{comments} comment{'s' if comments != 1 else ''} or markup "
                f"{'were' if comments != 1 else 'was'} removed."
            )
        if not removed:
            return data, []
        out = io.BytesIO()
        pdf.save(
            out,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=False,
            deterministic_id=True,
        )
    return out.getvalue(), removed


def strip_hidden(data: bytes) -> tuple[bytes, list[str]]:
    """The file without its metadata and comments, and what went, in words; in the child."""
    return run_limited(
        _strip, data, seconds=settings.PDF_READ_SECONDS, memory_mb=settings.PDF_READ_MEMORY_MB
    )
