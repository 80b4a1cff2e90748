"""Wrong passwords pause signing in for one user name from one address, for a while: an
attacker can neither lock everyone out nor keep guessing."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from meetings.demo import ensure_demo_accounts

pytestmark = pytest.mark.django_db

HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
MEMBER = ("demo-member", "member-demo-papers-2014")


def sign_in(client, username, password, address=HOME):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in_as(client) -> str | None:
    html = client.get(reverse("home")).content.decode()
    found = re.search(r"Signed in as (\S+)", html)
    return found.group(1) if found else None


def five_wrong_passwords(username="demo-member", address=HOME):
    client = Client()
    for _ in range(5):
        response = sign_in(client, username, "not-the-password", address)
    return response


@pytest.fixture(autouse=True)
def demo_accounts():
    ensure_demo_accounts()


def test_four_wrong_passwords_still_let_the_right_one_in():
    client = Client()
    for _ in range(4):
        wrong = sign_in(client, "demo-member", "not-the-password")
        assert "enter a correct username and password" in wrong.content.decode()
    assert sign_in(client, *MEMBER).status_code == 302
    assert signed_in_as(client) == "demo-member"


def test_the_fifth_wrong_password_pauses_that_user_from_that_address():
    response = five_wrong_passwords()
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused" in page
    assert "5 wrong passwords" in page and "demo-member" in page
    assert re.search(r"Try again after <strong>\d{1,2}\.\d\d [ap]m</strong>", page)


def test_a_paused_user_is_refused_even_with_the_right_password_and_told_when_to_retry():
    five_wrong_passwords()
    client = Client()
    response = sign_in(client, *MEMBER)
    assert response.status_code == 429
    assert "Try again after" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert signed_in_as(client) is None


def test_the_same_user_from_another_address_still_signs_in():
    five_wrong_passwords()
    client = Client()
    assert sign_in(client, *MEMBER, address=ELSEWHERE).status_code == 302
    assert signed_in_as(client) == "demo-member"


def test_another_user_from_the_same_address_still_signs_in():
    five_wrong_passwords(username="demo-member")
    client = Client()
    response = sign_in(client, "demo-clerk", "clerk-demo-papers-2014")
    assert response.status_code == 302  # on to the sign-in code
    assert response["Location"].startswith(reverse("two-factor"))


def test_after_the_cool_off_the_right_password_works_again():
    five_wrong_passwords()
    assert sign_in(Client(), *MEMBER).status_code == 429
    # The attempts were made sixteen minutes ago: past the fifteen-minute cool-off.
    for attempt in AccessAttempt.objects.filter(username="demo-member"):
        attempt.attempt_time -= dt.timedelta(minutes=16)
        attempt.save()
    client = Client()
    assert sign_in(client, *MEMBER).status_code == 302
    assert signed_in_as(client) == "demo-member"


def test_a_paused_user_can_still_reset_the_password_and_then_sign_in():
    User.objects.filter(username="demo-member").update(email="member@example.gov.uk")
    five_wrong_passwords()
    client = Client(REMOTE_ADDR=HOME)
    sent = client.post(reverse("password_reset"), {"email": "member@example.gov.uk"})
    assert sent.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "a-fresh-passphrase-for-autumn"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert sign_in(client, "demo-member", new).status_code == 302
    assert signed_in_as(client) == "demo-member"


def test_behind_a_proxy_the_address_the_proxy_saw_counts_not_what_the_client_claims():
    with override_settings(BEHIND_PROXY=True):
        attacker = Client()
        for _ in range(5):
            # The attacker writes any address first; the proxy appends the real one.
            attacker.post(
                reverse("login"),
                {"username": "demo-member", "password": "not-the-password"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {HOME}",
            )
        from_home = Client().post(
            reverse("login"), {"username": MEMBER[0], "password": MEMBER[1]},
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=HOME,
        )  # fmt: skip
        assert from_home.status_code == 429
        from_elsewhere = Client().post(
            reverse("login"), {"username": MEMBER[0], "password": MEMBER[1]},
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE,
        )  # fmt: skip
        assert from_elsewhere.status_code == 302


def test_without_a_proxy_a_forwarded_header_is_ignored():
    for _ in range(5):
        Client().post(
            reverse("login"),
            {"username": "demo-member", "password": "not-the-password"},
            REMOTE_ADDR=HOME,
            HTTP_X_FORWARDED_FOR=ELSEWHERE,
        )
    assert sign_in(Client(), *MEMBER, address=HOME).status_code == 429
