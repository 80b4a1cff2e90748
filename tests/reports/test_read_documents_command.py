"""`manage.py read_documents` queues the reading of papers uploaded before document pages had
headings, lists and tables (and OCR for scans); run twice, it queues nothing more."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from meetings.models import AgendaItem
from reports import ocr
from reports.models import Report
from reports.services import report_create
from tests.reports.test_ocr import FIXTURES, scan_of

pytestmark = pytest.mark.django_db
UNREAD = Q(text_structure="") | Q(has_text_layer=False, text_recognised=False)


def run() -> str:
    out = StringIO()
    call_command("read_documents", stdout=out)
    return out.getvalue()


@pytest.fixture
def old_paper(seed_meeting):
    """A paper as uploaded before structure was read: the upload's own queueing never ran
    (the test's transaction is not committed), so it has none."""
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    data = (FIXTURES / "item4-better-care-fund.pdf").read_bytes()
    report = report_create(agenda_item=item, data=data, title="Old upload")
    assert report.text_structure == ""
    return report


def test_it_reads_every_unread_paper_and_then_has_nothing_to_do(client, old_paper):
    unread = Report.objects.filter(withdrawn_at__isnull=True).filter(UNREAD).count()
    assert unread >= 1
    assert run().startswith(f"Queued {unread} paper")
    old_paper.refresh_from_db()
    assert old_paper.text_structure in {"tagged", "layout"}
    assert old_paper.pages.exclude(blocks=[]).exists()
    html = client.get(reverse("document-detail", args=[old_paper.pk])).content.decode()
    assert "<h2" in html

    assert run().startswith("Queued 0 papers to be read (0 scans for OCR)")


def test_papers_already_waiting_in_the_queue_are_not_queued_twice(old_paper, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    unread = Report.objects.filter(withdrawn_at__isnull=True).filter(UNREAD).count()
    first = run()
    assert first.startswith(f"Queued {unread} paper")
    assert DBTaskResult.objects.filter(task_path="reports.tasks.read_document_text").count() == (
        unread
    )
    second = run()
    assert second == f"Queued 0 papers to be read (0 scans for OCR); {unread} already waiting.\n"
    assert DBTaskResult.objects.count() == unread


@pytest.mark.skipif(ocr.missing() is not None, reason="OCR is not available here")
def test_an_old_scan_is_read_by_ocr(seed_meeting):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    data = scan_of(FIXTURES / "item4-better-care-fund.pdf", [1])
    scan = report_create(agenda_item=item, data=data, title="Old scan")
    assert "scan" in run()
    scan.refresh_from_db()
    assert scan.text_recognised
    assert "Better Care" in scan.pages.get(number=1).text
    assert run().startswith("Queued 0")
