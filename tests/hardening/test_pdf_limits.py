"""A PDF that would take too long or too much memory to read is refused with a message; the
web worker that received it carries on."""

import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import AgendaItem
from reports.models import Report
from reports.pdf import inspect_pdf
from tests.hardening.pdf_bombs import form_fan_out, many_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(seed_meeting):
    return AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)


def test_a_pdf_bomb_is_refused_as_needing_too_much_memory(settings):
    settings.PDF_READ_MEMORY_MB = 200  # the default is 1024; a smaller cap is reached sooner
    bomb = form_fan_out()
    assert len(bomb) < 10_000
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(bomb)
    assert refused.value.code == "too_much_memory"
    assert "This PDF needs too much memory to read" in refused.value.messages[0]
    assert "export it again" in refused.value.messages[0]


def test_a_pdf_that_takes_too_long_is_refused_as_such(settings):
    settings.PDF_READ_SECONDS = 1
    settings.PDF_MAX_PAGES = 100_000  # under the page limit: slow, not long
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(many_pages())
    assert refused.value.code == "too_slow"
    assert "This PDF took too long to read" in refused.value.messages[0]


def children() -> set[int]:
    """Processes (running or not yet reaped) whose parent is this one."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def test_the_reader_leaves_no_process_behind(settings):
    settings.PDF_READ_SECONDS = 1
    settings.PDF_MAX_PAGES = 100_000
    before = children()
    with pytest.raises(ValidationError):
        inspect_pdf(many_pages())
    assert children() == before


def test_a_normal_pdf_is_read_in_the_same_way(make_pdf):
    facts = inspect_pdf(make_pdf("Better Care Fund", "Appendix 1"))
    assert facts.page_count == 2
    assert "Better Care Fund" in facts.page_texts[0]


def test_the_clerk_sees_the_refusal_and_nothing_is_saved(settings, client_as, item):
    settings.PDF_READ_MEMORY_MB = 200
    before = Report.objects.count()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_as("clerk").post(
        reverse("workspace-upload", args=[item.pk]),
        {
            "file": SimpleUploadedFile("budget.pdf", form_fan_out(), "application/pdf"),
            "title": "Budget",
            "kind": "report",
        },
    )
    assert response.status_code == 200
    assert "This PDF needs too much memory to read" in response.content.decode()
    assert Report.objects.count() == before
    # The same worker goes on serving.
    assert client_as("clerk").get(reverse("workspace")).status_code == 200
