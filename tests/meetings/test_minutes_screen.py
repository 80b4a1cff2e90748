"""The minutes screen, as a clerk uses it: start the minutes, record who attended as the seed's
minutes of 7 July 2014 record it, write one minute after another beside its agenda text and
papers, add resolutions in place, have a draft saved as they type; and bad input refused with
the error summary, changing nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attendance,
    AuditEntry,
    Committee,
    Meeting,
    Membership,
    MinuteItem,
    Person,
)
from reports.services import report_create
from tests.conftest import MINUTES_SLUG, pdf_bytes

pytestmark = pytest.mark.django_db

SEED = json.loads((Path(settings.BASE_DIR) / "fixtures/seed/coventry_hwb.json").read_text())
JULY = next(m for m in SEED["meetings"] if m["key"] == "2014-07-07")["minutes"]
PERSON_KEYS = {p["key"]: p for p in SEED["people"]}


def seed_person(key: str) -> Person:
    row = PERSON_KEYS[key]
    return Person.objects.get(display_name=row["display_name"])


def july_meeting() -> Meeting:
    """The board's 7 July 2014 meeting as it stood before its minutes were written: a copy of
    the board (same members) with the agenda the minutes record, item 4 with the Better Care
    Fund report, and no minutes."""
    board = Committee.objects.get(slug="health-and-well-being-board")
    committee = Committee.objects.create(
        name="Coventry Health and Well-being Board (minuted again)",
        slug="hwb-minuted-again",
        kind=board.kind,
        contact_officer=board.contact_officer,
    )
    for m in Membership.objects.filter(committee=board):
        m.pk = None
        m.committee = committee
        m.save()
    meeting = Meeting.objects.create(
        committee=committee,
        start=timezone.make_aware(dt.datetime(2014, 7, 7, 14, 0)),
        venue="Diamond Room 2 - Council House",
        status=Meeting.Status.PUBLISHED,
    )
    for position, row in enumerate(JULY["items"], start=1):
        AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            number=str(position),
            title=row["title"],
            description="To consider the report of the Better Care Programme Board."
            if position == 4
            else "",
        )
    item4 = AgendaItem.objects.get(meeting=meeting, number="4")
    report_create(
        agenda_item=item4,
        data=pdf_bytes("Better Care Fund: the plan for Coventry, a pooled budget of 46m"),
        title="Better Care Fund report",
    )
    return meeting


@pytest.fixture
def clerk_client(client_as):
    return client_as("clerk")


@pytest.fixture
def july():
    return july_meeting()


def start(clerk_client, meeting: Meeting):
    return clerk_client.post(reverse("workspace-minutes", args=[meeting.slug]))


def page_text(response) -> str:
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def attendance_post(meeting: Meeting, choices: dict[str, str], others: list[dict]) -> dict:
    """What the attendance form sends: a choice a member, and the rows of others."""
    data = {}
    for person_key, choice in choices.items():
        data[f"member_{seed_person(person_key).pk}"] = choice
    data.update(
        {
            "others-TOTAL_FORMS": str(len(others)),
            "others-INITIAL_FORMS": "0",
            "others-MIN_NUM_FORMS": "0",
            "others-MAX_NUM_FORMS": "1000",
        }
    )
    for n, row in enumerate(others):
        for key, value in row.items():
            data[f"others-{n}-{key}"] = value
    return data


def seed_attendance(meeting: Meeting) -> dict:
    """The attendance form filled in as the seed's minutes of 7 July 2014 record it."""
    members = {m.person.display_name: m for m in meeting.committee.memberships.all()}
    choices = {}
    for key in PERSON_KEYS:
        if PERSON_KEYS[key]["display_name"] in members:
            choices[key] = "absent"
    others = []
    for line in JULY["attendance"]:
        name = PERSON_KEYS[line["person"]]["display_name"]
        if name in members:
            choices[line["person"]] = "apologies" if line["group"] == "apologies" else "present"
        else:
            others.append(
                {
                    "person": str(seed_person(line["person"]).pk),
                    "group": line["group"],
                    "capacity": line["capacity"] or "",
                    "directorate": line["directorate"] or "",
                }
            )
    chair = next(line["person"] for line in JULY["attendance"] if line["is_chair"])
    return {**attendance_post(meeting, choices, others), "chair": str(seed_person(chair).pk)}


