"""The pack as a document: its structure tags (WeasyPrint's for the portal's pages, an upload's
own or one /Div per page for each upload), its outline (with an upload's own bookmarks carried
under its document's) and its metadata."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, String

# Structure tags
# ---------------------------------------------------------------------------------------------


def _number_tree_items(node, seen: set | None = None) -> Iterable[tuple[int, object]]:
    seen = seen if seen is not None else set()
    if not isinstance(node, Dictionary):
        return
    if node.is_indirect:
        if node.objgen in seen:
            return
        seen.add(node.objgen)
    nums = node.get(Name.Nums)
    if isinstance(nums, Array):
        for i in range(0, len(nums) - 1, 2):
            try:
                yield int(nums[i]), nums[i + 1]
            except (TypeError, ValueError):
                continue
    for kid in node.get(Name.Kids, []) or []:
        yield from _number_tree_items(kid, seen)


def _kids(value) -> list:
    if value is None:
        return []
    if isinstance(value, Array):
        return list(value)
    return [value]


class Structure:
    """The pack's structure tree: WeasyPrint's tags for the portal's own pages, with each
    uploaded document added as a section in its place.

    A tagged upload brings its own tags (its structure elements are copied and its
    /StructParents keys moved past ours). An untagged one gets one /Div per page holding the
    page's whole content, so assistive technology reads it in the order it is drawn rather
    than skipping it. Either way no page keeps a /StructParents key that points nowhere.
    """

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        root = pdf.Root.get(Name.StructTreeRoot)
        self.enabled = isinstance(root, Dictionary)
        if not self.enabled:
            return
        self.root = root
        kids = _kids(root.get(Name.K))
        documents = [
            k for k in kids if isinstance(k, Dictionary) and k.get(Name.S) == Name.Document
        ]
        if documents:
            self.document = documents[0]
        else:
            self.document = pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array(kids))
            )
            for kid in kids:
                if isinstance(kid, Dictionary):
                    kid.P = self.document
            root.K = Array([self.document])
        self.entries: dict[int, object] = dict(_number_tree_items(root.get(Name.ParentTree)))
        next_key = int(root.get(Name.ParentTreeNextKey, 0) or 0)
        self.next_key = max([next_key, *(k + 1 for k in self.entries)])
        self.role_map = root.get(Name.RoleMap)
        self.sections: dict[str, Dictionary] = {}

    def _section(self, key: str, title: str, lang: str | None) -> Dictionary:
        sect = self.pdf.make_indirect(
            Dictionary(
                Type=Name.StructElem, S=Name.Sect, P=self.document, T=String(title), K=Array()
            )
        )
        if lang:
            sect.Lang = String(lang)
        self.sections[key] = sect
        return sect

    def add_untagged(self, key: str, title: str, pages: Sequence[Dictionary]) -> bytes:
        """Tag an upload without usable tags; returns the marked-content opener for its pages
        (each page's content becomes MCID 0 of that page's /Div)."""
        if not self.enabled:
            _drop_stale_keys(pages)
            return b""
        sect = self._section(key, title, None)
        for page in pages:
            _drop_stale_keys([page])
            div = self.pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Div, P=sect, Pg=page, K=0)
            )
            sect.K.append(div)
            page.StructParents = self.next_key
            self.entries[self.next_key] = Array([div])
            self.next_key += 1
        return b"/Div <</MCID 0>> BDC\n"

    def add_tagged(
        self, key: str, title: str, source: pikepdf.Pdf, pages: Sequence[Dictionary]
    ) -> bool:
        """Bring a tagged upload's own structure along; False if it has none worth keeping."""
        src_root = source.Root.get(Name.StructTreeRoot)
        if not self.enabled or not isinstance(src_root, Dictionary):
            return False
        src_entries = list(_number_tree_items(src_root.get(Name.ParentTree)))
        src_kids = [k for k in _kids(src_root.get(Name.K)) if isinstance(k, Dictionary)]
        if not src_entries or not src_kids:
            return False
        lang = source.Root.get(Name.Lang)
        sect = self._section(key, title, str(lang) if lang is not None else None)
        offset = self.next_key - min(k for k, _ in src_entries)
        for src_key, value in src_entries:
            if isinstance(value, Array):
                copied = Array([self.pdf.copy_foreign(v) if v.is_indirect else v for v in value])
            elif isinstance(value, Dictionary) and value.is_indirect:
                copied = self.pdf.copy_foreign(value)
            else:
                continue
            self.entries[src_key + offset] = copied
            self.next_key = max(self.next_key, src_key + offset + 1)
        for kid in src_kids:
            copied = self.pdf.copy_foreign(kid) if kid.is_indirect else kid
            copied.P = sect
            sect.K.append(copied)
        seen: set = set()
        for page in pages:
            _shift_keys(page, offset, seen)
        src_roles = src_root.get(Name.RoleMap)
        if isinstance(src_roles, Dictionary):
            if not isinstance(self.role_map, Dictionary):
                self.role_map = Dictionary()
                self.root.RoleMap = self.role_map
            for name, value in src_roles.items():
                if name not in self.role_map:
                    self.role_map[name] = (
                        self.pdf.copy_foreign(value) if value.is_indirect else value
                    )
        return True

    def finish(self, order: Sequence[tuple[str, set[tuple[int, int]]]]) -> None:
        """Put the Document's children in pack order. ``order`` names each part after the
        front sheet: ("portal", objgens of its pages) or (section key, set())."""
        if not self.enabled:
            return
        portal = list(_kids(self.document.get(Name.K)))
        placed: list = []
        groups: list[tuple[str, set]] = list(order)
        by_page: dict[tuple[int, int], int] = {}
        for index, (_, pages) in enumerate(groups):
            for objgen in pages:
                by_page[objgen] = index
        buckets: dict[int, list] = {}
        current = -1
        for kid in portal:
            page = kid.get(Name.Pg) if isinstance(kid, Dictionary) else None
            if page is not None and page.objgen in by_page:
                current = by_page[page.objgen]
            buckets.setdefault(current, []).append(kid)
        placed.extend(buckets.get(-1, []))
        for index, (key, _) in enumerate(groups):
            if key in self.sections:
                placed.append(self.sections[key])
            placed.extend(buckets.get(index, []))
        self.document.K = Array(placed)
        nums = Array()
        for key in sorted(self.entries):
            nums.append(key)
            nums.append(self.entries[key])
        self.root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = self.next_key


