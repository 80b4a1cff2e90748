"""The PDF work behind a pack: where each page is seen, stamps, structure tags, outline, metadata.

Measured choice (docs/performance.md, "PDF packs"): the portal renders only its own pages with
WeasyPrint (front sheet, minutes, the members' exempt cover), pikepdf joins them with the
uploaded PDFs, and the stamps are drawn straight into each page as a few content-stream
operators in the shipped Liberation Sans. Nothing is re-rendered or re-compressed: an uploaded
page keeps its own content streams, and gains one shared stream before them and one small
stream after them.

Stamps are placed in the page as it is seen: inside its CropBox, upright however the page is
rotated (/Rotate) and whatever its size. Before a stamp goes onto an uploaded page, the text
found near that page's edges (``analyse_pdf``, read once per upload with PDFium) is checked
against the stamp's box; when they would touch, the page's content is scaled down a little
(never cropped) to clear the band the stamps use, so a stamp never covers text of the original.
The stored upload is only ever read.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.conf import settings
from pikepdf import Array, Dictionary, Name, OutlineItem, String

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# Stamp geometry, in points of the page as seen. The seed's stamps: "Agenda Item 3a" in bold at
# the top right of the first page of an item's documents, "Page 11" centred at the foot.
PAGE_STAMP_SIZE = 11.0
PAGE_STAMP_BASELINE = 22.0  # above the foot of the visible page
ITEM_STAMP_SIZE = 12.0
ITEM_STAMP_BASELINE = 34.0  # below the top of the visible page
ITEM_STAMP_RIGHT = 36.0  # from the right edge of the visible page
STAMP_PAD = 3.0  # white margin round a stamp's text
# The bands a stamp may use. Rendered pages keep their text out of them (pack.css margins);
# uploaded pages with text in a stamp's way are scaled into the space between them.
STAMP_BAND_BOTTOM = 40.0
STAMP_BAND_TOP = 48.0
# Upload analysis keeps the text found this close to the top or the foot of each page.
ANALYSIS_BAND = 72.0
ANALYSIS_VERSION = 1
# Below this size (points) a page's stamps are scaled down with it.
SMALL_PAGE = 300.0

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FIRST_CHAR, LAST_CHAR = 32, 126


# ---------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------


def mat_mul(a: Matrix, b: Matrix) -> Matrix:
    """The mapping p -> b(a(p)), matrices as PDF writes them: (a, b, c, d, e, f)."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (
        a0 * b0 + a1 * b2,
        a0 * b1 + a1 * b3,
        a2 * b0 + a3 * b2,
        a2 * b1 + a3 * b3,
        a4 * b0 + a5 * b2 + b4,
        a4 * b1 + a5 * b3 + b5,
    )


