"""Publishing an agenda, supplementary agendas, withdrawal, cancelling: what the clerk does in
the workspace and what members and the public then see, read back from the pages, the e-mails
and the PDFs themselves. The clerk is a clerk (a group), not a superuser."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import publishing, services
from meetings.models import AgendaItem, AuditEntry, Committee, Meeting, Summons, Supplement
from meetings.search import search
from reports.models import Pack, Report
from reports.services import report_create
from tests.reports.pdf_reading import all_text, flat

pytestmark = pytest.mark.django_db

WEEKS_AHEAD = 6


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def clerk_client(client_as, django_capture_on_commit_callbacks):
    """The clerk, each of whose requests runs what waits for its commit (the e-mails), as it
    would outside the test's transaction."""
    clerk = client_as("clerk")
    post = clerk.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    clerk.post = post_and_commit
    return clerk


@pytest.fixture
def meeting(clerk, make_pdf):
    """A draft meeting six weeks ahead, from the workspace's standard agenda, with a public
    report (its text carries the word 'heronsgate') on a new item 4."""
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(
        weeks=WEEKS_AHEAD
    )
    meeting = services.meeting_create(
        committee=Committee.objects.get(slug="health-and-well-being-board"),
        start=start,
        venue="Diamond Rooms 1 and 2, Council House",
        by=clerk,
    )
    item = services.agenda_item_add(
        meeting=meeting, by=clerk, title="Joint health and wellbeing strategy", part="public"
    )
    report_create(
        agenda_item=item,
        data=make_pdf("Strategy report on heronsgate health outcomes", "Second page"),
        title="Strategy report",
        by=clerk,
    )
    return meeting


def publish(client, meeting, **extra):
    return client.post(reverse("workspace-publish", args=[meeting.slug]), extra)


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return content(response)


def pack_url(meeting, kind="agenda-pack"):
    return reverse("pack-download", kwargs={"slug": meeting.slug, "kind": kind})


def version_url(meeting, version, kind="agenda-pack"):
    return reverse(
        "pack-version-download", kwargs={"slug": meeting.slug, "kind": kind, "version": version}
    )


# Five clear working days, counted by hand from the calendar of England.


@pytest.mark.parametrize(
    ("published", "meeting_day", "expected"),
    [
        # Monday to the next Monday: Tuesday to Friday.
        (dt.date(2026, 12, 14), dt.date(2026, 12, 21), 4),
        # Over Christmas: 22, 23, 24 and 29 December (25th, and 28th for Boxing Day, are off).
        (dt.date(2026, 12, 21), dt.date(2026, 12, 30), 4),
        # Thursday to Tuesday week: Friday 5th, 8th to 12th, Monday 15th.
        (dt.date(2027, 3, 4), dt.date(2027, 3, 16), 7),
        # Easter 2027: 25 March, 30 and 31 March, 1 April (Good Friday 26 March and Easter
        # Monday 29 March are off).
        (dt.date(2027, 3, 24), dt.date(2027, 4, 2), 4),
    ],
)
def test_clear_working_days_leave_out_weekends_bank_holidays_and_both_end_days(
    published, meeting_day, expected
):
    assert publishing.clear_working_days(published, meeting_day) == expected


def test_publishing_makes_the_meeting_public_freezes_its_pack_and_summons_the_members(
    meeting, clerk_client, client
):
    assert client.get(meeting.get_absolute_url()).status_code == 404
    page = clerk_client.get(reverse("workspace-publish", args=[meeting.slug]))
    assert b"The summons goes by e-mail to" in page.content
    assert b"Short notice" not in page.content

    response = publish(clerk_client, meeting)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.published_at is not None
    assert meeting.dispatch_date == timezone.localdate()

    # The public now finds the meeting and gets version 1 of the pack, with the report in it.
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert b"Strategy report" in page.content
    pack = Pack.objects.get(meeting=meeting, kind=Pack.Kind.PUBLIC, version=1)
    assert pack.is_frozen
    text = flat(all_text(download(client, pack_url(meeting))))
    assert "heronsgate health outcomes" in text
    assert "Public Document Pack" in text

    # Every current member with an e-mail address was sent the summons, and it was recorded.
    summonses = Summons.objects.filter(meeting=meeting)
    assert summonses.count() >= 10
    assert all(s.sent_at is not None and s.kind == "summons" for s in summonses)
    assert len(mail.outbox) == summonses.count()
    letter = mail.outbox[0]
    assert letter.subject.startswith("Summons: Coventry Health and Well-being Board")
    assert f"http://testserver{meeting.get_absolute_url()}" in letter.body
    assert f"http://testserver{pack_url(meeting)}" in letter.body
    assert {m.to[0] for m in mail.outbox} == set(summonses.values_list("email", flat=True))
    listing = clerk_client.get(reverse("workspace-summonses", args=[meeting.slug]))
    assert summonses.first().email.encode() in listing.content
    assert AuditEntry.objects.filter(action="meeting.publish", meeting=meeting).exists()


