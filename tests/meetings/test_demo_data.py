"""The demo data holds what the seed pack holds.

Every expectation here was written by hand from ../shared/seed/000_9dd27aba0050238b.txt (front
sheet, pages 1-2; minutes of 7 July 2014, pages 3-10), not computed by the loader.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meetings.demo import load_demo
from meetings.models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    MinuteItem,
    Minutes,
    Person,
    Resolution,
)
from reports.models import Report

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

MEMBERSHIP_LINE = (
    "S Allen, S Banbury, C Bell, Councillor K Caan, A Canale-Parola, G Daly, "
    "Councillor A Gingell (Chair), A Hardy, S Kumar, R Light, Councillor A Lucas, J Mason, "
    "J Moore, R Newson, S Price, Councillor E Ruane, Councillor K Taylor, B Walsh and J Waterman"
)


@pytest.fixture
def board():
    return Committee.objects.get(name="Coventry Health and Well-being Board")


def test_board_has_the_nineteen_members_of_the_front_sheet_with_gingell_in_the_chair(board):
    printed = []
    for membership in board.memberships.select_related("person").order_by("position"):
        name = membership.person.membership_name
        printed.append(f"{name} (Chair)" if membership.role == "chair" else name)
    assert len(printed) == 19
    assert ", ".join(printed[:-1]) + " and " + printed[-1] == MEMBERSHIP_LINE


def test_seed_meeting_is_when_and_where_the_front_sheet_says(seed_meeting):
    assert seed_meeting.start == dt.datetime(2014, 9, 22, 14, 0, tzinfo=LONDON)
    assert seed_meeting.venue == "Diamond Room 2 - Council House"
    assert seed_meeting.status == Meeting.Status.PUBLISHED
    assert seed_meeting.dispatch_date == dt.date(2014, 9, 12)
    assert seed_meeting.signatory == (
        "Chris West, Executive Director, Resources, Council House Coventry"
    )
    officer = seed_meeting.contact_officer
    assert officer.display_name in ("Liz Knight", "L Knight")
    assert officer.forenames == "Liz" and officer.surname == "Knight"
    assert officer.telephone == "(024) 7683 3073"
    assert officer.email == "liz.knight@coventry.gov.uk"


def test_seed_agenda_has_the_printed_items_in_order(seed_meeting):
    items = AgendaItem.objects.filter(meeting=seed_meeting, parent=None).order_by("position")
    assert [(i.number, i.title) for i in items] == [
        ("1", "Welcome and Apologies for Absence"),
        ("2", "Declarations of Interest"),
        ("3", "Minutes of Previous Meeting"),
        ("4", "Better Care Fund Update"),
        ("5", "Coventry and Rugby Clinical Commissioning Group - Commissioning Intentions"),
        (
            "6",
            "The Annual Reports of the Coventry Safeguarding Adults Board and the Coventry "
            "Safeguarding Children Board",
        ),
        ("7", "Any other items of public business"),
    ]
    assert all(not item.is_private for item in items)  # "Private Business: Nil"


def test_item_three_has_sub_items_a_and_b_and_a_points_at_the_july_minutes(seed_meeting):
    three = AgendaItem.objects.get(meeting=seed_meeting, parent=None, number="3")
    subs = list(three.sub_items.order_by("position"))
    assert [(s.display_number, s.title) for s in subs] == [
        ("(a)", "To agree the minutes of the meeting held on 7th July, 2014"),
        ("(b)", "Matters Arising"),
    ]
    assert subs[0].stamp_number == "3a"
    assert subs[0].previous_minutes.meeting.start.date() == dt.date(2014, 7, 7)


def test_items_carry_their_bullet_points_presenter_lines_and_description(seed_meeting):
    items = {i.number: i for i in AgendaItem.objects.filter(meeting=seed_meeting, parent=None)}
    assert items["4"].bullet_points == [
        "Progress Update",
        "Better Care Fund Resubmission",
        "Short Term Support to Maximise Independence Update",
        "Integrated Neighbourhood Teams Update",
    ]
    assert items["4"].presenter == (
        "Report of Linda Sanders, Social Care Consultant Integration Lead, Coventry City Council"
    )
    assert items["5"].presenter == (
        "Juliet Hancox, Chief Operating Officer, Coventry and Rugby CCG will report at the meeting."
    )
    assert items["6"].presenter == "Report of the Brian Walsh, Executive Director, People"
    assert items["7"].description == (
        "Any other items of public business which the Chair decides to take as matters of "
        "urgency because of the special circumstances involved"
    )


def test_july_minutes_are_approved_at_the_september_meeting(seed_meeting):
    minutes = Minutes.objects.get(meeting__start__date=dt.date(2014, 7, 7))
    assert minutes.status == Minutes.Status.APPROVED
    assert minutes.approved_at == seed_meeting
    assert minutes.meeting.closed_at == dt.time(16, 10)


def test_july_minutes_have_all_ten_items_as_printed():
    items = MinuteItem.objects.filter(minutes__meeting__start__date=dt.date(2014, 7, 7))
    assert [(i.number, i.title) for i in items.order_by("position")] == [
        ("1", "Welcome"),
        ("2", "Declarations of Interest"),
        ("3", "Minutes of Previous Meeting"),
        ("4", "Update on Better Care"),
        ("5", "Coventry and Rugby Clinical Commissioning Group Five Year Strategy 2014 to 2019"),
        ("6", "Macmillan and Coventry City Council Partnership"),
        ("7", "Age Friendly City"),
        ("8", "Criminal Justice Liaison System"),
        ("9", "2014/15 Quality Premium Indicators"),
        ("10", "Any Other Items of Public Business – Visit by Sir Andrew Dillon"),
    ]
    welcome = items.get(number="1").narrative
    assert welcome.startswith("The Chair, Councillor Gingell, welcomed members")
    assert items.get(number="2").narrative == "There were no declarations of interest."


def test_july_attendance_is_in_the_seeds_four_groups():
    attendance = Attendance.objects.filter(
        minutes__meeting__start__date=dt.date(2014, 7, 7)
    ).select_related("person")

    def surnames(group):
        return [a.person.surname for a in attendance.filter(group=group).order_by("position")]

    assert surnames("board_member") == [
        "Caan", "Gingell", "Ruane", "Taylor", "Moore", "Allen", "Bell", "Canale-Parola",
        "Cummins", "Daly", "Hardy", "Kumar", "Light", "Matharu", "Mason", "Price", "Simmonds",
    ]  # fmt: skip
    assert surnames("other_representative") == ["Elson", "Hancock", "Hancox"]
    assert surnames("apologies") == ["Banbury", "Newson", "Walsh", "Waterman"]
    officers = [
        (a.directorate, a.person.display_name)
        for a in attendance.filter(group="officer").order_by("position")
    ]
    assert officers == [
        ("Chief Executive's", "R Tennant"),
        ("People", "C Parker"),
        ("People", "L Sanders"),
        ("Resources", "L Knight"),
    ]
    chair = attendance.get(is_chair=True)
    assert chair.person.display_name == "Councillor Gingell"
    moore = attendance.get(person__surname="Moore")
    assert moore.capacity == "Director of Public Health"


def test_july_resolutions_are_as_printed():
    resolutions = Resolution.objects.filter(
        minute_item__minutes__meeting__start__date=dt.date(2014, 7, 7)
    ).select_related("minute_item")
    by_item = {}
    for r in resolutions.order_by("minute_item__position", "position"):
        by_item.setdefault(r.minute_item.number, []).append((r.number, r.text))
    assert sorted(by_item) == ["4", "5", "7", "8"]
    assert [n for n, _ in by_item["4"]] == [1, 2, 3]
    assert by_item["4"][1][1] == (
        "The establishment of the pooled budget arrangements for the £45.843m identified for "
        "2015/16 be endorsed."
    )
    assert by_item["5"] == [
        (None, "the content of the strategy be noted and the approach to engagement be supported.")
    ]
    assert by_item["7"][0][1] == (
        "The Board agree and commit to a work programme that will lead to Coventry being awarded "
        "WHO 'Age Friendly City' status."
    )
    assert by_item["8"][1][1] == (
        "A report providing a further update on progress and outcomes be submitted to a future "
        "meeting of the Board."
    )


def test_reports_for_items_four_and_six_are_real_pdfs_with_the_seeds_page_counts(seed_meeting):
    reports = Report.objects.filter(agenda_item__meeting=seed_meeting).select_related("agenda_item")
    pages = {}
    for report in reports:
        pages[report.agenda_item.number] = pages.get(report.agenda_item.number, 0) + (
            report.page_count
        )
        assert report.file.open("rb").read(5) == b"%PDF-"
        assert report.pages.count() == report.page_count
    # "(Pages 11 - 20)" and "(Pages 21 - 94)" on the front sheet.
    assert pages == {"4": 10, "6": 74}
    item4 = " ".join(
        p.text for p in reports.get(agenda_item__number="4", kind="report").pages.all()
    )
    assert "Better Care Fund" in item4
    assert "Page 11" not in item4  # the pack adds page stamps; the originals carry none


def test_loading_the_demo_again_changes_nothing():
    counts = [m.objects.count() for m in (Person, Meeting, AgendaItem, MinuteItem, Report)]
    load_demo()
    assert [m.objects.count() for m in (Person, Meeting, AgendaItem, MinuteItem, Report)] == counts


def test_demo_has_a_second_committee_and_meetings_across_two_years():
    assert Committee.objects.count() == 2
    years = {m.start.year for m in Meeting.objects.all()}
    assert {2014, 2015} <= years
    assert Meeting.objects.filter(status=Meeting.Status.DRAFT).exists()
    assert Meeting.objects.filter(status=Meeting.Status.CANCELLED).exists()


# The demonstration committee's exempt papers (meetings/demo.py, fixtures/demo/): written by hand
# from fixtures/demo/make_exempt_pdfs.py, which made them.
EXEMPT_MEETING = "/meetings/2014-10-15-health-and-social-care-scrutiny-board/"
VALUATION = "Land at Radford Yard: Confidential Valuation"
TIMETABLE = "Appendix: Community Support Services Contract, Commercially Sensitive Timetable"
WHY_EXEMPT = "the value it places on land it intends to sell"


def _meeting_page(client) -> str:
    response = client.get(EXEMPT_MEETING)
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def _document_ids(html: str) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(r'href="/documents/(\d+)/', html)}


def test_the_demo_has_a_private_item_and_exempt_papers_a_member_sees_and_the_public_does_not(
    client_as,
):
    valuation = Report.objects.get(title=VALUATION)
    timetable = Report.objects.get(title=TIMETABLE)
    assert valuation.agenda_item.is_private and valuation.agenda_item.exemption_paragraph == 3
    assert not timetable.agenda_item.is_private and timetable.is_exempt  # under a public item
    assert valuation.page_count == 2 and timetable.page_count == 1

    public = _meeting_page(client_as("anonymous"))
    assert "Disposal of Land at Radford Yard" in public  # the private item's title
    assert WHY_EXEMPT in public and "paragraph 3" in public.lower()
    assert VALUATION not in public and TIMETABLE not in public
    assert not _document_ids(public) & {valuation.pk, timetable.pk}
    assert client_as("anonymous").get(f"/documents/{valuation.pk}/").status_code == 404

    for role in ("member", "clerk"):
        html = _meeting_page(client_as(role))
        assert VALUATION in html and TIMETABLE in html, role
        assert {valuation.pk, timetable.pk} <= _document_ids(html), role
        document = client_as(role).get(f"/documents/{valuation.pk}/")
        assert document.status_code == 200 and "£3,150,000" in document.content.decode()


def test_the_members_pack_of_that_meeting_holds_the_exempt_papers_and_the_public_pack_not():
    import pypdfium2
    from django.core.management import call_command

    from reports.models import Pack

    slug = EXEMPT_MEETING.strip("/").split("/")[-1]
    call_command("build_packs", meeting=slug, stdout=None)
    packs = {p.kind: p for p in Pack.objects.filter(meeting__slug=slug, state=Pack.State.READY)}
    assert {Pack.Kind.PUBLIC, Pack.Kind.MEMBERS} <= set(packs)

    def text(pack) -> str:
        with pack.file.open("rb") as handle:
            document = pypdfium2.PdfDocument(handle.read())
        return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in document)

    members, public = text(packs[Pack.Kind.MEMBERS]), text(packs[Pack.Kind.PUBLIC])
    assert "Radford Yard: Confidential Valuation" in members
    assert "Commercially Sensitive Timetable" in members
    assert "£3,150,000" in members
    assert "Confidential Valuation" not in public and "£3,150,000" not in public
    assert "Commercially Sensitive Timetable" not in public
    # The public pages come first in both, with the same page numbers; then a cover page
    # ("Not for publication") and the three exempt pages.
    public_pages = packs[Pack.Kind.PUBLIC].page_count
    assert packs[Pack.Kind.MEMBERS].page_count == public_pages + 1 + 3
    assert members.index("Not for publication Exempt papers") > members.index("Public Business")