def mat_inv(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def map_rect(m: Matrix, rect: Rect) -> Rect:
    xs, ys = [], []
    for x, y in ((rect[0], rect[1]), (rect[2], rect[1]), (rect[0], rect[3]), (rect[2], rect[3])):
        px, py = apply(m, x, y)
        xs.append(px)
        ys.append(py)
    return (min(xs), min(ys), max(xs), max(ys))


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def display_matrix(box: Rect, rotate: int, user_unit: float = 1.0) -> tuple[Matrix, float, float]:
    """The matrix from the page as seen (origin at its bottom left, in points) to user space,
    with the visible width and height. ``box`` is the visible box (CropBox within MediaBox)
    and ``rotate`` the page's /Rotate, clockwise."""
    x0, y0, x1, y1 = box
    k = 1.0 / user_unit
    rotate %= 360
    if rotate == 90:
        return (0.0, k, -k, 0.0, x1, y0), (y1 - y0) * user_unit, (x1 - x0) * user_unit
    if rotate == 180:
        return (-k, 0.0, 0.0, -k, x1, y1), (x1 - x0) * user_unit, (y1 - y0) * user_unit
    if rotate == 270:
        return (0.0, -k, k, 0.0, x0, y1), (y1 - y0) * user_unit, (x1 - x0) * user_unit
    return (k, 0.0, 0.0, k, x0, y0), (x1 - x0) * user_unit, (y1 - y0) * user_unit


def _inherited(page: Dictionary, key: Name):
    node = page
    for _ in range(64):
        value = node.get(key)
        if value is not None:
            return value
        node = node.get(Name.Parent)
        if not isinstance(node, Dictionary):
            return None
    return None


def _as_rect(value) -> Rect | None:
    try:
        numbers = [float(v) for v in value]
    except (TypeError, ValueError):
        return None
    if len(numbers) != 4:
        return None
    x0, y0, x1, y1 = numbers
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


@dataclass(frozen=True)
class Frame:
    """A page as it is seen: its visible width and height in points, and the matrix from that
    view to the page's user space."""

    to_user: Matrix
    width: float
    height: float

    @property
    def to_view(self) -> Matrix:
        return mat_inv(self.to_user)


def page_frame(page: Dictionary) -> Frame:
    media = _as_rect(_inherited(page, Name.MediaBox)) or (0.0, 0.0, 612.0, 792.0)
    crop = _as_rect(_inherited(page, Name.CropBox)) or media
    visible = (
        max(crop[0], media[0]),
        max(crop[1], media[1]),
        min(crop[2], media[2]),
        min(crop[3], media[3]),
    )
    if visible[2] - visible[0] < 1 or visible[3] - visible[1] < 1:
        visible = media
    try:
        rotate = int(_inherited(page, Name.Rotate) or 0)
    except (TypeError, ValueError):
        rotate = 0
    if rotate % 90:
        rotate = 0
    try:
        user_unit = float(page.get(Name.UserUnit, 1) or 1)
    except (TypeError, ValueError):
        user_unit = 1.0
    to_user, width, height = display_matrix(visible, rotate, user_unit if user_unit > 0 else 1.0)
    return Frame(to_user, width, height)


# ---------------------------------------------------------------------------------------------
# Reading uploads: where their text stands near the edges
# ---------------------------------------------------------------------------------------------


def analyse_pdf(source: bytes | str | Path) -> list[dict]:
    """For each page: its visible size and the boxes (in the page as seen) of the text within
    ANALYSIS_BAND of its top or foot. Read once per uploaded file and kept by its hash."""
    import pypdfium2

    document = pypdfium2.PdfDocument(source)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                crop = _as_rect(page.get_cropbox()) or (0.0, 0.0, *page.get_size())
                to_user, width, height = display_matrix(crop, page.get_rotation())
                to_view = mat_inv(to_user)
                textpage = page.get_textpage()
                rects = []
                try:
                    for n in range(textpage.count_rects()):
                        left, bottom, right, top = textpage.get_rect(n)
                        view = map_rect(to_view, (left, bottom, right, top))
                        if view[1] < ANALYSIS_BAND or view[3] > height - ANALYSIS_BAND:
                            rects.append([round(v, 1) for v in view])
                finally:
                    textpage.close()
                pages.append({"w": round(width, 2), "h": round(height, 2), "text": rects})
            finally:
                page.close()
    finally:
        document.close()
    return pages


# ---------------------------------------------------------------------------------------------
# The stamp font: Liberation Sans, subset to printable ASCII, as a simple TrueType font
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontData:
    base_font: str
    data: bytes
    widths: tuple[int, ...]  # for FIRST_CHAR..LAST_CHAR, in 1/1000 em
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    stem_v: int

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[ord(ch) - FIRST_CHAR] for ch in text) * size / 1000.0


