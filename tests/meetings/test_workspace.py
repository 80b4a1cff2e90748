"""The clerk's workspace: creating a meeting, building its agenda, uploading papers. The clerk
here is a clerk (a group), not a superuser."""

import datetime as dt
import io

import pikepdf
import pytest
from django.urls import reverse

from meetings.models import AgendaItem, AuditEntry, Committee, Meeting
from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client_as):
    return client_as("clerk")


@pytest.fixture
def new_meeting(clerk_client):
    response = clerk_client.post(
        reverse("workspace-meeting-new"),
        {"committee": Committee.objects.get(slug="health-and-well-being-board").pk,
         "date": "2014-11-24", "time": "", "venue": ""},
    )  # fmt: skip
    assert response.status_code == 302
    return Meeting.objects.get(slug="2014-11-24-health-and-well-being-board")


def agenda(meeting):
    rows = []
    for item in AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position"):
        rows.append((item.number, item.title))
        rows += [(f"{item.number}{s.number}", s.title) for s in item.sub_items.order_by("position")]
    return rows


def test_a_new_meeting_takes_the_committees_defaults_and_the_standard_items(new_meeting):
    assert new_meeting.status == "draft"
    assert new_meeting.venue == "Diamond Room 2 - Council House"
    local = new_meeting.start.astimezone(dt.UTC)
    assert (local.hour, local.minute) == (14, 0)  # 2.00 pm GMT in November
    assert new_meeting.contact_officer.surname == "Knight"
    assert agenda(new_meeting) == [
        ("1", "Welcome and Apologies for Absence"),
        ("2", "Declarations of Interest"),
        ("3", "Minutes of Previous Meeting"),
        ("3a", "To agree the minutes of the meeting held on 3rd November, 2014"),
        ("3b", "Matters Arising"),
        ("4", "Any other items of public business"),
    ]
    assert AuditEntry.objects.filter(action="meeting.create", meeting=new_meeting).exists()


def test_the_clerk_adds_edits_reorders_and_removes_items(clerk_client, new_meeting):
    add = reverse("workspace-item-add", args=[new_meeting.slug])
    response = clerk_client.post(add, {
        "title": "Better Care Fund Update", "bullet_points": "Progress Update\nResubmission",
        "presenter": "Report of Linda Sanders", "part": "public",
    })  # fmt: skip
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=new_meeting, title="Better Care Fund Update")
    assert item.number == "5" and item.bullet_points == ["Progress Update", "Resubmission"]

    move = reverse("workspace-item-move", args=[item.pk])
    clerk_client.post(move, {"direction": "up"})
    assert [t for _, t in agenda(new_meeting)][5:7] == [
        "Better Care Fund Update", "Any other items of public business",
    ]  # fmt: skip
    item.refresh_from_db()
    assert item.number == "4"

    edit = reverse("workspace-item-edit", args=[item.pk])
    clerk_client.post(edit, {"title": "Better Care Fund", "part": "public", "bullet_points": ""})
    item.refresh_from_db()
    assert item.title == "Better Care Fund" and item.bullet_points == []

    clerk_client.post(reverse("workspace-item-delete", args=[item.pk]))
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert agenda(new_meeting)[-1] == ("4", "Any other items of public business")
    actions = set(AuditEntry.objects.filter(meeting=new_meeting).values_list("action", flat=True))
    assert {"agenda_item.add", "agenda_item.move", "agenda_item.update",
            "agenda_item.delete"} <= actions  # fmt: skip


def test_a_private_item_needs_its_paragraph_and_public_reason(clerk_client, new_meeting):
    add = reverse("workspace-item-add", args=[new_meeting.slug])
    response = clerk_client.post(add, {"title": "Land sale", "part": "private"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "needs the paragraph of Schedule 12A" in html
    assert "Say, for the public, why the item is exempt" in html
    assert not AgendaItem.objects.filter(meeting=new_meeting, title="Land sale").exists()
    clerk_client.post(add, {
        "title": "Land sale", "part": "private", "exemption_paragraph": "3",
        "public_description": "Commercial terms of a proposed sale.",
    })  # fmt: skip
    item = AgendaItem.objects.get(meeting=new_meeting, title="Land sale")
    assert item.is_private and item.exemption_paragraph == 3


def test_a_sub_item_is_lettered_under_its_item(clerk_client, new_meeting):
    three = AgendaItem.objects.get(meeting=new_meeting, number="3", parent=None)
    clerk_client.post(
        reverse("workspace-item-add", args=[new_meeting.slug]) + f"?parent={three.pk}",
        {"title": "Action log", "part": "public", "parent": three.pk},
    )
    assert ("3c", "Action log") in agenda(new_meeting)


def test_uploads_give_page_count_thumbnail_and_refuse_duplicates(
    clerk_client, new_meeting, make_pdf
):
    item = AgendaItem.objects.get(meeting=new_meeting, number="4", parent=None)
    upload = reverse("workspace-upload", args=[item.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    def send(data, name="report.pdf"):
        return clerk_client.post(upload, {
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
            "title": "Urgent item report", "kind": "report",
        })  # fmt: skip

    data = make_pdf("Urgent business", "Second page")
    response = send(data)
    assert response.status_code == 302
    report = Report.objects.get(agenda_item=item)
    assert report.page_count == 2
    page = clerk_client.get(reverse("workspace-agenda", args=[new_meeting.slug]), follow=True)
    assert "Urgent item report" in page.content.decode()
    thumb = clerk_client.get(reverse("workspace-thumbnail", args=[report.pk]))
    assert thumb["Content-Type"] == "image/png"
    assert b"".join(thumb.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"

    again = send(data, "copy.pdf")
    assert again.status_code == 200
    assert "already on this agenda" in again.content.decode()
    assert Report.objects.filter(agenda_item__meeting=new_meeting).count() == 1


def test_a_scan_is_flagged_to_the_clerk(clerk_client, new_meeting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = pikepdf.new()
    scan.add_blank_page()
    buffer = io.BytesIO()
    scan.save(buffer)
    item = AgendaItem.objects.get(meeting=new_meeting, number="4", parent=None)
    response = clerk_client.post(
        reverse("workspace-upload", args=[item.pk]),
        {"file": SimpleUploadedFile("scan.pdf", buffer.getvalue()), "title": "Scan",
         "kind": "report"},
        follow=True,
    )  # fmt: skip
    assert "no text layer (a scan)" in response.content.decode()


def test_a_refused_upload_says_why_and_saves_nothing(clerk_client, new_meeting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = AgendaItem.objects.get(meeting=new_meeting, number="4", parent=None)
    response = clerk_client.post(
        reverse("workspace-upload", args=[item.pk]),
        {"file": SimpleUploadedFile("minutes.docx", b"PK\x03\x04 word"), "title": "Minutes",
         "kind": "report"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "This file is not a PDF" in response.content.decode()
    assert not Report.objects.filter(agenda_item=item).exists()


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("member", 403)])
def test_only_clerks_and_admins_use_the_workspace(client_as, role, status):
    response = client_as(role).get(reverse("workspace"))
    assert response.status_code == status


def test_the_dashboard_shows_each_meetings_state(clerk_client, new_meeting):
    html = clerk_client.get(reverse("workspace")).content.decode()
    assert "Draft" in html
    assert "Minutes due" in html  # published meetings in the past without minutes


def test_the_clerk_records_minutes_publishes_them_as_draft_and_approves_them(
    clerk_client, client, new_meeting
):
    board = Committee.objects.get(slug="health-and-well-being-board")
    clerk_client.post(
        reverse("workspace-meeting-new"),
        {"committee": board.pk, "date": "2014-08-06", "time": "14:00", "venue": ""},
    )
    past = Meeting.objects.get(slug="2014-08-06-health-and-well-being-board")
    Meeting.objects.filter(pk=past.pk).update(status="published")
    url = reverse("workspace-minutes", args=[past.slug])
    assert "Start the minutes" in clerk_client.get(url).content.decode()
    clerk_client.post(url)
    minutes = past.minutes
    assert minutes.attendance.count() == 19  # the board's membership
    assert minutes.attendance.get(is_chair=True).person.surname == "Gingell"

    item = minutes.items.get(number="1")
    clerk_client.post(reverse("workspace-minute-item", args=[item.pk]), {
        "narrative": "The Chair welcomed members.\n\n- Apologies were noted",
        "resolutions": "The report be noted.\nA further report be submitted.",
    })  # fmt: skip
    texts = list(item.resolutions.order_by("position").values_list("number", "text"))
    assert texts == [(1, "The report be noted."), (2, "A further report be submitted.")]
    assert client.get(f"/meetings/{past.slug}/minutes/").status_code == 404  # not published

    clerk_client.post(reverse("workspace-minutes-publish", args=[past.slug]))
    public = client.get(f"/meetings/{past.slug}/minutes/").content.decode()
    assert "Draft minutes." in public and "The Chair welcomed members." in public

    clerk_client.post(
        reverse("workspace-minutes-approve", args=[past.slug]), {"at": new_meeting.pk}
    )
    minutes.refresh_from_db()
    assert minutes.status == "approved" and minutes.approved_at == new_meeting
    approved = client.get(f"/meetings/{past.slug}/minutes/").content.decode()
    assert "Agreed as a true record at the" in approved
    assert AuditEntry.objects.filter(action="minutes.approve", meeting=past).exists()


def test_the_header_offers_the_workspace_to_clerks_and_admins_only(client_as):
    link = 'href="/workspace/"'
    assert link in client_as("clerk").get("/").content.decode()
    assert link in client_as("admin").get("/").content.decode()
    assert link not in client_as("member").get("/").content.decode()
    assert link not in client_as("anonymous").get("/").content.decode()
