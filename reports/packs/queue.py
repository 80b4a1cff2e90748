"""The build queue: ``pack_request`` finds the pack for the current inputs or queues one build
for them; ``pack_build`` (run by the ``reports.tasks.build_pack`` task) builds it from the
inputs it was queued with and stores the file under its own hash, so a file always matches its
hash; ``requeue_stale_packs`` queues again a build whose worker died. Older unpublished builds
are forgotten, and a stored file is deleted once no pack names it."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from boardpapers.cache import data_changed
from meetings.models import Meeting

from ..models import Pack
from .assembly import PackBuildError, build_pack_pdf
from .inputs import inputs_hash, pack_inputs

logger = logging.getLogger("reports.packs")  # the name it logged under as one module


STALE_BUILD = dt.timedelta(minutes=getattr(settings, "PACK_BUILD_STALE_MINUTES", 10))
STALE_QUEUE = dt.timedelta(minutes=getattr(settings, "PACK_QUEUE_STALE_MINUTES", 60))
FAILED_RETRY_AFTER = dt.timedelta(minutes=15)
MAX_AUTOMATIC_ATTEMPTS = 3
SUPERSEDED_KEPT = 1  # earlier ready packs of a kind kept beside the newest (not frozen ones)


def _front_sheet_guess(meeting: Meeting, kind: str) -> int | None:
    """How many pages the front sheet had last time (this meeting, else this committee): the
    first layout pass assumes it, and a right guess saves laying the front sheet out twice."""
    built = Pack.objects.filter(state=Pack.State.READY, front_sheet_pages__isnull=False).exclude(
        kind=Pack.Kind.MINUTES
    )
    for packs in (
        built.filter(meeting=meeting),
        built.filter(meeting__committee_id=meeting.committee_id),
    ):
        guess = packs.order_by("-finished_at").values_list("front_sheet_pages", flat=True).first()
        if guess:
            return guess
    return None


def _enqueue(pack: Pack) -> None:
    from ..tasks import build_pack

    result = build_pack.enqueue(pack.pk, pack.attempts)
    Pack.objects.filter(pk=pack.pk, attempts=pack.attempts).update(task_id=str(result.id)[:64])


def _requeue(pack: Pack, *, now: dt.datetime) -> None:
    pack.attempts += 1
    pack.state = Pack.State.QUEUED
    pack.requested_at = now
    pack.started_at = None
    pack.finished_at = None
    pack.error = ""
    pack.save(
        update_fields=["attempts", "state", "requested_at", "started_at", "finished_at", "error"]
    )
    _enqueue(pack)


def _task_finished_or_lost(pack: Pack) -> bool:
    """Whether the queued task of a still-queued pack is gone or already ran (so nothing will
    build it). Backends that cannot look a task up answer False."""
    from django.tasks import TaskResultStatus
    from django.tasks.exceptions import TaskResultDoesNotExist

    from ..tasks import build_pack

    if not pack.task_id or not build_pack.get_backend().supports_get_result:
        return False
    try:
        result = build_pack.get_result(pack.task_id)
    except TaskResultDoesNotExist:
        return True
    return result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


def is_stale(pack: Pack, *, now: dt.datetime | None = None) -> bool:
    """A build that will not finish by itself: its worker died mid-build, or its task is gone."""
    now = now or timezone.now()
    if pack.state == Pack.State.BUILDING:
        return pack.started_at is None or pack.started_at < now - STALE_BUILD
    if pack.state == Pack.State.QUEUED:
        if pack.requested_at < now - STALE_QUEUE:
            return True
        return pack.requested_at < now - dt.timedelta(seconds=30) and _task_finished_or_lost(pack)
    return False


def _new_pack(
    meeting: Meeting, kind: str, inputs: dict, digest: str, *, now, version: int | None = None
) -> Pack:
    return Pack.objects.create(
        meeting=meeting,
        kind=kind,
        inputs_hash=digest,
        inputs=inputs,
        requested_at=now,
        version=version,
        front_sheet_pages=_front_sheet_guess(meeting, kind),
    )


def pack_request(
    *, meeting: Meeting, kind: str, retry: bool = False, inputs: dict | None = None
) -> Pack:
    """The pack of this kind for the meeting as it is now: the ready one when nothing changed,
    else a queued build (one per set of inputs, however often it is asked for). A failed build
    is tried again after a while, a few times, or at once with ``retry``."""
    if inputs is None:
        inputs = pack_inputs(meeting=meeting, kind=kind)
    digest = inputs_hash(inputs)
    now = timezone.now()
    with transaction.atomic():
        pack = (
            Pack.objects.select_for_update()
            .filter(meeting=meeting, kind=kind, inputs_hash=digest)
            .first()
        )
        if pack is None:
            try:
                with transaction.atomic():
                    pack = _new_pack(meeting, kind, inputs, digest, now=now)
            except IntegrityError:
                # Another request queued the same build a moment ago.
                return Pack.objects.get(meeting=meeting, kind=kind, inputs_hash=digest)
            _enqueue(pack)
        elif pack.state == Pack.State.FAILED:
            automatic = (
                pack.attempts + 1 < MAX_AUTOMATIC_ATTEMPTS
                and pack.finished_at is not None
                and pack.finished_at < now - FAILED_RETRY_AFTER
            )
            if retry or automatic:
                _requeue(pack, now=now)
        elif pack.state != Pack.State.READY and is_stale(pack, now=now):
            _requeue(pack, now=now)
    pack.refresh_from_db()
    return pack


def pack_file_lost(*, pack: Pack) -> Pack:
    """A ready pack whose file has gone from storage (restored from a backup without its
    files, a folder cleaned by hand): queued to be built again from the inputs it was built
    from (a published version stays the same version), as a build whose worker died is."""
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=pack.pk)
        if pack.state == Pack.State.READY and not (
            pack.file and pack.file.storage.exists(pack.file.name)
        ):
            logger.error("The file of %s (%s) is missing from storage; building it again",
                         pack, pack.file.name)  # fmt: skip
            _requeue(pack, now=timezone.now())
    pack.refresh_from_db()
    return pack


def requeue_stale_packs(*, now: dt.datetime | None = None) -> list[Pack]:
    """Queue again every build whose worker died (building for longer than
    PACK_BUILD_STALE_MINUTES) or whose task is lost. Safe to run at any time, from any number
    of processes: each pack is locked and checked again before it is queued."""
    now = now or timezone.now()
    candidates = Pack.objects.filter(
        state=Pack.State.BUILDING, started_at__lt=now - STALE_BUILD
    ) | (
        Pack.objects.filter(
            state=Pack.State.QUEUED, requested_at__lt=now - dt.timedelta(seconds=30)
        )
    )
    requeued = []
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            pack = Pack.objects.select_for_update().filter(pk=pk).first()
            if pack is None or not is_stale(pack, now=now):
                continue
            logger.warning(
                "Queueing again the stale build of %s (attempt %s)", pack, pack.attempts + 1
            )
            _requeue(pack, now=now)
        requeued.append(pack)
    return requeued


_last_sweep = 0.0


def _sweep_now_and_then() -> None:
    """Each build also looks for stale ones, at most once a minute per worker process."""
    global _last_sweep
    if time.monotonic() - _last_sweep < 60:
        return
    _last_sweep = time.monotonic()
    try:
        requeue_stale_packs()
    except Exception:  # a sweep must never fail the build that runs it
        logger.exception("Looking for stale pack builds failed")


def _file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, PackBuildError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            "The pack could not be saved: the server's disk is full "
            f"({os.strerror(exc.errno)}). The packs already published are still served. Ask "
            "whoever runs the portal to free some space, then build the pack again."
        )
    return Truncator(f"The pack could not be built ({type(exc).__name__}: {exc}).").chars(2000)


def _store_file(temp: Path, name: str, size: int) -> str:
    """Store a finished PDF under its hash. A file already there of another size is what a
    write cut short left (a full disk, a killed worker): it is replaced, never served; and a
    write that fails leaves nothing behind."""
    if default_storage.exists(name):
        if default_storage.size(name) == size:
            return name
        default_storage.delete(name)
    try:
        with open(temp, "rb") as handle:
            return default_storage.save(name, File(handle))
    except BaseException:
        if default_storage.exists(name) and not Pack.objects.filter(file=name).exists():
            default_storage.delete(name)
        raise


def pack_build(*, pack_id: int, attempt: int) -> str:
    """Build one queued pack (the body of the build task). Only the current attempt may claim
    the pack and only it may finish it, so a worker presumed dead that comes back late changes
    nothing. The PDF is written to a temporary file, stored under its own hash, and only then
    named on the pack: nobody is ever served half a file."""
    _sweep_now_and_then()
    now = timezone.now()
    claimed = Pack.objects.filter(pk=pack_id, attempts=attempt, state=Pack.State.QUEUED).update(
        state=Pack.State.BUILDING, started_at=now, error=""
    )
    if not claimed:
        return "skipped"
    pack = Pack.objects.get(pk=pack_id)
    fd, temp_name = tempfile.mkstemp(
        prefix="pack-", suffix=".pdf", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    os.close(fd)
    temp = Path(temp_name)
    started = time.perf_counter()
    try:
        result = build_pack_pdf(pack.inputs, temp, front_sheet_guess=pack.front_sheet_pages)
        sha256, size = _file_sha256(temp)
        name = _store_file(temp, f"packs/{pack.meeting_id}/{sha256}.pdf", size)
        finished = Pack.objects.filter(
            pk=pack_id, attempts=attempt, state=Pack.State.BUILDING
        ).update(
            state=Pack.State.READY,
            file=name,
            sha256=sha256,
            size_bytes=size,
            page_count=result.page_count,
            front_sheet_pages=result.front_sheet_pages or None,
            notes=result.notes,
            finished_at=timezone.now(),
            build_seconds=round(time.perf_counter() - started, 3),
        )
        if not finished:
            _delete_unused_file(name)
            return "superseded"
        # A published version is frozen the moment it exists: kept, never replaced.
        Pack.objects.filter(pk=pack_id, version__isnull=False, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )
    except Exception as exc:
        Pack.objects.filter(pk=pack_id, attempts=attempt).update(
            state=Pack.State.FAILED, error=_error_text(exc), finished_at=timezone.now()
        )
        data_changed(meeting_ids=[pack.meeting_id], words_only=True)  # "being prepared"
        logger.exception("Building %s failed", pack)
        raise
    finally:
        temp.unlink(missing_ok=True)
    # The meeting's pages show the pack's pages and size; no list or search shows a pack.
    data_changed(meeting_ids=[pack.meeting_id], words_only=True)
    _drop_superseded(pack)
    return "ready"


def _delete_unused_file(name: str) -> None:
    if name and not Pack.objects.filter(file=name).exists():
        default_storage.delete(name)


def _drop_superseded(pack: Pack) -> None:
    """Forget older, unpublished builds of the same pack, keeping the newest few."""
    older = (
        Pack.objects.filter(meeting_id=pack.meeting_id, kind=pack.kind, version__isnull=True)
        .exclude(pk=pack.pk)
        .exclude(state__in=[Pack.State.QUEUED, Pack.State.BUILDING])
        .order_by("-requested_at")
    )
    for old in list(older[SUPERSEDED_KEPT:]):
        name = old.file.name
        # Not one that has just been given a version number by a publication.
        Pack.objects.filter(pk=old.pk, version__isnull=True).delete()
        _delete_unused_file(name)