def test_a_clerk_opening_the_minutes_of_a_meeting_without_them_is_offered_to_start(
    clerk_client, july
):
    response = clerk_client.get(reverse("workspace-minutes", args=[july.slug]))
    assert response.status_code == 200
    assert "Start the minutes" in page_text(response)


def test_starting_lists_each_member_of_the_committee_present_apologies_or_absent(
    clerk_client, july
):
    response = start(clerk_client, july)
    assert response.url == reverse("workspace-minutes-attendance", args=[july.slug])
    page = clerk_client.get(response.url)
    text = page_text(page)
    html = page.content.decode().split('id="others-heading"')[0]
    # One fieldset a member, in the committee's order, each with the three choices.
    legends = re.findall(r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
                         r"([^<]+)</legend>", html)  # fmt: skip
    assert legends[:3] == ["Dr Steven Allen", "Stephen Banbury", "Claire Bell"]
    assert "Councillor Gingell (Chair)" in legends
    assert len(legends) == 19
    assert html.count('value="present"') == 19 and html.count('value="absent"') == 19
    # Started from the membership: everyone present until the clerk says otherwise.
    assert len(re.findall(r'value="present"[^>]*checked', html)) == 19
    assert "Substitutes, other representatives and officers" in text


def test_attendance_recorded_as_the_seed_minutes_record_it(clerk_client, client, july):
    start(clerk_client, july)
    response = clerk_client.post(
        reverse("workspace-minutes-attendance", args=[july.slug]),
        {**seed_attendance(july), "action": "continue"},
    )
    first = MinuteItem.objects.get(minutes__meeting=july, number="1")
    assert response.url == reverse("workspace-minute-item", args=[first.pk])
    rows = Attendance.objects.filter(minutes__meeting=july)
    by_group = {}
    for row in rows.select_related("person").order_by("position"):
        by_group.setdefault(row.group, []).append(row.person.display_name)
    assert sorted(by_group["apologies"]) == sorted(
        ["Stephen Banbury", "Rachel Newson", "Brian Walsh", "Jon Waterman"]
    )
    assert by_group["other_representative"] == ["Rebecca Elson", "Vicky Hancock", "Juliet Hancox"]
    assert by_group["officer"] == ["R Tennant", "C Parker", "L Sanders", "L Knight"]
    assert {"Lisa Cummins", "Harjeet Matharu", "Andrea Simmonds"} <= set(by_group["board_member"])
    assert len(by_group["board_member"]) == 17
    # Printed as the seed prints them: councillors first, then the rest by surname.
    assert by_group["board_member"][:6] == [
        "Councillor Caan", "Councillor Gingell", "Councillor Ruane", "Councillor Taylor",
        "Dr Steven Allen", "Claire Bell",
    ]  # fmt: skip
    assert by_group["board_member"][-1] == "Andrea Simmonds"
    assert "Councillor A Lucas" not in {r.person.display_name for r in rows}  # absent
    assert rows.get(person__surname="Parker").directorate == "People"
    assert rows.get(person__surname="Matharu").capacity == "Voluntary Action Coventry"
    assert rows.get(person__surname="Moore").capacity == "Director of Public Health"
    assert rows.get(is_chair=True).person.display_name == "Councillor Gingell"
    assert AuditEntry.objects.filter(action="minutes.attendance", meeting=july).count() == 1

    # The published minutes print them in the seed's groups.
    clerk_client.post(reverse("workspace-minutes-publish", args=[july.slug]))
    public = page_text(client.get(reverse("minutes-detail", args=[july.slug])))
    assert "Harjeet Matharu" in public and "Chief Executive's" in public
    assert public.index("Present") < public.index("Apologies") < public.index("Jon Waterman")

    # Opening the screen again shows what was saved.
    html = clerk_client.get(reverse("workspace-minutes-attendance", args=[july.slug])).content
    lucas = seed_person("lucas").pk
    (absent,) = re.findall(rf'<input[^>]*id="id_member_{lucas}_2"[^>]*>', html.decode())
    assert 'value="absent"' in absent and "checked" in absent


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda data: {k: ("apologies" if k.startswith("member_") else v)
                          for k, v in data.items() if not k.startswith("others-0")}
            | {"others-TOTAL_FORMS": "0", "chair": ""},
            "Mark at least one person present: the minutes say who was there.",
        ),
        (
            lambda data: {k: v for k, v in data.items()
                          if k != f"member_{seed_person('lucas').pk}"},
            "Say whether Councillor A Lucas was present, sent apologies or was absent",
        ),
        (
            lambda data: {**data, "others-0-group": ""},
            "Say whether Lisa Cummins attended as a board member or substitute",
        ),
        (
            lambda data: {**data, "others-1-person": data["others-0-person"],
                          "others-1-group": "board_member"},
            "Lisa Cummins is listed twice: list each person once.",
        ),
        (
            lambda data: {**data, f"member_{seed_person('gingell').pk}": "apologies"},
            "Councillor Gingell chaired the meeting, so was present: mark them present or "
            "choose who chaired",
        ),
    ],
    ids=["nobody-present", "member-unmarked", "no-group", "listed-twice", "chair-away"],
)  # fmt: skip
def test_bad_attendance_shows_the_error_summary_and_changes_nothing(
    clerk_client, july, change, message
):
    start(clerk_client, july)
    before = list(
        Attendance.objects.filter(minutes__meeting=july).values_list("person", "group", "position")
    )
    data = change(seed_attendance(july))
    response = clerk_client.post(reverse("workspace-minutes-attendance", args=[july.slug]), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text and message in text
    # Each message links to the field it is about, and that field is on the page.
    html = response.content.decode()
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in html, target
    after = list(
        Attendance.objects.filter(minutes__meeting=july).values_list("person", "group", "position")
    )
    assert after == before
    assert not AuditEntry.objects.filter(action="minutes.attendance", meeting=july).exists()


def minute(meeting: Meeting, number: str) -> MinuteItem:
    return MinuteItem.objects.get(minutes__meeting=meeting, number=number)


def test_save_and_next_moves_one_minute_after_another_and_back(clerk_client, july):
    start(clerk_client, july)
    url = reverse("workspace-minute-item", args=[minute(july, "1").pk])
    row = JULY["items"][0]
    response = clerk_client.post(url, {"narrative": row["narrative"], "action": "next"})
    assert response.url == reverse("workspace-minute-item", args=[minute(july, "2").pk])
    assert minute(july, "1").narrative == row["narrative"]

    page = clerk_client.get(response.url)
    text = page_text(page)
    assert "Minute 1 saved." in text
    assert "2. Declarations of Interest" in text and "Minute 2 of 10" in text

    back = clerk_client.post(response.url, {"narrative": "There were none.", "action": "back"})
    assert back.url == url
    first = clerk_client.post(url, {"narrative": row["narrative"], "action": "back"})
    assert first.url == reverse("workspace-minutes-attendance", args=[july.slug])
    last = clerk_client.post(
        reverse("workspace-minute-item", args=[minute(july, "10").pk]),
        {"narrative": "Sir Andrew Dillon will visit.", "action": "next"},
    )
    assert last.url == reverse("workspace-minutes", args=[july.slug])


def test_a_resolution_is_added_in_place_without_javascript(clerk_client, july):
    start(clerk_client, july)
    url = reverse("workspace-minute-item", args=[minute(july, "4").pk])
    html = clerk_client.get(url).content.decode()
    assert 'name="resolution_1"' in html and 'name="resolution_2"' not in html
    first, second = (r["text"] for r in JULY["items"][3]["resolutions"][:2])
    response = clerk_client.post(
        url, {"narrative": "", "resolution_1": first, "action": "add-resolution"}
    )
    assert response.url == f"{url}#id_resolution_2"
    html = clerk_client.get(url).content.decode()
    assert first in html and 'name="resolution_2"' in html
    # Boxes the page's script adds are read too, in order; an empty box is no resolution.
    clerk_client.post(
        url,
        {"resolution_1": first, "resolution_2": "", "resolution_3": second, "action": "save"},
    )
    texts = list(minute(july, "4").resolutions.values_list("number", "text"))
    assert texts == [(1, first), (2, second)]


def test_a_resolution_too_long_shows_the_error_summary_and_changes_nothing(clerk_client, july):
    start(clerk_client, july)
    item = minute(july, "4")
    url = reverse("workspace-minute-item", args=[item.pk])
    clerk_client.post(url, {"narrative": "Kept.", "resolution_1": "Kept.", "action": "save"})
    audits = AuditEntry.objects.filter(action="minute_item.save").count()
    response = clerk_client.post(
        url, {"narrative": "Changed.", "resolution_1": "word " * 500, "action": "next"}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert "Resolution 1 must be 2,000 characters or fewer" in text
    assert 'href="#id_resolution_1"' in response.content.decode()
    item.refresh_from_db()
    assert item.narrative == "Kept."
    assert list(item.resolutions.values_list("text", flat=True)) == ["Kept."]
    assert AuditEntry.objects.filter(action="minute_item.save").count() == audits


def test_autosave_saves_the_draft_through_the_service_and_says_when(clerk_client, july):
    start(clerk_client, july)
    item = minute(july, "1")
    url = reverse("workspace-minute-item", args=[item.pk])
    html = clerk_client.get(url).content.decode()
    autosave = reverse("workspace-minute-autosave", args=[item.pk])
    assert f'data-autosave-url="{autosave}"' in html
    assert 'id="autosave-status" role="status" aria-live="polite"' in html

    response = clerk_client.post(autosave, {"narrative": "The Chair welcomed members"})
    assert response.status_code == 200
    assert re.fullmatch(r"Saved at \d\d:\d\d", response.json()["message"])
    assert "The Chair welcomed members" in clerk_client.get(url).content.decode()
    entry = AuditEntry.objects.get(action="minute_item.save", object_id=str(item.pk))
    assert entry.after["narrative"] == "The Chair welcomed members"
    # Saving the same words again writes nothing more.
    clerk_client.post(autosave, {"narrative": "The Chair welcomed members"})
    assert AuditEntry.objects.filter(action="minute_item.save").count() == 1


def test_autosave_leaves_published_minutes_alone(clerk_client, july):
    start(clerk_client, july)
    clerk_client.post(reverse("workspace-minutes-publish", args=[july.slug]))
    item = minute(july, "1")
    response = clerk_client.post(
        reverse("workspace-minute-autosave", args=[item.pk]), {"narrative": "Half a sent"}
    )
    assert response.status_code == 409
    assert "published" in response.json()["message"]
    item.refresh_from_db()
    assert item.narrative == ""
    html = clerk_client.get(reverse("workspace-minute-item", args=[item.pk])).content.decode()
    assert "data-autosave-url" not in html


def test_the_minute_shows_its_agenda_text_and_papers_beside_it(clerk_client, july):
    start(clerk_client, july)
    response = clerk_client.get(reverse("workspace-minute-item", args=[minute(july, "4").pk]))
    text = page_text(response)
    assert "On the agenda" in text
    assert "To consider the report of the Better Care Programme Board." in text
    assert "Better Care Fund report" in text
    assert "Better Care Fund: the plan for Coventry, a pooled budget of 46m" in text
    assert "Public minute" in text


def test_a_private_minute_says_it_is_private_and_why(clerk_client, july):
    item = AgendaItem.objects.get(meeting=july, number="8")
    AgendaItem.objects.filter(pk=item.pk).update(
        part="private", exemption_paragraph=1, public_description="Information about a person."
    )
    start(clerk_client, july)
    text = page_text(
        clerk_client.get(reverse("workspace-minute-item", args=[minute(july, "8").pk]))
    )
    assert "Private minute: only members and clerks will read it." in text
    assert "paragraph 1: information relating to any individual" in text
    assert "It records item 8, which is private business" in text


def test_approved_minutes_are_never_changed(clerk_client):
    item = MinuteItem.objects.get(minutes__meeting__slug=MINUTES_SLUG, number="1")
    before = item.narrative
    url = reverse("workspace-minute-item", args=[item.pk])
    response = clerk_client.post(url, {"narrative": "Rewritten.", "action": "next"})
    assert response.status_code == 200
    assert "they cannot be changed" in page_text(response)
    item.refresh_from_db()
    assert item.narrative == before
    response = clerk_client.post(
        reverse("workspace-minute-autosave", args=[item.pk]), {"narrative": "Rewritten."}
    )
    assert response.status_code == 409


def test_approving_without_choosing_a_meeting_shows_the_error_summary(clerk_client, july):
    start(clerk_client, july)
    response = clerk_client.post(reverse("workspace-minutes-approve", args=[july.slug]), {})
    text = page_text(response)
    assert "There is a problem" in text
    assert "Choose the later meeting that agreed the minutes" in text
    assert july.minutes.status == "draft"


def test_the_attendance_page_reads_the_same_queries_however_many_came(clerk_client, july):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start(clerk_client, july)
    url = reverse("workspace-minutes-attendance", args=[july.slug])
    data = seed_attendance(july)
    few = {k: v for k, v in data.items() if not re.match(r"others-([3-9])-", k)}
    clerk_client.post(url, {**few, "others-TOTAL_FORMS": "3"})
    with CaptureQueriesContext(connection) as with_three:
        clerk_client.get(url)
    clerk_client.post(url, data)
    with CaptureQueriesContext(connection) as with_ten:
        assert "L Knight" in page_text(clerk_client.get(url))
    assert len(with_ten) == len(with_three)


def test_the_attendance_of_approved_minutes_offers_no_save(clerk_client):
    url = reverse("workspace-minutes-attendance", args=[MINUTES_SLUG])
    text = page_text(clerk_client.get(url))
    assert "they cannot be changed" in text and "Save and continue" not in text
    # The seed's attendance, as the demo loaded it: Lucas absent, Banbury sent apologies.
    html = clerk_client.get(url).content.decode()
    for key, choice in (("lucas", "absent"), ("banbury", "apologies"), ("gingell", "present")):
        (radio,) = re.findall(
            rf'<input[^>]*value="{choice}"[^>]*id="id_member_{seed_person(key).pk}_\d"[^>]*>', html
        )
        assert "checked" in radio


def test_a_draft_never_overwrites_a_minute_saved_elsewhere_since(clerk_client, july):
    start(clerk_client, july)
    item = minute(july, "1")
    html = clerk_client.get(reverse("workspace-minute-item", args=[item.pk])).content.decode()
    (opened,) = re.findall(r'name="version" value="([0-9a-f]+)"', html)
    autosave = reverse("workspace-minute-autosave", args=[item.pk])
    first = clerk_client.post(autosave, {"version": opened, "narrative": "Draft one"}).json()
    # The page sends the version its last draft saved ...
    second = clerk_client.post(autosave, {"version": first["version"], "narrative": "Draft two"})
    assert second.status_code == 200
    # ... so a draft from a page that has not seen "Draft two" (another tab) is refused.
    stale = clerk_client.post(autosave, {"version": opened, "narrative": "Old tab"})
    assert stale.status_code == 409 and "saved elsewhere" in stale.json()["message"]
    item.refresh_from_db()
    assert item.narrative == "Draft two"


def test_the_overview_offers_the_next_minute_to_write(clerk_client, july):
    start(clerk_client, july)
    url = reverse("workspace-minutes", args=[july.slug])
    assert "Start writing: minute 1" in page_text(clerk_client.get(url))
    for number in ("1", "2"):
        clerk_client.post(
            reverse("workspace-minute-item", args=[minute(july, number).pk]),
            {"narrative": "Written.", "action": "save"},
        )
    html = clerk_client.get(url).content.decode()
    third = reverse("workspace-minute-item", args=[minute(july, "3").pk])
    assert re.search(rf'<a href="{third}"[^>]*>Carry on: minute 3</a>', html)
    assert page_text(clerk_client.get(url)).count("Not written yet") == 8
