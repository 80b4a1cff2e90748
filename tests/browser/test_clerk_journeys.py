"""The clerk's journeys in a real browser, as a clerk (a group, not a superuser or staff):
rebuild the seed's 22 September 2014 agenda and publish it; publish the 7 July 2014 minutes and
approve them at the next meeting; publish a supplementary agenda; withdraw a paper; and see
every refused upload explained. Then what the public and a member see, read back from the pages
and from the PDFs themselves."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from meetings import publishing, services
from meetings.models import AgendaItem, Committee, Meeting, Membership, Summons
from reports.models import Report
from reports.services import report_create
from tests.conftest import pdf_bytes
from tests.reports.pdf_reading import all_text, flat
from tests.reports.test_upload_checks import encrypted

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SEED = json.loads((Path(settings.BASE_DIR) / "fixtures/seed/coventry_hwb.json").read_text())
REPORTS = Path(settings.BASE_DIR) / "fixtures/reports"
CANARY = "zanzibarite"  # only in the private item's report


def seed_meeting_row(key: str) -> dict:
    return next(m for m in SEED["meetings"] if m["key"] == key)


@pytest.fixture
def committee(db) -> Committee:
    """A committee with no meetings: the board's membership and contact, under a new name."""
    board = Committee.objects.get(slug="health-and-well-being-board")
    fresh = Committee.objects.create(
        name="Coventry Health and Well-being Board (rebuilt)",
        slug="hwb-rebuilt",
        kind=board.kind,
        contact_officer=board.contact_officer,
        default_venue=board.default_venue,
        default_start_time=board.default_start_time,
    )
    for m in Membership.objects.filter(committee=board):
        m.pk = None
        m.committee = fresh
        m.save()
    return fresh


def fetch(page, url: str) -> tuple[int, bytes]:
    """What the browser gets at this address, with its cookies (a download, read back)."""
    response = page.context.request.get(url)
    return response.status, response.body()


def pdf_text(page, url: str) -> str:
    status, body = fetch(page, url)
    assert status == 200, (url, status)
    assert body.startswith(b"%PDF")
    return flat(all_text(body))


