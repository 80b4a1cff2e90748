"""Small PDFs that are costly to read, made with pikepdf as an attacker would."""

import io

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
