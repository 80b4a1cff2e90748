"""An account an admin switches off is signed out everywhere at once."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from meetings.models import AgendaItem
from reports.services import report_create
from tests.conftest import SEED_SLUG

pytestmark = pytest.mark.django_db


def sessions_of(user) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def test_a_switched_off_member_is_signed_out_at_their_next_request(
    member, client_as, seed_meeting, make_pdf
):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    exempt = report_create(
        agenda_item=item, data=make_pdf("Exempt valuation"), title="Valuation", is_exempt=True
    )
    laptop = Client()
    assert (
        laptop.post(
            reverse("login"), {"username": "test-member", "password": "a-long-test-password"}
        ).status_code
        == 302
    )
    phone = client_as("member")
    assert phone.get(reverse("report-download", args=[exempt.pk])).status_code == 200
    assert sessions_of(member) == 2

    # What the admin's user form does when "Active" is unticked.
    member.is_active = False
    member.save()

    assert sessions_of(member) == 0
    for client in (laptop, phone):
        assert "Signed in as" not in client.get(reverse("home")).content.decode()
        assert client.get(reverse("report-download", args=[exempt.pk])).status_code == 404
        pack = reverse("pack-download", kwargs={"slug": SEED_SLUG, "kind": "members-pack"})
        assert client.get(pack).status_code == 404


def test_switching_off_one_account_leaves_the_others_signed_in(member, clerk, client_as):
    other = client_as("clerk")
    member.is_active = False
    member.save()
    assert sessions_of(clerk) == 1
    assert other.get("/workspace/").status_code == 200


def test_an_admin_switching_an_account_off_in_the_staff_pages_signs_it_out(member, client_as):
    phone = client_as("member")
    admin = client_as("admin")
    page = admin.get(reverse("admin:auth_user_change", args=[member.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "is_active": "",
            "groups": [g.pk for g in member.groups.all()],
            "date_joined_0": member.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    data = {k: v for k, v in data.items() if v is not False}
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin.post(reverse("admin:auth_user_change", args=[member.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    member.refresh_from_db()
    assert not member.is_active
    assert "Signed in as" not in phone.get(reverse("home")).content.decode()
