"""A new password must be strong: at least 12 characters, not a common one, not all digits and
not like the user's name. Every form that sets one says what is wrong."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

WEAK = [
    ("short-pw1", "This password is too short. It must contain at least 12 characters."),
    ("password1234", "This password is too common."),
    ("730418926351", "This password is entirely numeric."),
    ("alison.gingell", "The password is too similar to the"),
]


@pytest.fixture
def gingell():
    return User.objects.create_user(
        "alison.gingell", "alison.gingell@example.gov.uk", "an-old-long-password",
        first_name="Alison", last_name="Gingell",
    )  # fmt: skip


def reset_form_url(client) -> str:
    client.post(reverse("password_reset"), {"email": "alison.gingell@example.gov.uk"})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_the_reset_form_refuses_a_weak_password_and_says_why(gingell, password, message):
    client = Client()
    url = reset_form_url(client)
    response = client.post(url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html
    gingell.refresh_from_db()
    assert gingell.check_password("an-old-long-password")


def test_the_reset_form_takes_a_strong_password(gingell):
    client = Client()
    url = reset_form_url(client)
    strong = "heron-lantern-quietly-27"
    assert client.post(url, {"new_password1": strong, "new_password2": strong}).status_code == 302
    gingell.refresh_from_db()
    assert gingell.check_password(strong)


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_an_admin_setting_a_password_gets_the_same_rules(gingell, client_as, password, message):
    admin = client_as("admin")
    url = reverse("admin:auth_user_password_change", args=[gingell.pk])
    response = admin.post(
        url, {"password1": password, "password2": password, "usable_password": "true"}
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    gingell.refresh_from_db()
    assert gingell.check_password("an-old-long-password")


def test_a_clerk_changing_their_own_password_gets_the_same_rules(client_as):
    clerk = client_as("clerk")
    response = clerk.post(
        reverse("admin:password_change"),
        {
            "old_password": "a-long-test-password",
            "new_password1": "short-pw1",
            "new_password2": "short-pw1",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
