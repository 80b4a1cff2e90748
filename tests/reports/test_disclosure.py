"""Checked before it goes public: text under a black box, the file's properties, comments and
personal details in a public paper are each found with their page and shown on the publish
page; the clerk strips the properties and comments in one step and must confirm to publish a
paper with findings; a clean paper has none and publishing does not ask."""

import datetime as dt
import hashlib
import io
from html import unescape

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone
from pikepdf import Dictionary, Name, String

from meetings import services
from meetings.models import AgendaItem, AuditEntry, Meeting
from reports.disclosure import report_findings, text_findings
from reports.services import report_create, report_strip_hidden

pytestmark = pytest.mark.django_db


def paper(*contents: bytes, author: str = "", comment: str = "") -> bytes:
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    for content in contents:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_indirect(pikepdf.Stream(pdf, content))
    if author:
        pdf.docinfo["/Author"] = author
    if comment:
        note = Dictionary(
            Type=Name.Annot, Subtype=Name.Text, Rect=[500, 800, 520, 820],
            T=String("A Reviewer"), Contents=String(comment),
        )  # fmt: skip
        pdf.pages[-1].obj.Annots = pikepdf.Array([pdf.make_indirect(note)])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def text(words: str) -> bytes:
    return f"BT /F1 12 Tf 72 700 Td ({words}) Tj ET".encode()


BLACK_BOX = b" 0 0 0 rg 70 690 300 25 re f"


@pytest.fixture
def meeting(committee_with_officer):
    return committee_with_officer


@pytest.fixture
def committee_with_officer(clerk, seed_meeting):
    return services.meeting_create(
        committee=seed_meeting.committee, start=timezone.now() + dt.timedelta(weeks=6), by=clerk
    )


@pytest.fixture
def item(meeting):
    return AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position").first()


def findings_of(item, data: bytes, **kwargs):
    report = report_create(agenda_item=item, data=data, title=kwargs.pop("title", "Paper"))
    return report, report_findings(report, domains={"coventry.gov.uk"})


def test_text_under_a_black_box_is_found_with_its_page(item):
    data = paper(text("Agenda"), text("Mrs Jane Example of 4 Elm Road") + BLACK_BOX)
    _, found = findings_of(item, data)
    assert [(f.kind, f.page) for f in found] == [("hidden_text", 2)]
    assert "under a black box" in found[0].words and "Mrs Jane Example" in found[0].words


def test_white_text_on_a_dark_heading_is_not_a_finding(item):
    heading = b"0 0 0 rg 70 690 300 25 re f BT 1 1 1 rg /F1 12 Tf 72 700 Td (Budget) Tj ET"
    _, found = findings_of(item, paper(heading))
    assert found == []


def test_the_author_in_the_properties_and_a_comment_are_found_and_stripped_in_one_step(item, clerk):
    data = paper(text("Budget"), text("Appendix"), author="J. Bloggs", comment="Is this ok?")
    report, found = findings_of(item, data)
    assert [(f.kind, f.page) for f in found] == [("metadata", None), ("annotation", 2)]
    assert "author (“J. Bloggs”)" in found[0].words
    assert "A comment by “A Reviewer”: “Is this ok?”" in found[1].words
    old_sha = report.sha256

    removed = report_strip_hidden(report=report, by=clerk)
    assert removed == [
        "The file's properties (author, title and the like) were removed.",
        "1 comment or markup was removed.",
    ]
    report.refresh_from_db()
    stored = report.file.open("rb").read()
    assert report.sha256 == hashlib.sha256(stored).hexdigest() != old_sha
    assert report_findings(report, domains=set()) == []
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 2 and "/Author" not in pdf.docinfo
    assert report.removed_content[-1] == "1 comment or markup was removed."
    assert AuditEntry.objects.filter(action="report.strip_hidden", object_id=str(report.pk))
    assert report_strip_hidden(report=report, by=clerk) == []  # nothing left to strip


def test_personal_details_are_found_by_page_and_masked():
    pages = [
        (1, "Contact the clerk, clerk@coventry.gov.uk, 024 7683 3166, or the CCG (x@nhs.net)."),
        (2, "Complaint from jane.example@gmail.com, mobile 07700 900123, NI number AB 12 34 56 C."),
    ]
    found = text_findings(pages, own_domains={"coventry.gov.uk"})
    assert [(f.page, f.kind) for f in found] == [(2, "personal_data")] * 3
    words = " ".join(f.words for f in found)
    assert "e-mail address" in words and "@gmail.com" in words and "jane.example" not in words
    assert "mobile phone number (07…23)" in words
    assert "National Insurance number (AB…6C)" in words


def test_a_clean_paper_has_no_findings(item):
    _, found = findings_of(item, paper(text("Better Care Fund quarterly return")))
    assert found == []


def test_the_publish_page_shows_the_findings_and_asks_to_confirm(client_as, meeting, item):
    report, _ = findings_of(item, paper(text("Budget"), author="J. Bloggs"), title="Budget")
    clerk = client_as("clerk")
    url = reverse("workspace-publish", args=[meeting.slug])
    html = clerk.get(url).content.decode()
    assert "Checked before it goes public" in html
    assert "“Budget”" in html and "author (“J. Bloggs”)" in html
    assert reverse("workspace-strip-hidden", args=[report.pk]) in html

    response = clerk.post(url, {})
    assert response.status_code in (200, 400)  # the form again, with the error
    assert "Tick the box to confirm you have checked what was found" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT

    response = clerk.post(url, {"confirm_findings": "on"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_stripping_from_the_publish_page_clears_the_findings(client_as, meeting, item):
    report, _ = findings_of(item, paper(text("Budget"), author="J. Bloggs"), title="Budget")
    clerk = client_as("clerk")
    response = clerk.post(reverse("workspace-strip-hidden", args=[report.pk]), follow=True)
    html = unescape(response.content.decode())
    assert "“Budget”: The file's properties (author, title and the like) were removed." in html
    assert "Checked before it goes public" not in html
    response = clerk.post(reverse("workspace-publish", args=[meeting.slug]), {})
    assert response.status_code == 302  # nothing found: publishing does not ask


def test_exempt_papers_are_not_checked_for_the_public(client_as, meeting, item):
    report_create(
        agenda_item=item, data=paper(text("Valuation"), author="J. Bloggs"), title="Valuation",
        is_exempt=True,
    )  # fmt: skip
    html = client_as("clerk").get(reverse("workspace-publish", args=[meeting.slug])).content
    assert b"Checked before it goes public" not in html
