"""The staff pages (Django's admin at /staff/) never change what the services own (DESIGN.md).

Regression tests for two leaks through them, driven through the real admin as a clerk who has
entered the sign-in code, submitting the forms as a browser would (every field the page holds,
then the change tried):

- leak 2: ticking "exempt" on a published paper, or making a published item private, hid it from
  the pages, the API and search while every frozen public pack (each version, the supplementary
  agenda's) still held its text, served to the public. The workspace's services rebuild the packs;
  the staff pages now leave those fields alone.
- leak 8: adding a report with a file answered 500 and left the file behind in MEDIA_ROOT. Papers
  are uploaded in the workspace only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import (
    AgendaItem,
    Attendance,
    Committee,
    Declaration,
    Meeting,
    MinuteItem,
    Minutes,
    Person,
    Resolution,
    Supplement,
)
from reports.models import Report
from reports.services import report_create
from tests.meetings.test_publishing import _file, download, pack_url, publish, version_url
from tests.reports.pdf_reading import all_text, flat

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client_as, django_capture_on_commit_callbacks):
    """The clerk (a group, not a superuser), whose requests run what waits for their commit."""
    clerk = client_as("clerk")
    post = clerk.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    clerk.post = post_and_commit
    return clerk


@pytest.fixture
def published(clerk, clerk_client, make_pdf):
    """A meeting published through the workspace, its public item 5 holding a public paper whose
    text carries the word 'heronsgate'."""
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(
        weeks=6
    )
    meeting = services.meeting_create(
        committee=Committee.objects.get(slug="health-and-well-being-board"),
        start=start,
        venue="Diamond Rooms 1 and 2, Council House",
        by=clerk,
    )
    item = services.agenda_item_add(
        meeting=meeting,
        by=clerk,
        title="Joint health and wellbeing strategy",
        part="public",
        description="The strategy for heronsgate and the city.",
    )
    report_create(
        agenda_item=item,
        data=make_pdf("Strategy report on heronsgate health outcomes", "Second page"),
        title="Strategy report",
        by=clerk,
    )
    assert publish(clerk_client, meeting).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    return meeting


class _Form(HTMLParser):
    """The fields of the admin's change form as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post" and not self._in_form:
            self._in_form = "_form" in (a.get("id") or "")
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
                return
            self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.data.setdefault(self._select, []).append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.data.setdefault(self._select, []).append(self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data.removeprefix("\n")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def submit_change(client, obj, **changes):
    """GET the staff page's change form for obj, then POST it back with ``changes``, as a clerk
    editing the page in a browser would (or one posting the fields by hand, where the page no
    longer offers them)."""
    page = client.get(change_url(obj))
    assert page.status_code == 200
    form = _Form()
    form.feed(page.content.decode())
    data = {name: values if len(values) > 1 else values[0] for name, values in form.data.items()}
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    data["_save"] = "Save"
    return client.post(change_url(obj), data)


def public_pack_texts(client, meeting) -> dict[str, str]:
    """Every public pack of the meeting, read back as text: the current and each version of
    the full pack and the front sheet, and every supplementary agenda."""
    urls = [pack_url(meeting), pack_url(meeting, "agenda-front-sheet")]
    versions = (
        meeting.packs.filter(kind="public").exclude(version=None).values_list("version", flat=True)
    )
    urls += [version_url(meeting, v) for v in versions]
    for supplement in Supplement.objects.filter(meeting=meeting):
        urls.append(version_url(meeting, supplement.number, "supplementary-agenda"))
    return {url: flat(all_text(download(client, url))) for url in urls}


# Leak 2 -----------------------------------------------------------------------------------------


def test_leak_2_ticking_exempt_on_a_published_paper_in_the_staff_pages_changes_nothing(
    published, clerk_client, client
):
    paper = Report.objects.get(agenda_item__meeting=published, title="Strategy report")
    before = public_pack_texts(client, published)
    assert "heronsgate health outcomes" in before[pack_url(published)]
    assert "heronsgate health outcomes" in before[version_url(published, 1)]

    response = submit_change(clerk_client, paper, is_exempt="on")

    assert response.status_code in (302, 403)
    paper.refresh_from_db()
    assert paper.is_exempt is False
    # What the public is served still says what the pages say: the paper is public.
    assert public_pack_texts(client, published) == before
    page = client.get(published.get_absolute_url())
    assert b"Strategy report" in page.content


def test_leak_2_making_a_published_item_private_in_the_staff_pages_changes_nothing(
    published, clerk_client, client
):
    item = AgendaItem.objects.get(meeting=published, title="Joint health and wellbeing strategy")
    before = public_pack_texts(client, published)
    assert "heronsgate and the city" in before[pack_url(published, "agenda-front-sheet")]

    response = submit_change(
        clerk_client,
        item,
        part="private",
        exemption_paragraph="3",
        public_description="Commercial terms.",
    )

    item.refresh_from_db()
    assert (item.part, item.exemption_paragraph, item.public_description) == ("public", None, "")
    assert public_pack_texts(client, published) == before
    assert response.status_code == 403


def test_leak_2_the_same_through_the_meetings_inline_changes_nothing(
    published, clerk_client, client
):
    """The meeting's page in the staff pages lists its items: they cannot be edited there."""
    item = AgendaItem.objects.get(meeting=published, title="Joint health and wellbeing strategy")
    before = public_pack_texts(client, published)
    page = clerk_client.get(change_url(published))
    form = _Form()
    form.feed(page.content.decode())
    # The items are listed read-only: no form row for any of them.
    assert not {"agenda_items-0-part", "agenda_items-0-title", "status"} & set(form.data)
    index = list(AgendaItem.objects.filter(meeting=published).order_by("position", "pk")).index(
        item
    )
    data = {name: values[0] for name, values in form.data.items()}
    data.update(
        {
            "agenda_items-TOTAL_FORMS": str(index + 1),
            "agenda_items-INITIAL_FORMS": str(index + 1),
            f"agenda_items-{index}-id": str(item.pk),
            f"agenda_items-{index}-meeting": str(published.pk),
            f"agenda_items-{index}-part": "private",
            f"agenda_items-{index}-exemption_paragraph": "3",
            "status": "draft",
            "_save": "Save",
        }
    )
    clerk_client.post(change_url(published), data)
    item.refresh_from_db()
    published.refresh_from_db()
    assert item.part == "public"
    assert published.status == Meeting.Status.PUBLISHED
    assert public_pack_texts(client, published) == before


def test_leak_2_a_supplements_paper_cannot_be_made_exempt_in_the_staff_pages(
    published, clerk_client, client, make_pdf
):
    """The supplementary agenda's own pack and its summary on the meeting page name the paper:
    it stays what they say."""
    response = clerk_client.post(
        reverse("workspace-item-add", args=[published.slug]),
        {"title": "Better Care Fund plan", "part": "public", "description": ""},
    )
    assert response.status_code == 302
    added = AgendaItem.objects.get(meeting=published, title="Better Care Fund plan")
    upload = clerk_client.post(
        reverse("workspace-upload", args=[added.pk]),
        {"title": "Better Care Fund report", "kind": "report",
         "file": _file(make_pdf("Better Care Fund quillwort allocations"))},
    )  # fmt: skip
    assert upload.status_code == 302
    response = clerk_client.post(
        reverse("workspace-supplement", args=[published.slug]),
        {"summary": "Adds the Better Care Fund report."},
    )
    assert response.status_code == 302
    paper = Report.objects.get(title="Better Care Fund report")
    before = public_pack_texts(client, published)
    assert "quillwort" in before[version_url(published, 1, "supplementary-agenda")]

    submit_change(clerk_client, paper, is_exempt="on")
    submit_change(clerk_client, added, part="private", exemption_paragraph="3")

    paper.refresh_from_db()
    added.refresh_from_db()
    assert not paper.is_exempt and added.part == "public"
    assert public_pack_texts(client, published) == before


def test_the_staff_pages_cannot_republish_withdraw_or_reschedule(published, clerk_client):
    """A meeting's status, publication and dispatch, and a paper's pending, replaced and
    withdrawn state, are the workspace's."""
    paper = Report.objects.get(agenda_item__meeting=published, title="Strategy report")
    dispatch = published.dispatch_date
    submit_change(
        clerk_client,
        published,
        status="draft",
        published_at="",
        dispatch_date="2001-01-01",
        start_0="2001-01-01",
        start_1="10:00",
        venue="Committee Room 3",
    )
    published.refresh_from_db()
    assert published.status == Meeting.Status.PUBLISHED
    assert published.published_at is not None and published.dispatch_date == dispatch
    assert published.start.year != 2001
    # What cannot change who sees what, and only the staff pages set, still may.
    assert published.venue == "Committee Room 3"

    submit_change(
        clerk_client,
        paper,
        title="Strategy report (corrected)",
        is_pending="on",
        withdrawal_note="Gone",
        agenda_item=str(AgendaItem.objects.filter(meeting=published).first().pk),
    )
    paper.refresh_from_db()
    assert paper.title == "Strategy report (corrected)"
    assert not paper.is_pending and paper.withdrawn_at is None and paper.withdrawal_note == ""
    assert paper.agenda_item.title == "Joint health and wellbeing strategy"


def test_a_minutes_part_and_publication_cannot_change_in_the_staff_pages(clerk_client):
    minutes = Minutes.objects.filter(is_published=True).first()
    minute = minutes.items.filter(part="public").first()
    submit_change(clerk_client, minutes, status="draft", is_published=False)
    submit_change(
        clerk_client, minute, part="private", exemption_paragraph="3", agenda_item="", title="X"
    )
    minutes.refresh_from_db()
    minute.refresh_from_db()
    assert minutes.is_published
    assert minute.part == "public"
    assert minute.title == "X"  # its heading is only a heading


# Leak 8 -----------------------------------------------------------------------------------------


def _media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_leak_8_adding_a_report_with_a_file_in_the_staff_pages_is_refused_cleanly(
    seed_meeting, clerk_client, make_pdf
):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    data = make_pdf("An upload through the staff pages about sneezewort")
    files_before = _media_files()
    reports_before = Report.objects.count()
    clerk_client.raise_request_exception = False
    add = reverse("admin:reports_report_add")

    response = clerk_client.post(
        add,
        {"agenda_item": item.pk, "title": "Staff upload", "author": "", "kind": "report",
         "upload": _file(data), "pages-TOTAL_FORMS": "0", "pages-INITIAL_FORMS": "0"},
    )  # fmt: skip

    sha = hashlib.sha256(data).hexdigest()
    assert not (Path(settings.MEDIA_ROOT) / "reports" / sha[:2] / f"{sha}.pdf").exists()
    assert _media_files() == files_before
    assert Report.objects.count() == reports_before
    assert response.status_code == 403
    assert clerk_client.get(add).status_code == 403


def test_the_report_list_points_clerks_to_the_workspaces_upload_page(clerk_client):
    page = clerk_client.get(reverse("admin:reports_report_changelist"))
    assert page.status_code == 200
    assert reverse("workspace").encode() in page.content
    assert b"Upload a report" in page.content
    assert reverse("admin:reports_report_add").encode() not in page.content


# Deleting, adding and bulk actions ---------------------------------------------------------------


def test_nothing_of_a_published_meeting_can_be_deleted_in_the_staff_pages(published, clerk_client):
    item = AgendaItem.objects.get(meeting=published, title="Joint health and wellbeing strategy")
    paper = item.reports.get()
    minutes = services.minutes_start(meeting=published, by=None)
    minute = minutes.items.first()
    for obj in (published, item, paper, minutes, minute):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
        assert clerk_client.get(url).status_code == 403, url
        assert clerk_client.post(url, {"post": "yes"}).status_code == 403, url
        assert type(obj).objects.filter(pk=obj.pk).exists(), url


@pytest.mark.parametrize(
    "model", [Meeting, AgendaItem, Report, Minutes, MinuteItem, Resolution, Attendance]
)
def test_bulk_actions_cannot_delete_meeting_content(model, published, clerk_client):
    """No "delete selected" on the lists: it would not ask whether the meeting is published."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    page = clerk_client.get(url)
    assert page.status_code == 200
    assert b"delete_selected" not in page.content
    pks = list(model.objects.values_list("pk", flat=True)[:3])
    clerk_client.post(
        url, {"action": "delete_selected", "_selected_action": pks, "post": "yes", "index": 0}
    )
    assert model.objects.filter(pk__in=pks).count() == len(pks)


@pytest.mark.parametrize(
    "model",
    [Meeting, AgendaItem, Report, Minutes, MinuteItem, Resolution, Attendance],
)
def test_meeting_content_cannot_be_added_in_the_staff_pages(model, clerk_client):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert clerk_client.get(url).status_code == 403
    assert clerk_client.post(url, {}).status_code == 403


def test_a_draft_meeting_seen_by_clerks_alone_may_still_be_deleted(clerk, clerk_client, make_pdf):
    draft = services.meeting_create(
        committee=Committee.objects.get(slug="health-and-well-being-board"),
        start=timezone.now() + dt.timedelta(weeks=10),
        by=clerk,
    )
    item = AgendaItem.objects.filter(meeting=draft).first()
    report_create(agenda_item=item, data=make_pdf("draft paper"), title="Draft paper", by=clerk)
    url = reverse("admin:meetings_meeting_delete", args=[draft.pk])
    assert clerk_client.get(url).status_code == 200
    assert clerk_client.post(url, {"post": "yes"}).status_code == 302
    assert not Meeting.objects.filter(pk=draft.pk).exists()


# Still readable --------------------------------------------------------------------------------


CONTENT_MODELS = [
    Meeting, AgendaItem, Report, Minutes, MinuteItem, Resolution, Attendance, Declaration,
]  # fmt: skip


@pytest.mark.parametrize("role", ["clerk", "admin"])
@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_staff_can_still_view_every_meeting_content_model(model, role, client_as, seed_meeting):
    if not Declaration.objects.exists():
        Declaration.objects.create(
            minute_item=MinuteItem.objects.first(),
            person=Person.objects.first(),
            interest="Employed by the CCG",
        )
    if not Report.objects.exists():
        pytest.fail("the demo data has papers")
    staff = client_as(role)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff.get(changelist).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert staff.get(change_url(obj)).status_code == 200
