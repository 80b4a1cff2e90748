"""How much an uploaded PDF may ask of the reader: pages, page size, nesting and inflated size.

A small file can describe a huge amount of work: a compressed stream of zeros that inflates to
gigabytes, twenty thousand pages that share one content stream, a page two miles wide, forms
that draw forms hundreds of levels deep. These checks read the file's structure with pikepdf
before anything draws or extracts it, inside ``reports.pdf.run_limited`` (which also caps
memory and time), and refuse what is over a limit with a message that names the limit.

Inflated size is counted stream by stream with a running total: a Flate stream is inflated in
pieces and its output counted and dropped, so a bomb costs what the limit allows and no more;
a stream's ``/DL`` (decoded length) hint, when given, refuses it before any inflating. The
image codecs (JPEG, JPEG 2000, fax, JBIG2) count as stored: scans are big by nature, and
their pixels are drawn a page at a time under the memory cap.
"""

from __future__ import annotations

import zlib

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError

MB = 1024 * 1024
POINTS_PER_INCH = 72
IMAGE_CODECS = {"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode"}
CHUNK = 64 * 1024


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def inflated_limit(file_size: int) -> int:
    """The most a file of this size may inflate to: a multiple of its size, at least the floor,
    never more than the absolute cap."""
    relative = max(settings.PDF_INFLATED_FLOOR_MB * MB, settings.PDF_INFLATION_RATIO * file_size)
    return min(settings.PDF_MAX_INFLATED_MB * MB, relative)


def check_limits(pdf: pikepdf.Pdf, file_size: int) -> None:
    """Refuse a file over any limit, saying which and what to do. Reads only."""
    check_pages(pdf)
    check_nesting(pdf)
    check_inflated_size(pdf, inflated_limit(file_size))


def check_pages(pdf: pikepdf.Pdf) -> None:
    limit = settings.PDF_MAX_PAGES
    count = len(pdf.pages)
    if count > limit:
        raise _refuse(
            f"This PDF has {count:,} pages; the limit is {limit:,} pages. Split it into "
            "smaller documents (for example one per appendix) and upload each.",
            "too_many_pages",
        )
    most = settings.PDF_MAX_PAGE_INCHES * POINTS_PER_INCH
    for number, page in enumerate(pdf.pages, start=1):
        try:
            box = [float(v) for v in page.mediabox]
            unit = float(page.obj.get("/UserUnit", 1))
        except (TypeError, ValueError, pikepdf.PdfError):
            continue  # a reader falls back to a default size
        width, height = abs(box[2] - box[0]) * unit, abs(box[3] - box[1]) * unit
        if width > most or height > most:
            raise _refuse(
                f"Page {number} of this PDF is {width / POINTS_PER_INCH:,.0f} by "
                f"{height / POINTS_PER_INCH:,.0f} inches; pages may be at most "
                f"{settings.PDF_MAX_PAGE_INCHES} inches on a side. Export it again at a paper "
                "size (A4 or A3, say) and upload that.",
                "page_too_large",
            )


def _nesting_refusal() -> ValidationError:
    return _refuse(
        "This PDF is built too deeply (pages or drawings nested more than "
        f"{settings.PDF_MAX_NESTING} levels). Print it to a new PDF and upload that.",
        "too_deep",
    )


def check_nesting(pdf: pikepdf.Pdf) -> None:
    """The page tree and the forms a page draws may not nest deeper than the limit; a form
    that draws itself is refused too."""
    limit = settings.PDF_MAX_NESTING
    for page in pdf.pages:
        depth, node = 0, page.obj
        while "/Parent" in node:
            node = node.Parent
            depth += 1
            if depth > limit:
                raise _nesting_refusal()
    depths: dict = {}
    for page in pdf.pages:
        _form_depth(page.obj, depths, set(), limit, 0)


def _xobjects(holder) -> list:
    resources = holder.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        return []
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, pikepdf.Dictionary):
        return []
    return [x for x in xobjects.values() if isinstance(x, pikepdf.Stream)]


def _form_depth(holder, depths: dict, path: set, limit: int, level: int) -> int:
    if level > limit:
        raise _nesting_refusal()
    deepest = 0
    for xobject in _xobjects(holder):
        if xobject.get("/Subtype") != pikepdf.Name.Form:
            continue
        key = xobject.objgen
        if key in path:
            raise _nesting_refusal()
        if key not in depths:
            path.add(key)
            depths[key] = _form_depth(xobject, depths, path, limit, level + 1)
            path.discard(key)
        deepest = max(deepest, depths[key] + 1)
        if level + deepest > limit:
            raise _nesting_refusal()
    return deepest


def _too_much(limit: int) -> ValidationError:
    return _refuse(
        f"This PDF expands to more than {limit / MB:,.0f} MB when read, far more than its "
        "size suggests: it may be damaged or built to overload a reader. Open it in a PDF "
        "reader, print it to a new PDF, and upload that.",
        "too_much_content",
    )


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return [str(v) for v in value]
    return [str(value)]


def _inflate_counting(raw: bytes, budget: int, limit: int) -> int:
    """The length ``raw`` inflates to, counted in pieces; refused past ``budget``."""
    inflater = zlib.decompressobj()
    total = 0
    for start in range(0, len(raw), CHUNK):
        data = raw[start : start + CHUNK]
        while data:
            try:
                piece = inflater.decompress(data, CHUNK * 16)
            except zlib.error:
                return total  # a reader stops at the damage too
            total += len(piece)
            if total > budget:
                raise _too_much(limit)
            data = inflater.unconsumed_tail
            if inflater.eof:
                return total
    return total


def check_inflated_size(pdf: pikepdf.Pdf, limit: int) -> int:
    """The sum of every stream's decoded length (image codecs as stored), refused past
    ``limit``. Returns the sum."""
    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        filters = [f for f in _filters(obj) if f not in IMAGE_CODECS]
        budget = limit - total
        try:
            hint = int(obj.get("/DL", 0))
        except (TypeError, ValueError):
            hint = 0
        if hint > budget:
            raise _too_much(limit)
        if not filters:
            size = int(obj.get("/Length", 0) or 0)
        elif filters == ["/FlateDecode"]:
            size = _inflate_counting(obj.read_raw_bytes(), budget, limit)
        else:
            try:
                size = len(obj.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized))
            except pikepdf.PdfError:
                size = int(obj.get("/Length", 0) or 0)
        total += size
        if total > limit:
            raise _too_much(limit)
    return total
