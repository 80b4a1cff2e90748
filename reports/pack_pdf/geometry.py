"""Where each page is seen: the matrices between a page as seen (inside its CropBox, upright
however /Rotate turns it, whatever its size) and its user space, and the text found near the
top and the foot of each page of an upload (``analyse_pdf``, read once per upload with PDFium).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pikepdf import Dictionary, Name

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# Upload analysis keeps the text found this close to the top or the foot of each page.
ANALYSIS_BAND = 72.0
ANALYSIS_VERSION = 1


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


def pdf_points(css_px: float) -> float:
    """WeasyPrint's CSS pixels (1/96 in) in PDF points (1/72 in)."""
    return css_px * 0.75


def ceil_int(value: float) -> int:
    return math.ceil(value - 1e-9)
