"""A paper's text as a document: headings, paragraphs, lists and tables, page by page.

The document page shows these blocks instead of the raw lines a PDF's text layer gives, so a
reader who cannot use the PDF gets the headings to move by, the lists and the tables. They are
read once, in the task worker (``reports.tasks.analyse_upload``, in a limited child process like
every other read of an upload), never on a request.

Where they come from, best first:

1. A tagged PDF (``/StructTreeRoot``: WeasyPrint with ``pdf_variant="pdf/ua-1"``, Word and
   LibreOffice with tagging on): the structure elements (H1-H6, P, L/LI, Table/TR/TH/TD) walked
   with pikepdf, each element's marked content turned into text with PDFium's text page (which
   character belongs to which marked-content id). A page whose tags cover little of its text
   (tags broken or partial) is read as an untagged one.
2. An untagged PDF: the layout. Lines in a larger font than the body text are headings (the
   largest size level 1), a short line wholly in bold is a heading below those, lines that
   start with a bullet or a number are list items, and lines close together are joined into
   paragraphs. Tables cannot be told from text columns reliably without tags, so their cells
   stay paragraphs (one per line).
3. A Word document (``docx_blocks``): paragraphs by style (Title, Heading 1-6), list items by
   numbering, and tables, from the .docx itself; deleted revisions and hidden text are left
   out. They are given to the PDF pages by finding each block's words in the pages' text.

A block is a small dict that JSON stores as it is: ``{"kind": "heading", "level": 1-6,
"text": ...}``, ``{"kind": "paragraph", "text": ...}``, ``{"kind": "list", "ordered": bool,
"items": [...]}``, ``{"kind": "table", "rows": [[{"text": ..., "header": bool}, ...]]}``. Only
text is kept: the page escapes it, so nothing of the PDF or the Word file becomes markup.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
from django.urls import reverse

# The document page shows this many PDF pages at a time.
PAGES_PER_SCREEN = 20

# Stored with the blocks, so blocks read by an older version of these rules can be read again.
STRUCTURE_VERSION = 1

MAX_BLOCK_CHARS = 20_000
MAX_BLOCKS_PER_PAGE = 2_000

Block = dict

_SPACES = re.compile(r"\s+")


def _tidy(text: str) -> str:
    # PDFium marks a hyphen that ends a line as U+FFFE (see reports.pdf._clean_text).
    text = text.replace("\ufffe", "-").replace("\x00", "")
    return _SPACES.sub(" ", text).strip()[:MAX_BLOCK_CHARS]


def screen_of(page_number: int) -> int:
    """The screen (``?page=``) of the document page that shows this PDF page."""
    return max(page_number - 1, 0) // PAGES_PER_SCREEN + 1


def document_page_url(report_id: int, page_number: int) -> str:
    """The document page's address that shows this PDF page, with the page's anchor."""
    url = reverse("document-detail", args=[report_id])
    screen = screen_of(page_number)
    query = f"?page={screen}" if screen > 1 else ""
    return f"{url}{query}#page-{page_number}"


# PDFium: the characters of a page, with their marked-content id, size, weight and position.


@dataclass
class _Char:
    text: str
    mcid: int | None
    size: float
    bold: bool
    left: float
    bottom: float
    right: float
    top: float


def _chars(page: pypdfium2.PdfPage, textpage: pypdfium2.PdfTextPage) -> list[_Char]:
    raw = textpage.raw
    chars: list[_Char] = []
    matrix = pdfium_c.FS_MATRIX()
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    box = tuple(ctypes.byref(v) for v in (left, right, bottom, top))
    last_object, last_mcid = None, None
    font_name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    # A text object has one font at one size: read them once per object, not per character.
    style_of: dict[int, tuple[float, bool]] = {}
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        text = chr(code) if 0 < code < 0x110000 else ""
        obj = pdfium_c.FPDFText_GetTextObject(raw, index)
        if not obj:  # a space or line break PDFium added: it belongs with the text before it
            chars.append(_Char(text, last_mcid, 0.0, False, 0, 0, 0, 0))
            continue
        address = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if address != last_object:
            last_object = address
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj)
            last_mcid = mcid if mcid >= 0 else None
        style = style_of.get(address)
        if style is None:
            size = pdfium_c.FPDFText_GetFontSize(raw, index)
            if pdfium_c.FPDFText_GetMatrix(raw, index, matrix):
                size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
            weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
            pdfium_c.FPDFText_GetFontInfo(raw, index, font_name, 128, ctypes.byref(flags))
            name = font_name.value.decode("latin-1", "replace").lower()
            style = (round(size, 1), weight >= 600 or "bold" in name or "black" in name)
            style_of[address] = style
        if not text.strip():  # a space: its box does not matter
            chars.append(_Char(text, last_mcid, style[0], style[1], 0, 0, 0, 0))
            continue
        pdfium_c.FPDFText_GetCharBox(raw, index, *box)
        chars.append(
            _Char(
                text,
                last_mcid,
                style[0],
                style[1],
                left.value,
                bottom.value,
                right.value,
                top.value,
            )
        )
    return chars


# Tagged PDFs: the structure tree.

_CONTAINERS = {
    "Document", "DocumentFragment", "Part", "Art", "Sect", "Div", "NonStruct", "Private",
    "BlockQuote", "TOC", "Index", "Aside", "Annot", "Form",
}  # fmt: skip
_SKIPPED = {"Artifact", "Figure", "Formula"}
_HEADING = re.compile(r"^H([1-6])?$")
_ORDERED_LABEL = re.compile(r"^\(?([0-9]+|[a-zA-Z]|[ivxlcIVXLC]+)[.)]")


@dataclass
class _Node:
    kind: str
    kids: list = field(default_factory=list)  # _Node or (page index, mcid)


def _struct_tree(pdf: pikepdf.Pdf) -> _Node | None:
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary) or "/K" not in root:
        return None
    page_index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    role_map = root.get("/RoleMap")
    role_map = role_map if isinstance(role_map, pikepdf.Dictionary) else {}
    seen: set[tuple[int, int]] = set()

    def kind_of(element: pikepdf.Dictionary) -> str:
        name = element.get("/S")
        for _ in range(8):  # a role map may chain; never loop on one that cycles
            mapped = role_map.get(str(name)) if name is not None else None
            if mapped is None:
                break
            name = mapped
        return str(name)[1:] if name is not None else ""

    def page_of(obj, inherited: int | None) -> int | None:
        pg = obj.get("/Pg") if isinstance(obj, pikepdf.Dictionary) else None
        if pg is not None:
            return page_index.get(pg.objgen, inherited)
        return inherited

    def build(element, page: int | None, depth: int) -> _Node | None:
        if depth > 100:
            return None
        if element.is_indirect:
            if element.objgen in seen:  # a tree that points back into itself
                return None
            seen.add(element.objgen)
        node = _Node(kind_of(element))
        page = page_of(element, page)
        kids = element.get("/K")
        if kids is None:
            return node
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if not isinstance(kid, pikepdf.Dictionary):
                try:
                    mcid = int(kid)
                except (TypeError, ValueError):
                    continue
                if page is not None:
                    node.kids.append((page, mcid))
            elif isinstance(kid, pikepdf.Dictionary):
                kid_type = kid.get("/Type")
                if kid_type == pikepdf.Name.MCR:
                    if "/Stm" in kid:  # content in a form XObject: not read here
                        continue
                    kid_page = page_of(kid, page)
                    if kid_page is not None and "/MCID" in kid:
                        node.kids.append((kid_page, int(kid.MCID)))
                elif kid_type == pikepdf.Name.OBJR:
                    continue
                else:
                    child = build(kid, page, depth + 1)
                    if child is not None:
                        node.kids.append(child)
        return node

    top = _Node("Document")
    kids = root.K
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            child = build(kid, None, 0)
            if child is not None:
                top.kids.append(child)
    return top


class _Tagged:
    """Turns the structure tree into blocks, page by page, given each page's text by mcid."""

    def __init__(self, texts: dict[int, dict[int, str]]):
        self.texts = texts  # page index -> mcid -> text
        self.pages: dict[int, list[Block]] = defaultdict(list)

    def text_by_page(self, node: _Node, skip: frozenset[str] = frozenset()) -> dict[int, str]:
        pieces: dict[int, list[str]] = defaultdict(list)

        def gather(n: _Node) -> None:
            for kid in n.kids:
                if isinstance(kid, _Node):
                    if kid.kind not in skip and kid.kind not in _SKIPPED:
                        gather(kid)
                else:
                    page, mcid = kid
                    text = self.texts.get(page, {}).get(mcid)
                    if text:
                        pieces[page].append(text)

        gather(node)
        return {
            page: joined
            for page, parts in sorted(pieces.items())
            if (joined := _tidy(" ".join(parts)))
        }

    def add(self, page: int, block: Block) -> None:
        self.pages[page].append(block)

    def walk(self, node: _Node) -> None:
        kind = node.kind
        heading = _HEADING.match(kind)
        if kind in _SKIPPED:
            return
        if heading or kind == "Title":
            level = int(heading.group(1) or 1) if heading else 1
            for page, text in self.text_by_page(node).items():
                self.add(page, {"kind": "heading", "level": level, "text": text})
        elif kind == "L":
            self.list(node)
        elif kind == "Table":
            self.table(node)
        elif kind in _CONTAINERS or not kind:
            loose: list = []
            for kid in node.kids:
                if isinstance(kid, _Node) and not _inline(kid):
                    self.paragraphs(_Node("P", loose))
                    loose = []
                    self.walk(kid)
                else:
                    loose.append(kid)
            self.paragraphs(_Node("P", loose))
        else:  # P, Caption, Note, Code, Quote, Lbl and anything unknown: a paragraph
            if any(isinstance(k, _Node) and not _inline(k) for k in node.kids):
                self.walk(_Node("Div", node.kids))
            else:
                self.paragraphs(node)

    def paragraphs(self, node: _Node) -> None:
        if node.kids:
            for page, text in self.text_by_page(node).items():
                self.add(page, {"kind": "paragraph", "text": text})

    def list(self, node: _Node) -> None:
        items: dict[int, list[str]] = defaultdict(list)
        ordered = None
        for item in _descend(node, {"LI"}, through=set()):
            label = next((k for k in item.kids if isinstance(k, _Node) and k.kind == "Lbl"), None)
            if label is not None and ordered is None:
                label_text = " ".join(self.text_by_page(label).values())
                ordered = bool(_ORDERED_LABEL.match(label_text))
            for page, text in self.text_by_page(item, skip=frozenset({"Lbl"})).items():
                items[page].append(text)
        for page, texts in sorted(items.items()):
            self.add(page, {"kind": "list", "ordered": bool(ordered), "items": texts})

    def table(self, node: _Node) -> None:
        rows: dict[int, list[list[dict]]] = defaultdict(list)
        for row in _descend(node, {"TR"}, through={"THead", "TBody", "TFoot"}):
            cells = [k for k in row.kids if isinstance(k, _Node) and k.kind in ("TH", "TD")]
            by_page: dict[int, list[dict]] = {}
            texts = [self.text_by_page(cell) for cell in cells]
            for page in sorted({p for t in texts for p in t}):
                by_page[page] = [
                    {"text": t.get(page, ""), "header": cell.kind == "TH"}
                    for cell, t in zip(cells, texts, strict=True)
                ]
            for page, cells_here in by_page.items():
                rows[page].append(cells_here)
        for page, page_rows in sorted(rows.items()):
            self.add(page, {"kind": "table", "rows": page_rows})


