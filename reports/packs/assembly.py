"""Building the PDF: the portal's own pages rendered once (front sheet, minutes, the exempt
cover), the front sheet laid out until its page references settle, then joined with the
uploads in pack order, stamped, tagged, bookmarked and described (``reports.pack_pdf``)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from pikepdf import Name

from .. import pack_pdf
from ..models import Pack, UploadLayout
from ..neutralise import active_content
from ..pdf import analyse_limited
from .layout import (
    PackPart,
    Renderer,
    _doc_meta,
    _item_pages,
    _place,
    estimate_front_sheet_pages,
)

logger = logging.getLogger(__name__)


class PackBuildError(Exception):
    """A build failed for a reason a clerk can act on; the message says what to do."""


@dataclass
class BuildResult:
    page_count: int
    front_sheet_pages: int
    notes: list[str]
    layout_passes: int = 1


def _open_upload(doc: dict, *, verify: bool) -> pikepdf.Pdf:
    name = doc["file"]
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise PackBuildError(
            f"The file of \u201c{doc['title']}\u201d is missing from storage. Upload it again."
        ) from exc
    if verify:
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        if digest.hexdigest() != doc["sha256"]:
            handle.close()
            raise PackBuildError(
                f"The stored file of \u201c{doc['title']}\u201d does not match the file that was "
                "uploaded (its fingerprint differs). Upload it again."
            )
        handle.seek(0)
    try:
        pdf = pikepdf.open(handle)
    except pikepdf.PdfError as exc:
        handle.close()
        raise PackBuildError(
            f"\u201c{doc['title']}\u201d cannot be read as a PDF. Upload it again."
        ) from exc
    if verify:
        refuse_active(pdf, doc)
    return pdf


def refuse_active(pdf: pikepdf.Pdf, doc: dict) -> None:
    """A pack copies nothing active: every upload is neutralised when it arrives, so a stored
    file that still holds a script, an attached file or the like came by another way, and
    the build stops before a page of it is copied."""
    found = active_content(pdf)
    if found:
        pdf.close()
        logger.error("Refused to copy %s into a pack: active content %s", doc["file"], found)
        raise PackBuildError(
            f"\u201c{doc['title']}\u201d holds active content (scripts, attached files, "
            "links that open programs or other files), which a pack never carries, so the pack "
            "was not built. The stored file is not the one the portal checked: remove the "
            "paper and upload it again, and the active content will be taken out."
        )


def upload_layouts_limited(docs: list[dict]) -> dict[str, list[dict]]:
    """The edge text of several uploads by hash (``layout.upload_layouts``), any not yet read
    read in the limited child process, like every other reading of an upload."""
    found = dict(
        UploadLayout.objects.filter(
            sha256__in={d["sha256"] for d in docs}, version=pack_pdf.ANALYSIS_VERSION
        ).values_list("sha256", "pages")
    )
    for doc in docs:
        if doc["sha256"] not in found:
            found[doc["sha256"]] = analyse_upload_limited(doc)
    return found


def analyse_upload_limited(doc: dict) -> list[dict]:
    """Read one upload's edge text in the limited child process and keep it by hash."""
    with default_storage.open(doc["file"], "rb") as handle:
        data = handle.read()
    try:
        pages = analyse_limited(data, pack_pdf.analyse_pdf)
    except ValidationError as exc:
        raise PackBuildError(
            f"\u201c{doc.get('title', doc['file'])}\u201d could not be read within the limits "
            f"for a paper: {exc.messages[0]}"
        ) from exc
    UploadLayout.objects.update_or_create(
        sha256=doc["sha256"], defaults={"version": pack_pdf.ANALYSIS_VERSION, "pages": pages}
    )
    return pages


