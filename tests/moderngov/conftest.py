"""Fixtures for the ModernGov web service and import: the samples imported, a folder to spoil,
and the portal served to a client in another process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from meetings.moderngov.importer import FolderSource, import_moderngov

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "moderngov"


@pytest.fixture
def samples_folder(tmp_path) -> Path:
    """A copy of fixtures/moderngov (the real answers and two stand-in PDFs) to change freely."""
    folder = tmp_path / "answers"
    shutil.copytree(FIXTURES, folder)
    return folder


@pytest.fixture
def imported(db, samples_folder):
    """The samples imported into the portal; returns the import's summary."""
    return import_moderngov(FolderSource(samples_folder))


@pytest.fixture(scope="session")
def portal_url(django_db_setup, django_db_blocker):
    """The portal served by a thread of this process on the test database (the demo data), for
    clients in other processes. One request at a time: with SQLite's in-memory test database
    the server shares this process's connection."""
    import threading

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread
    from django.test.utils import modify_settings

    class OneAtATime(StaticFilesHandler):
        lock = threading.Lock()

        def __call__(self, environ, start_response):
            with self.lock:
                return super().__call__(environ, start_response)

    with django_db_blocker.unblock():
        shared = {
            c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()
        }
        for connection in shared.values():
            connection.inc_thread_sharing()
        thread = LiveServerThread("127.0.0.1", OneAtATime, connections_override=shared)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
    hosts = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
    hosts.enable()
    yield f"http://127.0.0.1:{thread.port}"
    hosts.disable()
    thread.terminate()
