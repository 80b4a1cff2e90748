"""The minutes screen with the keyboard alone: a clerk records the seed's minutes of 7 July
2014 (attendance in the seed's groups, every minute's words and resolutions, Save and next to
the end), publishes them, and the public minutes page shows what was typed, in order. The
keys sent and the seconds of script time are printed (never asserted); bench/minutes_journey.py
prints the same figures."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pytest

from meetings.minutes_layout import narrative_blocks
from meetings.models import Attendance, MinuteItem
from tests.meetings.test_minutes_screen import JULY, PERSON_KEYS, july_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

MAX_TABS = 80


@dataclass
class Keyboard:
    """Every key the journey sends goes through here, so the count is the journey's."""

    page: object
    navigation: int = 0
    typed: int = 0
    log: list[str] = field(default_factory=list)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.navigation += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.typed += len(text)

    def focused(self, selector: str) -> bool:
        """``selector`` is CSS, or "button:<its words>" for a button."""
        return self.page.evaluate(
            """s => {
                const e = document.activeElement;
                if (!e) return false;
                if (s.startsWith("button:")) {
                    return e.tagName === "BUTTON" && e.innerText.trim() === s.slice(7);
                }
                return e.matches(s);
            }""",
            selector,
        )

    def tab_to(self, selector: str) -> None:
        """Press Tab until the focus is on ``selector`` (a real user's Tabs, counted)."""
        for _ in range(MAX_TABS):
            if self.focused(selector):
                return
            self.press("Tab")
        raise AssertionError(f"Tab never reached {selector!r} on {self.page.url}")

    def enter_and_wait(self) -> None:
        with self.page.expect_navigation():
            self.press("Enter")
        self.page.wait_for_load_state("load")


def button(label: str) -> str:
    return f"button:{label}"


def record_attendance(keys: Keyboard) -> None:
    """The committee's members in order: Present is chosen already; an arrow moves to
    Apologies (one) or Absent (two). Then the others, three rows a page."""
    page = keys.page
    members = page.evaluate(
        """() => Array.from(document.querySelectorAll(".attendance__member"), group => [
            group.querySelector("legend").innerText, group.querySelector("input").name])"""
    )
    seed_group = {line["person"]: line["group"] for line in JULY["attendance"]}
    by_name = {row["display_name"]: key for key, row in PERSON_KEYS.items()}
    for legend, name in members:
        keys.tab_to(f"input[name={name!r}]")
        group = seed_group.get(by_name[legend.removesuffix(" (Chair)")])
        if group == "apologies":
            keys.press("ArrowRight")
        elif group is None:
            keys.press("ArrowRight", 2)  # absent
    assert len(members) == 19

    members_named = {legend.removesuffix(" (Chair)") for legend, _ in members}
    others = [
        line
        for line in JULY["attendance"]
        if PERSON_KEYS[line["person"]]["display_name"] not in members_named
    ]
    for row, line in enumerate(others):
        person = PERSON_KEYS[line["person"]]
        keys.tab_to(f"#id_others-{row}-person")
        keys.type(person["surname"])  # the list is surname first: typing the name finds it
        keys.tab_to(f"input[name='others-{row}-group']")
        arrows = {"board_member": 0, "other_representative": 1, "officer": 2}[line["group"]]
        if arrows:
            keys.press("ArrowRight", arrows)
        else:
            keys.press("Space")
        if line["directorate"]:
            keys.tab_to(f"#id_others-{row}-directorate")
            keys.type(line["directorate"])
        last = row == len(others) - 1
        if last:
            keys.tab_to(button("Save and continue to the minutes"))
            keys.enter_and_wait()
        elif page.locator(f"#id_others-{row + 1}-person").count() == 0:
            keys.tab_to(button("Save and add more people"))
            keys.enter_and_wait()


def record_minute(keys: Keyboard, row: dict) -> None:
    page = keys.page
    assert f"{row['number']}. {row['title']}" in page.inner_text("h1")
    keys.tab_to("#id_narrative")
    keys.type(row["narrative"])
    for n, resolution in enumerate(row["resolutions"], start=1):
        if n > 1:
            keys.tab_to(button("Add another resolution"))
            keys.press("Enter")  # the page's script adds a box and puts the focus in it
        keys.tab_to(f"#id_resolution_{n}")
        keys.type(resolution["text"])
    keys.tab_to(button("Save and next"))
    keys.enter_and_wait()


def expected_in_order(rows: list[dict]) -> list[str]:
    """What the public page should show, in order: each minute's title, its paragraphs and
    bullet points as typed, then its resolutions."""
    wanted = []
    for row in rows:
        wanted.append(row["title"])
        for block in narrative_blocks(row["narrative"]):
            wanted.extend(block.get("bullets") or [block["text"]])
        wanted.extend(r["text"] for r in row["resolutions"])
    return [" ".join(text.split()) for text in wanted]