def _inline(node: _Node) -> bool:
    return node.kind in {
        "Span", "Link", "Em", "Strong", "Sub", "Quote", "Code", "Reference", "BibEntry",
        "Ruby", "Warichu", "Note", "Lbl", "",
    }  # fmt: skip


def _descend(node: _Node, wanted: set[str], through: set[str]) -> Iterator[_Node]:
    for kid in node.kids:
        if not isinstance(kid, _Node):
            continue
        if kid.kind in wanted:
            yield kid
        elif kid.kind in through:
            yield from _descend(kid, wanted, through)


def _tagged_text(chars: list[_Char]) -> dict[int, str]:
    pieces: dict[int, list[str]] = defaultdict(list)
    for char in chars:
        if char.mcid is not None:
            pieces[char.mcid].append(char.text)
    return {mcid: "".join(parts) for mcid, parts in pieces.items()}


def _covered(blocks: list[Block], chars: list[_Char]) -> float:
    """How much of the page's visible text the blocks hold (0 to 1)."""
    visible = sum(1 for c in chars if c.text.strip())
    if not visible:
        return 1.0
    held = sum(len(re.sub(r"\s", "", t)) for b in blocks for t in _block_texts(b))
    return held / visible


def _block_texts(block: Block) -> list[str]:
    if block["kind"] == "list":
        return list(block["items"])
    if block["kind"] == "table":
        return [cell["text"] for row in block["rows"] for cell in row]
    return [block["text"]]


