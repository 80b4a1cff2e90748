"""What each role sees, decided by visible_to(user) (DESIGN.md, "Who uses it")."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from meetings.demo import ensure_demo_accounts
from meetings.models import AgendaItem, Meeting, MinuteItem, Minutes
from reports.models import Report
from reports.services import report_create
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CANARY = "Quillothrax"  # a word found only in exempt material


@pytest.fixture
def exempt_paper(seed_meeting, make_pdf):
    item = AgendaItem.objects.create(
        meeting=seed_meeting, number="8", position=99, title="Land at Earl Street",
        part="private", exemption_paragraph=3,
        public_description="It contains the commercial terms of a proposed sale.",
    )  # fmt: skip
    return report_create(
        agenda_item=item, data=make_pdf(f"The {CANARY} site valuation"), title=f"{CANARY} valuation"
    )


def test_the_public_sees_published_meetings_only(member, clerk, admin_user):
    draft = Meeting.objects.filter(status="draft")
    assert draft.exists()
    for user in (AnonymousUser(), member):
        assert not Meeting.objects.visible_to(user).filter(status="draft").exists()
        assert Meeting.objects.visible_to(user).filter(status="cancelled").exists()
    for user in (clerk, admin_user):
        assert Meeting.objects.visible_to(user).count() == Meeting.objects.count()


def test_exempt_papers_reach_members_and_clerks_only(exempt_paper, member, clerk):
    assert not Report.objects.visible_to(AnonymousUser()).filter(pk=exempt_paper.pk).exists()
    assert Report.objects.visible_to(member).filter(pk=exempt_paper.pk).exists()
    assert Report.objects.visible_to(clerk).filter(pk=exempt_paper.pk).exists()


def test_a_private_item_shows_its_title_and_reason_but_never_its_papers(
    exempt_paper, seed_meeting, client, client_as
):
    public_page = client.get(seed_meeting.get_absolute_url()).content.decode()
    assert "Land at Earl Street" in public_page
    assert "It contains the commercial terms of a proposed sale." in public_page
    assert "paragraph 3 of Schedule 12A" in public_page
    assert CANARY not in public_page
    assert exempt_paper.get_download_url() not in public_page
    assert client.get(exempt_paper.get_download_url()).status_code == 404

    member_page = client_as("member").get(seed_meeting.get_absolute_url()).content.decode()
    assert f"{CANARY} valuation" in member_page
    response = client_as("member").get(exempt_paper.get_download_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_unpublished_minutes_are_for_clerks_only(seed_meeting, member, clerk):
    minutes = Minutes.objects.create(meeting=seed_meeting)  # a draft, not published
    assert not Minutes.objects.visible_to(AnonymousUser()).filter(pk=minutes.pk).exists()
    assert not Minutes.objects.visible_to(member).filter(pk=minutes.pk).exists()
    assert Minutes.objects.visible_to(clerk).filter(pk=minutes.pk).exists()


def test_private_minutes_are_hidden_from_the_public(member):
    july = Minutes.objects.get(meeting__start__date="2014-07-07")
    secret = MinuteItem.objects.create(
        minutes=july, number="11", position=11, title="Staffing matter", part="private",
        exemption_paragraph=1,
    )  # fmt: skip
    assert not MinuteItem.objects.visible_to(AnonymousUser()).filter(pk=secret.pk).exists()
    assert MinuteItem.objects.visible_to(member).filter(pk=secret.pk).exists()
    assert MinuteItem.objects.visible_to(AnonymousUser()).filter(minutes=july).count() == 10


def test_demo_accounts_sign_in_through_the_form_and_sign_out(client):
    accounts = ensure_demo_accounts()
    assert {role for role, _, _ in accounts} == {"member", "clerk", "admin"}
    for role, username, password in accounts:
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302, f"{role} could not sign in"
        home = client.get(reverse("home")).content.decode()
        assert f"Signed in as {username} ({role})" in home
        client.post(reverse("logout"))
        assert "Sign in" in client.get(reverse("home")).content.decode()


def test_a_wrong_password_says_so_and_signs_nobody_in(client):
    ensure_demo_accounts()
    response = client.post(reverse("login"), {"username": "demo-member", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_demo_clerk_can_open_the_seed_meeting_in_the_staff_pages(client, seed_meeting):
    ensure_demo_accounts()
    # A clerk's session that has passed the sign-in code too (tests/hardening/test_two_factor.py
    # goes through both forms).
    sign_in(client, User.objects.get(username="demo-clerk"))
    page = client.get(reverse("admin:meetings_meeting_change", args=[seed_meeting.pk]))
    assert page.status_code == 200
    assert "Better Care Fund Update" in page.content.decode()


def test_members_cannot_change_anything(client_as, seed_meeting):
    member = client_as("member")
    response = member.post(
        reverse("admin:meetings_meeting_change", args=[seed_meeting.pk]), {"status": "cancelled"}
    )
    assert response.status_code == 302 and "login" in response["Location"]
    seed_meeting.refresh_from_db()
    assert seed_meeting.status == "published"