def _drop_stale_keys(pages: Iterable[Dictionary]) -> None:
    for page in pages:
        if Name.StructParents in page:
            del page[Name.StructParents]
        for annot in page.get(Name.Annots, []) or []:
            if isinstance(annot, Dictionary) and Name.StructParent in annot:
                del annot[Name.StructParent]


def _shift_keys(page: Dictionary, offset: int, seen: set) -> None:
    if Name.StructParents in page:
        page.StructParents = int(page.StructParents) + offset
    for annot in page.get(Name.Annots, []) or []:
        if isinstance(annot, Dictionary) and Name.StructParent in annot:
            annot.StructParent = int(annot.StructParent) + offset
    _shift_xobject_keys(page.get(Name.Resources), offset, seen)


def _shift_xobject_keys(resources, offset: int, seen: set) -> None:
    if not isinstance(resources, Dictionary):
        return
    xobjects = resources.get(Name.XObject)
    if not isinstance(xobjects, Dictionary):
        return
    for _, xobject in xobjects.items():
        if not isinstance(xobject, pikepdf.Stream) or xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if xobject.get(Name.Subtype) != Name.Form:
            continue
        if Name.StructParents in xobject:
            xobject.StructParents = int(xobject.StructParents) + offset
        if Name.StructParent in xobject:
            xobject.StructParent = int(xobject.StructParent) + offset
        _shift_xobject_keys(xobject.get(Name.Resources), offset, seen)


# ---------------------------------------------------------------------------------------------
# Outline and metadata
# ---------------------------------------------------------------------------------------------


@dataclass
class Bookmark:
    title: str
    page_index: int  # 0-based
    top: float | None = None  # points from the page's bottom, for a place on the page
    children: list[Bookmark] | None = None
    carried: list[Dictionary] | None = None  # an upload's own top-level bookmarks, copied


def _outline_item(bookmark: Bookmark, attach: list) -> OutlineItem:
    if bookmark.top is not None:
        item = OutlineItem(bookmark.title, bookmark.page_index, "XYZ", top=bookmark.top)
    else:
        item = OutlineItem(bookmark.title, bookmark.page_index, "Fit")
    for child in bookmark.children or []:
        item.children.append(_outline_item(child, attach))
    if bookmark.carried:
        attach.append((item, bookmark.carried))
    return item


def write_outline(pdf: pikepdf.Pdf, bookmarks: Sequence[Bookmark]) -> None:
    attach: list[tuple[OutlineItem, list[Dictionary]]] = []
    with pdf.open_outline() as outline:
        outline.root.clear()
        for bookmark in bookmarks:
            outline.root.append(_outline_item(bookmark, attach))
    # An upload's own bookmarks hang under its document's, folded (a negative /Count), so the
    # pack's outline reads as the agenda.
    for item, carried in attach:
        parent = item.obj
        for n, child in enumerate(carried):
            child.Parent = parent
            for key, value in ((Name.Prev, n - 1), (Name.Next, n + 1)):
                if 0 <= value < len(carried):
                    child[key] = carried[value]
                elif key in child:
                    del child[key]
        parent.First = carried[0]
        parent.Last = carried[-1]
        parent.Count = -len(carried)


