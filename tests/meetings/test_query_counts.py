"""Pages do as many database queries for 30 agenda items, papers, minutes or attendees as for 3,
and the meeting, minutes and committee pages at most 10 for anyone (issue #16: without the page
cache every request renders its page)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from meetings import plans, publishing, services, votes
from meetings.models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Person,
    Resolution,
)
from reports.services import report_create

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MOST_QUERIES = 10


def build(n: int, pdf: bytes, role_client) -> dict[str, str]:
    committee = Committee.objects.create(name=f"Planning Committee {n}", slug=f"planning-{n}")
    start = dt.datetime(2020, 1, 6 + n % 20, 18, tzinfo=LONDON)
    meeting = Meeting.objects.create(committee=committee, start=start, status="published")
    minutes = Minutes.objects.create(meeting=meeting, is_published=True)
    for i in range(1, n + 1):
        person = Person.objects.create(
            surname=f"Member{i}", display_name=f"Cllr M{i}", slug=f"m{n}-{i}"
        )
        Membership.objects.create(committee=committee, person=person, position=i)
        Attendance.objects.create(minutes=minutes, person=person, group="board_member", position=i)
        item = AgendaItem.objects.create(
            meeting=meeting, number=str(i), position=i, title=f"Application {i}"
        )
        AgendaItem.objects.create(meeting=meeting, parent=item, number="a", title="Site visit")
        report_create(agenda_item=item, data=pdf, title=f"Report {i}")
        minute = MinuteItem.objects.create(
            minutes=minutes, number=str(i), position=i, title=f"Application {i}", agenda_item=item
        )
        Resolution.objects.create(minute_item=minute, number=1, text="Approved.")
        Resolution.objects.create(minute_item=minute, number=2, text="Conditions.")
    return {
        "meeting": meeting.get_absolute_url(),
        "minutes": f"{meeting.get_absolute_url()}minutes/",
        "committee": f"/committees/{committee.slug}/",
        "decisions": f"/decisions/?committee={committee.slug}",
        "api-meeting": f"/api/meetings/{meeting.slug}/",
    }  # fmt: skip


def queries(client, url: str) -> int:
    reset_queries()  # each request starts a fresh log: count from an empty one
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_query_counts_do_not_grow_with_items(role, client_as, make_pdf):
    client = client_as(role)
    pdf = make_pdf("Planning report")
    small, large = build(5, pdf, client), build(50, pdf, client)
    for page in small:
        client.get(small[page])  # warm caches such as the session
        assert queries(client, large[page]) == queries(client, small[page]), page


def build_through_services(n: int, pdf: bytes, clerk, day: int) -> dict[str, str]:
    """A published meeting as a clerk makes one: n items each with a sub-item, a paper and a
    forward plan entry, a private item with an exempt paper, an earlier meeting whose minutes it
    agrees, then minutes with n attendees and two resolutions a minute, each with a vote by
    name; and n earlier meetings of the committee."""
    committee = Committee.objects.create(name=f"Licensing Committee {n}", slug=f"licensing-{n}")
    people = [
        Person.objects.create(surname=f"Voter{i}", display_name=f"Cllr V{i}", slug=f"v{n}-{i}")
        for i in range(1, n + 1)
    ]
    for i, person in enumerate(people, start=1):
        Membership.objects.create(committee=committee, person=person, position=i)
    for i in range(n):  # earlier meetings, for the committee page
        start = dt.datetime(2019, 1 + i % 12, 1 + i // 12, 18, tzinfo=LONDON)
        services.meeting_create(committee=committee, start=start, by=clerk)
    meeting = services.meeting_create(
        committee=committee, start=dt.datetime(2020, 2, day, 18, tzinfo=LONDON), by=clerk
    )
    for i in range(1, n + 1):
        item = services.agenda_item_add(meeting=meeting, by=clerk, title=f"Licence {i}")
        services.agenda_item_add(meeting=meeting, parent=item, by=clerk, title="Objections")
        report_create(agenda_item=item, data=pdf, title=f"Licence report {i}", by=clerk)
        entry = plans.plan_entry_create(
            by=clerk, matter=f"Licence matter {i}", decision_maker="Licensing Committee",
            expected_date=dt.date(2020, 2, day),
        )  # fmt: skip
        plans.plan_entry_publish(entry=entry, by=clerk)
        plans.plan_entry_link_item(entry=entry, item=item, by=clerk)
    private = services.agenda_item_add(
        meeting=meeting, by=clerk, title="Staffing", part="private", exemption_paragraph=1
    )
    report_create(agenda_item=private, data=pdf, title="Staffing report", is_exempt=True, by=clerk)
    publishing.meeting_publish(
        meeting=meeting, by=clerk, base_url="http://testserver", confirm_short_notice=True
    )
    minutes = services.minutes_start(meeting=meeting, by=clerk)
    services.minutes_attendance_save(
        minutes=minutes, lines=[{"person": p, "group": "board_member"} for p in people], by=clerk
    )
    for minute in minutes.items.all():
        services.minute_item_save(
            item=minute, narrative="Considered.", resolutions=["Granted.", "Conditions."], by=clerk
        )
        for resolution in minute.resolutions.all():
            votes.vote_record(
                resolution=resolution, by=clerk, outcome="carried",
                casts=dict.fromkeys(people, "for"),
            )  # fmt: skip
    services.minutes_publish(minutes=minutes, by=clerk)
    return {
        "meeting": meeting.get_absolute_url(),
        "minutes": f"{meeting.get_absolute_url()}minutes/",
        "committee": f"/committees/{committee.slug}/",
    }


@pytest.mark.parametrize("role", ["anonymous", "member", "clerk"])
def test_meeting_minutes_and_committee_pages_make_at_most_ten_queries_whatever_their_size(
    role, client_as, clerk, make_pdf
):
    pdf = make_pdf("Licensing report")
    small = build_through_services(3, pdf, clerk, day=3)
    large = build_through_services(30, pdf, clerk, day=4)
    client = client_as(role)
    shown = client.get(large["minutes"]).content.decode()
    assert shown.count('class="recorded-vote"') >= 60  # what is counted is on the page
    assert "Forward plan: " in client.get(large["meeting"]).content.decode()
    for page in small:
        client.get(small[page])  # warm caches such as the session
        counted = queries(client, small[page])
        assert counted <= MOST_QUERIES, (page, counted)
        assert queries(client, large[page]) == counted, page