def build_pack_pdf(
    inputs: dict, target: Path, *, front_sheet_guess: int | None = None
) -> BuildResult:
    kind = inputs["kind"]
    meta = _doc_meta(inputs, kind)
    render = Renderer()
    created = timezone.now().replace(microsecond=0).isoformat()
    if kind == Pack.Kind.MINUTES:
        doc = render(
            "packs/minutes.html",
            {"doc": meta, "documents": [inputs["minutes"]], "standalone": True},
        )
        data = doc.write_pdf(pdf_variant="pdf/ua-1")
        with pikepdf.open(_bytes_io(data)) as pdf:
            pack_pdf.write_outline(pdf, [pack_pdf.Bookmark(inputs["minutes"]["title"], 0)])
            pack_pdf.write_metadata(pdf, **meta, created_iso=created, claims_pdf_ua=True)
            pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return BuildResult(len(pdf.pages), 0, [])

    members = kind == Pack.Kind.MEMBERS
    notes = list(inputs.get("notes") or [])
    opened: dict[str, pikepdf.Pdf] = {}
    try:
        uploads = [d for d in inputs["documents"] if d["type"] == "upload"]
        if members:
            uploads += [d for d in inputs["exempt_documents"] if d["type"] == "upload"]
        embed = kind != Pack.Kind.FRONT_SHEET
        for doc in uploads:
            opened[doc["key"]] = _open_upload(doc, verify=embed)

        # The portal's own documents after the front sheet, rendered once.
        minutes_docs = [d for d in inputs["documents"] if d["type"] == "minutes"]
        exempt_minutes = (
            [d for d in inputs["exempt_documents"] if d["type"] == "minutes"] if members else []
        )
        rendered_minutes = None
        minutes_pages: dict[str, list[int]] = {}
        if minutes_docs or exempt_minutes:
            rendered_minutes = render(
                "packs/minutes.html",
                {"doc": meta, "documents": minutes_docs + exempt_minutes, "standalone": False},
            )
            first_page: dict[str, int] = {}
            for index, page in enumerate(rendered_minutes.pages):
                for anchor in page.anchors:
                    if anchor.startswith("doc-"):
                        first_page.setdefault(anchor[4:], index)
            starts = sorted((index, key) for key, index in first_page.items())
            for n, (index, key) in enumerate(starts):
                end = starts[n + 1][0] if n + 1 < len(starts) else len(rendered_minutes.pages)
                minutes_pages[key] = list(range(index, end))

        def part_for(doc: dict, exempt: bool) -> PackPart:
            if doc["type"] == "upload":
                pages = len(opened[doc["key"]].pages)
            else:
                pages = len(minutes_pages[doc["key"]])
            return PackPart(
                doc["key"], doc["type"], doc["title"], doc["item"], pages, exempt=exempt, doc=doc
            )

        parts = [part_for(d, False) for d in inputs["documents"]]
        cover = None
        if members:
            cover = PackPart("cover", "cover", "Exempt papers", None, 1, exempt=True)
            parts.append(cover)
            parts += [part_for(d, True) for d in inputs["exempt_documents"]]
        by_key = {p.key: p for p in parts}

        front_pages = front_sheet_guess or estimate_front_sheet_pages(inputs)
        marker = "Members' Document Pack" if members else "Public Document Pack"
        if kind == Pack.Kind.SUPPLEMENT:
            marker = "Public Supplementary Pack"
        seen: list[int] = []
        padding = 0
        rendered_cover = None
        passes = 0
        while True:
            passes += 1
            _place(parts, front_pages)
            context = {
                "doc": meta,
                "marker": marker,
                "meeting": inputs["meeting"],
                "council": inputs["council"],
                "contact": inputs["contact"],
                "membership": inputs["membership"],
                "public_items": _item_pages(inputs["public_items"], by_key),
                "private_items": _item_pages(inputs["private_items"], by_key),
                "padding": range(padding),
                "supplement": inputs.get("supplement"),
                "reissue_note": inputs.get("reissue_note", ""),
            }
            front = render("packs/front_sheet.html", context)
            cover_ok = True
            if cover is not None:
                rows = [
                    {
                        "item": p.item,
                        "title": p.title,
                        "paragraph": (p.doc or {}).get("paragraph"),
                        "pages": (p.first, p.last),
                    }
                    for p in parts
                    if p.exempt and p is not cover
                ]
                rendered_cover = render(
                    "packs/exempt_cover.html",
                    {"doc": meta, "meeting": inputs["meeting"], "rows": rows},
                )
                if len(rendered_cover.pages) != cover.pages:
                    cover.pages = len(rendered_cover.pages)
                    cover_ok = False
            count = len(front.pages)
            if count == front_pages and cover_ok:
                break
            if count < front_pages and front_pages in seen:
                # The references and the page count chase each other (a longer reference
                # pushes a line over, a shorter one pulls it back): keep the larger count and
                # pad the front sheet to it, so every reference stays exact.
                padding += front_pages - count
                continue
            if passes > 8:
                raise PackBuildError("The front sheet's page references did not settle.")
            seen.append(front_pages)
            front_pages = count

        if kind == Pack.Kind.FRONT_SHEET:
            data = front.write_pdf(pdf_variant="pdf/ua-1")
            with pikepdf.open(_bytes_io(data)) as pdf:
                bookmarks = _front_bookmarks(inputs, front, parts=None)
                pack_pdf.write_outline(pdf, bookmarks)
                pack_pdf.write_metadata(pdf, **meta, created_iso=created, claims_pdf_ua=True)
                pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
                return BuildResult(len(pdf.pages), front_pages, notes, passes)

        # One WeasyPrint write for every page the portal rendered, in pack order.
        portal_pages = list(front.pages)
        portal_index: dict[str, list[int]] = {"front": list(range(len(front.pages)))}
        for part in parts:
            if part.source == "minutes":
                start = len(portal_pages)
                portal_pages += [rendered_minutes.pages[i] for i in minutes_pages[part.key]]
                portal_index[part.key] = list(range(start, len(portal_pages)))
            elif part.source == "cover":
                start = len(portal_pages)
                portal_pages += list(rendered_cover.pages)
                portal_index[part.key] = list(range(start, len(portal_pages)))
        data = front.copy(portal_pages).write_pdf(pdf_variant="pdf/ua-1")
        rendered = pikepdf.open(_bytes_io(data))
        pdf = pikepdf.new()
        try:
            result = _assemble(
                pdf, rendered, inputs, meta, parts, opened, front, front_pages, created
            )
            notes += result
            pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            page_count = len(pdf.pages)
        finally:
            pdf.close()
            rendered.close()
        return BuildResult(page_count, front_pages, notes, passes)
    finally:
        for source in opened.values():
            source.close()


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def _assemble(
    pdf: pikepdf.Pdf,
    rendered: pikepdf.Pdf,
    inputs: dict,
    meta: dict,
    parts: list[PackPart],
    opened: dict[str, pikepdf.Pdf],
    front,
    front_pages: int,
    created: str,
) -> list[str]:
    """Join the rendered pages and the uploads in pack order, stamp every page after the front
    sheet, tag, bookmark and describe the result. Returns notes for the clerk."""
    # Appending is the fast way to join with pikepdf (inserting among pages is three times
    # slower, and every pdf.pages[i] is a lookup): the pages go in once, in pack order.
    rendered_pages = iter(list(rendered.pages))
    for _ in range(front_pages):
        pdf.pages.append(next(rendered_pages))
    for part in parts:
        if part.source == "upload":
            for page in opened[part.key].pages:
                pdf.pages.append(page)
        else:
            for _ in range(part.pages):
                pdf.pages.append(next(rendered_pages))
    all_pages = [page.obj for page in pdf.pages]
    page_objects: dict[str, list] = {}
    position = front_pages
    for part in parts:
        page_objects[part.key] = all_pages[position : position + part.pages]
        position += part.pages
    if len(all_pages) != position or next(rendered_pages, None) is not None:
        raise PackBuildError(
            f"The pack came out with {len(all_pages)} pages where {position} were planned."
        )
    # The tags of the portal's own pages, now pointing at their pages in the pack.
    tags = rendered.Root.get(Name.StructTreeRoot)
    if isinstance(tags, pikepdf.Dictionary):
        pdf.Root.StructTreeRoot = pdf.copy_foreign(tags)
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)

    structure = pack_pdf.Structure(pdf)
    stamper = pack_pdf.Stamper(pdf)
    layouts = upload_layouts_limited([p.doc for p in parts if p.source == "upload"])
    cleared = 0
    for part in parts:
        pages = page_objects[part.key]
        marked = b""
        layout: list[dict] = []
        if part.source == "upload":
            source = opened[part.key]
            if not structure.add_tagged(part.key, part.title, source, pages):
                marked = structure.add_untagged(part.key, part.title, pages)
            layout = layouts[part.doc["sha256"]]
        for offset, page in enumerate(pages):
            frame = pack_pdf.page_frame(page)
            label = part.item if (part.stamp_item and offset == 0) else None
            stamps = pack_pdf.plan_stamps(frame, page_number=part.first + offset, item_label=label)
            clearance = None
            if part.source == "upload":
                text = layout[offset]["text"] if offset < len(layout) else []
                boxes = [*text, *pack_pdf.annotation_boxes(page, frame)]
                if pack_pdf.needs_clearance(stamps, boxes):
                    clearance = pack_pdf.clearance_matrix(frame, item_stamp=label is not None)
                    cleared += 1
            stamper.stamp(page, frame, stamps, clearance=clearance, marked_content=marked)

    order = []
    for part in parts:
        if part.source == "upload":
            order.append((part.key, set()))
        else:
            order.append((part.key, {p.objgen for p in page_objects[part.key]}))
    structure.finish(order)

    in_pack = {page.objgen for page in all_pages}
    carried = {
        part.key: pack_pdf.carry_outline(pdf, opened[part.key], in_pack)
        for part in parts
        if part.source == "upload"
    }
    pack_pdf.write_outline(pdf, _front_bookmarks(inputs, front, parts=parts, carried=carried))
    pack_pdf.write_metadata(pdf, **meta, created_iso=created, claims_pdf_ua=False)
    notes = []
    if cleared:
        notes.append(
            f"{cleared} uploaded page{'s' if cleared != 1 else ''} had text where a stamp goes; "
            f"{'they were' if cleared != 1 else 'it was'} scaled down slightly to keep it clear."
        )
    return notes


