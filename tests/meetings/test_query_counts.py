"""Pages do as many database queries for 50 agenda items, minutes or members as for 5."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
