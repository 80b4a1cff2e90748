"""Shared fixtures: the demo data loaded once per test session, users in each role, test PDFs."""

from __future__ import annotations

import functools

import pytest
from django.contrib.auth import get_user_model

from meetings import roles
from meetings.demo import ensure_demo_accounts, load_demo
from meetings.models import Meeting
from meetings.services import user_set_role

SEED_SLUG = "2014-09-22-health-and-well-being-board"
MINUTES_SLUG = "2014-07-07-health-and-well-being-board"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo data (the seed meeting and the demonstration meetings) once per session;
    every test runs inside a transaction that is rolled back, so each sees it unchanged."""
    with django_db_blocker.unblock():
        load_demo()
        ensure_demo_accounts()


@pytest.fixture
def seed_meeting(db) -> Meeting:
    return Meeting.objects.get(slug=SEED_SLUG)


def _user(username: str, role: str | None):
    user = get_user_model().objects.create_user(username=username, password="a-long-test-password")
    if role:
        user_set_role(user=user, role=role)
    return user


@pytest.fixture
def member(db):
    return _user("test-member", roles.MEMBER)


@pytest.fixture
def clerk(db):
    return _user("test-clerk", roles.CLERK)


@pytest.fixture
def admin_user(db):
    return _user("test-admin", roles.ADMIN)


@pytest.fixture
def client_as(client, member, clerk, admin_user):
    """client_as("member") gives a test client signed in with that role ("anonymous": none)."""
    from django.test import Client

    users = {"member": member, "clerk": clerk, "admin": admin_user}

    def make(role: str) -> Client:
        new = Client()
        if role != "anonymous":
            sign_in(new, users[role])
        return new

    return make


def sign_in(client, user) -> None:
    """Sign a test client in as this user; a clerk or admin also as having entered their
    sign-in code (django-otp's session key for a confirmed authenticator device)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if roles.requires_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test authenticator")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@functools.cache
def pdf_bytes(*pages: str) -> bytes:
    """A real PDF, one page per string, rendered by WeasyPrint."""
    from weasyprint import HTML

    body = "".join(f'<section style="break-after: page"><p>{text}</p></section>' for text in pages)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


@pytest.fixture
def make_pdf():
    return pdf_bytes
