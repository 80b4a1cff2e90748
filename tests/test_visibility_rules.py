"""The visibility rule itself, generated: for random agendas and histories, every role reaches on
every surface exactly the marker words that DESIGN.md ("Who may see what") says it may.

Each piece of text in a history (item titles, descriptions, bullet points, presenters, public
descriptions, papers' titles, authors and page text, minutes' narratives and resolutions) carries
a unique random marker word. The history is made with the real services (meetings.services,
meetings.publishing, reports.services). The reference model (``allowed`` below) is written in this
file from DESIGN.md's rules, from the history alone: it never asks the code under test who may see
what. Then every surface is read as the public, a member and a clerk, the markers in what each
receives are collected, and:

* no surface shows a role a marker the model forbids it (the security property);
* the union over the surfaces is every marker the model allows (so the surfaces are not just
  empty);
* search finds each marker exactly where the model says, with the count of passages the model
  says (a row per paragraph, resolution and page: DESIGN.md's passage index);
* every document's page and file answer 200 exactly when the role may have it, and only what the
  public may have is publicly cacheable (Cache-Control);
* every version of every pack holds only what its audience may have, and the latest holds it all.

A failure prints the history, the role, the surface and the markers that differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import publishing, services
from meetings.models import AgendaItem, Committee, Meeting, MinuteItem, Minutes
from meetings.moderngov.models import NATIVE_ID_BASE
from reports.models import Pack, Report
from reports.services import report_create
from tests.reports.pdf_making import PageSpec, make_pdf
from tests.reports.pdf_reading import all_text

pytestmark = pytest.mark.django_db

COMMITTEE = "health-and-well-being-board"
BASE_URL = "http://testserver"
ROLES = ("public", "member", "clerk")
CLIENT_ROLE = {"public": "anonymous", "member": "member", "clerk": "clerk"}
# Consonants only (no vowels, no s or y): neither Porter (SQLite) nor the English Snowball
# stemmer (PostgreSQL) changes such a word, so search is asked for the word as it is stored.
LETTERS = "bcdfghjklmnpqrtvwxz"
MARKER = re.compile(r"(?<![a-z])zq[a-z]{8}(?![a-z])")
COUNT = re.compile(r'<p class="count" role="status">(More than )?([\d,]+) result')


# ---------------------------------------------------------------------------------------------
# The history as the test knows it
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Item:
    label: str
    pk: int
    parent: Item | None = None
    private: bool = False  # its own part
    pending: bool = False  # added after publication, waiting for a supplement
    title: str = ""
    description: str = ""
    bullets: list[str] = field(default_factory=list)
    presenter: str = ""
    public_description: str = ""
    made_private_later: bool = False

    @property
    def private_in_effect(self) -> bool:
        return self.private or bool(self.parent and self.parent.private)

    @property
    def pending_in_effect(self) -> bool:
        return self.pending or bool(self.parent and self.parent.pending)

    def full_markers(self) -> set[str]:
        return {
            m
            for m in (
                self.title,
                self.description,
                *self.bullets,
                self.presenter,
                self.public_description,
            )
            if m
        }


@dataclass(eq=False)
class Paper:
    label: str
    pk: int
    item: Item
    exempt: bool
    pending: bool
    title: str
    author: str
    pages: list[str]
    withdrawn: bool = False

    def markers(self) -> set[str]:
        return {self.title, self.author, *self.pages}


@dataclass(eq=False)
class Minute:
    pk: int
    item: Item | None
    title: str  # the item's title marker when it records one with a marker
    paragraphs: list[str]
    resolutions: list[str]

    def markers(self) -> set[str]:
        return {m for m in (self.title, *self.paragraphs, *self.resolutions) if m}


@dataclass
class World:
    meeting: Meeting
    rng: random.Random
    clerk: object
    items: list[Item] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)
    minutes: list[Minute] = field(default_factory=list)
    published: bool = False
    minutes_started: bool = False
    minutes_published: bool = False
    supplements: int = 0
    log: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def marker(self) -> str:
        while True:
            word = "zq" + "".join(self.rng.choice(LETTERS) for _ in range(8))
            if word not in self.used:
                self.used.add(word)
                return word

    def all_markers(self) -> set[str]:
        out: set[str] = set()
        for item in self.items:
            out |= item.full_markers()
        for paper in self.papers:
            out |= paper.markers()
        for minute in self.minutes:
            out |= minute.markers()
        return out

    def describe(self) -> str:
        return "History:\n  " + "\n  ".join(self.log)


# ---------------------------------------------------------------------------------------------
# The reference model: DESIGN.md, "Who may see what", written from the history alone
# ---------------------------------------------------------------------------------------------

RANK = {"public": 0, "member": 1, "clerk": 2}


def item_listed(item: Item, role: str) -> bool:
    """Whether the role may know of the item at all."""
    if role == "clerk":
        return True
    if item.pending_in_effect:  # rule 4
        return False
    # Rule 2: a sub-item of a private item is private with it, title and all.
    return not (role == "public" and item.parent is not None and item.parent.private)


def item_markers(item: Item, role: str) -> set[str]:
    if not item_listed(item, role):
        return set()
    if role != "public" or not item.private_in_effect:
        return item.full_markers()
    # Rule 2: the public sees a private item's number, title and public description only.
    return {m for m in (item.title, item.public_description) if m}


def paper_allowed(paper: Paper, role: str, *, published: bool) -> bool:
    if not published and role != "clerk":  # rule 1
        return False
    if paper.withdrawn:  # rule 3 (clerks see it only in the workspace's record)
        return False
    if paper.pending or paper.item.pending_in_effect:  # rule 4
        return role == "clerk"
    if paper.exempt or paper.item.private_in_effect:  # rules 2 and 3
        return role != "public"
    return True


def minute_allowed(world: World, minute: Minute, role: str) -> bool:
    if not world.minutes_started or (not world.published and role != "clerk"):
        return False
    if not world.minutes_published and role != "clerk":
        return False
    item = minute.item
    if item is not None and item.pending_in_effect:  # rule 4: what records pending material
        return role == "clerk"
    if item is not None and item.private_in_effect:  # rule 2: the minutes that record it
        return role != "public"
    return True


def allowed(world: World, role: str) -> set[str]:
    """Every marker the role may reach, on some surface."""
    if not world.published and role != "clerk":  # rule 1
        return set()
    out: set[str] = set()
    for item in world.items:
        out |= item_markers(item, role)
    for paper in world.papers:
        if paper_allowed(paper, role, published=world.published):
            out |= paper.markers()
    for minute in world.minutes:
        if minute_allowed(world, minute, role):
            out |= minute.markers()
    return out


def passages(world: World, role: str) -> list[set[str]]:
    """The search passages the role may read, as sets of markers (DESIGN.md: a row per
    paragraph or page): an item's text; a minute's paragraphs and resolutions, each with the
    minute's title; a paper's pages, each with its title. Authors are not indexed."""
    if not world.published and role != "clerk":
        return []
    rows = []
    for item in world.items:
        if item_listed(item, role):
            rows.append(item_markers(item, role))
    for minute in world.minutes:
        if minute_allowed(world, minute, role):
            title = {minute.title} - {""}
            for paragraph in minute.paragraphs or [""]:
                rows.append(title | ({paragraph} - {""}))
            for resolution in minute.resolutions:
                rows.append(title | {resolution})
    for paper in world.papers:
        if paper_allowed(paper, role, published=world.published):
            for page in paper.pages:
                rows.append({paper.title, page})
    return rows


# ---------------------------------------------------------------------------------------------
# Making a history with the real services
# ---------------------------------------------------------------------------------------------


class Maker:
    def __init__(self, world: World, commit):
        self.world, self.commit = world, commit

    @property
    def rng(self) -> random.Random:
        return self.world.rng

    def log(self, text: str) -> None:
        self.world.log.append(text)

    def add_item(self, *, parent: Item | None = None, private: bool = False) -> Item:
        w = self.world
        fields = {
            "title": f"Item {w.marker()}",
            "description": f"About {w.marker()} here.",
            "bullet_points": [f"Point {w.marker()}" for _ in range(self.rng.randint(0, 2))],
            "presenter": f"Report of {w.marker()}",
            "part": "private" if private else "public",
            "exemption_paragraph": self.rng.randint(1, 7) if private else None,
            "public_description": f"Exempt because {w.marker()}" if private else "",
        }
        if parent is not None and parent.private and self.rng.random() < 0.5:
            # The clerk gives a sub-item of private business a reason too: still private.
            fields["public_description"] = f"Exempt because {w.marker()}"
        db_parent = AgendaItem.objects.get(pk=parent.pk) if parent else None
        with self.commit():
            row = services.agenda_item_add(
                meeting=w.meeting, parent=db_parent, by=w.clerk, **fields
            )
        item = Item(
            label=f"item {row.stamp_number}",
            pk=row.pk,
            parent=parent,
            private=row.part == "private",
            pending=w.published,
            title=MARKER.search(fields["title"]).group(),
            description=MARKER.search(fields["description"]).group(),
            bullets=[MARKER.search(b).group() for b in fields["bullet_points"]],
            presenter=MARKER.search(fields["presenter"]).group(),
            public_description=(
                MARKER.search(fields["public_description"]).group()
                if fields["public_description"]
                else ""
            ),
        )
        w.items.append(item)
        self.log(
            f"add {item.label}{' (sub-item of ' + parent.label + ')' if parent else ''}: "
            f"{'private' if private else 'public'}{', pending' if item.pending else ''} "
            f"[title {item.title}, description {item.description}, bullets {item.bullets}, "
            f"presenter {item.presenter}, public description {item.public_description or '-'}]"
        )
        return item

    def add_paper(self, item: Item, *, exempt: bool = False) -> Paper:
        w = self.world
        pages = [w.marker() for _ in range(self.rng.randint(1, 2))]
        title, author = w.marker(), w.marker()
        data = make_pdf([PageSpec(lines=[(72, 720, f"Paper text {m} here")]) for m in pages])
        with self.commit():
            row = report_create(
                agenda_item=AgendaItem.objects.get(pk=item.pk),
                data=data,
                title=f"Paper {title}",
                author=f"Author {author}",
                filename="paper.pdf",
                is_exempt=exempt,
                by=w.clerk,
                pending=None,  # decided by the meeting's state, as the workspace does
            )
        paper = Paper(
            label=f"paper #{row.pk}",
            pk=row.pk,
            item=item,
            exempt=exempt,
            pending=row.is_pending,
            title=title,
            author=author,
            pages=pages,
        )
        w.papers.append(paper)
        self.log(
            f"upload {paper.label} to {item.label}: {'exempt' if exempt else 'public'}"
            f"{', pending' if paper.pending else ''} [title {title}, author {author}, "
            f"pages {pages}]"
        )
        return paper

    def add_agenda(self, count: int) -> None:
        """Items, some private, some with sub-items and papers (some exempt)."""
        for _ in range(count):
            item = self.add_item(private=self.rng.random() < 0.35)
            for _ in range(self.rng.randint(0, 2)):
                sub = self.add_item(
                    parent=item, private=not item.private and self.rng.random() < 0.3
                )
                if self.rng.random() < 0.4:
                    self.add_paper(sub, exempt=self.rng.random() < 0.3)
            for _ in range(self.rng.randint(0, 2)):
                self.add_paper(item, exempt=self.rng.random() < 0.3)

    def publish(self) -> None:
        w = self.world
        with self.commit():
            publishing.meeting_publish(meeting=w.meeting, by=w.clerk, base_url=BASE_URL)
        w.published = True
        for thing in (*w.items, *w.papers):
            thing.pending = False
        self.log("publish the agenda")

    def supplement(self) -> None:
        w = self.world
        with self.commit():
            publishing.supplement_publish(
                meeting=w.meeting, summary="Adds what came late.", by=w.clerk, base_url=BASE_URL
            )
        w.supplements += 1
        for thing in (*w.items, *w.papers):
            thing.pending = False
        self.log(f"publish supplementary agenda {w.supplements}")

    def start_minutes(self) -> None:
        w = self.world
        with self.commit():
            minutes = services.minutes_start(meeting=w.meeting, by=w.clerk)
        self.log("start the minutes")
        by_pk = {item.pk: item for item in w.items}
        for row in MinuteItem.objects.filter(minutes=minutes).order_by("position"):
            item = by_pk.get(row.agenda_item_id)
            paragraphs = [w.marker() for _ in range(self.rng.randint(0, 2))]
            resolutions = [w.marker() for _ in range(self.rng.randint(0, 2))]
            with self.commit():
                services.minute_item_save(
                    item=row,
                    narrative="\n\n".join(f"The board discussed {m}." for m in paragraphs),
                    resolutions=[f"the board notes {m}" for m in resolutions],
                    by=w.clerk,
                )
            minute = Minute(
                pk=row.pk,
                item=item,
                title=item.title if item else "",
                paragraphs=paragraphs,
                resolutions=resolutions,
            )
            w.minutes.append(minute)
            self.log(
                f"  minute {row.number} records {item.label if item else 'nothing'}: "
                f"narrative {paragraphs}, resolutions {resolutions}"
            )
        w.minutes_started = True

    def publish_minutes(self) -> None:
        w = self.world
        with self.commit():
            services.minutes_publish(minutes=Minutes.objects.get(meeting=w.meeting), by=w.clerk)
        w.minutes_published = True
        self.log("publish the minutes")

    def make_private(self, item: Item) -> None:
        w = self.world
        reason = w.marker()
        with self.commit():
            services.agenda_item_update(
                item=AgendaItem.objects.select_related("parent", "meeting").get(pk=item.pk),
                by=w.clerk,
                part="private",
                exemption_paragraph=self.rng.randint(1, 7),
                public_description=f"Exempt because {reason}",
            )
        item.private, item.public_description, item.made_private_later = True, reason, True
        self.log(f"make {item.label} private [public description {reason}]")

    def withdraw(self, paper: Paper) -> None:
        w = self.world
        with self.commit():
            publishing.report_withdraw(
                report=Report.objects.get(pk=paper.pk), note="Published in error.", by=w.clerk
            )
        paper.withdrawn = True
        self.log(f"withdraw {paper.label}")


def make_history(seed: int, clerk, commit) -> World:
    rng = random.Random(seed)
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(
        weeks=8, days=rng.randint(0, 30)
    )
    with commit():
        meeting = services.meeting_create(
            committee=Committee.objects.get(slug=COMMITTEE), start=start, by=clerk
        )
    world = World(meeting=meeting, rng=rng, clerk=clerk)
    world.log.append(f"seed {seed}: create meeting {meeting.slug} (the standard agenda)")
    for row in AgendaItem.objects.filter(meeting=meeting).select_related("parent"):
        parent = next((i for i in world.items if i.pk == row.parent_id), None)
        world.items.append(Item(label=f"item {row.stamp_number}", pk=row.pk, parent=parent))
    maker = Maker(world, commit)
    maker.add_agenda(rng.randint(2, 4))

    if rng.random() < 0.15:  # left as a draft: only clerks see any of it
        if rng.random() < 0.5:
            maker.start_minutes()
        if rng.random() < 0.5:
            candidates = [i for i in world.items if i.title and not i.private_in_effect]
            if candidates:
                maker.make_private(rng.choice(candidates))
        world.meeting.refresh_from_db()
        return world

    maker.publish()
    steps = rng.sample(
        ["add_item", "add_sub", "add_paper", "add_paper", "supplement", "make_private",
         "make_private", "withdraw", "add_item"],
        k=rng.randint(3, 6),
    )  # fmt: skip
    if rng.random() < 0.85:
        steps.insert(rng.randint(0, len(steps)), "start_minutes")
        if rng.random() < 0.8:
            steps.insert(rng.randint(steps.index("start_minutes") + 1, len(steps)), "publish")
    for step in steps:
        tops = [i for i in world.items if i.parent is None and i.title]
        if step == "add_item":
            item = maker.add_item(private=rng.random() < 0.3)
            if rng.random() < 0.5:
                maker.add_item(parent=item)
            if rng.random() < 0.7:
                maker.add_paper(item, exempt=rng.random() < 0.3)
        elif step == "add_sub" and tops:
            maker.add_item(parent=rng.choice(tops), private=rng.random() < 0.3)
        elif step == "add_paper":
            choices = [i for i in world.items if i.title]
            maker.add_paper(rng.choice(choices), exempt=rng.random() < 0.3)
        elif step == "supplement":
            if any(i.pending for i in world.items) or any(
                p.pending and not p.withdrawn for p in world.papers
            ):
                maker.supplement()
        elif step == "make_private":
            candidates = [i for i in world.items if i.title and not i.private_in_effect]
            # Rather one with sub-items, papers or a minute: what follows it is the point.
            weighted = [
                i
                for i in candidates
                if any(s.parent is i for s in world.items)
                or any(p.item is i for p in world.papers)
                or any(m.item is i for m in world.minutes)
            ]
            if weighted or candidates:
                maker.make_private(rng.choice(weighted or candidates))
        elif step == "withdraw":
            papers = [p for p in world.papers if not p.pending and not p.withdrawn]
            if papers:
                maker.withdraw(rng.choice(papers))
        elif step == "start_minutes" and not world.minutes_started:
            maker.start_minutes()
        elif step == "publish" and world.minutes_started and not world.minutes_published:
            maker.publish_minutes()
    world.meeting.refresh_from_db()
    return world


# ---------------------------------------------------------------------------------------------
# Reading the surfaces
# ---------------------------------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def text_of(response) -> str:
    data = body(response)
    if data[:5] == b"%PDF-":
        return all_text(data)
    return data.decode("utf-8", "replace")


@dataclass
class Reading:
    """What one role received: the markers (and addresses of papers and the meeting) each
    surface showed, and the problems found on the way."""

    role: str
    surfaces: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def union(self) -> set[str]:
        out: set[str] = set()
        for found in self.surfaces.values():
            out |= found
        return out


class Reader:
    def __init__(self, world: World, client, role: str):
        self.world, self.client, self.role = world, client, role
        self.reading = Reading(role)
        self.known = world.all_markers()
        self.public = allowed(world, "public")
        self.papers = {p.pk: p for p in world.papers}

    def tokens(self, text: str) -> set[str]:
        found = {m for m in MARKER.findall(text) if m in self.known}
        for pk in re.findall(r"/documents/(\d+)/", text):
            if int(pk) in self.papers:
                found.add(f"paper#{pk}")
        if re.search(rf"{re.escape(self.world.meeting.slug)}(?![a-z0-9-])", text):
            found.add("meeting-address")
        return found

    def get(self, surface: str, url: str, *, expect: int | tuple | None = None):
        response = self.client.get(url)
        if expect is not None:
            ok = response.status_code in (expect if isinstance(expect, tuple) else (expect,))
            if not ok:
                self.reading.problems.append(
                    f"{surface} ({url}): status {response.status_code}, expected {expect}"
                )
        if response.status_code != 200:
            return response, ""
        text = text_of(response)
        found = self.tokens(text)
        self.check_cache(surface, url, response, found)
        return response, text

    def check_cache(self, surface: str, url: str, response, found: set[str]) -> None:
        """Rule 6: only what the public may have is ever publicly cacheable."""
        control = response.get("Cache-Control", "")
        if "public" not in [p.strip().split("=")[0] for p in control.split(",")]:
            return
        hidden = found - self.public_tokens()
        if hidden:
            self.reading.problems.append(
                f"{surface} ({url}): Cache-Control {control!r} but it holds what the public may "
                f"not have: {sorted(hidden)}"
            )

    def public_tokens(self) -> set[str]:
        out = set(self.public)
        for paper in self.world.papers:
            if paper_allowed(paper, "public", published=self.world.published):
                out.add(f"paper#{paper.pk}")
        if self.world.published:
            out.add("meeting-address")
        return out

    def read(self, surface: str, url: str, *, expect=None, text_only: bool = False) -> str:
        _response, text = self.get(surface, url, expect=expect)
        self.reading.surfaces[surface] = self.tokens(text)
        return text


def read_surfaces(world: World, client, role: str) -> Reading:
    """Every reading surface but the packs, as this role."""
    meeting = world.meeting
    slug = meeting.slug
    day = timezone.localtime(meeting.start).date().isoformat()
    sees_meeting = world.published or role == "clerk"
    minutes_visible = world.minutes_started and (
        role == "clerk" or (world.published and world.minutes_published)
    )
    r = Reader(world, client, role)
    r.read("meeting page", f"/meetings/{slug}/", expect=200 if sees_meeting else 404)
    r.read("minutes page", f"/meetings/{slug}/minutes/", expect=200 if minutes_visible else 404)
    r.read("decisions page", f"/decisions/?date_from={day}&date_to={day}", expect=200)
    r.read("meeting list", f"/meetings/?committee={COMMITTEE}", expect=200)
    r.read("meeting calendar page", f"/meetings/calendar/?month={day[:7]}", expect=200)
    r.read("committee page", f"/committees/{COMMITTEE}/", expect=200)
    r.read("home page", "/", expect=200)
    r.read("papers feed", reverse("papers-feed"), expect=200)
    r.read("sitemap", "/sitemap.xml", expect=200)
    r.read("iCalendar (all)", "/meetings/calendar.ics", expect=200)
    r.read("iCalendar (committee)", f"/committees/{COMMITTEE}/calendar.ics", expect=200)
    r.read(
        "iCalendar (meeting)",
        f"/meetings/{slug}/calendar.ics",
        expect=200 if sees_meeting else 404,
    )
    r.read("API meeting", f"/api/meetings/{slug}/", expect=200 if sees_meeting else 404)
    r.read("API meeting list", f"/api/meetings/?committee={COMMITTEE}", expect=200)
    r.read(
        "API decisions",
        f"/api/decisions/?date_from={day}&date_to={day}&page_size=200",
        expect=200,
    )
    # The ModernGov service answers as the public reads, whoever asks.
    moderngov = f"/mgWebService.asmx/GetMeeting?lMeetingId={NATIVE_ID_BASE + meeting.pk}"
    r.read("ModernGov GetMeeting", moderngov, expect=200 if world.published else 404)

    # Every paper's page and file, found or not: 200 exactly when the role may have it.
    for paper in world.papers:
        may = paper_allowed(paper, role, published=world.published)
        expect = 200 if may else (403, 404)
        r.read(f"document page of {paper.label}", f"/documents/{paper.pk}/", expect=expect)
        response, _text = r.get(
            f"file of {paper.label}", f"/documents/{paper.pk}/download/", expect=expect
        )
        if response.status_code == 200:
            r.reading.surfaces[f"file of {paper.label}"] = r.tokens(_text)
            public = paper_allowed(paper, "public", published=world.published)
            control = response.get("Cache-Control", "")
            is_public = "public" in [p.strip().split("=")[0] for p in control.split(",")]
            if is_public != public:
                r.reading.problems.append(
                    f"file of {paper.label}: Cache-Control {control!r}, but the public "
                    f"{'may' if public else 'may not'} have it"
                )

    # Search, for every marker of the history: found where allowed, with the right count.
    rows = passages(world, role)
    for marker in sorted(world.all_markers()):
        response = client.get("/search/", {"q": marker})
        text = text_of(response)
        match = COUNT.search(text)
        count = int(match.group(2).replace(",", "")) if match else 0
        expected = sum(1 for row in rows if marker in row)
        if count != expected:
            r.reading.problems.append(
                f"search for {marker}: {count} result(s), expected {expected}"
            )
        found = r.tokens(text.replace(marker, ""))
        if count:
            found.add(marker)
        r.reading.surfaces[f"search for {marker}"] = found
        r.check_cache(f"search for {marker}", "/search/", response, found)
    return r.reading


def allowed_tokens(world: World, role: str) -> set[str]:
    out = set(allowed(world, role))
    for paper in world.papers:
        if paper_allowed(paper, role, published=world.published):
            out.add(f"paper#{paper.pk}")
    if world.published or role == "clerk":
        out.add("meeting-address")
    return out


def compare(world: World, role: str, reading: Reading, may: set[str]) -> list[str]:
    problems = list(reading.problems)
    for surface, found in reading.surfaces.items():
        leaked = found - may
        if leaked:
            problems.append(f"{surface} shows what it may not: {sorted(leaked)}")
    missing = may - reading.union()
    if missing:
        problems.append(f"allowed but on no surface: {sorted(missing)}")
    return [f"[{role}] {p}" for p in problems]


def owners(world: World) -> dict[str, str]:
    """Which piece of the history each marker is, for the failure message."""
    out = {}
    for item in world.items:
        for name in ("title", "description", "presenter", "public_description"):
            if getattr(item, name):
                out[getattr(item, name)] = f"{item.label} {name}"
        for bullet in item.bullets:
            out[bullet] = f"{item.label} bullet"
    for paper in world.papers:
        out[paper.title] = f"{paper.label} title"
        out[paper.author] = f"{paper.label} author"
        for page in paper.pages:
            out[page] = f"{paper.label} page text"
    for minute in world.minutes:
        for p in minute.paragraphs:
            out[p] = f"minute of {minute.item.label if minute.item else '?'} narrative"
        for res in minute.resolutions:
            out[res] = f"minute of {minute.item.label if minute.item else '?'} resolution"
    return out


def report(world: World, problems: list[str]) -> str:
    names = owners(world)

    def named(line: str) -> str:
        return MARKER.sub(lambda m: f"{m.group()} ({names.get(m.group(), '?')})", line)

    return (
        f"{len(problems)} problem(s):\n"
        + "\n".join(named(p) for p in problems)
        + "\n"
        + world.describe()
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Each service call's on-commit work (search index, e-mails) runs as after a commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


SURFACE_SEEDS = range(14)
PACK_SEEDS = range(100, 104)


@pytest.mark.parametrize("seed", SURFACE_SEEDS)
def test_every_surface_shows_each_role_exactly_what_the_rules_allow(
    seed, clerk, member, client_as, commit
):
    world = make_history(seed, clerk, commit)
    problems = []
    for role in ROLES:
        reading = read_surfaces(world, client_as(CLIENT_ROLE[role]), role)
        problems += compare(world, role, reading, allowed_tokens(world, role))
    assert not problems, report(world, problems)


# ---------------------------------------------------------------------------------------------
# Packs: every kind and every version
# ---------------------------------------------------------------------------------------------

PUBLIC_KINDS = ("agenda-pack", "agenda-front-sheet", "supplementary-agenda", "printed-minutes")
KIND_SLUG = {
    Pack.Kind.PUBLIC: "agenda-pack",
    Pack.Kind.FRONT_SHEET: "agenda-front-sheet",
    Pack.Kind.MEMBERS: "members-pack",
    Pack.Kind.SUPPLEMENT: "supplementary-agenda",
    Pack.Kind.MINUTES: "printed-minutes",
}


def expected_in_latest(world: World, slug: str) -> set[str]:
    """What the latest version of a pack must hold (DESIGN.md, the pack format): the front sheet
    prints every published item's number and title and a public item's text; the agenda pack
    adds the public papers' text; the members' pack the exempt papers' text too; the printed
    minutes the minutes the public may read."""
    public = allowed(world, "public")
    out: set[str] = set()
    if slug in ("agenda-pack", "agenda-front-sheet", "members-pack"):
        for item in world.items:
            shown = item_markers(item, "public")
            if item.made_private_later:
                shown -= {item.public_description}  # a reissue need not add the new reason
            out |= shown & public
    if slug == "agenda-pack":
        for paper in world.papers:
            if paper_allowed(paper, "public", published=world.published):
                out |= set(paper.pages)
    if slug == "members-pack":
        for paper in world.papers:
            if paper_allowed(paper, "member", published=world.published):
                out |= set(paper.pages)
    if slug == "printed-minutes":
        for minute in world.minutes:
            if minute_allowed(world, minute, "public"):
                out |= set(minute.paragraphs) | set(minute.resolutions)
    return out


@pytest.mark.parametrize("seed", PACK_SEEDS)
def test_every_pack_version_holds_only_what_its_audience_may_have(
    seed, clerk, member, client_as, commit
):
    world = make_history(seed, clerk, commit)
    meeting = world.meeting
    known = world.all_markers()
    problems = []
    versions = {
        (KIND_SLUG[kind], version)
        for kind, version in Pack.objects.filter(
            meeting=meeting, version__isnull=False
        ).values_list("kind", "version")
    }
    clients = {role: client_as(CLIENT_ROLE[role]) for role in ROLES}
    for role, client in clients.items():
        may = allowed(world, role)
        urls = []
        for slug in ("agenda-pack", "agenda-front-sheet", "members-pack", "printed-minutes"):
            urls.append((slug, None, f"/meetings/{meeting.slug}/packs/{slug}.pdf"))
        for slug, version in sorted(versions):
            urls.append(
                (slug, version, f"/meetings/{meeting.slug}/packs/{slug}/version-{version}.pdf")
            )
        for slug, version, url in urls:
            response = client.get(url)
            name = f"{slug}{f' version {version}' if version else ' (current)'}"
            if response.status_code != 200:
                continue
            data = body(response)
            if data[:5] != b"%PDF-":
                problems.append(f"[{role}] {name}: not a PDF ({response.status_code})")
                continue
            found = {m for m in MARKER.findall(all_text(data)) if m in known}
            audience = "public" if slug in PUBLIC_KINDS else "member"
            # A clerk's preview (a draft agenda, unpublished minutes) holds what the audience
            # will have once published, never more.
            preview = dataclasses.replace(world, published=True, minutes_published=True)
            leaked = found - (allowed(preview, audience) & may)
            if leaked:
                problems.append(f"[{role}] {name} holds what it may not: {sorted(leaked)}")
            control = response.get("Cache-Control", "")
            is_public = "public" in [p.strip().split("=")[0] for p in control.split(",")]
            if is_public and (found - allowed(world, "public") or not world.published):
                problems.append(f"[{role}] {name}: publicly cacheable ({control!r})")
            latest = version is None or version == max(v for s, v in versions if s == slug)
            if latest and world.published and slug != "supplementary-agenda":
                missing = expected_in_latest(world, slug) - found
                if missing:
                    problems.append(f"[{role}] {name} lacks what it should hold: {sorted(missing)}")
        # Who may have which pack at all.
        if world.published:
            status = client.get(f"/meetings/{meeting.slug}/packs/members-pack.pdf").status_code
            if role == "public" and status != 404:
                problems.append(f"[public] members' pack answered {status}")
    assert not problems, report(world, problems)
