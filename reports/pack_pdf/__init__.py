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

Which module owns which job (``stamps`` imports ``geometry``; ``structure`` imports neither):

* ``geometry``: where each page is seen (``Frame``, ``page_frame``, the matrices), reading an
  upload's text near its edges (``analyse_pdf``), CSS pixels in points (``pdf_points``).
* ``stamps``: the stamp font, where the stamps of a page stand (``plan_stamps``), whether a
  page needs clearing and how (``needs_clearance``, ``clearance_matrix``), and drawing them
  (``Stamper``).
* ``structure``: the pack's structure tags (``Structure``), outline (``Bookmark``,
  ``write_outline``, ``carry_outline``) and metadata (``write_metadata``).

Every name is re-exported here, so callers keep using ``reports.pack_pdf.<name>``.
"""

from __future__ import annotations

from .geometry import (
    ANALYSIS_BAND,
    ANALYSIS_VERSION,
    IDENTITY,
    Frame,
    Matrix,
    Rect,
    analyse_pdf,
    apply,
    ceil_int,
    display_matrix,
    map_rect,
    mat_inv,
    mat_mul,
    overlaps,
    page_frame,
    pdf_points,
)
from .stamps import (
    FIRST_CHAR,
    FONT_DIR,
    ITEM_STAMP_BASELINE,
    ITEM_STAMP_RIGHT,
    ITEM_STAMP_SIZE,
    LAST_CHAR,
    PAGE_STAMP_BASELINE,
    PAGE_STAMP_SIZE,
    SMALL_PAGE,
    STAMP_BAND_BOTTOM,
    STAMP_BAND_TOP,
    STAMP_PAD,
    FontData,
    Stamp,
    Stamper,
    annotation_boxes,
    clearance_matrix,
    font_data,
    needs_clearance,
    plan_stamps,
    stamp_bold,
    stamp_regular,
    stamp_text,
)
from .structure import Bookmark, Structure, carry_outline, write_metadata, write_outline

__all__ = [
    "ANALYSIS_BAND",
    "ANALYSIS_VERSION",
    "FIRST_CHAR",
    "FONT_DIR",
    "IDENTITY",
    "ITEM_STAMP_BASELINE",
    "ITEM_STAMP_RIGHT",
    "ITEM_STAMP_SIZE",
    "LAST_CHAR",
    "PAGE_STAMP_BASELINE",
    "PAGE_STAMP_SIZE",
    "SMALL_PAGE",
    "STAMP_BAND_BOTTOM",
    "STAMP_BAND_TOP",
    "STAMP_PAD",
    "Bookmark",
    "FontData",
    "Frame",
    "Matrix",
    "Rect",
    "Stamp",
    "Stamper",
    "Structure",
    "analyse_pdf",
    "annotation_boxes",
    "apply",
    "carry_outline",
    "ceil_int",
    "clearance_matrix",
    "display_matrix",
    "font_data",
    "map_rect",
    "mat_inv",
    "mat_mul",
    "needs_clearance",
    "overlaps",
    "page_frame",
    "pdf_points",
    "plan_stamps",
    "stamp_bold",
    "stamp_regular",
    "stamp_text",
    "write_metadata",
    "write_outline",
]
