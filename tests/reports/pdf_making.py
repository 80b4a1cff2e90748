"""Small PDFs with pages of any size, rotation and crop, and text exactly where a test wants it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

A4 = (595.0, 842.0)
A4_LANDSCAPE = (842.0, 595.0)
A3 = (842.0, 1191.0)


@dataclass
class PageSpec:
    size: tuple[float, float] = A4  # the MediaBox, in user space
    rotate: int = 0
    crop: tuple[float, float, float, float] | None = None
    # (x, y, text) in user space, 10 pt Helvetica
    lines: list[tuple[float, float, str]] = field(default_factory=list)
    link: tuple[float, float, float, float] | None = None  # a link annotation's /Rect


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[PageSpec], *, tagged_title: str | None = None) -> bytes:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for spec in pages:
        page = pdf.add_blank_page(page_size=spec.size)
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        ops = "".join(
            f"BT /F1 10 Tf {x} {y} Td ({_escape(text)}) Tj ET\n" for x, y, text in spec.lines
        )
        page.obj.Contents = pdf.make_stream(ops.encode("latin-1"))
        if spec.rotate:
            page.obj.Rotate = spec.rotate
        if spec.crop:
            page.obj.CropBox = Array(list(spec.crop))
        if spec.link:
            page.obj.Annots = Array(
                [
                    pdf.make_indirect(
                        Dictionary(
                            Type=Name.Annot,
                            Subtype=Name.Link,
                            Rect=Array(list(spec.link)),
                            Border=Array([0, 0, 0]),
                            A=Dictionary(S=Name.URI, URI=pikepdf.String("https://example.org/")),
                        )
                    )
                ]
            )
    if tagged_title:
        # A stand-in for a tagged upload (as Word writes them): a structure tree with a
        # paragraph per page and the page's text as marked content 0.
        root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array())
        )
        nums = Array()
        for n, page in enumerate(pdf.pages):
            paragraph = pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page.obj, K=0)
            )
            document.K.append(paragraph)
            page.obj.StructParents = n
            nums.extend([n, Array([paragraph])])
            content = page.obj.Contents.read_bytes()
            page.obj.Contents = pdf.make_stream(b"/P <</MCID 0>> BDC\n" + content + b"EMC\n")
        root.K = Array([document])
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
        root.ParentTreeNextKey = len(pdf.pages)
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.docinfo.Title = tagged_title
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
