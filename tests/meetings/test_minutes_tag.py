"""The minutes page as set out by ``meetings/templatetags/minutes.py`` from the queries of
``selectors.meeting_minutes`` (compiled once per audience, run for each meeting): what anyone
typed is escaped wherever it appears, each name links to that person's page, each page shows
its own meeting's minutes and what changed since the last request (issue #16)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from meetings.models import Attendance, Committee, Meeting, MinuteItem, Minutes, Person
from meetings.templatetags.minutes import person_url

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def published_minutes(name: str, day: int) -> tuple[Minutes, str]:
    committee = Committee.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    meeting = Meeting.objects.create(
        committee=committee, start=dt.datetime(2021, 3, day, 18, tzinfo=LONDON), status="published"
    )
    minutes = Minutes.objects.create(meeting=meeting, is_published=True)
    return minutes, reverse("minutes-detail", args=[meeting.slug])


def test_what_was_typed_is_shown_as_typed_never_as_markup(client):
    minutes, url = published_minutes("Audit Board", 1)
    person = Person.objects.create(
        surname="Quote", display_name='Cllr <b>Bold</b> & "Quote"', slug="cllr-quote"
    )
    Attendance.objects.create(
        minutes=minutes, person=person, group="board_member", capacity="<i>Chair</i> & co"
    )
    officer = Person.objects.create(surname="Officer", display_name="An Officer", slug="officer")
    Attendance.objects.create(
        minutes=minutes, person=officer, group="officer", directorate="R&D <Research>"
    )
    MinuteItem.objects.create(
        minutes=minutes, number="1", position=1, title="<script>alert(1)</script>",
        narrative="Costs <rose> & fell.\n\n- one <li>",
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "<b>Bold</b>" not in page and "<script>alert(1)</script>" not in page
    assert "Cllr &lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Quote&quot;" in page
    assert ", &lt;i&gt;Chair&lt;/i&gt; &amp; co</li>" in page
    assert "R&amp;D &lt;Research&gt;</dt>" in page
    assert "1. &lt;script&gt;alert(1)&lt;/script&gt;</h3>" in page
    assert "<p>Costs &lt;rose&gt; &amp; fell.</p>" in page
    assert "<ul><li>one &lt;li&gt;</li></ul>" in page


def test_each_name_links_to_that_persons_page(client):
    minutes, url = published_minutes("Parks Board", 2)
    for i, group in enumerate(("board_member", "other_representative", "officer", "apologies")):
        person = Person.objects.create(
            surname=f"P{i}", display_name=f"Person {i}", slug=f"person-{i}_x"
        )
        Attendance.objects.create(minutes=minutes, person=person, group=group, position=i)
    page = client.get(url).content.decode()
    for i in range(4):
        assert f'href="{reverse("person-detail", args=[f"person-{i}_x"])}">Person {i}</a>' in page


def test_a_persons_address_is_the_one_django_gives_under_any_script_prefix():
    assert person_url("jane-moore") == reverse("person-detail", args=["jane-moore"])
    set_script_prefix("/portal/")
    try:
        assert person_url("jane-moore") == "/portal/people/jane-moore/"
        assert person_url("jane-moore") == reverse("person-detail", args=["jane-moore"])
    finally:
        clear_script_prefix()
        set_script_prefix("/")


def test_each_page_shows_its_own_meetings_minutes_as_they_are_now(client):
    first, first_url = published_minutes("Roads Board", 3)
    second, second_url = published_minutes("Rivers Board", 4)
    minute = MinuteItem.objects.create(minutes=first, number="1", position=1, title="Potholes")
    MinuteItem.objects.create(minutes=second, number="1", position=1, title="Flooding")
    page = client.get(first_url).content.decode()
    assert "Potholes" in page and "Flooding" not in page
    page = client.get(second_url).content.decode()
    assert "Flooding" in page and "Potholes" not in page
    minute.title = "Potholes and kerbs"
    minute.save()
    assert "Potholes and kerbs" in client.get(first_url).content.decode()
    Minutes.objects.filter(pk=second.pk).update(is_published=False)
    assert client.get(second_url).status_code == 404