@functools.cache
def font_data(filename: str, tag: str, name: str) -> FontData:
    """The stamp font. Its name is its own ("PackStamp-..."), so the stamps of a pack can be
    told from any Liberation Sans text of the documents under them."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_DIR / filename, recalcTimestamp=False)
    upm = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    scale = 1000.0 / upm
    widths = tuple(
        round(hmtx[cmap[code]][0] * scale) if code in cmap else 0
        for code in range(FIRST_CHAR, LAST_CHAR + 1)
    )
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    for table in ("GSUB", "GPOS", "GDEF", "kern", "DSIG", "gasp", "FFTM"):
        # Dropped before subsetting: the stamps need no shaping, and reading these is slow.
        if table in font:
            del font[table]
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(FIRST_CHAR, LAST_CHAR + 1))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return FontData(
        base_font=f"{tag}+{name}",
        data=buffer.getvalue(),
        widths=widths,
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(getattr(os2, "sCapHeight", 0) * scale) or 700,
        bbox=bbox,  # type: ignore[arg-type]
        stem_v=120 if "Bold" in filename else 80,
    )


def stamp_regular() -> FontData:
    return font_data("LiberationSans-Regular.ttf", "BPSTPR", "PackStamp-Regular")


def stamp_bold() -> FontData:
    return font_data("LiberationSans-Bold.ttf", "BPSTPB", "PackStamp-Bold")


def _font_dictionary(pdf: pikepdf.Pdf, font: FontData) -> Dictionary:
    file_stream = pikepdf.Stream(pdf, font.data)
    file_stream.Length1 = len(font.data)
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + font.base_font),
        Flags=32,  # non-symbolic: WinAnsiEncoding names each glyph
        FontBBox=Array(list(font.bbox)),
        ItalicAngle=0,
        Ascent=font.ascent,
        Descent=font.descent,
        CapHeight=font.cap_height,
        StemV=font.stem_v,
        FontFile2=pdf.make_indirect(file_stream),
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.TrueType,
            BaseFont=Name("/" + font.base_font),
            FirstChar=FIRST_CHAR,
            LastChar=LAST_CHAR,
            Widths=Array(list(font.widths)),
            Encoding=Name.WinAnsiEncoding,
            FontDescriptor=pdf.make_indirect(descriptor),
        )
    )


def stamp_text(text: str) -> str:
    """What a stamp can print: printable ASCII (the stamp font's subset)."""
    return "".join(ch if FIRST_CHAR <= ord(ch) <= LAST_CHAR else "?" for ch in text)


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("ascii") + b")"


def _num(value: float) -> bytes:
    if abs(value - round(value)) < 1e-6:
        return str(round(value)).encode()
    return f"{value:.4f}".rstrip("0").rstrip(".").encode()


def _cm(m: Matrix) -> bytes:
    return b" ".join(_num(v) for v in m) + b" cm"


# ---------------------------------------------------------------------------------------------
# Stamping
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    text: str
    bold: bool
    size: float
    x: float  # baseline start, in the page as seen
    y: float
    box: Rect  # the white box behind it


def plan_stamps(frame: Frame, *, page_number: int | None, item_label: str | None) -> list[Stamp]:
    """Where the stamps of one page stand, in the page as seen."""
    width, height = frame.width, frame.height
    k = min(1.0, width / SMALL_PAGE, height / SMALL_PAGE)
    stamps = []
    if page_number is not None:
        font, size = stamp_regular(), PAGE_STAMP_SIZE * k
        text = f"Page {page_number}"
        text_width = font.width(text, size)
        x = (width - text_width) / 2
        y = PAGE_STAMP_BASELINE * k
        box = (
            x - STAMP_PAD * k,
            y + font.descent * size / 1000 - STAMP_PAD * k,
            x + text_width + STAMP_PAD * k,
            y + font.cap_height * size / 1000 + STAMP_PAD * k,
        )
        stamps.append(Stamp(text, False, size, x, y, box))
    if item_label:
        font, size = stamp_bold(), ITEM_STAMP_SIZE * k
        text = stamp_text(f"Agenda Item {item_label}")
        text_width = font.width(text, size)
        x = width - ITEM_STAMP_RIGHT * k - text_width
        y = height - ITEM_STAMP_BASELINE * k
        box = (
            x - STAMP_PAD * k,
            y + font.descent * size / 1000 - STAMP_PAD * k,
            x + text_width + STAMP_PAD * k,
            y + font.cap_height * size / 1000 + STAMP_PAD * k,
        )
        stamps.append(Stamp(text, True, size, x, y, box))
    return stamps


def clearance_matrix(frame: Frame, *, item_stamp: bool) -> Matrix:
    """The scaling, in the page as seen, that moves all of a page's content out of the stamp
    bands: uniform, centred across the page, so nothing is cropped or distorted."""
    k = min(1.0, frame.width / SMALL_PAGE, frame.height / SMALL_PAGE)
    bottom = STAMP_BAND_BOTTOM * k
    top = frame.height - (STAMP_BAND_TOP * k if item_stamp else 0.0)
    scale = (top - bottom) / frame.height
    return (scale, 0.0, 0.0, scale, (frame.width - frame.width * scale) / 2, bottom)


class Stamper:
    """Adds stamps to pages of one output PDF, sharing the font objects and the opening stream."""

    REGULAR = Name("/BPStampR")
    BOLD = Name("/BPStampB")

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self._fonts: dict[bool, Dictionary] = {}
        self._openers: dict[bytes, pikepdf.Stream] = {}

    def _font(self, bold: bool) -> Dictionary:
        if bold not in self._fonts:
            self._fonts[bold] = _font_dictionary(
                self.pdf, stamp_bold() if bold else stamp_regular()
            )
        return self._fonts[bold]

    def _opener(self, data: bytes) -> pikepdf.Stream:
        stream = self._openers.get(data)
        if stream is None:
            stream = self.pdf.make_indirect(pikepdf.Stream(self.pdf, data))
            self._openers[data] = stream
        return stream

    def _font_names(self, page: Dictionary, needed: Iterable[bool]) -> dict[bool, Name]:
        resources = page.get(Name.Resources)
        if resources is None:
            inherited = _inherited(page, Name.Resources)
            resources = Dictionary() if inherited is None else inherited
            page.Resources = resources
        fonts = resources.get(Name.Font)
        if not isinstance(fonts, Dictionary):
            fonts = Dictionary()
            resources.Font = fonts
        names = {}
        for bold in needed:
            ours = self._font(bold)
            base = self.BOLD if bold else self.REGULAR
            name, n = base, 1
            while name in fonts and fonts[name].objgen != ours.objgen:
                n += 1
                name = Name(f"{base}{n}")
            fonts[name] = ours
            names[bold] = name
        return names

    def stamp(
        self,
        page: Dictionary,
        frame: Frame,
        stamps: Sequence[Stamp],
        *,
        clearance: Matrix | None = None,
        marked_content: bytes = b"",
    ) -> None:
        """Draw ``stamps`` over ``page``. The page's own content is wrapped in q/Q (and, with
        ``clearance``, scaled into the space between the stamp bands and clipped there);
        ``marked_content`` opens a marked-content sequence round it that is closed before the
        stamps, which are pagination artifacts."""
        names = self._font_names(page, {s.bold for s in stamps})
        if clearance is None:
            opener = self._opener(b"q\n" + marked_content)
        else:
            to_user = frame.to_user
            content = mat_mul(mat_mul(mat_inv(to_user), clearance), to_user)
            clip = map_rect(to_user, (0.0, 0.0, frame.width, frame.height))
            opener = pikepdf.Stream(
                self.pdf,
                b"q\n"
                + _cm(content)
                + b"\n"
                + b" ".join(
                    _num(v) for v in (clip[0], clip[1], clip[2] - clip[0], clip[3] - clip[1])
                )
                + b" re W n\n"
                + marked_content,
            )
            _move_annotations(page, content)
        closing = [b"\n", b"EMC\n" if marked_content else b"", b"Q\nq\n", _cm(frame.to_user), b"\n"]
        for stamp in stamps:
            subtype = b"/Header" if stamp.bold else b"/Footer"
            x0, y0, x1, y1 = stamp.box
            closing += [
                b"/Artifact <</Type /Pagination /Subtype " + subtype + b">> BDC\n",
                b"1 g ",
                b" ".join(_num(v) for v in (x0, y0, x1 - x0, y1 - y0)),
                b" re f\n0 g BT ",
                bytes(names[stamp.bold]),
                b" ",
                _num(stamp.size),
                b" Tf ",
                _num(stamp.x),
                b" ",
                _num(stamp.y),
                b" Td ",
                _pdf_string(stamp.text),
                b" Tj ET\nEMC\n",
            ]
        closing.append(b"Q\n")
        contents = page.get(Name.Contents)
        if contents is None:
            existing: list = []
        elif isinstance(contents, Array):
            existing = list(contents)
        else:
            existing = [contents]
        page.Contents = Array(
            [opener, *existing, self.pdf.make_indirect(pikepdf.Stream(self.pdf, b"".join(closing)))]
        )


def _move_annotations(page: Dictionary, m: Matrix) -> None:
    """Annotations follow the content they sit on when it is scaled clear of the stamps."""
    for annot in page.get(Name.Annots, []) or []:
        if not isinstance(annot, Dictionary):
            continue
        rect = _as_rect(annot.get(Name.Rect))
        if rect is not None:
            annot.Rect = Array(list(map_rect(m, rect)))
        quads = annot.get(Name.QuadPoints)
        if isinstance(quads, Array) and len(quads) % 2 == 0:
            values = [float(v) for v in quads]
            moved = []
            for i in range(0, len(values), 2):
                moved.extend(apply(m, values[i], values[i + 1]))
            annot.QuadPoints = Array(moved)


def annotation_boxes(page: Dictionary, frame: Frame) -> list[Rect]:
    """Boxes of annotations that show text or fields (not links), in the page as seen."""
    boxes = []
    to_view = frame.to_view
    for annot in page.get(Name.Annots, []) or []:
        if not isinstance(annot, Dictionary):
            continue
        if annot.get(Name.Subtype) in (Name.Link, Name.Popup):
            continue
        rect = _as_rect(annot.get(Name.Rect))
        if rect is not None:
            boxes.append(map_rect(to_view, rect))
    return boxes


def needs_clearance(stamps: Sequence[Stamp], text_boxes: Iterable[Sequence[float]]) -> bool:
    boxes = [stamp.box for stamp in stamps]
    for text in text_boxes:
        rect = (float(text[0]), float(text[1]), float(text[2]), float(text[3]))
        if any(overlaps(rect, box) for box in boxes):
            return True
    return False


# ---------------------------------------------------------------------------------------------
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


def pdf_points(css_px: float) -> float:
    """WeasyPrint's CSS pixels (1/96 in) in PDF points (1/72 in)."""
    return css_px * 0.75


def ceil_int(value: float) -> int:
    return math.ceil(value - 1e-9)
