"""manage.py import_moderngov: what a council's saved answers bring in, that a second run adds
nothing, that a changed answer updates, that a bad answer or a missing document is reported and
leaves nothing half-imported, and that imported meetings show on the pages and in search."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from meetings.models import AgendaItem, Committee, Meeting, Membership, MinuteItem, Person
from meetings.moderngov.importer import FolderSource, import_moderngov
from meetings.moderngov.models import ModernGovId
from meetings.search import search
from reports.models import Report

pytestmark = pytest.mark.django_db
Kind = ModernGovId.Kind


def mapped(kind: str, moderngov_id: int, model):
    row = ModernGovId.objects.get(kind=kind, moderngov_id=moderngov_id)
    return model.objects.get(pk=row.object_id)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Committee, Meeting, AgendaItem, MinuteItem, Person, Membership, Report)
    } | {"ids": ModernGovId.objects.count()}


def test_the_samples_bring_in_committees_meetings_items_minutes_people_and_documents(imported):
    assert imported.skipped == []
    audit = mapped(Kind.COMMITTEE, 144, Committee)
    assert audit.name == "Audit Committee"
    assert mapped(Kind.COMMITTEE, 312, Committee).is_active is False  # expired in ModernGov
    cancelled = mapped(Kind.MEETING, 4966, Meeting)
    assert cancelled.status == Meeting.Status.CANCELLED
    assert cancelled.agenda_items.count() == 0
    february = mapped(Kind.MEETING, 4967, Meeting)
    assert february.status == Meeting.Status.PUBLISHED
    assert february.committee == audit
    assert february.slug == "2026-02-10-audit-committee"
    assert february.venue == "Council Antechamber, Level 2, Town Hall Extension"
    assert february.start.isoformat() == "2026-02-10T10:00:00+00:00"
    items = list(february.agenda_items.order_by("position"))
    assert [(i.number, i.position, i.title) for i in items] == [
        ("1", 4, "Minutes"),
        ("9", 12, "Work Programme"),
    ]
    assert items[1].description == (
        "The report of the Governance and Scrutiny Support Unit, attached."
    )
    minutes = february.minutes
    assert minutes.is_published
    minute = minutes.items.get(number="9")
    assert minute.agenda_item == items[1]
    assert minute.narrative_html.startswith("<p>The Committee considered a report of the")
    assert "class=" not in minute.narrative_html
    curley = mapped(Kind.PERSON, 192, Person)
    assert (curley.honorific, curley.forenames, curley.surname) == ("Councillor", "Basil", "Curley")
    assert Membership.objects.get(committee=audit, person=curley).role == Membership.Role.MEMBER
    documents = Report.objects.filter(agenda_item__meeting=february).order_by(
        "agenda_item__position"
    )
    assert [d.title for d in documents] == [
        "6 - CHAIR APPROVED  Minutes Audit Committee 25 Nov 2025",
        "DRAFT WP  FEBRUARY 2026",
    ]
    work_programme = documents[1]
    assert work_programme.page_count == 2
    assert "treasury management strategy" in work_programme.pages.get(number=2).text
    assert len(work_programme.sha256) == 64
    assert mapped(Kind.DOCUMENT, 60909, Report) == work_programme
    assert work_programme.uploaded_at.date().isoformat() == "2026-02-02"  # publicationdate
    assert imported.added["meetings"] == 2
    assert imported.added["documents"] == 2


def test_running_again_adds_nothing_and_changes_nothing(imported, samples_folder):
    before = counts()
    again = import_moderngov(FolderSource(samples_folder))
    assert counts() == before
    assert sum(again.added.values()) == 0
    assert sum(again.updated.values()) == 0
    assert again.unchanged["meetings"] == 2
    assert again.unchanged["documents"] == 2


def test_a_changed_answer_updates_the_record(imported, samples_folder):
    path = samples_folder / "meeting_with_minutes.xml"
    text = path.read_text()
    text = text.replace(
        "<agendaitemtitle>Work Programme</agendaitemtitle>",
        "<agendaitemtitle>Work Programme 2026</agendaitemtitle>",
    )
    text = text.replace("<meetinglocation>Council Antechamber", "<meetinglocation>Room 2006")
    path.write_text(text)
    before = counts()
    again = import_moderngov(FolderSource(samples_folder))
    assert counts() == before
    assert mapped(Kind.AGENDA_ITEM, 18833, AgendaItem).title == "Work Programme 2026"
    assert mapped(Kind.MEETING, 4967, Meeting).venue.startswith("Room 2006")
    assert again.updated["agenda items"] == 1
    assert again.updated["meetings"] == 1


def test_a_bad_answer_is_reported_and_nothing_of_it_is_written(db, samples_folder):
    path = samples_folder / "meeting_with_minutes.xml"
    path.write_text(
        path.read_text().replace(
            "<meetingdate>10/02/2026</meetingdate>", "<meetingdate>2026-02-10</meetingdate>", 1
        )
    )
    summary = import_moderngov(FolderSource(samples_folder))
    assert [what for what, why in summary.skipped] == ["meeting 4967 (10/02/2026)"]
    assert "not a dd/mm/yyyy date" in summary.skipped[0][1]
    assert not ModernGovId.objects.filter(kind=Kind.MEETING, moderngov_id=4967).exists()
    assert not ModernGovId.objects.filter(kind=Kind.DOCUMENT).exists()
    assert not ModernGovId.objects.filter(kind=Kind.AGENDA_ITEM).exists()
    assert not Committee.objects.get(name="Audit Committee").meetings.filter(status="published")
    assert ModernGovId.objects.filter(kind=Kind.MEETING, moderngov_id=4966).exists()


def test_a_meeting_that_fails_while_written_leaves_nothing_behind(db, samples_folder):
    path = samples_folder / "meeting_with_minutes.xml"
    # Two minutes with one number: found only while the minutes are written.
    path.write_text(
        path.read_text().replace(
            "<minutesitemnumber>9</minutesitemnumber>", "<minutesitemnumber>1</minutesitemnumber>"
        )
    )
    before = counts()
    summary = import_moderngov(FolderSource(samples_folder))
    assert any("4967" in what and "nothing of it written" in why for what, why in summary.skipped)
    assert not ModernGovId.objects.filter(kind=Kind.MEETING, moderngov_id=4967).exists()
    assert not Report.objects.filter(title="DRAFT WP  FEBRUARY 2026").exists()
    assert counts()["AgendaItem"] == before["AgendaItem"]


def test_a_missing_document_is_reported_and_fetched_on_a_later_run(db, samples_folder, tmp_path):
    moved = tmp_path / "60909.pdf"
    (samples_folder / "documents" / "60909.pdf").rename(moved)
    summary = import_moderngov(FolderSource(samples_folder))
    assert summary.skipped == [
        ("document 60909 ('DRAFT WP  FEBRUARY 2026') of meeting 4967 (10/02/2026)",
         "could not be fetched: no file 60909.pdf in the folder"),
    ]  # fmt: skip
    assert summary.added["documents"] == 1
    assert mapped(Kind.MEETING, 4967, Meeting).agenda_items.count() == 2
    moved.rename(samples_folder / "documents" / "60909.pdf")
    later = import_moderngov(FolderSource(samples_folder))
    assert later.skipped == []
    assert later.added["documents"] == 1
    assert Report.objects.filter(title="DRAFT WP  FEBRUARY 2026").count() == 1


def test_a_document_that_is_not_a_pdf_is_refused_and_reported(db, samples_folder):
    (samples_folder / "documents" / "60860.pdf").write_bytes(b"<html>Not a PDF</html>")
    summary = import_moderngov(FolderSource(samples_folder))
    assert [what.split(" (")[0] for what, why in summary.skipped] == ["document 60860"]
    assert summary.skipped[0][1].startswith("not accepted:")
    assert not ModernGovId.objects.filter(kind=Kind.DOCUMENT, moderngov_id=60860).exists()


def test_minutes_html_is_sanitised(db, samples_folder):
    path = samples_folder / "meeting_with_minutes.xml"
    path.write_text(
        path.read_text().replace(
            '&lt;p class="MsoNormal"&gt;The Committee considered',
            '&lt;script&gt;alert(1)&lt;/script&gt;&lt;p onclick="x()" style="color:red"&gt;'
            '&lt;a href="javascript:alert(1)"&gt;link&lt;/a&gt;The Committee considered',
        )
    )
    import_moderngov(FolderSource(samples_folder))
    minute = MinuteItem.objects.get(agenda_item=mapped(Kind.AGENDA_ITEM, 18833, AgendaItem))
    assert "script" not in minute.narrative_html
    assert "alert" not in minute.narrative_html
    assert "onclick" not in minute.narrative_html
    assert "style" not in minute.narrative_html
    assert minute.narrative.startswith("linkThe Committee considered")  # its text is kept


def test_a_private_item_without_its_paragraph_is_refused_with_the_reason(db, samples_folder):
    path = samples_folder / "meeting_with_minutes.xml"
    text = path.read_text().replace(
        "<isrestricted>False</isrestricted>\n      <isdisplayallowed>",
        "<isrestricted>True</isrestricted>\n      <isdisplayallowed>",
        1,
    )
    path.write_text(text)
    summary = import_moderngov(FolderSource(samples_folder))
    assert any("Schedule 12A paragraph" in why for _, why in summary.skipped)
    path.write_text(
        text.replace(
            "<agendaitemtitle>Minutes</agendaitemtitle>",
            "<agendaitemtitle>Minutes (exempt: paragraph 3)</agendaitemtitle>",
        )
    )
    summary = import_moderngov(FolderSource(samples_folder))
    item = mapped(Kind.AGENDA_ITEM, 18831, AgendaItem)
    assert (item.part, item.exemption_paragraph) == ("private", 3)
    assert any("restricted in ModernGov" in why for _, why in summary.skipped)  # its paper
    assert not Report.objects.filter(agenda_item=item).exists()


def test_imported_meetings_show_on_the_pages_and_in_search(imported, client):
    meeting = mapped(Kind.MEETING, 4967, Meeting)
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "Work Programme" in page.content.decode()
    assert "DRAFT WP  FEBRUARY 2026" in page.content.decode()
    minutes = client.get(f"{meeting.get_absolute_url()}minutes/")
    assert minutes.status_code == 200
    assert "<p>The Committee considered a report of the" in minutes.content.decode()
    committee = client.get(f"/committees/{meeting.committee.slug}/")
    assert committee.status_code == 200
    assert "Councillor Basil Curley" in committee.content.decode()
    person = client.get(f"/people/{mapped(Kind.PERSON, 192, Person).slug}/")
    assert person.status_code == 200
    listing = client.get("/meetings/?committee=" + meeting.committee.slug)
    assert (
        "10 February 2026" in listing.content.decode()
        or meeting.get_absolute_url() in listing.content.decode()
    )
    results = search(user=AnonymousUser(), query='"treasury management strategy"')
    assert results.total >= 1
    assert {h.passage.meeting_id for h in results.hits} == {meeting.pk}
    results = search(user=AnonymousUser(), query='"Governance and Scrutiny Support Unit"')
    assert meeting.pk in {h.passage.meeting_id for h in results.hits}
    assert client.get("/search/?q=treasury+management").status_code == 200


def test_the_command_prints_what_it_did(db, samples_folder):
    out = io.StringIO()
    call_command("import_moderngov", str(samples_folder), stdout=out)
    text = out.getvalue()
    assert "meetings: 2 added, 0 updated, 0 unchanged" in text
    assert "documents: 2 added" in text
    assert "Skipped: 0" in text
    out = io.StringIO()
    call_command("import_moderngov", str(samples_folder), stdout=out)
    assert "meetings: 0 added, 0 updated, 2 unchanged" in out.getvalue()


def test_the_command_refuses_a_source_that_is_neither_site_nor_folder(db, tmp_path):
    with pytest.raises(CommandError, match="neither an http"):
        call_command("import_moderngov", str(tmp_path / "nowhere"))


def test_a_file_that_is_not_xml_is_reported(db, samples_folder):
    (samples_folder / "broken.xml").write_text("<meeting><meetingid>1</meeting>")
    (samples_folder / "evil.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><committees/>'
    )
    summary = import_moderngov(FolderSource(samples_folder))
    reasons = dict(summary.skipped)
    assert "not well-formed" in reasons["file broken.xml"]
    assert "DOCTYPE" in reasons["file evil.xml"]
    assert summary.added["meetings"] == 2


def test_renumbered_items_and_minutes_follow_the_answer(imported, samples_folder):
    path = samples_folder / "meeting_with_minutes.xml"
    text = path.read_text()
    text = (
        text.replace("<fulldisplaynumberformat>1.<", "<fulldisplaynumberformat>X<")
        .replace("<fulldisplaynumberformat>9.<", "<fulldisplaynumberformat>1.<")
        .replace("<fulldisplaynumberformat>X<", "<fulldisplaynumberformat>9.<")
        .replace("<minutesitemnumber>1<", "<minutesitemnumber>X<")
        .replace("<minutesitemnumber>9<", "<minutesitemnumber>1<")
        .replace("<minutesitemnumber>X<", "<minutesitemnumber>9<")
    )
    path.write_text(text)
    before = counts()
    summary = import_moderngov(FolderSource(samples_folder))
    assert summary.skipped == []
    assert counts() == before
    assert mapped(Kind.AGENDA_ITEM, 18831, AgendaItem).number == "9"
    assert mapped(Kind.AGENDA_ITEM, 18833, AgendaItem).number == "1"
    minute = MinuteItem.objects.get(agenda_item=mapped(Kind.AGENDA_ITEM, 18833, AgendaItem))
    assert minute.number == "1"


def test_an_item_gone_from_the_answer_is_removed(imported, samples_folder):
    path = samples_folder / "meeting_with_minutes.xml"
    text = path.read_text()
    start = text.index("    <agendaitem>\n      <agendaitemid>18833")
    end = text.index("    </agendaitem>\n", start) + len("    </agendaitem>\n")
    path.write_text(text[:start] + text[end:])
    import_moderngov(FolderSource(samples_folder))
    meeting = mapped(Kind.MEETING, 4967, Meeting)
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Minutes"]
    assert list(meeting.minutes.items.values_list("number", flat=True)) == ["1"]
    assert not Report.objects.filter(title="DRAFT WP  FEBRUARY 2026").exists()
