"""Stamps: "Page 11" centred at the foot of every page after the front sheet and "Agenda Item 3a"
at the top right of the first page of an item's documents, drawn straight into each page as a
few content-stream operators in the shipped Liberation Sans (subset to printable ASCII). When
an upload's text near the edges would touch a stamp, the page's content is scaled down a
little (never cropped) to clear the band the stamps use.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.conf import settings
from pikepdf import Array, Dictionary, Name

from .geometry import (
    Frame,
    Matrix,
    Rect,
    _as_rect,
    _inherited,
    apply,
    map_rect,
    mat_inv,
    mat_mul,
    overlaps,
)

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
# Below this size (points) a page's stamps are scaled down with it.
SMALL_PAGE = 300.0

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FIRST_CHAR, LAST_CHAR = 32, 126


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