# Untagged PDFs: the layout.


@dataclass
class _Line:
    text: str
    size: float
    bold: bool
    left: float
    top: float
    bottom: float


# A bullet glyph (Word's Symbol-font bullets are in the private use area), or a dash, star,
# plus (Tesseract's reading of a small bullet) or Word's "o" followed by a space.
_BULLET = re.compile(r"^\s*(?:[•●▪■◦‣∙·\uf0b7\uf0a7\uf0d8]\s*|[+*–—o-]\s+)")
_NUMBERED = re.compile(r"^\s*(\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+(?=\S)")


def _lines(chars: list[_Char]) -> list[_Line | None]:
    """The page's lines in PDFium's reading order; None where a blank line stands."""
    lines: list[_Line | None] = []
    current: list[_Char] = []

    def close() -> None:
        visible = [c for c in current if c.text.strip() and c.size > 0]
        text = _tidy("".join(c.text for c in current))
        if not text or not visible:
            if lines and lines[-1] is not None:
                lines.append(None)
        else:
            size = Counter(c.size for c in visible).most_common(1)[0][0]
            lines.append(
                _Line(
                    text,
                    size,
                    all(c.bold for c in visible),
                    min(c.left for c in visible),
                    max(c.top for c in visible),
                    min(c.bottom for c in visible),
                )
            )
        current.clear()

    for char in chars:
        if char.text == "\n":
            close()
        elif char.text != "\r":
            current.append(char)
    close()
    return lines


