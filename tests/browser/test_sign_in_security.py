"""The sign-in security pages (issue #7; the rest of its tests are in tests/hardening) in a
real browser: axe-core finds no WCAG 2.2 AA violation, and the second step works with the
keyboard as a clerk would use it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse

from tests.browser.checks import AXE_OPTIONS
from tests.browser.conftest import sign_in_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def axe_problems(page) -> str:
    results = Axe().run(page, options=AXE_OPTIONS)
    return results.generate_report() if results.violations_count else ""


def test_the_code_page_passes_axe_and_signs_the_clerk_in(page_for, portal_url):
    page = page_for("anonymous")
    page.goto(f"{portal_url}/sign-in/")
    page.fill("#id_username", "demo-clerk")
    page.fill("#id_password", "clerk-demo-papers-2014")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{portal_url}/sign-in/code/**")
    assert page.locator("h1").inner_text() == "Enter your sign-in code"
    assert axe_problems(page) == ""
    page.fill("#id_code", sign_in_code("demo-clerk"))
    page.keyboard.press("Enter")
    # With no page to return to, the clerk lands in the workspace.
    page.wait_for_url(f"{portal_url}/workspace/")


def test_the_lockout_page_passes_axe(page_for, portal_url):
    # A user name nobody has: the pause is per user name and address, and the rows the server
    # writes may outlive this test on PostgreSQL, so no demo account is paused.
    page = page_for("anonymous")
    for _ in range(5):
        page.goto(f"{portal_url}/sign-in/")
        page.fill("#id_username", "no-such-person")
        page.fill("#id_password", "a-wrong-guess")
        page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Sign-in paused"
    assert "Try again after" in page.locator("main").inner_text()
    assert axe_problems(page) == ""


def test_the_set_up_page_passes_axe(page_for, portal_url, clerk):
    # A clerk with no authenticator yet; the page is made by the test client (the server's
    # database need not see this new account) and shown in the browser with the portal's CSS.
    client = Client()
    client.post(reverse("login"), {"username": "test-clerk", "password": "a-long-test-password"})
    html = client.get(reverse("two-factor-setup")).content.decode()
    page = page_for("anonymous")
    page.goto(f"{portal_url}/accessibility/")
    page.set_content(html, wait_until="load")
    assert page.locator("h1").inner_text() == "Set up your sign-in code"
    assert page.locator("img[src^='data:image/svg+xml']").evaluate("img => img.naturalWidth") > 0
    assert axe_problems(page) == ""
