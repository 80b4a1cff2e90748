"""Scans become text: a paper without a text layer is read by OCR in the task worker, found by
search, and its page says the text was recognised automatically."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from meetings.models import AgendaItem
from meetings.search import search
from reports import ocr
from reports.services import report_create
from reports.tasks import read_document_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"
PUBLIC = AnonymousUser()
NOTICE = (
    "The text of this document was recognised automatically from a scan and may contain errors."
)

pytestmark = pytest.mark.skipif(
    ocr.missing() is not None,
    reason=f"OCR is not available here ({ocr.missing()}): run `make ocr-deps` as root",
)


def scan_of(path: Path, pages: list[int], dpi: int = 150) -> bytes:
    """The pages drawn as pictures and put back together as a PDF with no text at all, as a
    scanner would make it."""
    document = pypdfium2.PdfDocument(path.read_bytes())
    images = [document[n - 1].render(scale=dpi / 72).to_pil().convert("L") for n in pages]
    document.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


@pytest.fixture
def scan(seed_meeting):
    data = scan_of(FIXTURES / "item4-better-care-fund.pdf", [1, 2])
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report = report_create(agenda_item=item, data=data, title="Scanned resubmission")
    assert not report.has_text_layer
    assert not report.pages.exclude(text="").exists()
    return report


def _found_in(report, query: str) -> list[int]:
    return [
        hit.passage.page
        for hit in search(user=PUBLIC, query=query).hits
        if hit.passage.report_id == report.pk
    ]


def test_a_scan_is_read_by_ocr_and_found_by_search(client, scan):
    assert _found_in(scan, '"Resubmission Planning"') == []

    assert read_document_text.call(scan.pk) == "recognised"
    assert read_document_text.call(scan.pk) == "skipped"  # read once
    scan.refresh_from_db()
    assert scan.text_recognised
    assert "Better Care" in scan.pages.get(number=1).text

    # Words of page 1 and of page 2 of the seed's report, as printed there.
    assert 1 in _found_in(scan, '"Resubmission Planning"')
    assert 2 in _found_in(scan, '"Warwickshire Partnership Trust"')

    html = client.get(reverse("document-detail", args=[scan.pk])).content.decode()
    assert NOTICE in html
    assert "scan without a text layer" not in html
    assert "Purpose" in html


def test_an_exempt_scans_recognised_text_reaches_members_only(client, scan, member):
    read_document_text.call(scan.pk)
    type(scan).objects.filter(pk=scan.pk).update(is_exempt=True)
    assert _found_in(scan, '"Resubmission Planning"') == []
    members_hits = [
        hit.passage.page
        for hit in search(user=member, query='"Resubmission Planning"').hits
        if hit.passage.report_id == scan.pk
    ]
    assert 1 in members_hits
    assert client.get(reverse("document-detail", args=[scan.pk])).status_code == 404


def test_a_scan_waiting_for_ocr_says_so(client, scan):
    html = client.get(reverse("document-detail", args=[scan.pk])).content.decode()
    assert "scan without a text layer" in html
    assert NOTICE not in html