def test_the_clerk_records_the_7_july_2014_minutes_with_the_keyboard_alone(page_for, portal_url):
    july = july_meeting()
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{july.slug}/minutes/")
    keys = Keyboard(page)
    began = time.perf_counter()

    keys.tab_to(button("Start the minutes"))
    keys.enter_and_wait()
    assert page.url.split("#")[0].endswith("/minutes/attendance/"), page.url
    record_attendance(keys)
    for row in JULY["items"]:
        record_minute(keys, row)
    # (a redirect keeps the address's #fragment: the path is what counts)
    assert page.url.split("#")[0].endswith(f"/workspace/meetings/{july.slug}/minutes/")
    assert "That was the last minute" in page.inner_text("main")
    keys.tab_to(button("Publish the minutes (marked draft until approved)"))
    keys.enter_and_wait()
    seconds = time.perf_counter() - began
    assert "Minutes published." in page.inner_text("main")

    print(
        f"\nMINUTES JOURNEY: {keys.navigation:,} navigation keys, {keys.typed:,} typed "
        f"characters, {seconds:.1f} s"
    )

    # What was recorded, as the seed has it.
    groups = {}
    for line in Attendance.objects.filter(minutes__meeting=july).select_related("person"):
        groups.setdefault(line.group, set()).add(line.person.display_name)
    for line in JULY["attendance"]:
        assert PERSON_KEYS[line["person"]]["display_name"] in groups[line["group"]], line
    assert sum(len(names) for names in groups.values()) == len(JULY["attendance"])
    chair = Attendance.objects.get(minutes__meeting=july, is_chair=True)
    assert chair.person.display_name == "Councillor Gingell"
    minutes = MinuteItem.objects.filter(minutes__meeting=july).order_by("position")
    assert [m.narrative for m in minutes] == [row["narrative"] for row in JULY["items"]]

    # The public reads what was typed, in order.
    public = page_for()
    public.goto(f"{portal_url}/meetings/{july.slug}/minutes/")
    text = " ".join(public.inner_text("main").split())
    at = 0
    for wanted in expected_in_order(JULY["items"]):
        found = text.find(wanted, at)
        assert found >= 0, f"not found after position {at}: {wanted[:80]!r}"
        at = found + len(wanted)
    numbered = re.search(r"\(1\)\s*The Better Care Fund content", public.inner_text("main"))
    assert numbered, "the first of several resolutions is numbered (1)"


def test_autosave_keeps_a_draft_a_few_seconds_after_typing_stops(page_for, portal_url):
    july = july_meeting()
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{july.slug}/minutes/")
    page.get_by_role("button", name="Start the minutes").click()
    page.wait_for_url("**/minutes/attendance/")
    first = MinuteItem.objects.get(minutes__meeting=july, number="1")
    page.goto(f"{portal_url}/workspace/minutes/{first.pk}/")
    page.locator("#id_narrative").press_sequentially("The Chair welcomed members")
    assert page.locator("#narrative-words").inner_text() == "4 words"
    status = page.locator("#autosave-status")
    status.filter(has_text=re.compile(r"^Saved at \d\d:\d\d$")).wait_for(timeout=10_000)
    # A second draft follows the first (the page sends the version the first one saved).
    page.locator("#id_narrative").press_sequentially(" to the meeting.")
    for _ in range(100):
        first.refresh_from_db()
        if first.narrative.endswith("meeting."):
            break
        page.wait_for_timeout(100)
    page.reload()
    assert page.locator("#id_narrative").input_value() == (
        "The Chair welcomed members to the meeting."
    )


def test_another_resolution_is_added_in_place_by_the_page(page_for, portal_url):
    july = july_meeting()
    page = page_for("clerk")
    page.goto(f"{portal_url}/workspace/meetings/{july.slug}/minutes/")
    page.get_by_role("button", name="Start the minutes").click()
    page.wait_for_url("**/minutes/attendance/")
    fourth = MinuteItem.objects.get(minutes__meeting=july, number="4")
    page.goto(f"{portal_url}/workspace/minutes/{fourth.pk}/")
    url = page.url
    page.fill("#id_resolution_1", "The report be noted.")
    page.get_by_role("button", name="Add another resolution").click()
    assert page.url == url  # no trip to the server
    assert page.evaluate("document.activeElement.id") == "id_resolution_2"
    page.keyboard.type("A further report be submitted.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and next").click()
    assert list(fourth.resolutions.values_list("number", "text")) == [
        (1, "The report be noted."),
        (2, "A further report be submitted."),
    ]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_minutes_screens_have_no_axe_violation_and_fit_the_width(width, page_for, portal_url):
    """The overview, the attendance and a minute (also with an error), at 1280 px and 320 px;
    screenshots go to var/screenshots/ (SCREENSHOT_DIR) for a reviewer."""
    import os
    from pathlib import Path

    from axe_playwright_python.sync_playwright import Axe
    from django.conf import settings

    from tests.browser.checks import AXE_OPTIONS

    july = july_meeting()
    page = page_for("clerk", width=width)
    page.goto(f"{portal_url}/workspace/meetings/{july.slug}/minutes/")
    page.get_by_role("button", name="Start the minutes").click()
    page.wait_for_url("**/minutes/attendance/")
    fourth = MinuteItem.objects.get(minutes__meeting=july, number="4")
    folder = Path(os.environ.get("SCREENSHOT_DIR") or Path(settings.BASE_DIR) / "var/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    problems = {}

    def check(name: str) -> None:
        page.screenshot(path=str(folder / f"workspace-minutes-{name}-{width}.png"), full_page=True)
        results = axe.run(page, options=AXE_OPTIONS)
        if results.violations_count:
            problems[name] = results.generate_report()
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            problems[f"{name} width"] = f"{overflow} px wider than the window"

    check("attendance")
    page.goto(f"{portal_url}/workspace/minutes/{fourth.pk}/")
    check("minute")
    page.fill("#id_resolution_1", "word " * 500)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and next").click()
    assert "There is a problem" in page.inner_text("main")
    check("minute-error")
    page.goto(f"{portal_url}/workspace/meetings/{july.slug}/minutes/")
    check("overview")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
