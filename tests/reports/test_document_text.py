"""A document's web page reads as a document: headings, lists and tables from the PDF's tags, or
from its layout, or from the Word file; a long one is shown twenty PDF pages at a time."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from django.urls import reverse
from weasyprint import HTML

from meetings.models import AgendaItem
from reports.document_text import blocks_to_pages, docx_blocks, pdf_blocks, screen_blocks
from reports.services import report_create
from reports.tasks import read_document_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"

TAGGED_HTML = """<html lang="en"><head><title>Better Care Fund</title></head><body>
<h1>Better Care Fund resubmission</h1>
<p>The board is asked to note the resubmission of the Better Care Fund plan.</p>
<h2>Recommendations</h2>
<ul><li>Approve the revised plan</li><li>Note the financial risks</li></ul>
<h2>Costs</h2>
<table><thead><tr><th>Scheme</th><th>Cost</th></tr></thead>
<tbody><tr><td>Falls prevention service</td><td>£120,000</td></tr></tbody></table>
<p>Contact &lt;script&gt;alert(1)&lt;/script&gt; for details.</p>
</body></html>"""


def _item(meeting) -> AgendaItem:
    return AgendaItem.objects.get(meeting=meeting, number="4", parent=None)


def _page(client, report, **query) -> str:
    response = client.get(reverse("document-detail", args=[report.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_a_tagged_pdf_becomes_headings_lists_and_a_table(client, seed_meeting):
    data = HTML(string=TAGGED_HTML).write_pdf(pdf_variant="pdf/ua-1")
    report = report_create(agenda_item=_item(seed_meeting), data=data, title="BCF resubmission")
    assert read_document_text.call(report.pk) == "structure"
    report.refresh_from_db()
    assert report.text_structure == "tagged"

    html = _squash(_page(client, report))
    # The document's level 1 is the page's h2 (the paper's title is the h1).
    assert '<h2 class="govuk-heading-l">Better Care Fund resubmission</h2>' in html
    assert '<h3 class="govuk-heading-m">Recommendations</h3>' in html
    assert (
        '<ul class="govuk-list govuk-list--bullet"> <li>Approve the revised plan</li>'
        "<li>Note the financial risks</li> </ul>" in html
    )
    assert '<th scope="col" class="govuk-table__header">Scheme</th>' in html
    assert '<td class="govuk-table__cell">Falls prevention service</td>' in html
    assert '<td class="govuk-table__cell">£120,000</td>' in html
    # The PDF's text is text on the page, never markup.
    assert "Contact &lt;script&gt;alert(1)&lt;/script&gt; for details." in html
    assert "<script>alert" not in html
    assert 'id="page-1"' in html


def _sized_pdf(lines: list[tuple[float, float, str]]) -> bytes:
    """An untagged one-page PDF: (font size, y, text) lines in Helvetica at x = 72."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    ops = "".join(
        f"BT /F1 {size} Tf {72 if not text.startswith(' ') else 90} {y} Td ({text.strip()}) Tj ET\n"
        for size, y, text in lines
    )
    page.obj.Contents = pdf.make_stream(ops.encode("cp1252"))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


UNTAGGED = [
    (20, 780, "Adult Social Care Charging"),
    (10, 750, "The council proposes to change how it charges for care at home."),
    (10, 738, "This paragraph runs on to a second line that belongs with the first."),
    (10, 712, "The options considered were:"),
    (10, 694, "• keep the present charges"),
    (10, 680, "• charge for each visit"),
    (14, 650, "Consultation"),
    (10, 626, "A consultation ran for twelve weeks."),
]


def test_an_untagged_pdf_gets_headings_from_font_sizes_and_bullets_from_its_lines(
    client, seed_meeting
):
    report = report_create(
        agenda_item=_item(seed_meeting), data=_sized_pdf(UNTAGGED), title="Charging"
    )
    read_document_text.call(report.pk)
    report.refresh_from_db()
    assert report.text_structure == "layout"

    html = _squash(_page(client, report))
    assert '<h2 class="govuk-heading-l">Adult Social Care Charging</h2>' in html
    assert '<h3 class="govuk-heading-m">Consultation</h3>' in html
    assert (
        '<p class="govuk-body">The council proposes to change how it charges for care at home. '
        "This paragraph runs on to a second line that belongs with the first.</p>" in html
    )
    assert "<li>keep the present charges</li><li>charge for each visit</li>" in html


