"""The ModernGov web service answering from the demo data: element names and formats as
ModernGov writes them, the seed meeting with its items and documents, and nothing a member of
the public may not see, whoever asks."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from meetings.models import AgendaItem, Meeting, Person
from meetings.moderngov.models import NATIVE_ID_BASE
from reports.services import report_create

pytestmark = pytest.mark.django_db
SEED = "2014-09-22-health-and-well-being-board"
JULY = "2014-07-07-health-and-well-being-board"
CANARY = "Quillfeatherington"


def answer(client, query: str) -> ET.Element:
    response = client.get(f"/mgWebService.asmx/{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    return ET.fromstring(response.content)


def mg_id(meeting: Meeting) -> int:
    return NATIVE_ID_BASE + meeting.pk


def texts(root: ET.Element, path: str) -> list[str]:
    return [(e.text or "").strip() for e in root.iterfind(path)]


def test_committees_are_listed_with_their_flags(client):
    root = answer(client, "GetCommittees")
    assert root.tag == "committees"
    assert root.findtext("committeescount") == " 2"  # a count has a leading space, as ModernGov's
    assert texts(root, "committee/committeetitle") == [
        "Coventry Health and Well-being Board",
        "Health and Social Care Scrutiny Board",
    ]
    first = root.find("committee")
    assert [child.tag for child in first] == [
        "committeeid", "committeetitle", "committeedeleted", "committeeexpired",
        "committeecategory",
    ]  # fmt: skip
    assert first.findtext("committeedeleted") == "False"
    assert int(first.findtext("committeeid")) >= NATIVE_ID_BASE


def test_meetings_are_listed_by_committee_without_drafts(client):
    root = answer(client, "GetMeetings?lCommitteeId=0&sFromDate=0&sToDate=0")
    listed = dict(
        zip(
            texts(root, ".//meeting/meetingid"),
            texts(root, ".//meeting/meetingstatus"),
            strict=True,
        )
    )
    draft = Meeting.objects.get(slug="2015-09-09-health-and-social-care-scrutiny-board")
    assert str(mg_id(draft)) not in listed
    assert listed[str(mg_id(Meeting.objects.get(slug=SEED)))] == "Confirmed"
    assert (
        listed[str(mg_id(Meeting.objects.get(slug="2015-01-12-health-and-well-being-board")))]
        == "Cancelled"
    )
    assert (
        listed[
            str(mg_id(Meeting.objects.get(slug="2015-03-11-health-and-social-care-scrutiny-board")))
        ]
        == "Postponed"
    )
    assert root.findtext("meetingscount") == f" {len(listed)}"
    seed = next(
        m
        for m in root.iterfind(".//meeting")
        if m.findtext("meetingid") == str(mg_id(Meeting.objects.get(slug=SEED)))
    )
    assert seed.findtext("meetingdate") == "22/09/2014"
    assert seed.findtext("meetingtime") == "2.00 pm"
    assert seed.findtext("iswebcast") == "False"


def test_meetings_are_filtered_by_committee_and_dates(client):
    seed = Meeting.objects.get(slug=SEED)
    committee = NATIVE_ID_BASE + seed.committee_id
    root = answer(
        client, f"GetMeetings?lCommitteeId={committee}&sFromDate=01/09/2014&sToDate=30/09/2014"
    )
    assert texts(root, ".//meeting/meetingid") == [str(mg_id(seed))]
    assert root.findtext("committeescount") == " 1"
    assert root.findtext("committee/committeemeetingcount") == " 1"


@pytest.mark.parametrize(
    "query",
    [
        "GetMeetings?lCommitteeId=x&sFromDate=0&sToDate=0",
        "GetMeetings?lCommitteeId=0&sFromDate=2014-09-01&sToDate=0",
        "GetMeetings?lCommitteeId=0&sFromDate=31/02/2014&sToDate=0",
        "GetMeeting?lMeetingId=",
        "GetMeeting?lMeetingId=-4",
        "GetCommitteesByUser?lUserId=abc",
    ],
)
def test_a_bad_parameter_gets_a_clear_message(client, query):
    response = client.get(f"/mgWebService.asmx/{query}")
    assert response.status_code == 400
    assert "must be" in response.content.decode()


def test_the_seed_meeting_has_its_items_numbers_and_documents(client):
    seed = Meeting.objects.get(slug=SEED)
    root = answer(client, f"GetMeeting?lMeetingId={mg_id(seed)}")
    assert root.findtext("meetingdate") == "22/09/2014"
    assert root.findtext("meetingtime") == "2.00 pm"
    assert root.findtext("meetingstatus") == "Confirmed"
    assert root.findtext("meetinglocation") == "Diamond Room 2 - Council House"
    assert root.findtext("agendapublished") == "True"
    assert texts(root, "agendaitems/agendaitem/fulldisplaynumberformat") == [
        "1.", "2.", "3.", "3(a)", "3(b)", "4.", "5.", "6.", "7.",
    ]  # fmt: skip
    items = {
        i.findtext("fulldisplaynumberformat"): i for i in root.iterfind("agendaitems/agendaitem")
    }
    assert items["4."].findtext("agendaitemtitle") == "Better Care Fund Update"
    assert items["3(a)"].findtext("agendaitemnumber") == "3"
    assert items["3(a)"].findtext("agendaitemsubnumber") == "1"
    docs = items["4."].findall("linkeddocuments/linkeddoc")
    assert [d.findtext("title")[:20] for d in docs] == [
        "Better Care Fund (BC", "Appendix One – Bette", "Appendix Two – Bette",
    ]  # fmt: skip
    assert all(d.findtext("isrestricted") == "False" for d in docs)
    assert all(d.findtext("ownertitle") == "Better Care Fund Update" for d in docs)
    url = docs[0].findtext("url")
    assert url.startswith("http://testserver/documents/")
    download = client.get(url.removeprefix("http://testserver"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert len(items["6."].findall("linkeddocuments/linkeddoc")) == 3
    assert texts(root, "attendees/attendee/url")  # the board's members, expected
    attendee = root.find("attendees/attendee")
    assert attendee.get("attendance") == "Expected"
    assert attendee.get("roledescription") in (
        "Chair",
        "Vice-Chair",
        "Committee Member",
        "Co-opted Member",
        "Representative",
    )


def test_published_minutes_come_with_resolutions_and_attendance(client):
    july = Meeting.objects.get(slug=JULY)
    root = answer(client, f"GetMeeting?lMeetingId={mg_id(july)}")
    assert root.findtext("minutepublished") == "True"
    assert root.findtext("decisionpublished") == "True"
    bodies = " ".join(texts(root, "agendaitems/agendaitem/minutesnonemptyhtmlbody"))
    assert "<strong>RESOLVED</strong>" not in bodies  # the HTML is the escaped text of the element
    assert "RESOLVED that" in bodies
    assert (
        "&lt;p&gt;"
        in client.get(f"/mgWebService.asmx/GetMeeting?lMeetingId={mg_id(july)}").content.decode()
    )
    states = {a.get("name"): a.get("attendance") for a in root.iterfind("attendees/attendee")}
    assert "Present" in states.values()
    assert states["Councillor Gingell"] == "Present"


def test_private_items_and_exempt_papers_are_never_shown(client, make_pdf):
    seed = Meeting.objects.get(slug=SEED)
    item4 = AgendaItem.objects.get(meeting=seed, number="4", parent=None)
    report_create(
        agenda_item=item4,
        data=make_pdf(f"exempt {CANARY}"),
        title=f"Exempt {CANARY}",
        is_exempt=True,
    )
    private = AgendaItem.objects.create(
        meeting=seed, number="8", position=99, title="Land at Earl Street", part="private",
        exemption_paragraph=3, public_description="Commercial terms of a sale.",
        description=f"The price is {CANARY}.", presenter=f"Report of {CANARY}",
    )  # fmt: skip
    report_create(agenda_item=private, data=make_pdf(f"terms {CANARY}"), title="Heads of terms")
    body = client.get(f"/mgWebService.asmx/GetMeeting?lMeetingId={mg_id(seed)}").content.decode()
    assert CANARY not in body
    assert "Heads of terms" not in body
    root = ET.fromstring(body)
    item = next(
        i
        for i in root.iterfind("agendaitems/agendaitem")
        if i.findtext("agendaitemtitle") == "Land at Earl Street"
    )
    assert item.findtext("isrestricted") == "True"
    assert item.find("linkeddocuments").findall("linkeddoc") == []
    assert "Commercial terms of a sale." in item.findtext("agendatext")
    assert len(root.find(".//agendaitem[fulldisplaynumberformat='4.']/linkeddocuments")) == 3


def test_a_draft_meeting_is_not_found_even_by_a_clerk(client_as):
    draft = Meeting.objects.get(slug="2015-09-09-health-and-social-care-scrutiny-board")
    for role in ("anonymous", "member", "clerk", "admin"):
        response = client_as(role).get(f"/mgWebService.asmx/GetMeeting?lMeetingId={mg_id(draft)}")
        assert response.status_code == 404
        listing = client_as(role).get(
            "/mgWebService.asmx/GetMeetings?lCommitteeId=0&sFromDate=0&sToDate=0"
        )
        assert f"<meetingid>{mg_id(draft)}</meetingid>" not in listing.content.decode()


def test_text_is_escaped_as_modern_gov_escapes_it(client):
    seed = Meeting.objects.get(slug=SEED)
    item = AgendaItem.objects.get(meeting=seed, number="7", parent=None)
    item.title = 'Fish & chips <b>"quoted"</b>'
    item.save()
    body = client.get(f"/mgWebService.asmx/GetMeeting?lMeetingId={mg_id(seed)}").content.decode()
    assert '<agendaitemtitle>Fish &amp; chips &lt;b&gt;"quoted"&lt;/b&gt;</agendaitemtitle>' in body
    assert "<meetingactualstarttime>\n  </meetingactualstarttime>" in body  # empty, as ModernGov


def test_members_wards_and_committees_of_a_person(client):
    allen = Person.objects.get(surname="Allen")  # Dr Steven Allen sits on the board only
    member_id = NATIVE_ID_BASE + allen.pk
    group = answer(client, "GetMemberGroup")
    assert str(member_id) in texts(group, "members/member/memberid")
    wards = answer(client, "GetCouncillorsByWard")
    assert texts(wards, "wards/ward/wardtitle") == ["No ward"]  # the demo people have no ward
    assert str(member_id) in texts(wards, "wards/ward/councillors/councillor/councillorid")
    mine = answer(client, f"GetCommitteesByUser?lUserId={member_id}")
    assert texts(mine, "committee/committeetitle") == ["Coventry Health and Well-being Board"]


def test_an_unknown_operation_or_meeting_is_not_found(client):
    assert client.get("/mgWebService.asmx/GetNothing").status_code == 404
    assert client.get("/mgWebService.asmx/GetMeeting?lMeetingId=4967").status_code == 404
    assert client.post("/mgWebService.asmx/GetCommittees").status_code == 405


def test_withdrawn_papers_and_items_awaiting_a_supplement_are_not_shown(client, make_pdf):
    from django.utils import timezone

    seed = Meeting.objects.get(slug=SEED)
    item4 = AgendaItem.objects.get(meeting=seed, number="4", parent=None)
    withdrawn = item4.reports.order_by("position").first()
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    AgendaItem.objects.create(
        meeting=seed, number="9", position=98, title=f"Late item {CANARY}", is_pending=True
    )
    body = client.get(f"/mgWebService.asmx/GetMeeting?lMeetingId={mg_id(seed)}").content.decode()
    assert withdrawn.title not in body
    assert CANARY not in body
    root = ET.fromstring(body)
    assert len(root.find(".//agendaitem[fulldisplaynumberformat='4.']/linkeddocuments")) == 2


def test_a_meeting_costs_the_same_queries_however_many_items_it_has(client, make_pdf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seed = Meeting.objects.get(slug=SEED)
    url = f"/mgWebService.asmx/GetMeeting?lMeetingId={mg_id(seed)}"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        item = AgendaItem.objects.create(
            meeting=seed, number=f"1{n}", position=50 + n, title=f"Extra {n}"
        )
        report_create(agenda_item=item, data=make_pdf(f"extra paper {n}"), title=f"Extra paper {n}")
    assert queries() == before
