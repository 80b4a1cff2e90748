"""A Word document uploaded in the workspace keeps its headings, lists and tables on the
document page, and what it holds out of sight (tracked changes, comments, hidden text, an
embedded spreadsheet) is listed in the check before the agenda is published, although the
Word file itself is not kept."""

import datetime as dt
import io
import re
import zipfile
from html import unescape

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Meeting
from reports.convert import docx_findings, docx_to_pdf, soffice
from reports.models import Report

pytestmark = pytest.mark.django_db
needs_libreoffice = pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice is not installed (make docx-deps installs libreoffice-writer-nogui)",
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def docx(body: str, *, comments: int = 0, spreadsheet: bool = False) -> bytes:
    """A Word document written part by part, with styles, numbering and, if asked, comments
    and an embedded spreadsheet, as Word writes them."""
    styles = f"""<w:styles xmlns:w="{W}">
      <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
    </w:styles>"""
    numbering = f"""<w:numbering xmlns:w="{W}">
      <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl>
      </w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"""
    rels = [
        ("rId1", "styles", "styles.xml"),
        ("rId2", "numbering", "numbering.xml"),
    ]
    overrides = [
        ("/word/document.xml", f"{MAIN}.document.main+xml"),
        ("/word/styles.xml", f"{MAIN}.styles+xml"),
        ("/word/numbering.xml", f"{MAIN}.numbering+xml"),
    ]
    parts = {"word/styles.xml": styles, "word/numbering.xml": numbering}
    if comments:
        parts["word/comments.xml"] = f'<w:comments xmlns:w="{W}">' + "".join(
            f'<w:comment w:id="{n}" w:author="A Reviewer"><w:p><w:r><w:t>Check this with '
            f"legal</w:t></w:r></w:p></w:comment>"
            for n in range(comments)
        ) + "</w:comments>"  # fmt: skip
        rels.append(("rId3", "comments", "comments.xml"))
        overrides.append(("/word/comments.xml", f"{MAIN}.comments+xml"))
    if spreadsheet:
        sheet = io.BytesIO()
        with zipfile.ZipFile(sheet, "w") as workbook:
            workbook.writestr("xl/workbook.xml", "<workbook/>")
        parts["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = sheet.getvalue()
        rels.append(("rId4", "package", "embeddings/Microsoft_Excel_Worksheet.xlsx"))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )
    package_rels = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Target="word/document.xml" '
        f'Type="{R}/officeDocument"/></Relationships>'
    )
    document_rels = (
        f'<Relationships xmlns="{PKG}">'
        + "".join(f'<Relationship Id="{i}" Type="{R}/{t}" Target="{p}"/>' for i, t, p in rels)
        + "</Relationships>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("word/_rels/document.xml.rels", document_rels)
        archive.writestr("word/document.xml", document)
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def p(text: str, style: str = "", bullet: bool = False) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if bullet:
        props += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


STRUCTURED = (
    p("Library opening hours", "Heading1")
    + p("The council proposes new opening hours for its libraries.")
    + p("Open on Saturdays", bullet=True)
    + p("Close on Mondays", bullet=True)
    + "<w:tbl><w:tr><w:tc>"
    + p("Library")
    + "</w:tc><w:tc>"
    + p("Saving")
    + "</w:tc></w:tr><w:tr><w:tc>"
    + p("Central")
    + "</w:tc><w:tc>"
    + p("10,000 pounds")
    + "</w:tc></w:tr></w:tbl>"
)
INS = '<w:ins w:id="{n}" w:author="A"><w:r><w:t>added {n} </w:t></w:r></w:ins>'
DEL = '<w:del w:id="{n}" w:author="A"><w:r><w:delText>removed {n} </w:delText></w:r></w:del>'
TRACKED = (
    "<w:p><w:r><w:t>The budget is agreed. </w:t></w:r>"
    + "".join(INS.format(n=n) for n in range(3))
    + "".join(DEL.format(n=n + 10) for n in range(2))
    + "</w:p>"
)
HIDDEN = (
    "<w:p><w:r><w:t>Shown words. </w:t></w:r>"
    "<w:r><w:rPr><w:vanish/></w:rPr><w:t>Mrs Smith of 4 Elm Road owes rent.</w:t></w:r></w:p>"
)


@pytest.fixture
def meeting(clerk, seed_meeting):
    return services.meeting_create(
        committee=seed_meeting.committee, start=timezone.now() + dt.timedelta(weeks=6), by=clerk
    )


@pytest.fixture
def item(meeting):
    return AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position").first()


def upload(clerk, item, data: bytes, title: str):
    return clerk.post(
        reverse("workspace-upload", args=[item.pk]),
        {"file": SimpleUploadedFile(f"{title}.docx", data), "title": title, "kind": "report"},
        follow=True,
    )


# What a Word document hides, read from the file itself.


def test_tracked_changes_are_counted():
    assert docx_findings(docx(TRACKED)) == [
        "Tracked changes: 3 insertions, 2 deletions — accept or reject them in Word and upload "
        "again."
    ]


def test_moved_text_is_a_tracked_change():
    body = (
        '<w:p><w:moveFrom w:id="1" w:author="A"><w:r><w:t>old place</w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="2" w:author="A"><w:r><w:t>new place</w:t></w:r></w:moveTo></w:p>'
    )
    assert docx_findings(docx(body)) == [
        "Tracked changes: 0 insertions, 0 deletions, 1 move — accept or reject them in Word "
        "and upload again."
    ]


def test_comments_are_counted():
    assert docx_findings(docx(p("Budget"), comments=2)) == [
        "Comments: 2 — delete them in Word and upload again."
    ]


def test_hidden_text_is_found():
    [finding] = docx_findings(docx(HIDDEN))
    assert finding.startswith("Hidden text")


def test_text_unhidden_again_is_not_hidden():
    body = '<w:p><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>Seen.</w:t></w:r></w:p>'
    assert docx_findings(docx(body)) == []


def test_an_embedded_spreadsheet_is_found():
    [finding] = docx_findings(docx(p("Figures"), spreadsheet=True))
    assert finding.startswith("An embedded spreadsheet")


def test_a_clean_document_has_no_findings():
    assert docx_findings(docx(STRUCTURED)) == []


def test_a_damaged_document_has_no_findings_and_no_error():
    assert docx_findings(b"PK\x03\x04 not really a zip") == []


# Through the workspace (LibreOffice converts the document).


@needs_libreoffice
def test_a_word_upload_keeps_its_headings_list_and_table(client_as, item):
    clerk = client_as("clerk")
    response = upload(clerk, item, docx(STRUCTURED), "Library hours")
    assert "“Library hours” uploaded: 1 page." in unescape(response.content.decode())
    report = Report.objects.get(agenda_item=item, title="Library hours")
    assert report.text_structure == "word"
    html = re.sub(
        r"\s+", " ", clerk.get(reverse("document-detail", args=[report.pk])).content.decode()
    )
    assert re.search(r"<h2[^>]*>Library opening hours</h2>", html)
    assert re.search(r"<li>Open on Saturdays</li>\s*<li>Close on Mondays</li>", html)
    assert re.search(r"<td[^>]*>10,000 pounds</td>", html)


@needs_libreoffice
def test_what_a_word_file_hides_is_listed_before_publishing(client_as, meeting, item):
    clerk = client_as("clerk")
    body = TRACKED + HIDDEN
    response = upload(clerk, item, docx(body, comments=2, spreadsheet=True), "Rent arrears")
    assert "In the Word document: Tracked changes: 3 insertions, 2 deletions" in unescape(
        response.content.decode()
    )
    report = Report.objects.get(agenda_item=item, title="Rent arrears")
    url = reverse("workspace-publish", args=[meeting.slug])
    html = unescape(clerk.get(url).content.decode())
    assert "Checked before it goes public" in html
    assert "“Rent arrears”" in html
    assert "Tracked changes: 3 insertions, 2 deletions — accept or reject them in Word" in html
    assert "Comments: 2" in html
    assert "Hidden text" in html
    assert "An embedded spreadsheet" in html
    assert report.word_findings  # kept with the paper: the Word file is not

    response = clerk.post(url, {})
    assert "Tick the box to confirm you have checked what was found" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


@needs_libreoffice
def test_a_clean_word_upload_is_published_without_asking(client_as, meeting, item):
    clerk = client_as("clerk")
    upload(clerk, item, docx(STRUCTURED), "Library hours")
    url = reverse("workspace-publish", args=[meeting.slug])
    assert "Checked before it goes public" not in clerk.get(url).content.decode()


@needs_libreoffice
def test_a_converted_word_document_is_a_tagged_pdf():
    data = docx_to_pdf(docx(STRUCTURED))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked
