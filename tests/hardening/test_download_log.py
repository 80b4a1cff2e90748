"""Every download of an exempt paper (exempt report, report of a private item, members' pack)
is logged: who, what, when and from which address; clerks read the log, nobody changes it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from meetings.models import AgendaItem
from reports.models import DownloadLog
from reports.services import report_create

pytestmark = pytest.mark.django_db
SEED = "2014-09-22-health-and-well-being-board"


@pytest.fixture
def papers(seed_meeting, make_pdf):
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    private_item = AgendaItem.objects.create(
        meeting=seed_meeting, number="8", position=99, title="Land at Earl Street",
        part="private", exemption_paragraph=3, public_description="Commercial terms.",
    )  # fmt: skip
    return {
        "public": report_create(agenda_item=item4, data=make_pdf("public"), title="Carers"),
        "exempt": report_create(
            agenda_item=item4, data=make_pdf("exempt"), title="Tender prices", is_exempt=True
        ),
        "private item": report_create(
            agenda_item=private_item, data=make_pdf("terms"), title="Heads of terms"
        ),
    }


@pytest.mark.parametrize("which", ["exempt", "private item"])
def test_a_members_download_of_an_exempt_paper_is_logged(papers, client_as, member, which):
    report = papers[which]
    response = client_as("member").get(
        report.get_download_url(), headers={"user-agent": "Firefox"}, REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 200
    log = DownloadLog.objects.get()
    assert (log.user, log.username, log.kind) == (member, member.username, "report")
    assert (log.report, log.what, log.meeting) == (report, report.title, report.agenda_item.meeting)
    assert (log.address, log.user_agent) == ("192.0.2.7", "Firefox")
    assert log.at is not None


def test_public_papers_and_refusals_are_not_logged(papers, client, client_as):
    assert client_as("member").get(papers["public"].get_download_url()).status_code == 200
    assert client.get(papers["exempt"].get_download_url()).status_code == 404
    assert not DownloadLog.objects.exists()


def test_the_members_pack_is_logged_and_the_public_pack_is_not(papers, client, client_as, member):
    assert client.get(f"/meetings/{SEED}/packs/agenda-pack.pdf").status_code == 200
    assert not DownloadLog.objects.exists()
    response = client_as("member").get(f"/meetings/{SEED}/packs/members-pack.pdf")
    assert response.status_code == 200
    log = DownloadLog.objects.get()
    assert log.kind == "members_pack" and log.user == member and log.pack is not None
    assert log.what.startswith("Members' pack of ")


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(papers, client_as, settings):
    settings.BEHIND_PROXY = True
    client_as("member").get(
        papers["exempt"].get_download_url(),
        headers={"x-forwarded-for": "203.0.113.9, 198.51.100.4"},
        REMOTE_ADDR="127.0.0.1",
    )
    assert DownloadLog.objects.get().address == "198.51.100.4"


def test_a_clerk_reads_the_log_and_nobody_can_change_it(papers, client_as, clerk):
    # The clerk role's permissions come from meetings.roles.CLERK_MODELS; given here so this
    # test holds whether or not that list names the log yet.
    Group.objects.get(name="clerk").permissions.add(
        Permission.objects.get(codename="view_downloadlog")
    )
    client_as("member").get(papers["exempt"].get_download_url())
    log = DownloadLog.objects.get()
    staff = client_as("clerk")
    listing = staff.get("/staff/reports/downloadlog/")
    assert listing.status_code == 200
    assert "Tender prices" in listing.content.decode()
    page = staff.get(f"/staff/reports/downloadlog/{log.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert staff.get("/staff/reports/downloadlog/add/").status_code in (302, 404)
    assert staff.post(f"/staff/reports/downloadlog/{log.pk}/change/", {}).status_code == 403
    assert staff.get(f"/staff/reports/downloadlog/{log.pk}/delete/").status_code in (302, 404)
    assert DownloadLog.objects.filter(pk=log.pk).exists()