_OUTLINE_KEYS = {Name.Title, Name.Parent, Name.Prev, Name.Next, Name.First, Name.Last}
_OUTLINE_KEYS |= {Name.Count, Name.Dest, Name.C, Name.F}


def carry_outline(
    pdf: pikepdf.Pdf, source: pikepdf.Pdf, pages: set[tuple[int, int]], *, limit: int = 2000
) -> list[Dictionary]:
    """An upload's own bookmarks, copied into the pack (after its pages, so they point at the
    pages in the pack). Only go-to destinations are kept: an item that would run an action,
    or lead outside the document, keeps its title and children but leads nowhere."""
    outlines = source.Root.get(Name.Outlines)
    if not isinstance(outlines, Dictionary) or not isinstance(outlines.get(Name.First), Dictionary):
        return []
    try:
        first = pdf.copy_foreign(outlines.First)
    except Exception:  # an outline too damaged to copy is simply not carried
        return []
    top: list[Dictionary] = []
    seen: set[tuple[int, int]] = set()
    count = 0

    def destination(item: Dictionary):
        target = item.get(Name.Dest)
        action = item.get(Name.A)
        if target is None and isinstance(action, Dictionary):
            if action.get(Name.S) != Name.GoTo:
                return None
            target = action.get(Name.D)
        if isinstance(target, (String, Name)):
            target = _named_destination(source, target)
            if isinstance(target, Array) and len(target) and isinstance(target[0], Dictionary):
                target = Array([pdf.copy_foreign(target[0]), *list(target)[1:]])
        if isinstance(target, Array) and len(target):
            page = target[0]
            if isinstance(page, Dictionary) and page.objgen in pages:
                return target
        return None

    def clean(chain_first: Dictionary, depth: int) -> list[Dictionary]:
        nonlocal count
        level = []
        node = chain_first
        while isinstance(node, Dictionary) and node.objgen not in seen and count < limit:
            seen.add(node.objgen)
            count += 1
            target = destination(node)
            for key in list(node.keys()):
                if Name(key) not in _OUTLINE_KEYS:
                    del node[key]
            if target is None:
                if Name.Dest in node:
                    del node[Name.Dest]
            else:
                node.Dest = target
            level.append(node)
            child = node.get(Name.First)
            if isinstance(child, Dictionary) and depth < 16:
                kids = clean(child, depth + 1)
                if kids:
                    node.First, node.Last = kids[0], kids[-1]
                else:
                    for key in (Name.First, Name.Last, Name.Count):
                        if key in node:
                            del node[key]
            node = node.get(Name.Next)
        if level and Name.Next in level[-1]:
            del level[-1].Next
        return level

    top = clean(first, 0)
    return top


def _named_destination(source: pikepdf.Pdf, name) -> Array | None:
    try:
        if isinstance(name, String):
            names = source.Root.get(Name.Names)
            if isinstance(names, Dictionary) and isinstance(names.get(Name.Dests), Dictionary):
                tree = pikepdf.NameTree(names.Dests)
                value = tree.get(str(name))
            else:
                return None
        else:
            dests = source.Root.get(Name.Dests)
            value = dests.get(name) if isinstance(dests, Dictionary) else None
    except Exception:  # a broken destination tree is ignored
        return None
    if isinstance(value, Dictionary):
        value = value.get(Name.D)
    return value if isinstance(value, Array) else None


def write_metadata(
    pdf: pikepdf.Pdf,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    created_iso: str,
    claims_pdf_ua: bool,
) -> None:
    """Title, author and subject in both the document information and XMP. PDF/UA is claimed
    only when every page is one the portal rendered itself and tagged."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
        meta["dc:description"] = subject
        meta["pdf:Keywords"] = keywords
        meta["pdf:Producer"] = f"WeasyPrint and pikepdf {pikepdf.__version__}"
        meta["xmp:CreatorTool"] = "Board papers portal"
        meta["xmp:CreateDate"] = created_iso
        meta["xmp:ModifyDate"] = created_iso
        meta["xmp:MetadataDate"] = created_iso
        if not claims_pdf_ua and "pdfuaid:part" in meta:
            del meta["pdfuaid:part"]
        for key in ("pdfaid:part", "pdfaid:conformance", "pdfxid:GTS_PDFXVersion"):
            if key in meta:
                del meta[key]
    pdf.Root.Lang = String("en-GB")
    preferences = pdf.Root.get(Name.ViewerPreferences)
    if not isinstance(preferences, Dictionary):
        preferences = Dictionary()
        pdf.Root.ViewerPreferences = preferences
    preferences.DisplayDocTitle = True
    if Name.OutputIntents in pdf.Root and not claims_pdf_ua:
        # An output intent is a PDF/A or PDF/X claim; the pack makes neither.
        del pdf.Root[Name.OutputIntents]
