"""Small PDFs that are costly to read, made with pikepdf as an attacker would."""

import functools
import io
import struct
import zlib

import pikepdf


def _helvetica():
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )


def _save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def form_fan_out(levels: int = 24) -> bytes:
    """About 5 KB: a form that draws the form below it twice, 24 levels deep, so one page
    draws 2^24 pieces of text. Read without limits it takes gigabytes."""
    pdf = pikepdf.new()
    leaf = pikepdf.Stream(pdf, b"BT /F1 1 Tf (x) Tj ET")
    leaf.Type, leaf.Subtype, leaf.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 10, 10]
    leaf.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=_helvetica()))
    below = pdf.make_indirect(leaf)
    for _ in range(levels):
        form = pikepdf.Stream(pdf, b"/X Do /X Do")
        form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 9, 9]
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=below))
        below = pdf.make_indirect(form)
    page = pdf.add_blank_page()
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=below))
    page.obj.Contents = pdf.make_indirect(pikepdf.Stream(pdf, b"/X Do"))
    return _save(pdf)


def many_pages(count: int = 6000) -> bytes:
    """A few hundred KB: thousands of pages sharing one page of text; slow, not big, to read."""
    pdf = pikepdf.new()
    text = pdf.make_indirect(
        pikepdf.Stream(pdf, b"BT /F1 12 Tf 72 720 Td (Agenda item text) Tj ET" * 50)
    )
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=_helvetica())))
    for _ in range(count):
        page = pdf.add_blank_page()
        page.obj.Resources, page.obj.Contents = resources, text
    return _save(pdf)


@functools.cache
def inflation_bomb(megabytes: int = 450) -> bytes:
    """About half a megabyte: one page whose content stream inflates to ``megabytes`` MB of
    zeros. One megabyte is deflated once and its block repeated (a full flush makes each block
    stand alone), so making it costs the test a fraction of a second and little memory."""
    deflater = zlib.compressobj(9)
    zeros = bytes(1 << 20)
    first = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)  # with the header
    block = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(zeros, checksum)
    # An empty final block, then the Adler-32 of everything: a well-formed zlib stream.
    compressed = first + block * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", checksum)
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    content = pikepdf.Stream(pdf, b"")
    content.write(compressed, filter=pikepdf.Name.FlateDecode)
    page.obj.Contents = pdf.make_indirect(content)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def oversized_page(inches: int = 300) -> bytes:
    """A page ``inches`` inches on a side (a reader allocates for its area)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()  # pikepdf itself keeps to the 200-inch limit of PDF 1.7
    page.obj.MediaBox = [0, 0, inches * 72, inches * 72]
    return _save(pdf)


def deep_page_tree(levels: int = 60) -> bytes:
    """One page under ``levels`` page-tree nodes, each with one child."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    node = page.obj
    root_pages = pdf.Root.Pages
    for _ in range(levels):
        parent = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Pages, Kids=[node], Count=1)
        )
        node.Parent = parent
        node = parent
    root_pages.Kids = [node]
    node.Parent = root_pages
    return _save(pdf)