def test_short_notice_is_refused_until_the_clerk_confirms(meeting, clerk_client, client):
    meeting.start = timezone.now() + dt.timedelta(days=3)
    meeting.save()
    page = clerk_client.get(reverse("workspace-publish", args=[meeting.slug]))
    assert b"Short notice" in page.content
    refused = publish(clerk_client, meeting)
    assert refused.status_code == 400
    assert b"confirm publishing at short notice" in refused.content
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    assert not Summons.objects.filter(meeting=meeting).exists()
    assert not Pack.objects.filter(meeting=meeting, version__isnull=False).exists()

    assert publish(clerk_client, meeting, confirm_short_notice="on").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    entry = AuditEntry.objects.get(action="meeting.publish", meeting=meeting)
    assert entry.after["short_notice"] is True


def test_a_publish_that_fails_partway_leaves_nothing_visible(meeting, clerk, client, monkeypatch):
    def mail_server_record_fails(**kwargs):
        raise RuntimeError("the summons could not be recorded")

    monkeypatch.setattr(publishing, "_summon", mail_server_record_fails)
    with pytest.raises(RuntimeError):
        publishing.meeting_publish(meeting=meeting, by=clerk, base_url="http://testserver")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.published_at is None
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(pack_url(meeting)).status_code == 404
    assert not Pack.objects.filter(meeting=meeting, version__isnull=False).exists()
    assert not Summons.objects.filter(meeting=meeting).exists()
    assert not AuditEntry.objects.filter(action="meeting.publish", meeting=meeting).exists()
    assert not search(user=AnonymousUser(), query="heronsgate").total


def test_a_published_agenda_keeps_its_numbers(meeting, clerk_client):
    publish(clerk_client, meeting)
    first = AgendaItem.objects.get(meeting=meeting, number="1", parent=None)
    response = clerk_client.post(
        reverse("workspace-item-move", args=[first.pk]), {"direction": "down"}, follow=True
    )
    assert "keep their numbers" in response.content.decode()
    response = clerk_client.post(reverse("workspace-item-delete", args=[first.pk]), follow=True)
    assert "cannot be removed" in response.content.decode()
    first.refresh_from_db()
    assert first.number == "1"


def test_a_change_after_publication_is_published_as_supplementary_agenda_1(
    meeting, clerk_client, client, make_pdf
):
    publish(clerk_client, meeting)
    version_1 = download(client, pack_url(meeting))
    mail.outbox.clear()

    # The clerk adds an item with a report: it waits, unseen by the public and members.
    response = clerk_client.post(
        reverse("workspace-item-add", args=[meeting.slug]),
        {"title": "Better Care Fund plan", "part": "public", "description": ""},
    )
    assert response.status_code == 302
    added = AgendaItem.objects.get(meeting=meeting, title="Better Care Fund plan")
    assert added.is_pending
    upload = clerk_client.post(
        reverse("workspace-upload", args=[added.pk]),
        {"title": "Better Care Fund report", "kind": "report",
         "file": _file(make_pdf("Better Care Fund quillwort allocations"))},
    )  # fmt: skip
    assert upload.status_code == 302
    agenda = clerk_client.get(reverse("workspace-agenda", args=[meeting.slug]))
    assert b"Supplement pending" in agenda.content
    page = client.get(meeting.get_absolute_url())
    assert b"Better Care Fund" not in page.content
    assert download(client, pack_url(meeting)) == version_1
    assert not search(user=AnonymousUser(), query="quillwort").total

    # Published as Supplementary agenda 1.
    form = clerk_client.get(reverse("workspace-supplement", args=[meeting.slug]))
    assert f"Item {added.stamp_number} added: Better Care Fund plan".encode() in form.content
    response = clerk_client.post(
        reverse("workspace-supplement", args=[meeting.slug]),
        {"summary": "Adds the Better Care Fund plan."},
    )
    assert response.status_code == 302
    supplement = Supplement.objects.get(meeting=meeting)
    assert supplement.number == 1

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Supplementary agenda 1" in page
    assert "Adds the Better Care Fund plan." in page
    assert "Better Care Fund report" in page
    own = flat(all_text(download(client, version_url(meeting, 1, "supplementary-agenda"))))
    assert "Supplementary agenda 1" in own
    assert "quillwort allocations" in own
    assert "heronsgate" not in own  # only what changed
    # The full pack is now version 2 with both reports; version 1 is still there, unchanged.
    version_2 = download(client, pack_url(meeting))
    assert "quillwort" in flat(all_text(version_2))
    assert download(client, version_url(meeting, 1)) == version_1
    assert version_url(meeting, 1) in page
    assert search(user=AnonymousUser(), query="quillwort").total

    # The members were sent the supplement, and it was recorded.
    sent = Summons.objects.filter(meeting=meeting, kind="supplement")
    assert sent.count() == len(mail.outbox) > 0
    assert mail.outbox[0].subject.startswith("Supplementary agenda 1:")
    assert "Adds the Better Care Fund plan." in mail.outbox[0].body
    assert Summons.objects.filter(meeting=meeting, kind="summons").count() == sent.count()

    # Nothing more to publish now.
    again = clerk_client.post(
        reverse("workspace-supplement", args=[meeting.slug]), {"summary": "Again."}
    )
    assert again.status_code == 400
    assert Supplement.objects.filter(meeting=meeting).count() == 1


def test_a_replacement_report_takes_the_old_ones_place_in_the_next_version_only(
    meeting, clerk_client, client, make_pdf
):
    publish(clerk_client, meeting)
    old = Report.objects.get(agenda_item__meeting=meeting, title="Strategy report")
    upload = clerk_client.post(
        reverse("workspace-upload", args=[old.agenda_item_id]),
        {"title": "Strategy report (revised)", "kind": "report", "replaces": old.pk,
         "file": _file(make_pdf("Revised strategy on marshwort outcomes"))},
    )  # fmt: skip
    assert upload.status_code == 302
    clerk_client.post(
        reverse("workspace-supplement", args=[meeting.slug]),
        {"summary": "Replaces the strategy report."},
    )
    supplement = Supplement.objects.get(meeting=meeting)
    assert "“Strategy report (revised)” replaces “Strategy report”" in supplement.changes[0]
    version_2 = flat(all_text(download(client, pack_url(meeting))))
    assert "marshwort" in version_2 and "heronsgate" not in version_2
    version_1 = flat(all_text(download(client, version_url(meeting, 1))))
    assert "heronsgate" in version_1 and "marshwort" not in version_1
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Strategy report (revised)" in page
    # The old one is no longer listed with the meeting's papers, only in version 1.
    assert reverse("document-detail", args=[old.pk]) not in page


def test_a_withdrawn_document_is_gone_from_every_pack_version_page_feed_and_search(
    meeting, clerk_client, client_as, client, make_pdf
):
    publish(clerk_client, meeting)
    item = AgendaItem.objects.get(meeting=meeting, title="Joint health and wellbeing strategy")
    clerk_client.post(
        reverse("workspace-upload", args=[item.pk]),
        {"title": "Appendix published in error", "kind": "appendix",
         "file": _file(make_pdf("Appendix naming wintercress residents"))},
    )  # fmt: skip
    clerk_client.post(
        reverse("workspace-supplement", args=[meeting.slug]), {"summary": "Adds an appendix."}
    )
    wrong = Report.objects.get(title="Appendix published in error")
    assert "wintercress" in flat(all_text(download(client, pack_url(meeting))))
    assert "wintercress" in flat(
        all_text(download(client, version_url(meeting, 1, "supplementary-agenda")))
    )
    assert search(user=AnonymousUser(), query="wintercress").total
    document_url = reverse("report-download", args=[wrong.pk])
    assert client.get(document_url).status_code == 200

    page = clerk_client.get(reverse("workspace-withdraw", args=[wrong.pk]))
    assert b"Withdraw the document" in page.content
    response = clerk_client.post(
        reverse("workspace-withdraw", args=[wrong.pk]), {"note": "Published in error."}
    )
    assert response.status_code == 302

    member = client_as("member")
    for viewer in (client, member, clerk_client):
        assert viewer.get(document_url).status_code == 404
        assert viewer.get(reverse("document-detail", args=[wrong.pk])).status_code == 404
    for viewer in (client, member):
        for url in (
            pack_url(meeting),
            version_url(meeting, 1),
            version_url(meeting, 2),
            version_url(meeting, 1, "supplementary-agenda"),
            pack_url(meeting, "agenda-front-sheet"),
        ):
            text = flat(all_text(download(viewer, url)))
            assert "wintercress" not in text, url
            assert "Appendix published in error" not in text, url
    reissued = flat(all_text(download(client, version_url(meeting, 2))))
    assert "a document published in error was withdrawn" in reissued
    assert "heronsgate" in reissued  # the rest of the version is still there
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"A document was withdrawn on {timezone.localdate():%-d %B %Y}" in page
    assert "Published in error." in page
    assert "Appendix published in error" not in page
    feed = client.get(reverse("papers-feed")).content.decode()
    assert "Appendix published in error" not in feed
    assert not search(user=AnonymousUser(), query="wintercress").total
    assert not search(user=Report.objects.get(pk=wrong.pk).withdrawn_by, query="wintercress").total
    api = client.get(reverse("api-meeting-detail", args=[meeting.slug])).content.decode()
    assert "Appendix published in error" not in api


def test_cancelled_and_postponed_are_states_the_public_sees(meeting, clerk_client, client):
    publish(clerk_client, meeting)
    clerk_client.post(
        reverse("workspace-postpone", args=[meeting.slug]),
        {"reason": "The chair is unwell.", "when": "tbc"},
    )
    page = client.get(meeting.get_absolute_url()).content
    assert b"This meeting has been postponed. The new date is to be confirmed." in page
    assert b"The chair is unwell." in page
    clerk_client.post(
        reverse("workspace-cancel", args=[meeting.slug]), {"reason": "No business to transact."}
    )
    page = client.get(meeting.get_absolute_url()).content
    assert b"This meeting has been cancelled" in page and b"No business to transact." in page
    refused = clerk_client.post(
        reverse("workspace-status", args=[meeting.slug]), {"status": "draft"}, follow=True
    )
    assert b"Only a published meeting can be cancelled or postponed" in refused.content
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def _file(data: bytes, name: str = "paper.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_an_item_made_private_after_publication_leaves_the_public_packs(
    meeting, clerk_client, clerk, client, client_as
):
    publish(clerk_client, meeting)
    item = AgendaItem.objects.get(meeting=meeting, title="Joint health and wellbeing strategy")
    services.agenda_item_update(
        item=item, by=clerk, part="private", exemption_paragraph=3, description="",
        public_description="Commercial terms.",
    )  # fmt: skip
    for url in (
        pack_url(meeting),
        version_url(meeting, 1),
        pack_url(meeting, "agenda-front-sheet"),
    ):
        text = flat(all_text(download(client, url)))
        assert "heronsgate" not in text, url
        assert "an item was made private" in text, url
    assert "heronsgate" in flat(
        all_text(download(client_as("member"), pack_url(meeting, "members-pack")))
    )
    assert not search(user=AnonymousUser(), query="heronsgate").total


def test_a_sub_item_of_private_business_is_private(meeting, clerk):
    parent = services.agenda_item_add(
        meeting=meeting, by=clerk, title="Land sale", part="private", exemption_paragraph=3
    )
    sub = services.agenda_item_add(meeting=meeting, parent=parent, by=clerk, title="Valuation")
    assert sub.is_private and sub.exemption_paragraph == 3


def test_a_public_paper_replacing_an_exempt_one_does_not_name_it(
    meeting, clerk_client, clerk, make_pdf
):
    item = AgendaItem.objects.get(meeting=meeting, title="Joint health and wellbeing strategy")
    exempt = report_create(
        agenda_item=item, data=make_pdf("Costs of named posts"), title="Staffing costs by name",
        is_exempt=True,
    )  # fmt: skip
    publish(clerk_client, meeting)
    report_create(
        agenda_item=item, data=make_pdf("Costs, redacted"), title="Staffing costs (redacted)",
        pending=True, replaces=exempt,
    )  # fmt: skip
    lines = publishing.pending_changes(meeting)
    assert lines == [f"“Staffing costs (redacted)” added to item {item.stamp_number}"]
    assert "by name" not in " ".join(lines)


def test_a_summons_the_mail_server_refused_is_recorded_and_sent_again(
    meeting, clerk_client, monkeypatch
):
    import smtplib

    from django.core.mail import send_mail

    refused = []

    def mail_server(subject, body, sender, to, **kwargs):
        if not refused:
            refused.append(to[0])
            raise smtplib.SMTPRecipientsRefused({to[0]: (550, b"Mailbox unavailable")})
        return send_mail(subject, body, sender, to, **kwargs)

    monkeypatch.setattr(publishing, "send_mail", mail_server)
    publish(clerk_client, meeting)
    failed = Summons.objects.get(meeting=meeting, email=refused[0])
    assert failed.sent_at is None and "SMTPRecipientsRefused" in failed.error
    assert Summons.objects.filter(meeting=meeting, sent_at__isnull=False).count() == len(
        mail.outbox
    )
    page = clerk_client.get(reverse("workspace-summonses", args=[meeting.slug])).content.decode()
    assert re.search(r">Not sent</strong>\s*SMTPRecipientsRefused", page)  # a red tag, then why
    assert "1 summons has not gone" in page

    response = clerk_client.post(reverse("workspace-summonses", args=[meeting.slug]), follow=True)
    assert "1 summons queued to be sent again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.error == ""
    assert mail.outbox[-1].to == [refused[0]]
    again = clerk_client.post(reverse("workspace-summonses", args=[meeting.slug]), follow=True)
    assert "nothing to send again" in again.content.decode()
