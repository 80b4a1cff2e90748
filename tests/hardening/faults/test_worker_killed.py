"""A task worker killed (SIGKILL) in the middle of building a pack: nothing half-written is
served, the build is queued again once it is stale, and exactly one ready pack results."""

from __future__ import annotations

import hashlib
import signal
import sys
import time
from pathlib import Path

SEED = "2014-09-22-health-and-well-being-board"


def _pack_rows(portal, meeting_id: int) -> list[tuple]:
    return portal.sql(
        "SELECT id, state, attempts, file, sha256 FROM reports_pack "
        "WHERE meeting_id = ? AND kind = 'public' ORDER BY id",
        (meeting_id,),
    )


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"Gave up waiting for {what}")


def test_a_worker_killed_mid_build_is_replaced_and_one_ready_pack_results(portal):
    meeting_id = portal.sql("SELECT id FROM meetings_meeting WHERE slug = ?", (SEED,))[0][0]
    portal.sql("DELETE FROM reports_pack WHERE meeting_id = ?", (meeting_id,))
    # A reader asks for the pack: it is queued for the worker.
    queued = portal.python(f"""
        import json
        from meetings.models import Meeting
        from reports import packs
        pack = packs.pack_request(meeting=Meeting.objects.get(slug="{SEED}"), kind="public")
        print(json.dumps([pack.pk, pack.state]))
    """)
    assert queued[1] == "queued"

    worker = portal.popen(
        sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"
    )
    try:
        _wait_for(
            lambda: _pack_rows(portal, meeting_id)[0][1] == "building", 120, "the build to start"
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL

    (_, state, _, file, _), *others = _pack_rows(portal, meeting_id)
    assert others == [] and state == "building" and file == ""
    # Nothing is served meanwhile: a download says "being prepared".
    answer = portal.python(f"""
        import json
        from django.test import Client
        response = Client(HTTP_HOST="localhost").get("/meetings/{SEED}/packs/agenda-pack.pdf")
        print(json.dumps([response.status_code, response.get("Retry-After")]))
    """)
    assert answer == [503, "15"]

    # The timer's sweep (requeue_stale_packs) queues it again once it is stale, and a new
    # worker builds it.
    time.sleep(3.5)
    env = dict(portal.env, PACK_BUILD_STALE_MINUTES="0.05")
    portal.env, saved = env, portal.env
    try:
        out = portal.manage("requeue_stale_packs")
    finally:
        portal.env = saved
    assert "1 stale pack build(s) queued again" in out
    worker = portal.popen(sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay")
    assert worker.wait(180) == 0, portal.log_tail()

    rows = _pack_rows(portal, meeting_id)
    assert len(rows) == 1
    _, state, attempts, file, sha256 = rows[0]
    assert state == "ready" and attempts == 1
    data = (Path(portal.env["MEDIA_ROOT"]) / file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256 and data.startswith(b"%PDF-")
    stored = list((Path(portal.env["MEDIA_ROOT"]) / "packs" / str(meeting_id)).iterdir())
    assert [p.name for p in stored] == [f"{sha256}.pdf"]
    answer = portal.python(f"""
        import json
        from django.test import Client
        response = Client(HTTP_HOST="localhost").get("/meetings/{SEED}/packs/agenda-pack.pdf")
        print(json.dumps(response.status_code))
    """)
    assert answer == 200
