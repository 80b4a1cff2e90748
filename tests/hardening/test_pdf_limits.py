"""A PDF that would take too long or too much memory to read is refused with a message; the
web worker that received it carries on."""

import io
import os
import resource
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from meetings.models import AgendaItem
from meetings.workspace import THUMBNAIL_WIDTH
from reports.models import Report
from reports.pdf import inspect_pdf, thumbnail_png
from reports.services import report_create
from tests.hardening.pdf_bombs import (
    deep_page_tree,
    form_fan_out,
    inflation_bomb,
    many_pages,
    oversized_page,
)

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


# The limits of reports/limits.py: each bomb refused with a message naming what is wrong,
# nothing saved, and the work done (and refused) in the child process, not this one.


def peak_memory_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stored_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def upload(client, item, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("workspace-upload", args=[item.pk]),
        {
            "file": SimpleUploadedFile("papers.pdf", data, "application/pdf"),
            "title": "Papers",
            "kind": "report",
        },
    )


def test_a_stream_that_inflates_to_450_mb_is_refused_and_leaves_nothing(client_as, item):
    bomb = inflation_bomb(450)
    assert len(bomb) < 600_000
    reports, files, peak = Report.objects.count(), stored_files(), peak_memory_mb()
    response = upload(client_as("clerk"), item, bomb)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This PDF expands to more than 100 MB when read" in html
    assert "print it to a new PDF" in html
    assert Report.objects.count() == reports and stored_files() == files
    # The inflating happened (and stopped) in the child: this process did not grow by it.
    assert peak_memory_mb() - peak < 100


def test_the_inflated_size_limit_follows_the_settings(settings):
    bomb = inflation_bomb(450)
    settings.PDF_INFLATED_FLOOR_MB = 500  # a floor above the bomb: the absolute cap decides
    settings.PDF_MAX_INFLATED_MB = 400
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(bomb)
    assert refused.value.code == "too_much_content"
    assert "more than 400 MB" in refused.value.messages[0]
    settings.PDF_MAX_INFLATED_MB = 1024
    assert inspect_pdf(bomb).page_count == 1  # within every limit, it is read


def test_a_stream_whose_stated_length_is_too_big_is_refused_without_inflating(settings):
    pdf = pikepdf.open(io.BytesIO(inflation_bomb(2)))
    pdf.pages[0].obj.Contents.DL = 10 * 1024 * 1024 * 1024
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(out.getvalue())
    assert refused.value.code == "too_much_content"


def test_a_20000_page_pdf_is_refused_naming_the_limit(client_as, item):
    reports, files = Report.objects.count(), stored_files()
    response = upload(client_as("clerk"), item, many_pages(20_000))
    html = response.content.decode()
    assert "This PDF has 20,000 pages; the limit is 2,000 pages." in html
    assert "Split it into smaller documents" in html
    assert Report.objects.count() == reports and stored_files() == files


def test_the_page_limit_is_a_setting(settings):
    settings.PDF_MAX_PAGES = 50
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(many_pages(51))
    assert refused.value.code == "too_many_pages"
    assert "the limit is 50 pages" in refused.value.messages[0]


def test_an_oversized_page_is_refused(client_as, item):
    reports = Report.objects.count()
    response = upload(client_as("clerk"), item, oversized_page(300))
    html = response.content.decode()
    assert "Page 1 of this PDF is 300 by 300 inches; pages may be at most 200 inches" in html
    assert Report.objects.count() == reports


def test_a_page_tree_nested_too_deeply_is_refused():
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(deep_page_tree(60))
    assert refused.value.code == "too_deep"
    assert "more than 32 levels" in refused.value.messages[0]


def test_the_thumbnail_of_a_bomb_is_refused_in_the_child():
    with pytest.raises(ValidationError) as refused:
        thumbnail_png(inflation_bomb(450), 160)
    assert refused.value.code == "too_much_content"


def test_a_bomb_in_storage_gets_no_thumbnail_and_the_web_process_does_not_grow(
    client_as, item, make_pdf
):
    """A file put in storage another way (past the upload checks) is drawn in the child
    process under the limits: refused there, so this process never inflates it."""
    report = report_create(agenda_item=item, data=make_pdf("Thumbnail"), title="Thumbnail")
    bomb = inflation_bomb(450)
    name = default_storage.save("reports/test/bomb.pdf", ContentFile(bomb))
    Report.objects.filter(pk=report.pk).update(file=name, sha256="b" * 64)
    peak = peak_memory_mb()
    response = client_as("clerk").get(reverse("workspace-thumbnail", args=[report.pk]))
    assert response.status_code == 404
    assert not default_storage.exists(f"thumbnails/{'b' * 64}-{THUMBNAIL_WIDTH}.png")
    assert peak_memory_mb() - peak < 100
    default_storage.delete(name)


def test_a_normal_thumbnail_is_still_drawn(client_as, item, make_pdf):
    report = report_create(agenda_item=item, data=make_pdf("Drawn"), title="Drawn")
    response = client_as("clerk").get(reverse("workspace-thumbnail", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_workers_layout_analysis_runs_under_the_limits(item, make_pdf):
    """The edge text the pack builder reads is read in the child: a bomb in storage fails
    that reading with the limit's message, never the worker."""
    from reports.packs import PackBuildError
    from reports.tasks import analyse_upload

    report = report_create(agenda_item=item, data=make_pdf("Layout"), title="Layout")
    name = default_storage.save("reports/test/bomb-layout.pdf", ContentFile(inflation_bomb(450)))
    Report.objects.filter(pk=report.pk).update(file=name, sha256="c" * 64)
    with pytest.raises(PackBuildError) as failed:
        analyse_upload.call(report.pk)
    assert "could not be read within the limits" in str(failed.value)
    assert "expands to more than 100 MB" in str(failed.value)
    default_storage.delete(name)
