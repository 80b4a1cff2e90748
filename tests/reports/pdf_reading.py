"""Reading built packs back for the tests: text per page, where the stamps stand, sizes as seen.

Independent of the code under test: it reads the PDF with PDFium (pypdfium2) and works out the
page as seen from its CropBox and /Rotate itself. Stamps are recognised by their font, the
Liberation Sans subsets the pack builder names "PackStamp-..."; everything else on a page is the
page's own text.
"""

from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c

STAMP_FONT_PREFIX = "PackStamp"


@dataclass
class Char:
    text: str
    box: tuple[float, float, float, float]  # in the page as seen: origin bottom left, points
    font: str

    @property
    def is_stamp(self) -> bool:
        return STAMP_FONT_PREFIX in self.font


@dataclass
class PageView:
    number: int  # 1-based
    width: float  # as seen
    height: float
    text: str
    chars: list[Char]  # those within EDGE_BAND of the top or the foot

    def stamps(self) -> list[tuple[str, tuple[float, float, float, float]]]:
        """Each stamp on the page as (text, box as seen)."""
        runs: list[list[Char]] = []
        for char in self.chars:
            if not char.is_stamp:
                continue
            if not char.text.strip():
                if runs:
                    runs[-1].append(char)
                continue
            solid = [c for c in runs[-1] if c.text.strip()] if runs else []
            last = solid[-1] if solid else None
            if (
                last is not None
                and abs((last.box[1] + last.box[3]) / 2 - (char.box[1] + char.box[3]) / 2) < 4
                and -1 < char.box[0] - last.box[2] < 8
            ):
                runs[-1].append(char)
            else:
                runs.append([char])
        found = []
        for run in runs:
            text = "".join(c.text for c in run).strip()
            solid = [c for c in run if c.text.strip()]
            box = (
                min(c.box[0] for c in solid),
                min(c.box[1] for c in solid),
                max(c.box[2] for c in solid),
                max(c.box[3] for c in solid),
            )
            found.append((text, box))
        return found

    def stamp(self, pattern: str) -> tuple[str, tuple[float, float, float, float]] | None:
        for text, box in self.stamps():
            if re.fullmatch(pattern, text):
                return text, box
        return None

    def own_text_boxes(self) -> list[tuple[float, float, float, float]]:
        return [c.box for c in self.chars if not c.is_stamp and c.text.strip()]


def _view(x: float, y: float, crop, rotation: int) -> tuple[float, float]:
    """User space to the page as seen (PDF /Rotate turns the page clockwise)."""
    x0, y0, x1, y1 = crop
    if rotation == 90:
        return y - y0, x1 - x
    if rotation == 180:
        return x1 - x, y1 - y
    if rotation == 270:
        return y1 - y, x - x0
    return x - x0, y - y0


def _font_name(textpage, index: int) -> str:
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, 256, ctypes.byref(flags))
    return buffer.value.decode("latin-1", "replace")


# Only the characters this close to the top or the foot of a page (as seen) are read one by
# one: that is where stamps stand, and reading every character of a pack is slow.
EDGE_BAND = 90.0


def read_pages(data: bytes, pages: range | None = None) -> list[PageView]:
    document = pypdfium2.PdfDocument(data)
    views = []
    left, bottom = ctypes.c_double(), ctypes.c_double()
    right, top = ctypes.c_double(), ctypes.c_double()
    try:
        for index in pages if pages is not None else range(len(document)):
            page = document[index]
            rotation = page.get_rotation()
            crop = page.get_cropbox()
            width, height = page.get_size()
            textpage = page.get_textpage()
            chars = []
            for n in range(textpage.count_chars()):
                pdfium_c.FPDFText_GetCharBox(
                    textpage.raw, n, ctypes.byref(left), ctypes.byref(right),
                    ctypes.byref(bottom), ctypes.byref(top),
                )  # fmt: skip
                corners = [
                    _view(x, y, crop, rotation)
                    for x, y in (
                        (left.value, bottom.value),
                        (right.value, bottom.value),
                        (left.value, top.value),
                        (right.value, top.value),
                    )
                ]
                xs = [c[0] for c in corners]
                ys = [c[1] for c in corners]
                box = (min(xs), min(ys), max(xs), max(ys))
                if box[1] > EDGE_BAND and box[3] < height - EDGE_BAND:
                    continue
                text = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, n))
                chars.append(Char(text, box, _font_name(textpage, n)))
            views.append(
                PageView(
                    index + 1,
                    width,
                    height,
                    textpage.get_text_range().replace("\r\n", "\n"),
                    chars,
                )
            )
            textpage.close()
            page.close()
    finally:
        document.close()
    return views


def page_texts(data: bytes) -> list[str]:
    """The text of each page (fast: no character boxes)."""
    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
        return texts
    finally:
        document.close()


def page_count(data: bytes) -> int:
    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def page_text(data: bytes, index: int) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        textpage = document[index].get_textpage()
        return textpage.get_text_range().replace("\r\n", "\n")
    finally:
        document.close()


def all_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            texts.append(textpage.get_text_range())
        return "\n".join(texts)
    finally:
        document.close()


def flat(text: str) -> str:
    """Whitespace (line breaks of the layout) as single spaces."""
    return re.sub(r"\s+", " ", text.replace("\ufffe", "-")).strip()


def in_order(text: str, phrases: list[str]) -> list[str]:
    """The phrases not found in ``text`` after the one before them (empty when all are)."""
    missing, at = [], 0
    haystack = flat(text)
    for phrase in phrases:
        found = haystack.find(flat(phrase), at)
        if found < 0:
            missing.append(phrase)
        else:
            at = found + len(flat(phrase))
    return missing


def outline(data: bytes) -> list[tuple[int, str, int | None]]:
    """(depth, title, 1-based page) for every bookmark, in order."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        with pdf.open_outline() as tree:

            def walk(items, depth):
                for item in items:
                    destination = item.destination
                    if destination is None and item.action is not None:
                        destination = item.action.get("/D")
                    page = None
                    if isinstance(destination, pikepdf.Array) and len(destination):
                        page = pages.get(destination[0].objgen)
                    found.append((depth, str(item.title), page))
                    walk(item.children, depth + 1)

            walk(tree.root, 0)
    return found


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
