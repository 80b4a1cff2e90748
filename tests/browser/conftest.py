"""Browser tests: Debian's chromium driven by Playwright, against the portal served in-process.

The server is started once per session on the test database, which holds the demo data and the
demo accounts (loaded by tests/conftest.py). It serves each request on the test's own database
connection, so what a test sets up through the ORM is what the browser sees, and what the browser
changes is rolled back with the test, on SQLite and on PostgreSQL alike.
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
                # Django's test Client connects close_old_connections again after each of its
                # requests; a test that used it would otherwise have this server close the
                # shared connection at the end of its next request (on PostgreSQL).
                request_started.disconnect(close_old_connections)
                request_finished.disconnect(close_old_connections)
                return super().__call__(environ, start_response)

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    class KeepConnections(ThreadedWSGIServer):
        def _close_connections(self):
            """Django closes every connection after each request: not the shared one."""

    class ServerThread(LiveServerThread):
        server_class = KeepConnections

    with django_db_blocker.unblock():
        # The server shares the test's connection, on PostgreSQL too: what a test sets up is
        # what the server sees, and what the browser writes is rolled back with the test.
        shared = {c.alias: c for c in connections.all()}
        for connection in shared.values():
            connection.inc_thread_sharing()
        # A request must not close that connection (it is inside the test's transaction).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        thread = ServerThread("127.0.0.1", OneAtATime, connections_override=shared)
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
    # The signals stay disconnected: this is the end of the session, and a request thread still
    # finishing must not close a connection it no longer shares.
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


def sign_in_code(username: str) -> str:
    """The code the demo account's authenticator app shows, as the portal will take it: a code
    works once, so after a sign-in in this time step the next step's code is used (the portal
    accepts one step either side), or the helper waits for a new step."""
    import time

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from meetings.demo import DEMO_TOTP_SECRETS
    from tests.hardening.totp import totp_code

    last_used = TOTPDevice.objects.get(user__username=username, confirmed=True).last_t
    now = int(time.time() // 30)
    if last_used > now:  # both this step's code and the next one are used: wait for a new step
        time.sleep(30 - time.time() % 30 + 0.5)
        now = int(time.time() // 30)
    return totp_code(DEMO_TOTP_SECRETS[username], offset=max(0, last_used + 1 - now))


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
            if role in ("clerk", "admin"):
                page.wait_for_url(f"{portal_url}/sign-in/code/**")
                page.fill("#id_code", sign_in_code(f"demo-{role}"))
                page.click("main button[type=submit]")
                # With no page to return to, a clerk or admin lands in the workspace.
                page.wait_for_url(f"{portal_url}/workspace/")
            else:
                page.wait_for_url(f"{portal_url}/")
        return page

    yield make
    for context in contexts:
        context.close()
