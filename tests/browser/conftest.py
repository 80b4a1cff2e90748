"""Browser tests: Debian's chromium driven by Playwright, against the portal served in-process.

The server is started once per session on the test database, which holds the demo data and the
demo accounts (loaded by tests/conftest.py). Tests here read; they do not write through the ORM,
so on PostgreSQL the server's own connection sees everything they rely on.
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# thread are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI needs chromium for the browser tests: apt-get install chromium")
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def portal_url(django_db_setup, django_db_blocker):
    """The portal served by a thread of this process, on the test database.

    Requests are served one at a time: with SQLite's in-memory test database the server shares
    this process's connection, which must never be used by two threads at once (a browser
    fetches images and styles in parallel)."""
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
    for connection in shared.values():
        connection.dec_thread_sharing()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, portal_url, db):
    """page_for("member") gives a Playwright page signed in as that demo account."""
    contexts = []

    def make(role: str = "anonymous", *, width: int = 1280, bypass_csp: bool = True):
        # bypass_csp lets the test inject axe-core; the portal's own pages never need it.
        context = browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=bypass_csp
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            page.goto(f"{portal_url}/sign-in/")
            page.fill("#id_username", f"demo-{role}")
            page.fill("#id_password", f"{role}-demo-papers-2014")
            page.click("main button[type=submit]")
            page.wait_for_url(f"{portal_url}/")
        return page

    yield make
    for context in contexts:
        context.close()