def test_a_real_council_report_reads_as_a_document(client, seed_meeting):
    """The seed's Better Care Fund report (untagged): its bold section titles are headings and
    its bullet points a list, as the PDF shows them."""
    data = (FIXTURES / "item4-better-care-fund.pdf").read_bytes()
    report = report_create(agenda_item=_item(seed_meeting), data=data, title="BCF again")
    read_document_text.call(report.pk)
    html = _squash(_page(client, report))
    assert '<h2 class="govuk-heading-l">Purpose</h2>' in html
    assert '<h2 class="govuk-heading-l">Background and National Context</h2>' in html
    assert "<li>Inform the Health and Well-Being Board of changes to Better Care Fund" in html
    assert 'id="page-2"' in html


def test_a_document_read_before_structure_still_shows_its_text_page_by_page(client, seed_meeting):
    report = _item(seed_meeting).reports.first()
    # As a paper uploaded before structure was read, or before the worker got to it.
    type(report).objects.filter(pk=report.pk).update(text_structure="")
    report.pages.update(blocks=[])
    html = _page(client, report)
    assert '<h2 id="page-2-heading" class="govuk-heading-m">Page 2</h2>' in html
    assert "evidenced across the City Council" in html


def test_reading_twice_reads_once(seed_meeting):
    data = HTML(string=TAGGED_HTML).write_pdf(pdf_variant="pdf/ua-1")
    report = report_create(agenda_item=_item(seed_meeting), data=data, title="Twice")
    assert read_document_text.call(report.pk) == "structure"
    assert read_document_text.call(report.pk) == "skipped"
    assert read_document_text.call(10**9) == "skipped"


def test_heading_levels_never_skip_on_a_screen():
    class Page:
        def __init__(self, blocks):
            self.blocks = blocks

    pages = [
        Page([{"kind": "heading", "level": 3, "text": "Deep first"}]),
        Page([{"kind": "heading", "level": 1, "text": "Top"}]),
        Page([{"kind": "heading", "level": 6, "text": "Very deep"}]),
    ]
    levels = [blocks[0]["level"] for _, blocks in screen_blocks(pages)]
    assert levels == [2, 2, 3]


# Pagination