def _front_bookmarks(inputs: dict, front, *, parts, carried=None) -> list[pack_pdf.Bookmark]:
    """A bookmark per agenda item and per document: an item leads to its first document, or to
    its place on the front sheet when it has none in this pack."""
    carried = carried or {}
    by_key = {p.key: p for p in parts or []}
    anchors: dict[str, tuple[int, float]] = {}
    for index, page in enumerate(front.pages):
        height = pack_pdf.pdf_points(page.height)
        for name, position in page.anchors.items():
            anchors[name] = (index, height - pack_pdf.pdf_points(position[1]))

    def item_bookmark(item: dict) -> pack_pdf.Bookmark:
        title = f"{item['number']} {item['title']}"
        docs = [by_key[k] for k in item["docs"] + item.get("exempt_docs", []) if k in by_key]
        children = [
            pack_pdf.Bookmark(
                ("Exempt: " if p.exempt else "") + p.title, p.first - 1, carried=carried.get(p.key)
            )
            for p in docs
        ]
        children += [item_bookmark(sub) for sub in item["sub_items"]]
        if docs:
            return pack_pdf.Bookmark(title, docs[0].first - 1, children=children)
        index, top = anchors.get(f"item-{item['key']}", (0, None))
        return pack_pdf.Bookmark(title, index, top=top, children=children)

    bookmarks = [pack_pdf.Bookmark("Agenda front sheet", 0)]
    bookmarks += [item_bookmark(item) for item in inputs["public_items"]]
    bookmarks += [item_bookmark(item) for item in inputs["private_items"]]
    cover = by_key.get("cover")
    if cover is not None:
        bookmarks.append(pack_pdf.Bookmark("Exempt papers (not for publication)", cover.first - 1))
    return bookmarks
