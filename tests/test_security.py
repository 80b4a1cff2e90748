"""Secure from the first page: the headers, and no inline script or style anywhere."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


class InlineFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy would block."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if "style" in names:
            self.problems.append(f"<{tag} style=...>")
        self.problems += [f"<{tag} {n}=...>" for n in names if n.startswith("on")]
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        if any(str(v or "").strip().lower().startswith("javascript:") for v in names.values()):
            self.problems.append(f"<{tag}> with a javascript: URL")


PAGES = [
    ("anonymous", lambda seed: reverse("home")),
    ("anonymous", lambda seed: seed.get_absolute_url()),
    ("anonymous", lambda seed: reverse("login")),
    ("member", lambda seed: seed.get_absolute_url()),
    ("clerk", lambda seed: reverse("admin:index")),
    ("clerk", lambda seed: reverse("admin:meetings_meeting_change", args=[seed.pk])),
]


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_pages_send_the_security_headers_and_nothing_inline(role, url, client_as, seed_meeting):
    response = client_as(role).get(url(seed_meeting))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    finder = InlineFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


def test_every_page_starts_with_a_skip_link_and_has_one_h1(client, seed_meeting):
    for url in (reverse("home"), seed_meeting.get_absolute_url(), reverse("login")):
        html = client.get(url).content.decode()
        assert '<a href="#main-content" class="govuk-skip-link"' in html
        assert html.count("<h1") == 1


def _manage(*args, **env):
    # Only what a deployment would set: nothing from the test session (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which check --deploy rightly refuses).
    dropped = ("DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        HTTPS="1",
        SECRET_KEY="prod-" + "k7Qx9vLp2Zr4Ty8Wn3Bm6Hc1Jd5Fg0Sa" * 2,
        ALLOWED_HOSTS="papers.example.gov.uk",
        EMAIL_HOST="smtp.example.gov.uk",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_are_not_production_safe_and_check_deploy_says_so(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="1", VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_migrations_are_committed_for_every_model_change(tmp_path):
    result = _manage("makemigrations", "--check", "--dry-run", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
