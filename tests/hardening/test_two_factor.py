"""Clerks and admins sign in with a password and a code from an authenticator app; until they
enter it, their session sees only what the public sees."""

import re
import subprocess
import sys
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings import roles
from meetings.demo import DEMO_TOTP_SECRETS, ensure_demo_accounts
from meetings.models import AgendaItem
from meetings.services import user_set_role
from reports.services import report_create
from tests.conftest import SEED_SLUG
from tests.hardening.totp import totp_code
from tests.test_security import InlineFinder

pytestmark = pytest.mark.django_db

CLERK = ("demo-clerk", "clerk-demo-papers-2014")
ADMIN = ("demo-admin", "admin-demo-papers-2014")


@pytest.fixture(autouse=True)
def demo_accounts():
    ensure_demo_accounts()


@pytest.fixture
def exempt_report(seed_meeting, make_pdf):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    return report_create(
        agenda_item=item, data=make_pdf("Exempt valuation"), title="Valuation", is_exempt=True
    )


def password_step(client, username, password, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def code_step(client, code, next_url=""):
    return client.post(reverse("two-factor"), {"code": code, "next": next_url})


def test_a_clerk_is_asked_for_the_code_after_the_password():
    client = Client()
    response = password_step(client, *CLERK, next_url="/workspace/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Enter your sign-in code" in html
    assert 'autocomplete="one-time-code"' in html
    done = code_step(client, totp_code(DEMO_TOTP_SECRETS["demo-clerk"]), "/workspace/")
    assert done.status_code == 302 and done["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200


def test_until_the_code_the_workspace_and_staff_pages_send_a_clerk_to_the_code_page(
    seed_meeting, exempt_report
):
    client = Client()
    password_step(client, *CLERK)
    for url in ("/workspace/", reverse("admin:index"), reverse("login")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two-factor")), url
    # Members-only and unpublished material answers as it does to the public.
    assert client.get(reverse("report-download", args=[exempt_report.pk])).status_code == 404
    pack = reverse("pack-download", kwargs={"slug": SEED_SLUG, "kind": "members-pack"})
    assert client.get(pack).status_code == 404
    draft = AgendaItem.objects.filter(meeting__status="draft").first().meeting
    assert client.get(draft.get_absolute_url()).status_code == 404
    # The public site works.
    meeting_page = client.get(seed_meeting.get_absolute_url())
    assert meeting_page.status_code == 200
    assert "Valuation" not in meeting_page.content.decode()
    code_step(client, totp_code(DEMO_TOTP_SECRETS["demo-clerk"]))
    assert client.get(reverse("report-download", args=[exempt_report.pk])).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_admin_needs_the_code_for_the_staff_pages_too():
    client = Client()
    password_step(client, *ADMIN)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 302
    code_step(client, totp_code(DEMO_TOTP_SECRETS["demo-admin"]))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_a_wrong_code_says_so_and_lets_nobody_in():
    client = Client()
    password_step(client, *CLERK)
    right = totp_code(DEMO_TOTP_SECRETS["demo-clerk"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = code_step(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/workspace/").status_code == 302
    letters = code_step(client, "12ab56")
    assert "Enter the 6 digits your authenticator app shows" in letters.content.decode()


def test_a_wrong_code_makes_the_next_try_wait(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute, then two, four...; the default is 1 s
    client = Client()
    password_step(client, *CLERK)
    right = totp_code(DEMO_TOTP_SECRETS["demo-clerk"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    code_step(client, wrong)
    # Even the right code waits now.
    response = code_step(client, right)
    assert "Too many wrong codes. Wait" in response.content.decode()
    assert client.get("/workspace/").status_code == 302


def test_a_code_works_once():
    first, second = Client(), Client()
    code = totp_code(DEMO_TOTP_SECRETS["demo-clerk"])
    password_step(first, *CLERK)
    assert code_step(first, code).status_code == 302
    password_step(second, *CLERK)
    replay = code_step(second, code)
    assert "That code is not right" in replay.content.decode()
    assert second.get("/workspace/").status_code == 302


def test_a_clerk_without_an_app_sets_one_up_at_first_sign_in(clerk):
    client = Client()
    response = password_step(client, "test-clerk", "a-long-test-password", "/workspace/")
    page = client.get(response["Location"], follow=True)
    html = page.content.decode()
    assert "Set up your sign-in code" in html
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)
    secret = unescape(re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', html).group(1))
    finder = InlineFinder()
    finder.feed(html)
    assert finder.problems == []
    # Reloading shows the same secret until it is confirmed.
    assert secret in client.get(reverse("two-factor-setup")).content.decode()
    assert client.get("/workspace/").status_code == 302
    done = client.post(
        reverse("two-factor-setup"), {"code": totp_code(secret), "next": "/workspace/"}
    )
    assert done.status_code == 302 and done["Location"] == "/workspace/"
    assert "Two-factor sign-in is set up" in client.get("/workspace/").content.decode()
    # Next time the code is asked for, not a new set-up.
    client.post(reverse("logout"))
    again = Client()
    response = password_step(again, "test-clerk", "a-long-test-password")
    assert "Enter your sign-in code" in again.get(response["Location"]).content.decode()
    assert again.get(reverse("two-factor-setup"))["Location"].startswith(reverse("two-factor"))


def test_a_member_needs_no_code(member, exempt_report):
    client = Client()
    response = password_step(client, "test-member", "a-long-test-password")
    assert response["Location"] == reverse("home")
    assert client.get(reverse("report-download", args=[exempt_report.pk])).status_code == 200
    assert client.get(reverse("two-factor"))["Location"] == reverse("home")


def test_a_member_made_clerk_is_asked_for_the_code_from_the_next_request(member):
    client = Client()
    password_step(client, "test-member", "a-long-test-password")
    user_set_role(user=member, role=roles.CLERK)
    assert client.get("/workspace/")["Location"].startswith(reverse("two-factor"))


def test_a_session_gets_a_new_key_at_the_password_and_again_at_the_code():
    from django.contrib.sessions.backends.db import SessionStore

    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    password_step(client, *CLERK)
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_password != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    code_step(client, totp_code(DEMO_TOTP_SECRETS["demo-clerk"]))
    after_code = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_code != after_password
    # Whoever copied the key between the two steps holds nothing.
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = after_password
    assert copy.get("/workspace/").status_code == 302
    assert "Signed in as" not in copy.get(reverse("home")).content.decode()
    assert client.get("/workspace/").status_code == 200


def test_a_member_gets_a_new_session_key_at_sign_in():
    from django.contrib.sessions.backends.db import SessionStore

    planted = SessionStore()
    planted.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    password_step(client, "demo-member", "member-demo-papers-2014")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key


def test_the_next_address_must_be_on_this_site():
    client = Client()
    password_step(client, *CLERK)
    done = code_step(client, totp_code(DEMO_TOTP_SECRETS["demo-clerk"]), "https://evil.example/")
    # Not there: where a clerk goes with no page to return to, the workspace.
    assert done["Location"] == reverse("workspace")


def test_the_staff_pages_never_show_an_authenticator_secret(client_as):
    admin = client_as("admin")
    device = User.objects.get(username="demo-clerk").totpdevice_set.get()
    page = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert device.key not in html
    assert DEMO_TOTP_SECRETS["demo-clerk"].replace(" ", "") not in html


def test_demo_totp_prints_codes_that_sign_the_demo_clerk_in(tmp_path):
    # The command reads the demo database a developer has; here it runs on a fresh one.
    env = {"VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    manage = [sys.executable, "manage.py"]
    root = settings.BASE_DIR
    kw = {"cwd": root, "env": env, "capture_output": True, "text": True, "timeout": 300}
    assert subprocess.run([*manage, "migrate", "-v0"], **kw).returncode == 0
    assert subprocess.run([*manage, "load_demo"], **kw).returncode == 0
    result = subprocess.run([*manage, "demo_totp"], **kw)
    assert result.returncode == 0, result.stderr
    codes = dict(re.findall(r"(demo-\w+)\s+code: (\d{6})", result.stdout))
    assert set(codes) == {"demo-clerk", "demo-admin"}
    assert codes["demo-clerk"] in {
        totp_code(DEMO_TOTP_SECRETS["demo-clerk"], offset=offset) for offset in (-1, 0)
    }
