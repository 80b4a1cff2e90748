"""The database drops the portal's connections (a restart, a failover, an administrator's
``pg_terminate_backend``): the portal, served by gunicorn as in production with persistent
connections (CONN_MAX_AGE), recovers by itself and the next request is answered as usual."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from pathlib import Path

import pytest

GUNICORN = str(Path(__file__).resolve().parents[3] / ".venv" / "bin" / "gunicorn")
PAGES = [
    "/",
    "/meetings/2014-09-22-health-and-well-being-board/",
    "/meetings/2014-07-07-health-and-well-being-board/minutes/",  # its prepared statements
    "/committees/",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _terminate_portal_connections(portal) -> int:
    rows = portal.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return sum(1 for (done,) in rows if done)


@pytest.fixture
def served(portal):
    if not portal.postgres:
        pytest.skip("pg_terminate_backend needs PostgreSQL (set DATABASE_URL to one)")
    port = _free_port()
    env = dict(portal.env, PAGE_CACHE_SECONDS="0", CONN_MAX_AGE="600")
    portal.env, saved = env, portal.env
    try:
        server = portal.popen(
            GUNICORN, "boardpapers.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--threads", "4",
        )  # fmt: skip
    finally:
        portal.env = saved
    deadline = time.monotonic() + 60
    while True:
        try:
            if _get(port, "/")[0] == 200:
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)
    yield port
    server.terminate()
    try:
        server.wait(10)
    except Exception:
        server.kill()
        server.wait(10)


def test_the_next_request_after_the_connection_is_dropped_is_answered(served, portal):
    for path in PAGES:
        assert _get(served, path)[0] == 200
    assert _terminate_portal_connections(portal) >= 1  # gunicorn's persistent connection(s)
    for path in PAGES:
        status, _ = _get(served, path)
        assert status == 200


def test_connections_dropped_again_and_again_mid_request_do_not_last(served, portal):
    """Connections are killed every few milliseconds while readers keep asking. A request
    whose connection dies under it may fail (a plain error page, no traceback); once the
    database is left alone, every request is answered."""
    stop = threading.Event()
    terminated = []

    def killer():
        while not stop.is_set():
            terminated.append(_terminate_portal_connections(portal))
            time.sleep(0.005)

    thread = threading.Thread(target=killer)
    thread.start()
    answers = []
    try:
        for n in range(40):
            answers.append(_get(served, PAGES[n % len(PAGES)]))
    finally:
        stop.set()
        thread.join()
    assert sum(terminated) > 0
    for status, body in answers:
        assert status in (200, 500)
        assert b"Traceback" not in body
    assert [_get(served, path)[0] for path in PAGES * 3] == [200] * (len(PAGES) * 3)
