"""The disk fills up while a pack is being saved: the published pack is still served, the
failed build says why in words the clerk can act on, and no half-written file is left behind
to be taken for a finished one."""

from __future__ import annotations

import errno
import hashlib

import pytest
from django.core.files.storage import FileSystemStorage, default_storage

from meetings.models import AgendaItem
from reports import packs
from reports.models import Pack

pytestmark = pytest.mark.django_db
SEED = "2014-09-22-health-and-well-being-board"
AGENDA_PACK = f"/meetings/{SEED}/packs/agenda-pack.pdf"


class FullDisk(FileSystemStorage):
    """The media folder on a disk with ``free`` bytes left: writes go to the real file until
    then, and the next write fails as the kernel's would (ENOSPC), leaving what was written."""

    free = 64 * 1024

    def _save(self, name, content):
        left = self.free
        original = content.chunks

        def chunks(chunk_size=None):
            nonlocal left
            for chunk in original(8192):
                if len(chunk) > left:
                    yield chunk[:left]
                    raise OSError(errno.ENOSPC, "No space left on device")
                left -= len(chunk)
                yield chunk

        content.chunks = chunks
        return super()._save(name, content)


@pytest.fixture
def full_disk(settings):
    def fill():
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": f"{__name__}.FullDisk",
                "OPTIONS": {"location": str(settings.MEDIA_ROOT)},
            },
        }

    return fill


def _published_pack(meeting) -> Pack:
    pack = packs.pack_request(meeting=meeting, kind=Pack.Kind.PUBLIC)
    assert pack.is_ready
    return packs.pack_freeze(pack=pack)


def test_a_full_disk_fails_the_build_and_the_published_pack_is_still_served(
    seed_meeting, client, client_as, full_disk, settings
):
    published = _published_pack(seed_meeting)
    before = client.get(AGENDA_PACK)
    assert before.status_code == 200
    published_bytes = b"".join(before.streaming_content)
    assert hashlib.sha256(published_bytes).hexdigest() == published.sha256

    # The clerk changes the agenda; the new build is saved on a disk that fills up.
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    item.title = "Better Care Fund: revised submission"
    item.save()
    full_disk()
    failed = packs.pack_request(meeting=seed_meeting, kind=Pack.Kind.PUBLIC)
    assert failed.pk != published.pk
    assert failed.state == Pack.State.FAILED
    assert "disk is full" in failed.error and "No space left on device" in failed.error

    # Readers still get the published pack, whole.
    after = client.get(AGENDA_PACK)
    assert after.status_code == 200
    assert b"".join(after.streaming_content) == published_bytes
    # The clerk reads why the new build failed.
    states = client_as("clerk").get(f"/meetings/{SEED}/packs/status/").json()["packs"]
    public = next(s for s in states if s["kind"] == "public")
    assert public["up_to_date"] is False and "disk is full" in public["error"]
    # No cut-short file is left under the name a finished pack would have: each stored pack
    # is whole (its name is its content's hash).
    folder = settings.MEDIA_ROOT / "packs" / str(seed_meeting.pk)
    for path in folder.iterdir():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, path.name


def test_a_cut_short_file_is_never_taken_for_the_finished_pack(seed_meeting, tmp_path):
    """A worker killed while saving leaves part of a file under the finished pack's name; the
    next build that makes the same file replaces it instead of trusting it."""
    pack = packs.pack_request(meeting=seed_meeting, kind=Pack.Kind.PUBLIC)
    whole = default_storage.open(pack.file.name).read()
    name = pack.file.name
    Pack.objects.filter(pk=pack.pk).delete()
    default_storage.delete(name)
    with default_storage.open(name, "wb") as cut_short:
        cut_short.write(whole[: len(whole) // 3])
    built = tmp_path / "built.pdf"
    built.write_bytes(whole)

    assert packs._store_file(built, name, len(whole)) == name
    assert default_storage.open(name).read() == whole


def test_once_space_is_freed_the_build_succeeds(seed_meeting, full_disk, settings):
    full_disk()
    failed = packs.pack_request(meeting=seed_meeting, kind=Pack.Kind.PUBLIC)
    assert failed.state == Pack.State.FAILED
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    retried = packs.pack_request(meeting=seed_meeting, kind=Pack.Kind.PUBLIC, retry=True)
    assert retried.pk == failed.pk and retried.is_ready and retried.error == ""