def press(page, name: str) -> None:
    """Press a button that submits a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def send_upload(page) -> None:
    """Press Upload: the page's script sends the file with a progress bar, then shows the
    answer (the agenda with a message, or the form with the reason for a refusal)."""
    page.get_by_role("button", name="Upload", exact=True).click()
    page.locator(".govuk-notification-banner, .govuk-error-summary").first.wait_for()


def link(page, name: str) -> str:
    return page.get_by_role("link", name=name).first.get_attribute("href")


def add_item(page, *, title, presenter="", bullets=(), private_paragraph=None, public=""):
    page.get_by_role("link", name="Add an item", exact=True).click()
    page.fill("#id_title", title)
    page.fill("#id_presenter", presenter)
    page.fill("#id_bullet_points", "\n".join(bullets))
    if private_paragraph:
        page.get_by_label("Private business").check()
        page.check(f"input[name=exemption_paragraph][value='{private_paragraph}']")
        page.fill("#id_public_description", public)
    press(page, "Save the item")


def top_item(page, title: str):
    return page.locator("ol.builder:not(.sub-items) > li.builder-item").filter(
        has=page.locator("h2", has_text=title)
    )


def upload(page, item_title: str, *, title: str, path: Path, kind: str = "report", exempt=False):
    top_item(page, item_title).get_by_role("link", name="Upload a report").first.click()
    page.set_input_files("#id_file", str(path))
    page.fill("#id_title", title)
    page.select_option("#id_kind", kind)
    if exempt:
        page.check("#id_is_exempt")
    send_upload(page)


def top_titles(page) -> list[str]:
    return [
        " ".join(t.split())
        for t in page.locator("ol.builder:not(.sub-items) > li.builder-item > h2").all_inner_texts()
    ]


def test_a_clerk_rebuilds_the_seed_agenda_publishes_it_and_the_public_never_sees_the_private_papers(
    page_for, portal_url, committee, tmp_path
):
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/new/")
    page.select_option("#id_committee", label=committee.name)
    page.fill("#id_date", "22")  # GOV.UK's date input: day, month and year
    page.fill("#id_date_month", "9")
    page.fill("#id_date_year", "2014")
    page.fill("#id_time", "14:00")
    page.fill("#id_venue", "Diamond Room 2 - Council House")
    press(page, "Create the meeting")
    assert page.url == f"{portal_url}/workspace/meetings/2014-09-22-hwb-rebuilt/"

    # The standard items are there; the clerk adds 4, 5 and 6 as the seed prints them.
    seed = {row["number"]: row for row in seed_meeting_row("2014-09-22")["agenda"]}
    for number in ("4", "5", "6"):
        row = seed[number]
        add_item(page, title=row["title"], presenter=row["presenter"], bullets=row["bullets"])
    # "Any other items of public business" goes back to the end, with the keyboard alone.
    for _ in range(3):
        top_item(page, "Any other items of public business").get_by_role(
            "button", name="Move down"
        ).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert top_titles(page) == [
        "1. Welcome and Apologies for Absence",
        "2. Declarations of Interest",
        "3. Minutes of Previous Meeting",
        f"4. {seed['4']['title']}",
        f"5. {seed['5']['title']}",
        f"6. {seed['6']['title']}",
        "7. Any other items of public business",
    ]

    upload(
        page, seed["4"]["title"], title="Better Care Fund (BCF) – Coventry Resubmission",
        path=REPORTS / "item4-better-care-fund.pdf",
    )  # fmt: skip
    assert "“Better Care Fund (BCF) – Coventry Resubmission” uploaded: 4 pages." in (page.content())
    upload(
        page, seed["6"]["title"], title=seed["6"]["title"],
        path=REPORTS / "item6-safeguarding-boards-annual-reports.pdf",
    )  # fmt: skip
    assert "uploaded: 2 pages." in page.content()

    # One private item with a report.
    add_item(
        page, title="Residential Care Contracts", private_paragraph=3,
        public="The commercial terms of care contracts.",
    )  # fmt: skip
    heads = tmp_path / "heads-of-terms.pdf"
    heads.write_bytes(pdf_bytes(f"Heads of terms: {CANARY} care home prices"))
    upload(page, "Residential Care Contracts", title="Heads of terms", path=heads)
    assert "Private: paragraph 3" in top_item(page, "Residential Care Contracts").inner_text()

    # Preview, then publish (the meeting is in the past, so the clerk confirms short notice).
    page.get_by_role("link", name="Publish the agenda…").click()
    assert "Short notice" in page.content()
    preview = link(page, "Agenda pack (agenda and reports) (preview, PDF)")
    assert "Better Care Fund" in pdf_text(page, portal_url + preview)
    page.get_by_label("I confirm the agenda is published at short notice").check()
    findings = page.get_by_label("I have checked what was found in the papers")
    if findings.count():  # the papers' disclosure checks found something to look at
        findings.check()
    press(page, "Publish the agenda")
    assert "Published. The packs are being built" in page.content()
    meeting = Meeting.objects.get(slug="2014-09-22-hwb-rebuilt")
    assert meeting.status == Meeting.Status.PUBLISHED
    assert Summons.objects.filter(meeting=meeting).count() == sum(
        1 for m in Membership.objects.filter(committee=committee) if m.person.email
    )

    # The public finds the meeting from the committee and downloads the pack.
    public = page_for()
    public.goto(f"{portal_url}/committees/hwb-rebuilt/")
    public.locator("li", has_text="22nd September, 2014").get_by_role("link").first.click()
    body = public.content()
    assert "Residential Care Contracts" in body  # the private item is listed ...
    assert "The commercial terms of care contracts." in body  # ... with why it is private
    assert "Heads of terms" not in body  # ... but not its papers
    pack = pdf_text(public, portal_url + link(public, "Agenda pack (agenda and reports)"))
    assert "Public Document Pack" in pack
    assert "Better Care Fund" in pack and "Agenda Item 4" in pack
    assert CANARY not in pack and "Heads of terms" not in pack
    private_report = Report.objects.get(title="Heads of terms")
    assert fetch(public, f"{portal_url}/documents/{private_report.pk}/download/")[0] == 404
    assert fetch(public, f"{portal_url}/documents/{private_report.pk}/")[0] == 404
    members_pack = f"{portal_url}/meetings/2014-09-22-hwb-rebuilt/packs/members-pack.pdf"
    assert fetch(public, members_pack)[0] == 404
    public.goto(f"{portal_url}/search/?q={CANARY}")
    assert CANARY not in public.inner_text("main").replace(f"“{CANARY}”", "")

    # A signed-in member sees the private papers and gets them in the members' pack.
    member = page_for("member")
    member.goto(f"{portal_url}/meetings/2014-09-22-hwb-rebuilt/")
    assert "Heads of terms" in member.content()
    assert CANARY in pdf_text(member, members_pack)


def test_a_clerk_publishes_the_7_july_minutes_and_approves_them_at_the_next_meeting(
    page_for, portal_url, committee, clerk
):
    seed = seed_meeting_row("2014-07-07")["minutes"]
    july = Meeting.objects.create(
        committee=committee,
        start=timezone.make_aware(dt.datetime(2014, 7, 7, 14, 0)),
        venue="Diamond Room 2 - Council House",
        status=Meeting.Status.PUBLISHED,
    )
    for position, row in enumerate(seed["items"], start=1):
        AgendaItem.objects.create(
            meeting=july, position=position, number=str(position), title=row["title"]
        )
    september = services.meeting_create(
        committee=committee, start=timezone.make_aware(dt.datetime(2014, 9, 22, 14)), by=clerk
    )
    Meeting.objects.filter(pk=september.pk).update(status=Meeting.Status.PUBLISHED)

    # The minutes are written on the minutes screen (tests/browser/test_minutes_journey.py
    # records them with the keyboard); here they are written through the services, and the
    # clerk publishes and approves them in the browser.
    minutes = services.minutes_start(meeting=july, by=clerk)
    for minute, row in zip(minutes.items.order_by("position"), seed["items"], strict=True):
        services.minute_item_save(
            item=minute, narrative=row["narrative"],
            resolutions=[r["text"] for r in row["resolutions"]], by=clerk,
        )  # fmt: skip
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{july.slug}/minutes/")
    press(page, "Publish the minutes (marked draft until approved)")

    public = page_for()
    public.goto(f"{portal_url}/meetings/{july.slug}/minutes/")
    text = public.inner_text("main")
    assert "Draft" in text
    numbered = next(r for r in seed["items"] if len(r["resolutions"]) > 1)
    assert f"(1) {numbered['resolutions'][0]['text'].split()[0]}" in " ".join(text.split())
    assert " ".join(numbered["narrative"].split("\n\n")[0].split())[:80] in " ".join(text.split())

    page.select_option("#id_at", label=str(september))
    press(page, "Mark the minutes approved")
    assert "the two meetings now link" in page.content()
    public.goto(f"{portal_url}/meetings/{july.slug}/minutes/")
    assert "22 September 2014" in public.inner_text("main")
    assert "Draft" not in public.inner_text("h1")
    public.goto(f"{portal_url}/meetings/{september.slug}/")
    assert public.get_by_role("link", name="Minutes of 7 July 2014, agreed at this meeting").count()


@pytest.fixture
def published(committee, clerk) -> Meeting:
    """A meeting six weeks ahead, published with one report (its text says 'heronsgate')."""
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0)
    meeting = services.meeting_create(
        committee=committee, start=start + dt.timedelta(weeks=6), by=clerk
    )
    item = services.agenda_item_add(meeting=meeting, by=clerk, title="Joint strategy")
    report_create(
        agenda_item=item, data=pdf_bytes("Joint strategy on heronsgate"), title="Strategy"
    )
    return publishing.meeting_publish(meeting=meeting, by=clerk, base_url="http://testserver")


def test_a_change_after_publication_becomes_supplementary_agenda_1_and_version_1_stays(
    page_for, portal_url, published, tmp_path
):
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/")
    add_item(page, title="Better Care Fund plan")
    paper = tmp_path / "bcf.pdf"
    paper.write_bytes(pdf_bytes("Better Care Fund quillwort allocations"))
    upload(page, "Better Care Fund plan", title="Better Care Fund plan report", path=paper)
    assert "Supplement pending" in page.content()
    page.get_by_role("link", name="Publish a supplementary agenda…").click()
    assert "added: Better Care Fund plan" in page.content()
    page.fill("#id_summary", "Adds the Better Care Fund plan.")
    press(page, "Publish supplementary agenda 1")
    assert "Supplementary agenda 1 published" in page.content()

    public = page_for()
    public.goto(f"{portal_url}{published.get_absolute_url()}")
    assert "Supplementary agenda 1" in public.inner_text("main")
    own = pdf_text(public, portal_url + link(public, "Supplementary agenda 1 pack (PDF)"))
    assert "Supplementary agenda 1" in own and "quillwort" in own and "heronsgate" not in own
    latest = pdf_text(public, portal_url + link(public, "Agenda pack (agenda and reports)"))
    assert "quillwort" in latest and "heronsgate" in latest
    earlier = pdf_text(
        public, portal_url + link(public, "Agenda pack (agenda and reports), version 1")
    )
    assert "heronsgate" in earlier and "quillwort" not in earlier

    # The members were sent the summons and then the supplement; the clerk sees both.
    kinds = list(Summons.objects.filter(meeting=published).values_list("kind", flat=True))
    assert kinds.count("summons") == kinds.count("supplement") > 0
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/summonses/")
    sent = page.inner_text("main")
    assert "Summons: " in sent and "Supplementary agenda 1: " in sent


def test_a_withdrawn_paper_is_gone_from_packs_feed_search_and_its_address(
    page_for, portal_url, published
):
    page = page_for("clerk")
    public = page_for()
    report = Report.objects.get(agenda_item__meeting=published, title="Strategy")
    pack_v1 = f"{portal_url}/meetings/{published.slug}/packs/agenda-pack/version-1.pdf"
    assert "heronsgate" in pdf_text(public, pack_v1)
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/")
    page.get_by_role("link", name="Withdraw “Strategy”").click()
    page.fill("#id_note", "Published in error.")
    press(page, "Withdraw the document")
    assert "“Strategy” withdrawn." in page.content()

    public.goto(f"{portal_url}{published.get_absolute_url()}")
    text = public.inner_text("main")
    assert f"A document was withdrawn on {timezone.localdate():%-d %B %Y}." in text
    assert "Published in error." in text
    reissued = pdf_text(public, pack_v1)
    assert "heronsgate" not in reissued
    assert "a document published in error was withdrawn" in reissued
    assert "Joint strategy" in reissued
    assert fetch(public, f"{portal_url}/documents/{report.pk}/download/")[0] == 404
    status, feed = fetch(public, f"{portal_url}/feeds/papers/")
    assert status == 200 and b"heronsgate" not in feed and b">Strategy (" not in feed
    public.goto(f"{portal_url}/search/?q=heronsgate")
    found = public.inner_text("main").replace("“heronsgate”", "")
    assert "heronsgate" not in found


REFUSED = [
    ("minutes.docx.pdf", lambda: b"PK\x03\x04 this is a zip, not a PDF", "not a PDF"),
    ("locked.pdf", lambda: encrypted(pdf_bytes("Locked")), "password"),
    ("truncated.pdf", lambda: pdf_bytes("Cut off", "in the middle")[:600], "damaged"),
    ("huge.pdf", lambda: b"%PDF-1.7\n" + b"0" * (1_200_000), "over the 1 MB limit"),
]


def test_every_refused_upload_says_what_is_wrong_and_leaves_nothing(
    page_for, portal_url, committee, clerk, tmp_path, settings
):
    settings.MAX_UPLOAD_MB = 1
    meeting = services.meeting_create(
        committee=committee, start=timezone.now() + dt.timedelta(weeks=6), by=clerk
    )
    item = AgendaItem.objects.get(meeting=meeting, number="1", parent=None)
    page = page_for("clerk")
    for name, make, words in REFUSED:
        path = tmp_path / name
        path.write_bytes(make())
        page.goto(f"{portal_url}/workspace/items/{item.pk}/upload/")
        page.set_input_files("#id_file", str(path))
        page.fill("#id_title", name)
        send_upload(page)
        error = page.locator(".govuk-error-summary").first
        assert words in error.inner_text(), (name, error.inner_text())
        # The error is linked to the file field, and the title typed is kept.
        assert error.get_by_role("link").first.get_attribute("href") == "#id_file"
        assert page.input_value("#id_title") == name
        assert not Report.objects.filter(agenda_item__meeting=meeting).exists(), name


def tab_to(page, name: str, *, limit: int = 120) -> None:
    """Press Tab until the focused control's text or label is this name (its first line: a
    label's hint follows on the next)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return "";
                const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
                const text = ["SELECT", "INPUT", "TEXTAREA"].includes(el.tagName)
                    ? label : el.innerText;
                return (text || el.getAttribute("aria-label") || "").trim();
            }"""
        )
        if focused.splitlines() and " ".join(focused.splitlines()[0].split()) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_the_clerk_journey_works_with_the_keyboard_alone(page_for, portal_url, committee):
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/")
    tab_to(page, "Create a meeting")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Committee")
    page.keyboard.press("ArrowDown")  # the board ...
    page.keyboard.press("ArrowDown")  # ... then the rebuilt one, below it
    # The browser's date and time fields take keys in the browser's own order.
    british = page.evaluate("navigator.language").startswith("en-GB")
    tab_to(page, "Day")  # GOV.UK's date input: three boxes, the same in every browser
    page.keyboard.type("22")
    tab_to(page, "Month")
    page.keyboard.type("9")
    tab_to(page, "Year")
    page.keyboard.type("2014")
    tab_to(page, "Time")
    page.keyboard.type("1400" if british else "0200P")
    tab_to(page, "Create the meeting")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/workspace/meetings/2014-09-22-hwb-rebuilt/"), page.inner_text("main")

    tab_to(page, "Add an item")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Title")
    page.keyboard.type("Better Care Fund Update")
    tab_to(page, "Save the item")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "5. Better Care Fund Update" in top_titles(page)

    tab_to(page, "Publish the agenda…")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(
        page,
        "I confirm the agenda is published at short notice, with the chair's agreement",
    )
    page.keyboard.press("Space")
    tab_to(page, "Publish the agenda")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Published." in page.content()
    assert Meeting.objects.get(slug="2014-09-22-hwb-rebuilt").status == Meeting.Status.PUBLISHED


def test_a_clerk_cancels_a_meeting_with_a_confirmation_and_the_public_reads_why(
    page_for, portal_url, published
):
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/")
    page.get_by_role("link", name="Cancel the meeting…").click()
    assert page.get_by_role("heading", name="Cancel the meeting?").count()
    assert "Who is told" in page.inner_text("main")

    # Sent without a reason: nothing changes, and the error summary says what to do.
    press(page, "Cancel the meeting")
    summary = page.locator(".govuk-error-summary")
    assert "Enter why the meeting is cancelled" in summary.inner_text()
    assert summary.evaluate("el => el.contains(document.activeElement)")  # focus moved there
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_reason"
    published.refresh_from_db()
    assert published.status == Meeting.Status.PUBLISHED

    page.fill("#id_reason", "The chair is unwell; the business moves to the next meeting.")
    press(page, "Cancel the meeting")
    banner = page.locator(".govuk-notification-banner--success")
    assert "This meeting has been cancelled." in banner.inner_text()

    public = page_for()
    public.goto(f"{portal_url}{published.get_absolute_url()}")
    notice = public.locator(".govuk-notification-banner").first.inner_text()
    assert "This meeting has been cancelled." in notice
    assert "The chair is unwell; the business moves to the next meeting." in notice


def test_a_clerk_puts_a_new_item_after_item_2_and_the_rest_renumber(
    page_for, portal_url, committee, clerk
):
    meeting = services.meeting_create(
        committee=committee, start=timezone.now() + dt.timedelta(weeks=6), by=clerk
    )
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{meeting.slug}/")
    page.get_by_role("link", name="Add an item", exact=True).click()
    page.get_by_label("After 2. Declarations of Interest").check()
    page.fill("#id_title", "Chair's announcements")
    press(page, "Save the item")
    assert "Item 3 added: Chair's announcements." in page.inner_text("main")
    assert top_titles(page) == [
        "1. Welcome and Apologies for Absence",
        "2. Declarations of Interest",
        "3. Chair's announcements",
        "4. Minutes of Previous Meeting",
        "5. Any other items of public business",
    ]
    minutes_item = top_item(page, "Minutes of Previous Meeting")
    assert "(a) To agree the minutes" in minutes_item.inner_text()


def test_the_preview_pack_appears_by_itself_when_it_is_built(
    page_for, portal_url, committee, clerk
):
    from reports import packs
    from reports.models import Pack

    meeting = services.meeting_create(
        committee=committee, start=timezone.now() + dt.timedelta(weeks=6), by=clerk
    )
    item = services.agenda_item_add(meeting=meeting, by=clerk, title="Joint strategy")
    report_create(agenda_item=item, data=pdf_bytes("Strategy on wrenfield"), title="Strategy")
    # The previews are queued, not yet built (as when the worker is busy).
    queued = {}
    for kind in packs.VERSIONED_KINDS:
        try:
            inputs = packs.pack_inputs(meeting=meeting, kind=kind, pending=True)
        except packs.PackNotAvailable:
            continue
        queued[kind] = Pack.objects.create(
            meeting=meeting, kind=kind, inputs=inputs, inputs_hash=packs.inputs_hash(inputs),
            requested_at=timezone.now(),
        )  # fmt: skip

    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{meeting.slug}/publish/")
    row = page.locator("[data-pack-kind='public']")
    assert "Being built" in row.inner_text()
    assert page.get_by_role("link", name="Refresh to see if it is ready").count()

    # The worker builds them while the page is open (the page's questions wait meanwhile, as
    # the test shares the server's database connection).
    page.route("**/packs/status/", lambda route: route.abort())
    for pack in queued.values():
        packs.pack_build(pack_id=pack.pk, attempt=pack.attempts)
    page.unroute("**/packs/status/")

    ready = page.get_by_role("link", name="Agenda pack (agenda and reports) (preview, PDF)")
    ready.wait_for()
    assert "Current" in row.inner_text()
    page.locator("#pack-progress-status", has_text="ready").wait_for()
    assert "wrenfield" in pdf_text(page, portal_url + ready.get_attribute("href"))


def test_a_clerk_postpones_a_meeting_to_a_new_date_and_the_public_reads_it(
    page_for, portal_url, published
):
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{published.slug}/postpone/")
    day = page.get_by_label("Day")
    page.get_by_label("The new date is known").check()
    new_date = timezone.localtime(published.start).date() + dt.timedelta(weeks=2)
    day.fill(str(new_date.day))
    page.get_by_label("Month").fill(str(new_date.month))
    page.get_by_label("Year").fill(str(new_date.year))
    page.fill("#id_reason", "The report on the budget needs two more weeks.")
    press(page, "Postpone the meeting")
    words = f"{new_date:%A}, {new_date.day} {new_date:%B} {new_date.year}"
    assert f"This meeting has been postponed to {words}." in page.inner_text("main")

    public = page_for()
    public.goto(f"{portal_url}{published.get_absolute_url()}")
    notice = public.locator(".govuk-notification-banner").first.inner_text()
    assert f"This meeting has been postponed to {words}." in notice
    assert "The report on the budget needs two more weeks." in notice