def _long_pdf(pages: int) -> bytes:
    body = "".join(
        f'<section style="break-after: page"><p>Paragraph on sheet {n}.</p></section>'
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


@pytest.fixture
def long_report(seed_meeting):
    return report_create(agenda_item=_item(seed_meeting), data=_long_pdf(45), title="Long")


def test_a_long_document_shows_twenty_pages_at_a_time(client, long_report):
    first = _page(client, long_report)
    assert 'id="page-1"' in first and 'id="page-20"' in first
    assert 'id="page-21"' not in first
    assert "This page shows PDF pages 1 to 20 of 45." in first
    assert 'class="govuk-pagination"' in first
    assert 'href="?page=2" rel="next"' in first

    last = _page(client, long_report, page="3")
    assert 'id="page-41"' in last and 'id="page-45"' in last
    assert 'id="page-40"' not in last
    assert "Paragraph on sheet 45." in last
    assert 'href="?page=2" rel="prev"' in last
    assert 'aria-current="page">3</a>' in last


@pytest.mark.parametrize(
    ("value", "shows"), [("abc", 1), ("", 1), ("0", 3), ("-4", 3), ("999999999999", 3)]
)
def test_a_bad_page_number_shows_a_screen_never_an_error(client, long_report, value, shows):
    html = _page(client, long_report, page=value)
    assert f'id="page-{(shows - 1) * 20 + 1}"' in html


def test_a_short_document_has_no_pagination(client, seed_meeting):
    report = _item(seed_meeting).reports.first()
    assert "govuk-pagination" not in _page(client, report)


# Word documents

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(body: str) -> bytes:
    styles = f"""<w:styles xmlns:w="{W}">
      <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
      <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
    </w:styles>"""
    numbering = f"""<w:numbering xmlns:w="{W}">
      <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
    </w:numbering>"""
    document = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", document)
        archive.writestr("word/styles.xml", styles)
        archive.writestr("word/numbering.xml", numbering)
    return out.getvalue()


def _p(text: str, style: str = "", num: str = "") -> str:
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


WORD_BODY = (
    _p("Library opening hours", "Heading1")
    + _p("The council proposes new hours.")
    + "<w:p><w:r><w:t>Kept </w:t></w:r><w:del><w:r><w:delText>deleted secret</w:delText>"
    "</w:r></w:del><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden note</w:t></w:r>"
    "<w:r><w:t>words.</w:t></w:r></w:p>"
    + _p("Open on Saturdays", num="1")
    + _p("Close on Mondays", num="1")
    + _p("Consult users", num="2")
    + _p("Costs", "Heading2")
    + "<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc>"
    + _p("Library")
    + "</w:tc><w:tc>"
    + _p("Saving")
    + "</w:tc></w:tr><w:tr><w:tc>"
    + _p("Central")
    + "</w:tc><w:tc>"
    + _p("£10,000")
    + "</w:tc></w:tr></w:tbl>"
)


def test_a_word_document_keeps_its_headings_lists_and_tables():
    assert docx_blocks(_docx(WORD_BODY)) == [
        {"kind": "heading", "level": 1, "text": "Library opening hours"},
        {"kind": "paragraph", "text": "The council proposes new hours."},
        {"kind": "paragraph", "text": "Kept words."},
        {"kind": "list", "ordered": False, "items": ["Open on Saturdays", "Close on Mondays"]},
        {"kind": "list", "ordered": True, "items": ["Consult users"]},
        {"kind": "heading", "level": 2, "text": "Costs"},
        {
            "kind": "table",
            "rows": [
                [{"text": "Library", "header": True}, {"text": "Saving", "header": True}],
                [{"text": "Central", "header": False}, {"text": "£10,000", "header": False}],
            ],
        },
    ]


def test_a_word_documents_blocks_go_to_the_pages_their_words_start_on():
    blocks = [
        {"kind": "heading", "level": 1, "text": "First part"},
        {"kind": "paragraph", "text": "Alpha words here."},
        {"kind": "heading", "level": 1, "text": "Second part"},
        {"kind": "list", "ordered": False, "items": ["Beta item"]},
    ]
    pages = blocks_to_pages(blocks, ["First part\nAlpha words here.", "Second part\n• Beta item"])
    assert [[b.get("text") or b["items"][0] for b in page] for page in pages] == [
        ["First part", "Alpha words here."],
        ["Second part", "Beta item"],
    ]


def test_a_word_upload_shows_the_word_files_structure(client, seed_meeting):
    pdf = HTML(
        string="<h1>Library opening hours</h1><p>The council proposes new hours.</p>"
        "<p>Kept words.</p><p>Open on Saturdays</p><p>Close on Mondays</p>"
        "<p>Consult users</p><h2>Costs</h2><p>Library Saving Central £10,000</p>"
    ).write_pdf()
    report = report_create(
        agenda_item=_item(seed_meeting), data=pdf, title="Libraries", word_document=_docx(WORD_BODY)
    )
    assert report.text_structure == "word"
    assert read_document_text.call(report.pk) == "skipped"
    html = _squash(_page(client, report))
    assert '<h2 class="govuk-heading-l">Library opening hours</h2>' in html
    assert "<li>Open on Saturdays</li><li>Close on Mondays</li>" in html
    assert '<th scope="col" class="govuk-table__header">Saving</th>' in html
    assert "deleted secret" not in html and "hidden note" not in html


def test_a_broken_word_file_falls_back_to_the_pdf(seed_meeting):
    pdf = HTML(string="<h1>Plain</h1>").write_pdf()
    report = report_create(
        agenda_item=_item(seed_meeting), data=pdf, title="Broken", word_document=b"PK\x03\x04junk"
    )
    assert report.text_structure == ""


def test_pdf_blocks_reads_every_page_of_a_fixture():
    kind, pages = pdf_blocks((FIXTURES / "item4-appendix-2-governance-structure.pdf").read_bytes())
    assert kind in ("tagged", "layout")
    assert pages and all(isinstance(page, list) for page in pages)


def test_a_structure_tree_that_loops_is_read_without_hanging():
    source = io.BytesIO(HTML(string=TAGGED_HTML).write_pdf(pdf_variant="pdf/ua-1"))
    with pikepdf.open(source) as pdf:
        root = pdf.Root.StructTreeRoot
        document = root.K if isinstance(root.K, pikepdf.Dictionary) else root.K[0]
        document.K.append(document)  # an element that is its own child
        root.RoleMap = pikepdf.Dictionary(P=pikepdf.Name.Q, Q=pikepdf.Name.P)  # a role loop
        out = io.BytesIO()
        pdf.save(out)
    _, pages = pdf_blocks(out.getvalue())
    assert len(pages) == 1
    assert any("Recommendations" in str(block) for block in pages[0])
