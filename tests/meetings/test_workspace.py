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
        "resolution_1": "The report be noted.",
        "resolution_2": "A further report be submitted.",
    })  # fmt: skip
    texts = list(item.resolutions.order_by("position").values_list("number", "text"))
    assert texts == [(1, "The report be noted."), (2, "A further report be submitted.")]
    assert client.get(f"/meetings/{past.slug}/minutes/").status_code == 404  # not published

    clerk_client.post(reverse("workspace-minutes-publish", args=[past.slug]))
    public = client.get(f"/meetings/{past.slug}/minutes/").content.decode()
    assert "Draft minutes" in public and "The Chair welcomed members." in public

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


# Cancelling and postponing: a confirmation and a reason the public reads.


@pytest.fixture
def published_meeting(new_meeting, clerk):
    from meetings import publishing

    return publishing.meeting_publish(
        meeting=new_meeting, by=clerk, base_url="http://testserver", confirm_short_notice=True
    )


def test_cancelling_asks_for_a_confirmation_and_a_reason_and_one_click_changes_nothing(
    clerk_client, client, published_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    from django.core import mail

    from meetings.models import Summons

    slug = published_meeting.slug
    # The old one-click button no longer cancels: it leads to the confirmation.
    stray = clerk_client.post(reverse("workspace-status", args=[slug]), {"status": "cancelled"})
    assert stray["Location"] == reverse("workspace-cancel", args=[slug])
    page = clerk_client.get(stray["Location"]).content.decode()
    assert "Cancel the meeting?" in page and "Who is told" in page
    assert 'class="govuk-button govuk-button--warning"' in page

    refused = clerk_client.post(reverse("workspace-cancel", args=[slug]), {"reason": "  "})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_reason">Enter why the meeting is cancelled: the public is told' in html
    published_meeting.refresh_from_db()
    assert published_meeting.status == Meeting.Status.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        done = clerk_client.post(
            reverse("workspace-cancel", args=[slug]), {"reason": "The budget report is not ready."}
        )
    assert done.status_code == 302
    # The members summoned are told, with the reason.
    notices = [m for m in mail.outbox if m.subject.startswith("Cancelled: ")]
    assert len(notices) == Summons.objects.filter(meeting=published_meeting, kind="notice").count()
    assert notices and "This meeting has been cancelled." in notices[0].body
    assert "The budget report is not ready." in notices[0].body
    public = client.get(published_meeting.get_absolute_url()).content.decode()
    assert "This meeting has been cancelled." in public
    assert "The budget report is not ready." in public
    api = client.get(reverse("api-meeting-detail", args=[slug])).json()
    assert api["extras"]["status_reason"] == "The budget report is not ready."
    ics = client.get(reverse("meeting-ics", args=[slug])).content.decode()
    assert "The budget report is not ready." in ics.replace("\r\n ", "")
    entry = AuditEntry.objects.filter(action="meeting.status", meeting=published_meeting).get()
    assert entry.after["reason"] == "The budget report is not ready."


def test_a_postponed_meeting_names_its_new_date_or_says_it_is_to_be_confirmed(
    clerk_client, client, published_meeting
):
    url = reverse("workspace-postpone", args=[published_meeting.slug])
    missing = clerk_client.post(
        url, {"reason": "Election purdah.", "when": "date", "new_date_day": "",
              "new_date_month": "", "new_date_year": ""},
    )  # fmt: skip
    assert missing.status_code == 400
    assert "Enter the new date, or choose" in missing.content.decode()
    clerk_client.post(
        url, {"reason": "Election purdah.", "when": "date", "new_date_day": "8",
              "new_date_month": "12", "new_date_year": "2014"},
    )  # fmt: skip
    public = client.get(published_meeting.get_absolute_url()).content.decode()
    assert "This meeting has been postponed to Monday, 8 December 2014." in public
    assert "Election purdah." in public

    restore = reverse("workspace-status", args=[published_meeting.slug])
    clerk_client.post(restore, {"status": "published"})
    published_meeting.refresh_from_db()
    assert published_meeting.status == "published" and published_meeting.status_reason == ""
    clerk_client.post(url, {"reason": "Room flooded.", "when": "tbc"})
    public = client.get(published_meeting.get_absolute_url()).content.decode()
    assert "This meeting has been postponed. The new date is to be confirmed." in public


# Building the agenda: an item where it belongs, what a sub-item belongs to, the exemption.


def test_a_new_item_goes_after_the_item_chosen_and_the_rest_are_renumbered(
    clerk_client, new_meeting
):
    add = reverse("workspace-item-add", args=[new_meeting.slug])
    form = clerk_client.get(add).content.decode()
    two = AgendaItem.objects.get(meeting=new_meeting, number="2", parent=None)
    assert "After 2. Declarations of Interest" in form
    assert "At the start (before 1. Welcome and Apologies for Absence)" in form
    assert "At the end (after 4. Any other items of public business)" in form
    clerk_client.post(add, {"title": "Chair's announcements", "part": "public",
                            "position": str(two.pk)})  # fmt: skip
    assert [title for _, title in agenda(new_meeting) if _.isdigit()] == [
        "Welcome and Apologies for Absence",
        "Declarations of Interest",
        "Chair's announcements",
        "Minutes of Previous Meeting",
        "Any other items of public business",
    ]
    assert ("4a", "To agree the minutes of the meeting held on 3rd November, 2014") in agenda(
        new_meeting
    )
    clerk_client.post(add, {"title": "Urgent business", "part": "public", "position": "start"})
    assert agenda(new_meeting)[0] == ("1", "Urgent business")


def test_a_published_agenda_offers_no_position_and_keeps_its_numbers(
    clerk_client, published_meeting, clerk
):
    from django.core.exceptions import ValidationError

    from meetings import services

    form = clerk_client.get(reverse("workspace-item-add", args=[published_meeting.slug]))
    assert 'name="position"' not in form.content.decode()
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=published_meeting, position=1, by=clerk, title="Early")
    assert not AgendaItem.objects.filter(meeting=published_meeting, title="Early").exists()


def test_a_sub_item_form_says_which_item_it_belongs_to(clerk_client, new_meeting):
    three = AgendaItem.objects.get(meeting=new_meeting, number="3", parent=None)
    url = reverse("workspace-item-add", args=[new_meeting.slug]) + f"?parent={three.pk}"
    assert "Sub-item of 3. Minutes of Previous Meeting" in clerk_client.get(url).content.decode()
    sub = three.sub_items.get(number="a")
    edit = clerk_client.get(reverse("workspace-item-edit", args=[sub.pk])).content.decode()
    assert "Sub-item of 3. Minutes of Previous Meeting" in edit


def test_bullet_points_and_the_description_show_in_the_builder(clerk_client, new_meeting):
    clerk_client.post(reverse("workspace-item-add", args=[new_meeting.slug]), {
        "title": "Better Care Fund", "part": "public",
        "description": "The board is asked to note:\n- the plan\n- the risks",
        "bullet_points": "Progress Update\nResubmission",
    })  # fmt: skip
    html = clerk_client.get(reverse("workspace-agenda", args=[new_meeting.slug])).content.decode()
    assert "<li>Progress Update</li><li>Resubmission</li>" in html
    assert "<ul><li>the plan</li><li>the risks</li></ul>" in html


def test_the_exemption_is_chosen_by_number_and_short_name_with_the_statute_on_demand(
    clerk_client, new_meeting
):
    html = clerk_client.get(reverse("workspace-item-add", args=[new_meeting.slug])).content.decode()
    assert 'type="radio" name="exemption_paragraph" value="1"' in html
    assert "1 – Information relating to any individual" in html
    assert "3 – Financial or business affairs" in html
    assert '<details class="govuk-details"' in html
    assert "in connection with any labour relations matter" in html  # paragraph 4, in full
    refused = clerk_client.post(
        reverse("workspace-item-add", args=[new_meeting.slug]),
        {"title": "Land sale", "part": "private", "public_description": "Commercial terms."},
    ).content.decode()
    # The error summary leads to the first paragraph's radio, which is there.
    assert '<a href="#id_exemption_paragraph_0">A private item needs the paragraph' in refused
    assert 'id="id_exemption_paragraph_0"' in refused


# Uploads: a refusal keeps what was typed and says what to do.


def test_a_refused_upload_keeps_the_rest_of_the_form_and_links_the_error_to_the_file(
    clerk_client, new_meeting
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = AgendaItem.objects.get(meeting=new_meeting, number="4", parent=None)
    response = clerk_client.post(
        reverse("workspace-upload", args=[item.pk]),
        {"file": SimpleUploadedFile("notes.pdf", b"not a pdf at all"), "title": "Budget notes",
         "kind": "appendix", "author": "Barry Hastie"},
    )  # fmt: skip
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html and '<a href="#id_file">' in html
    assert 'value="Budget notes"' in html and 'value="Barry Hastie"' in html
    assert '<option value="appendix" selected>' in html
    assert "Choose the file again" in html
    missing = clerk_client.post(reverse("workspace-upload", args=[item.pk]), {"title": "X"})
    assert "Choose the PDF or Word file to upload" in missing.content.decode()


# The dashboard: what is due.


def test_the_dashboard_says_what_is_due_and_where_to_do_it(clerk_client, new_meeting, clerk):
    import datetime as dt

    from django.utils import timezone

    from meetings import publishing, services

    soon = timezone.now() + dt.timedelta(weeks=3)
    draft = services.meeting_create(
        committee=Committee.objects.get(slug="health-and-well-being-board"), start=soon, by=clerk
    )
    by = publishing.dispatch_by(timezone.localtime(draft.start).date())
    html = clerk_client.get(reverse("workspace")).content.decode()
    assert "Agendas to send out" in html
    assert reverse("workspace-publish", args=[draft.slug]) in html
    assert f"{by:%A}, {by.day} {by:%B} {by.year}" in html
    assert "Minutes to write" in html and "Minutes to approve" in html
    assert "Supplementary agendas pending" in html and "Packs being built or failed" in html
    assert "govuk-tag" in html


def test_draft_minutes_to_approve_name_the_meeting_that_will_agree_them(clerk_client, clerk):
    import datetime as dt

    from django.utils import timezone

    from meetings import services

    board = Committee.objects.get(slug="health-and-well-being-board")
    august = services.meeting_create(
        committee=board, start=timezone.make_aware(dt.datetime(2014, 8, 6, 14)), by=clerk
    )
    Meeting.objects.filter(pk=august.pk).update(status="published")
    minutes = services.minutes_start(meeting=august, by=clerk)
    html = clerk_client.get(reverse("workspace")).content.decode()
    assert "Finish the minutes" in html  # started, not published
    services.minutes_publish(minutes=minutes, by=clerk)
    html = clerk_client.get(reverse("workspace")).content.decode()
    approve = html[html.index('id="approve-heading"') : html.index('id="supplements-heading"')]
    assert "Coventry Health and Well-being Board, 6 August 2014" in approve
    assert "To be agreed at the meeting of 22 September 2014." in approve
    assert reverse("workspace-minutes", args=[august.slug]) in approve


def test_the_seed_agenda_had_to_go_out_by_friday_12_september():
    from meetings.publishing import dispatch_by

    # The seed's summons is dated Friday, 12 September 2014, for Monday 22 September.
    assert dispatch_by(dt.date(2014, 9, 22)) == dt.date(2014, 9, 12)
    # Christmas and Boxing Day are not working days.
    assert dispatch_by(dt.date(2014, 12, 29)) == dt.date(2014, 12, 17)


# The publish page: the previews, their progress and whether they are current.


def test_the_publish_page_says_whether_each_preview_is_current(clerk_client, new_meeting, clerk):
    from django.utils import timezone

    from meetings import services
    from reports import packs
    from reports.models import Pack

    url = reverse("workspace-publish", args=[new_meeting.slug])
    first = clerk_client.get(url).content.decode()  # the previews are built (inline in tests)
    assert "Agenda pack (agenda and reports) (preview, PDF)" in first
    assert ">Current</strong>" in first and "Built from the agenda as it is now." in first
    assert 'src="/static/js/pack-progress.js" defer' in first
    assert "Refresh to see if it is ready" not in first

    # The agenda changes and the new preview has not been built yet (a worker would build it):
    # the page says so, offers a refresh, and the earlier preview meanwhile, marked older.
    services.agenda_item_add(meeting=new_meeting, by=clerk, title="Late item")
    inputs = packs.pack_inputs(meeting=new_meeting, kind="public", pending=True)
    Pack.objects.create(
        meeting=new_meeting, kind="public", inputs=inputs, inputs_hash=packs.inputs_hash(inputs),
        requested_at=timezone.now(),
    )  # fmt: skip
    html = clerk_client.get(url).content.decode()
    assert "Being built" in html and "Refresh to see if it is ready" in html
    assert ">Older</strong>" in html and "from the agenda as it was then" in html
    # The earlier preview can be read meanwhile; the current one says it is being prepared.
    earlier = Pack.objects.get(meeting=new_meeting, kind="public", state="ready")
    preview = reverse("workspace-preview", args=[new_meeting.slug, "agenda-pack"])
    assert f"{preview}?built={earlier.pk}" in html
    old = clerk_client.get(f"{preview}?built={earlier.pk}")
    assert old.status_code == 200 and b"".join(old.streaming_content).startswith(b"%PDF")
    assert clerk_client.get(preview).status_code == 503
    assert clerk_client.get(f"{preview}?built=%C2%B2").status_code == 404
    assert 'aria-live="polite"' in html
    status = clerk_client.get(reverse("pack-status", args=[new_meeting.slug])).json()
    public = next(p for p in status["packs"] if p["kind"] == "public")
    assert public["state"] == "queued"  # what the page's script asks, every few seconds
