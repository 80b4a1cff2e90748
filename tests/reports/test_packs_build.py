"""Packs are built by a task, once per set of inputs, never half-written, and a build whose
worker died is queued again and finished exactly once."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from meetings.models import AgendaItem
from reports import packs
from reports.models import Pack, Report, UploadLayout
from reports.packs import (
    inputs_hash,
    pack_build,
    pack_inputs,
    pack_request,
    requeue_stale_packs,
)

from .pdf_reading import all_text, flat, page_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_builds(monkeypatch):
    """Count the PDF builds that actually run."""
    calls = []
    real = packs.build_pack_pdf

    def counting(inputs, target, **kwargs):
        calls.append(inputs["kind"])
        return real(inputs, target, **kwargs)

    monkeypatch.setattr("reports.packs.queue.build_pack_pdf", counting)
    return calls


def test_a_pack_is_built_by_its_task_and_unchanged_inputs_never_rebuild(
    seed_meeting, counted_builds
):
    first = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    assert first.state == Pack.State.READY
    assert first.task_id
    assert first.page_count == 2 and first.front_sheet_pages == 2
    with default_storage.open(first.file.name, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == first.sha256 and len(data) == first.size_bytes
    assert page_count(data) == 2

    again = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    assert again.pk == first.pk and again.finished_at == first.finished_at
    assert counted_builds == ["front_sheet"]
    assert Pack.objects.filter(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET).count() == 1


def test_a_changed_input_makes_a_new_build_and_the_old_one_is_kept_until_superseded(
    seed_meeting, counted_builds
):
    first = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    item = AgendaItem.objects.get(meeting=seed_meeting, number="5", parent=None)
    item.title = "Coventry and Rugby CCG - Commissioning Intentions 2015/16"
    item.save()
    second = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    assert second.pk != first.pk and second.inputs_hash != first.inputs_hash
    assert second.is_ready and counted_builds == ["front_sheet", "front_sheet"]
    with default_storage.open(second.file.name, "rb") as handle:
        assert "Commissioning Intentions 2015/16" in flat(all_text(handle.read()))
    # The newest build and one before it are kept; the older file is still whole.
    assert default_storage.exists(first.file.name)


def test_the_inputs_hash_covers_what_is_printed(seed_meeting):
    before = inputs_hash(pack_inputs(meeting=seed_meeting, kind=Pack.Kind.PUBLIC))
    seed_meeting.venue = "Committee Room 3 - Council House"
    seed_meeting.save()
    moved = inputs_hash(pack_inputs(meeting=seed_meeting, kind=Pack.Kind.PUBLIC))
    assert moved != before
    report = Report.objects.filter(agenda_item__meeting=seed_meeting).first()
    report.is_exempt = True
    report.save()
    assert inputs_hash(pack_inputs(meeting=seed_meeting, kind=Pack.Kind.PUBLIC)) != moved


def test_a_build_whose_worker_died_is_queued_again_and_one_pack_results(seed_meeting):
    inputs = pack_inputs(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    # A worker took the build an hour ago and died: the pack still says "building".
    dead = Pack.objects.create(
        meeting=seed_meeting,
        kind=Pack.Kind.FRONT_SHEET,
        inputs_hash=inputs_hash(inputs),
        inputs=inputs,
        state=Pack.State.BUILDING,
        requested_at=timezone.now() - dt.timedelta(hours=1),
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    call_command("requeue_stale_packs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dead.refresh_from_db()
    assert dead.state == Pack.State.READY and dead.attempts == 1
    assert Pack.objects.filter(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET).count() == 1
    # The dead worker's attempt, should it come back, changes nothing.
    assert pack_build(pack_id=dead.pk, attempt=0) == "skipped"
    assert requeue_stale_packs() == []


def test_a_download_of_a_stale_build_queues_it_again(seed_meeting, client):
    inputs = pack_inputs(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    Pack.objects.create(
        meeting=seed_meeting,
        kind=Pack.Kind.FRONT_SHEET,
        inputs_hash=inputs_hash(inputs),
        inputs=inputs,
        state=Pack.State.BUILDING,
        requested_at=timezone.now() - dt.timedelta(hours=2),
        started_at=timezone.now() - dt.timedelta(hours=2),
    )
    response = client.get(packs.pack_url(seed_meeting, Pack.Kind.FRONT_SHEET))
    assert response.status_code == 200
    assert Pack.objects.get(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET).attempts == 1


def test_a_build_in_progress_is_left_alone(seed_meeting, client):
    inputs = pack_inputs(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    building = Pack.objects.create(
        meeting=seed_meeting,
        kind=Pack.Kind.FRONT_SHEET,
        inputs_hash=inputs_hash(inputs),
        inputs=inputs,
        state=Pack.State.BUILDING,
        requested_at=timezone.now(),
        started_at=timezone.now(),
    )
    response = client.get(packs.pack_url(seed_meeting, Pack.Kind.FRONT_SHEET))
    # Never half a file: "being prepared", try again shortly.
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert "no-store" in response["Cache-Control"]
    assert requeue_stale_packs() == []
    building.refresh_from_db()
    assert building.attempts == 0 and building.state == Pack.State.BUILDING


def test_a_damaged_stored_file_fails_the_build_with_a_clear_message(seed_meeting):
    report = Report.objects.filter(agenda_item__meeting=seed_meeting).order_by("pk").first()
    original = default_storage.open(report.file.name, "rb").read()
    # Another file under the report's name (as a broken copy or restore might leave it).
    swapped = "reports/test/swapped.pdf"
    default_storage.save(swapped, ContentFile(original + b"\n%junk\n"))
    Report.objects.filter(pk=report.pk).update(file=swapped)
    pack = pack_request(meeting=seed_meeting, kind=Pack.Kind.PUBLIC)
    assert pack.state == Pack.State.FAILED
    assert "does not match the file that was uploaded" in pack.error
    assert report.title in pack.error
    assert not pack.file
    # The stored original itself was only ever read.
    assert hashlib.sha256(default_storage.open(report.file.name, "rb").read()).hexdigest() == (
        report.sha256
    )
    default_storage.delete(swapped)


def test_a_failed_build_is_tried_again_only_when_asked_or_after_a_while(seed_meeting, monkeypatch):
    def broken(*args, **kwargs):
        raise packs.PackBuildError("Something the clerk can fix.")

    monkeypatch.setattr("reports.packs.queue.build_pack_pdf", broken)
    failed = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    assert failed.state == Pack.State.FAILED and failed.error == "Something the clerk can fix."
    assert pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET).attempts == 0
    monkeypatch.undo()
    retried = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET, retry=True)
    assert retried.pk == failed.pk and retried.state == Pack.State.READY and retried.attempts == 1


def test_upload_layout_is_read_once_per_file(seed_meeting):
    UploadLayout.objects.all().delete()
    report = Report.objects.filter(agenda_item__meeting=seed_meeting).first()
    doc = {"sha256": report.sha256, "file": report.file.name}
    pages = packs.upload_layout(doc)
    assert len(pages) == report.page_count
    assert UploadLayout.objects.filter(sha256=report.sha256).count() == 1
    assert packs.upload_layout(doc) == pages


def test_build_packs_command_queues_published_meetings(seed_meeting, counted_builds):
    call_command("build_packs", "--meeting", seed_meeting.slug, "--kind", "front_sheet",
                 stdout=open("/dev/null", "w"))  # noqa: SIM115  # fmt: skip
    assert counted_builds == ["front_sheet"]


def test_a_published_pack_is_frozen_numbered_and_kept_when_inputs_change(seed_meeting):
    first = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    frozen = packs.pack_freeze(pack=first)
    assert frozen.version == 1 and frozen.is_frozen
    assert packs.pack_freeze(pack=frozen).version == 1  # publishing twice changes nothing
    seed_meeting.venue = "Committee Room 3 - Council House"
    seed_meeting.save()
    second = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    seed_meeting.venue = "Committee Room 4 - Council House"
    seed_meeting.save()
    third = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    assert packs.pack_freeze(pack=third).version == 2
    seed_meeting.venue = "Committee Room 5 - Council House"
    seed_meeting.save()
    fourth = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    seed_meeting.venue = "Committee Room 6 - Council House"
    seed_meeting.save()
    fifth = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    # Unpublished builds are dropped once superseded (the one before the newest is kept a
    # while); the published ones stay, files and all.
    kept = Pack.objects.filter(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    assert set(kept.values_list("pk", flat=True)) == {first.pk, third.pk, fourth.pk, fifth.pk}
    assert not Pack.objects.filter(pk=second.pk).exists()
    assert default_storage.exists(first.file.name) and default_storage.exists(third.file.name)


def test_on_the_database_queue_a_lost_task_is_queued_again_and_built_once(seed_meeting, settings):
    from django_tasks_db.models import DBTaskResult

    from reports.tasks import build_pack

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    pack = pack_request(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET)
    assert pack.state == Pack.State.QUEUED
    task = DBTaskResult.objects.get(id=pack.task_id)
    assert task.args_kwargs == {"args": [pack.pk, 0], "kwargs": {}}
    # The queue lost the task (purged, or the database restored): nothing would build it.
    task.delete()
    Pack.objects.filter(pk=pack.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=2))
    assert [p.pk for p in requeue_stale_packs()] == [pack.pk]
    pack.refresh_from_db()
    assert pack.attempts == 1 and pack.state == Pack.State.QUEUED
    queued = DBTaskResult.objects.get(id=pack.task_id)
    # The worker runs what is queued; an old attempt, if it ever ran, would do nothing.
    assert build_pack.call(*queued.args_kwargs["args"]) == "ready"
    assert build_pack.call(pack.pk, 0) == "skipped"
    pack.refresh_from_db()
    assert pack.state == Pack.State.READY
    assert Pack.objects.filter(meeting=seed_meeting, kind=Pack.Kind.FRONT_SHEET).count() == 1
