"""A Word document uploaded in the workspace is converted to PDF by LibreOffice and then
checked and stored like any PDF; one that cannot be converted is refused and leaves nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import AgendaItem, Meeting
from reports.convert import soffice
from reports.models import Report
from tests.reports.pdf_reading import all_text, flat

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        soffice() is None,
        reason="LibreOffice is not installed (make test installs libreoffice-writer-nogui)",
    ),
]

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""


def docx(*paragraphs: str) -> bytes:
    """A real Word document, written part by part as Word writes its simplest file."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


@pytest.fixture
def item(seed_meeting):
    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    return AgendaItem.objects.filter(meeting=draft).first()


def test_a_word_document_is_converted_to_a_searchable_pdf(client_as, item):
    clerk = client_as("clerk")
    response = clerk.post(
        reverse("workspace-upload", args=[item.pk]),
        {"file": SimpleUploadedFile("Better Care Fund.docx", docx(
            "Better Care Fund: pooled budget report", "Recommendations follow.")),
         "title": "Better Care Fund report", "kind": "report"},
        follow=True,
    )  # fmt: skip
    assert "“Better Care Fund report” uploaded: 1 page." in response.content.decode()
    report = Report.objects.get(agenda_item=item, title="Better Care Fund report")
    assert report.original_filename == "Better Care Fund.pdf"
    assert report.has_text_layer
    with report.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert "pooled budget report" in flat(all_text(data))
    assert "pooled budget report" in report.pages.get(number=1).text


def test_a_damaged_word_document_is_refused_and_leaves_nothing(client_as, item):
    clerk = client_as("clerk")
    broken = docx("Text")[:-40]
    # A zip that says it holds word/document.xml but whose directory is cut off is not a Word
    # document to the portal; a whole zip whose document is not XML cannot be converted.
    not_xml = io.BytesIO()
    with zipfile.ZipFile(not_xml, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"\x00\x01 not xml at all \xff")
    for data in (broken, not_xml.getvalue()):
        response = clerk.post(
            reverse("workspace-upload", args=[item.pk]),
            {"file": SimpleUploadedFile("report.docx", data), "title": "Broken",
             "kind": "report"},
        )  # fmt: skip
        assert response.status_code == 200
        text = response.content.decode()
        assert "could not be converted to PDF" in text or "This file is not a PDF" in text
        assert not Report.objects.filter(title="Broken").exists()
