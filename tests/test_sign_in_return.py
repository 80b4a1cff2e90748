"""After signing in, a person returns to the page they came from: a member at once, a clerk or
admin after the code (or, with no page to return to, to the workspace). The page to return to is
always one of this site's that can be opened; anything else is ignored."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from meetings.demo import DEMO_TOTP_SECRETS, ensure_demo_accounts
from meetings.models import AgendaItem, Meeting
from tests.hardening.totp import totp_code

pytestmark = pytest.mark.django_db

MEMBER = {"username": "demo-member", "password": "member-demo-papers-2014"}
CLERK = {"username": "demo-clerk", "password": "clerk-demo-papers-2014"}
# The scrutiny board's meeting with exempt papers in the demo (meetings/demo.py).
EXEMPT_MEETING = "/meetings/2014-10-15-health-and-social-care-scrutiny-board/"
EXEMPT_PAPER = "Land at Radford Yard: Confidential Valuation"


@pytest.fixture(autouse=True)
def demo_accounts():
    ensure_demo_accounts()


def sign_in_link(html: str) -> str:
    return unescape(re.search(r'<a [^>]*href="([^"]*)"[^>]*>Sign in</a>', html).group(1))


def hidden_next(html: str) -> str:
    return unescape(re.search(r'<input type="hidden" name="next" value="([^"]*)"', html).group(1))


def test_a_member_returns_to_the_meeting_page_they_signed_in_from():
    client = Client()
    meeting_page = client.get(EXEMPT_MEETING).content.decode()
    assert EXEMPT_PAPER not in meeting_page
    link = sign_in_link(meeting_page)
    assert urlsplit(link).path == reverse("login")
    assert parse_qs(urlsplit(link).query) == {"next": [EXEMPT_MEETING]}
    form = client.get(link).content.decode()
    assert hidden_next(form) == EXEMPT_MEETING
    response = client.post(reverse("login"), {**MEMBER, "next": hidden_next(form)})
    assert response.status_code == 302
    assert response["Location"] == EXEMPT_MEETING
    assert EXEMPT_PAPER in client.get(EXEMPT_MEETING).content.decode()


def test_a_search_keeps_its_words_through_signing_in():
    client = Client()
    search = "/search/?q=radford+yard&exempt=1"
    link = sign_in_link(client.get(search).content.decode())
    assert parse_qs(urlsplit(link).query) == {"next": [search]}
    response = client.post(reverse("login"), {**MEMBER, "next": search})
    assert response["Location"] == search


def test_a_member_with_no_page_to_return_to_goes_home():
    response = Client().post(reverse("login"), MEMBER)
    assert response["Location"] == reverse("home")


def test_a_clerk_returns_to_the_page_after_the_code():
    client = Client()
    response = client.post(reverse("login"), {**CLERK, "next": EXEMPT_MEETING})
    code_page = response["Location"]
    assert urlsplit(code_page).path == reverse("two-factor")
    assert parse_qs(urlsplit(code_page).query) == {"next": [EXEMPT_MEETING]}
    # Until the code, the page answers as it does to the public.
    assert EXEMPT_PAPER not in client.get(EXEMPT_MEETING).content.decode()
    assert hidden_next(client.get(code_page).content.decode()) == EXEMPT_MEETING
    done = client.post(
        reverse("two-factor"),
        {"code": totp_code(DEMO_TOTP_SECRETS["demo-clerk"]), "next": EXEMPT_MEETING},
    )
    assert done["Location"] == EXEMPT_MEETING
    assert EXEMPT_PAPER in client.get(EXEMPT_MEETING).content.decode()


def test_a_clerk_with_no_page_to_return_to_goes_to_the_workspace():
    client = Client()
    response = client.post(reverse("login"), CLERK)
    assert response["Location"] == reverse("two-factor")
    done = client.post(reverse("two-factor"), {"code": totp_code(DEMO_TOTP_SECRETS["demo-clerk"])})
    assert done["Location"] == reverse("workspace")
    assert client.get(done["Location"]).status_code == 200


def test_someone_signed_in_already_goes_straight_to_the_page():
    client = Client()
    client.post(reverse("login"), MEMBER)
    response = client.get(f"{reverse('login')}?next={quote(EXEMPT_MEETING)}")
    assert response["Location"] == EXEMPT_MEETING


ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
    " //evil.example/",
]
NOT_A_PAGE_TO_RETURN_TO = [
    "/sign-out/",  # answers POST only
    "/sign-in/",  # a loop
    "/sign-in/code/",
    "/no-such-page/",
]


@pytest.mark.parametrize("next_url", ELSEWHERE + NOT_A_PAGE_TO_RETURN_TO)
def test_a_member_is_never_sent_elsewhere(next_url):
    client = Client()
    form = client.get(reverse("login"), {"next": next_url}).content.decode()
    assert hidden_next(form) == ""
    response = client.post(reverse("login"), {**MEMBER, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("next_url", ELSEWHERE + NOT_A_PAGE_TO_RETURN_TO)
def test_a_clerk_is_never_sent_elsewhere_after_the_code(next_url):
    client = Client()
    response = client.post(reverse("login"), {**CLERK, "next": next_url})
    assert response["Location"] == reverse("two-factor")
    done = client.post(
        reverse("two-factor"),
        {"code": totp_code(DEMO_TOTP_SECRETS["demo-clerk"]), "next": next_url},
    )
    assert done["Location"] == reverse("workspace")


def test_a_clerk_is_not_sent_to_a_workspace_address_that_only_takes_a_form():
    item = AgendaItem.objects.filter(meeting__status=Meeting.Status.DRAFT).first()
    post_only = reverse("workspace-item-move", args=[item.pk])  # "Move up" and "Move down"
    client = Client()
    client.post(reverse("login"), {**CLERK, "next": post_only})
    done = client.post(
        reverse("two-factor"),
        {"code": totp_code(DEMO_TOTP_SECRETS["demo-clerk"]), "next": post_only},
    )
    assert done["Location"] == reverse("workspace")