class _Layout:
    """Headings, lists and paragraphs from font sizes and line positions, for one document."""

    def __init__(self, pages: list[list[_Line | None]]):
        sizes: Counter[float] = Counter()
        for lines in pages:
            for line in lines:
                if line is not None:
                    sizes[line.size] += len(line.text)
        self.body = sizes.most_common(1)[0][0] if sizes else 10.0
        big = sorted({s for s in sizes if s >= self.body * 1.2}, reverse=True)
        # The largest sizes are levels 1, 2 and 3; anything smaller but still large is level 3.
        self.levels = {size: min(n + 1, 3) for n, size in enumerate(big)}
        self.bold_level = min(len({min(n + 1, 3) for n in range(len(big))}) + 1, 4)

    def heading_level(self, line: _Line) -> int | None:
        if len(line.text) > 150 or not re.search(r"[^\W\d_]", line.text):
            return None
        if line.size in self.levels:
            return self.levels[line.size]
        if (
            line.bold
            and line.size >= self.body * 0.95
            and len(line.text) <= 100
            and not line.text.endswith((",", ";", ":"))
            and not _BULLET.match(line.text)
        ):
            return self.bold_level
        return None

    def blocks(self, lines: list[_Line | None]) -> list[Block]:
        blocks: list[Block] = []
        previous: _Line | None = None
        open_kind: str | None = None  # "heading", "paragraph" or "item": what a line may join
        item_left = 0.0

        def gap(line: _Line) -> float:
            return previous.bottom - line.top if previous is not None else 1e9

        for line in lines:
            if line is None:
                previous, open_kind = None, None
                continue
            level = self.heading_level(line)
            close = previous is not None and gap(line) < max(line.size, previous.size) * 0.7
            bullet = _BULLET.match(line.text)
            number = _NUMBERED.match(line.text)
            if level is not None:
                last = blocks[-1] if blocks else None
                if (
                    open_kind == "heading"
                    and close
                    and last is not None
                    and last["level"] == level
                    and previous is not None
                    and previous.size == line.size
                ):
                    last["text"] = _tidy(last["text"] + " " + line.text)
                else:
                    blocks.append({"kind": "heading", "level": level, "text": line.text})
                open_kind = "heading"
            elif bullet or number:
                ordered = bool(number) and not bullet
                text = line.text[(bullet or number).end() :].strip()
                if number:
                    text = f"{number.group(1)} {text}"  # the number as printed: lists restart
                last = blocks[-1] if blocks else None
                if not (
                    last is not None and last["kind"] == "list" and last["ordered"] == ordered
                ) or not (open_kind == "item" or close):
                    blocks.append({"kind": "list", "ordered": ordered, "items": []})
                    last = blocks[-1]
                if text:
                    last["items"].append(text)
                open_kind = "item"
                item_left = line.left
            elif open_kind == "item" and close and line.left > item_left + 1:
                last = blocks[-1]
                if last["items"]:
                    last["items"][-1] = _tidy(last["items"][-1] + " " + line.text)
                else:
                    last["items"].append(line.text)
            elif open_kind == "paragraph" and close and abs(line.size - previous.size) < 0.5:
                blocks[-1]["text"] = _tidy(blocks[-1]["text"] + " " + line.text)
            else:
                blocks.append({"kind": "paragraph", "text": line.text})
                open_kind = "paragraph"
            previous = line
        # A numbered list's items keep their printed numbers, so it is shown as a plain list.
        return [b for b in blocks if b["kind"] != "list" or b["items"]][:MAX_BLOCKS_PER_PAGE]


def pdf_blocks(data: bytes) -> tuple[str, list[list[Block]]]:
    """("tagged" or "layout", the blocks of each page). Run in a limited child process
    (``reports.pdf.run_limited``): it reads a file a clerk uploaded."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        try:
            tree = _struct_tree(pdf)
        except (pikepdf.PdfError, ValueError, TypeError, AttributeError, RecursionError):
            tree = None
    document = pypdfium2.PdfDocument(data)
    try:
        page_chars: list[list[_Char]] = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                page_chars.append(_chars(page, textpage))
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()

    tagged: dict[int, list[Block]] = {}
    if tree is not None:
        reader = _Tagged({n: _tagged_text(chars) for n, chars in enumerate(page_chars)})
        reader.walk(tree)
        tagged = reader.pages
    layout_lines = [_lines(chars) for chars in page_chars]
    layout = _Layout(layout_lines)
    result: list[list[Block]] = []
    used_tags = False
    for index, chars in enumerate(page_chars):
        blocks = tagged.get(index, [])
        if blocks and _covered(blocks, chars) >= 0.6:
            used_tags = True
            result.append(blocks[:MAX_BLOCKS_PER_PAGE])
        else:
            result.append(layout.blocks(layout_lines[index]))
    return ("tagged" if used_tags else "layout"), result


# Word documents.

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024


def _docx_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_DOCX_XML_BYTES:
        raise ValueError(f"{name} is too large")
    data = archive.read(info)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise ValueError(f"{name} declares entities")  # no entity expansion, ever
    return ElementTree.fromstring(data)  # noqa: S314 (no DTD or entities: refused above)


def _val(element: ElementTree.Element | None, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return found.get(f"{_W}val") if found is not None else None


def _run_text(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []
    for run in paragraph.iter(f"{_W}r"):
        props = run.find(f"{_W}rPr")
        if props is not None and props.find(f"{_W}vanish") is not None:
            continue  # hidden text
        for child in run:
            if child.tag == f"{_W}t":
                parts.append(child.text or "")
            elif child.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                parts.append(" ")
    return _tidy("".join(parts))


def docx_blocks(data: bytes) -> list[Block]:
    """The blocks of a Word document, in order: headings by style (Title, Heading 1-6, or an
    outline level), list items by numbering (bulleted or numbered), tables. Text deleted in
    tracked changes (``w:delText``) and hidden text are not read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = _docx_xml(archive, "word/document.xml")
        styles = _docx_xml(archive, "word/styles.xml")
        numbering = _docx_xml(archive, "word/numbering.xml")
    if body is None:
        return []
    style_level: dict[str, int] = {}
    for style in styles.iter(f"{_W}style") if styles is not None else []:
        style_id = style.get(f"{_W}styleId") or ""
        name = (_val(style, f"{_W}name") or "").lower()
        outline = _val(style, f"{_W}pPr/{_W}outlineLvl")
        match = re.fullmatch(r"heading ([1-6])", name)
        if name == "title":
            style_level[style_id] = 1
        elif match:
            style_level[style_id] = int(match.group(1))
        elif outline is not None and outline.isdigit() and int(outline) < 6:
            style_level[style_id] = int(outline) + 1
    bullet_lists: set[tuple[str, str]] = set()
    if numbering is not None:
        abstract_bullets: set[tuple[str, str]] = set()
        for abstract in numbering.iter(f"{_W}abstractNum"):
            abstract_id = abstract.get(f"{_W}abstractNumId") or ""
            for level in abstract.iter(f"{_W}lvl"):
                if _val(level, f"{_W}numFmt") in ("bullet", "none"):
                    abstract_bullets.add((abstract_id, level.get(f"{_W}ilvl") or "0"))
        for num in numbering.iter(f"{_W}num"):
            abstract_id = _val(num, f"{_W}abstractNumId") or ""
            for abstract_key, ilvl in abstract_bullets:
                if abstract_key == abstract_id:
                    bullet_lists.add((num.get(f"{_W}numId") or "", ilvl))

    blocks: list[Block] = []
    body_element = body.find(f"{_W}body")
    for element in body_element if body_element is not None else []:
        if element.tag == f"{_W}p":
            text = _run_text(element)
            if not text:
                continue
            props = element.find(f"{_W}pPr")
            style = _val(props, f"{_W}pStyle") or ""
            outline = _val(props, f"{_W}outlineLvl")
            num_id = _val(props, f"{_W}numPr/{_W}numId")
            level = style_level.get(style)
            if level is None and outline is not None and outline.isdigit() and int(outline) < 6:
                level = int(outline) + 1
            if level is not None:
                blocks.append({"kind": "heading", "level": level, "text": text})
            elif num_id not in (None, "0") or "list" in style.lower():
                ilvl = _val(props, f"{_W}numPr/{_W}ilvl") or "0"
                ordered = num_id is not None and (num_id, ilvl) not in bullet_lists
                last = blocks[-1] if blocks else None
                if last is None or last["kind"] != "list" or last["ordered"] != ordered:
                    blocks.append({"kind": "list", "ordered": ordered, "items": []})
                blocks[-1]["items"].append(text)
            else:
                blocks.append({"kind": "paragraph", "text": text})
        elif element.tag == f"{_W}tbl":
            rows = []
            for row in element.iter(f"{_W}tr"):
                header = row.find(f"{_W}trPr/{_W}tblHeader") is not None
                cells = [
                    {
                        "text": _tidy(" ".join(_run_text(p) for p in cell.iter(f"{_W}p"))),
                        "header": header,
                    }
                    for cell in row.findall(f"{_W}tc")
                ]
                if any(c["text"] for c in cells):
                    rows.append(cells)
            if rows:
                blocks.append({"kind": "table", "rows": rows})
    return blocks


