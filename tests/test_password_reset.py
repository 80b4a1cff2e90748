"""A member or clerk who forgets their password resets it by e-mail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db


def test_a_forgotten_password_is_reset_through_the_emailed_link(client):
    user = get_user_model().objects.create_user(
        "cllr-gingell", "alison.gingell@example.gov.uk", "an-old-long-password"
    )
    response = client.post("/password-reset/", {"email": "alison.gingell@example.gov.uk"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase-9", "new_password2": "a-brand-new-passphrase-9"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase-9")
    assert client.get(link, follow=True).content.decode().count("has been used or has expired")


def test_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/password-reset/", {"email": "nobody@example.gov.uk"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []
