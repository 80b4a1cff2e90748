"""A scan's tag in the agenda builder and its line on the publish page say what is true: "not
searchable" until OCR has read it, then that its text was recognised automatically."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem
from reports import ocr
from reports.models import Report
from reports.tasks import read_document_text
from tests.reports.test_ocr import FIXTURES, scan_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        ocr.missing() is not None,
        reason=f"OCR is not available here ({ocr.missing()}): run `make ocr-deps` as root",
    ),
]


@pytest.fixture
def meeting(clerk, seed_meeting):
    return services.meeting_create(
        committee=seed_meeting.committee, start=timezone.now() + dt.timedelta(weeks=6), by=clerk
    )


def test_a_scan_is_called_not_searchable_until_its_text_is_recognised(client_as, meeting):
    clerk = client_as("clerk")
    item = AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position").first()
    data = scan_of(FIXTURES / "item4-better-care-fund.pdf", [1])
    response = clerk.post(
        reverse("workspace-upload", args=[item.pk]),
        {"file": SimpleUploadedFile("scan.pdf", data), "title": "Scanned return", "kind": "report"},
        follow=True,
    )
    html = unescape(response.content.decode())
    assert "Scan: not searchable, not accessible" in html
    assert "its text will be recognised automatically in the background" in html
    publish = reverse("workspace-publish", args=[meeting.slug])
    assert "it cannot be searched and is not accessible" in clerk.get(publish).content.decode()

    report = Report.objects.get(agenda_item=item, title="Scanned return")
    assert read_document_text.call(report.pk) == "recognised"

    html = clerk.get(reverse("workspace-agenda", args=[meeting.slug])).content.decode()
    assert "Scan: text recognised automatically" in html
    assert "not searchable" not in html
    html = unescape(clerk.get(publish).content.decode())
    assert "“Scanned return” is a scan</strong>: its text was recognised automatically" in html
    assert "it cannot be searched" not in html