def _normalised(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def blocks_to_pages(blocks: list[Block], page_texts: list[str]) -> list[list[Block]]:
    """Give each block of a Word document to the PDF page its words start on (the PDF that
    LibreOffice made of it), so the page anchors stay right. A block whose words are not found
    goes with the block before it."""
    pages: list[list[Block]] = [[] for _ in page_texts]
    if not pages:
        return pages
    joined, starts = "", []
    for text in page_texts:
        starts.append(len(joined))
        joined += _normalised(text) + " "
    cursor, page = 0, 0
    for block in blocks:
        first = next((t for t in _block_texts(block) if _normalised(t)), "")
        probe = _normalised(first)[:60]
        found = joined.find(probe, cursor) if probe else -1
        if found >= 0:
            cursor = found + len(probe)
            while page + 1 < len(starts) and starts[page + 1] <= found:
                page += 1
        pages[page].append(block)
    return pages


def screen_blocks(pages) -> Iterator[tuple[object, list[Block]]]:
    """Each page with its blocks, heading levels set for the web page: the document's level 1
    is the page's ``h2`` (the title is the ``h1``), and a heading is never more than one level
    below the one before it, so the outline has no gaps."""
    previous = 1
    for page in pages:
        shown = []
        for block in page.blocks or []:
            if block.get("kind") == "heading":
                level = min(max(int(block.get("level", 1)) + 1, 2), previous + 1, 6)
                previous = level
                block = {**block, "level": level}
            elif block.get("kind") == "table":
                # A row all of headers heads the columns; a header cell among data heads a row.
                block = {
                    **block,
                    "rows": [
                        [
                            {**cell, "scope": "col" if all(c["header"] for c in row) else "row"}
                            for cell in row
                        ]
                        for row in block.get("rows", [])
                    ],
                }
            shown.append(block)
        yield page, shown
