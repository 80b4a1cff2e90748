"""Search ranks within what the viewer may read: hidden material never changes the order.

A ranking that counts how common a word is (SQLite's bm25, the word weights on PostgreSQL) must
count it among the passages the viewer may read. Otherwise a clerk's unpublished upload, or an
exempt paper, that uses a word many times makes the word look common and reorders the public's
results, and anyone can tell from the order that hidden papers use that word.

The words below are made up, so only this test's passages hold them. In each pair the second
word is the rarer among public passages (one passage against two), so its passage ranks first;
hidden passages that use it more make it the commoner word in any index that counts them.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from meetings.models import AgendaItem, Committee, Meeting, MinuteItem, Minutes
from meetings.models_search import Passage
from meetings.search import search
from meetings.search.backends import SqliteBackend
from reports.services import report_create

pytestmark = pytest.mark.django_db
PUBLIC = AnonymousUser()

# "zorblat OR quandle": members-only material makes quandle common.
# "fennick OR plimsoll": clerks-only material makes plimsoll common.
# "zorblat OR fennick": clerks-only material makes zorblat common (zorblat is in 2 public
# passages, fennick in 2; the order is then the newest first, and must stay so).
QUERIES = ["zorblat OR quandle", "fennick OR plimsoll", "zorblat OR fennick", "zorblat", "quandle"]


def _at(day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 5, day, 14, 0))


def _item(meeting, number: str, text: str, **kwargs) -> AgendaItem:
    return AgendaItem.objects.create(
        meeting=meeting, number=number, position=int(number), title=f"Site inspection {number}",
        description=text, **kwargs,
    )  # fmt: skip


@pytest.fixture
def panel() -> Committee:
    return Committee.objects.create(name="Ranking Test Panel", slug="ranking-test-panel")


@pytest.fixture
def public_world(panel) -> Meeting:
    """Public passages only: agenda items of a published meeting and its published minutes."""
    meeting = Meeting.objects.create(
        committee=panel, start=_at(5), status=Meeting.Status.PUBLISHED, venue="Room 1"
    )
    _item(meeting, "1", "The zorblat was inspected on site.")
    _item(meeting, "2", "The quandle was inspected on site.")
    _item(meeting, "3", "The fennick was inspected on site.")
    _item(meeting, "4", "The plimsoll was inspected on site.")
    minutes = Minutes.objects.create(meeting=meeting, is_published=True)
    MinuteItem.objects.create(
        minutes=minutes, number="5", position=5, title="Site visits",
        narrative="A further zorblat inspection was reported.",
    )  # fmt: skip
    MinuteItem.objects.create(
        minutes=minutes, number="6", position=6, title="Site visits",
        narrative="A further fennick inspection was reported.",
    )  # fmt: skip
    # A private item: the public reads its title and reason, members its text (see below).
    _item(
        meeting, "7", "Lease terms.", part="private", exemption_paragraph=3,
        public_description="Terms of a lease.",
    )  # fmt: skip
    return meeting


def add_members_only(meeting, make_pdf) -> None:
    """An exempt paper under a public item, and words in a private item's text: nothing the
    public may read changes (its title and reason are as they were)."""
    item = AgendaItem.objects.get(meeting=meeting, number="1")
    report_create(
        agenda_item=item, data=make_pdf("quandle " * 40, "quandle costs and quandle terms"),
        title="Exempt costs", is_exempt=True,
    )  # fmt: skip
    private = AgendaItem.objects.get(meeting=meeting, number="7")
    private.description = "quandle quandle quandle lease terms"
    private.save()


def add_clerks_only(panel, meeting, make_pdf) -> None:
    """An unpublished meeting, a pending item and a pending report on the published meeting,
    and a withdrawn paper: none of it reaches members or the public."""
    draft = Meeting.objects.create(committee=panel, start=_at(26), status=Meeting.Status.DRAFT)
    _item(draft, "1", " ".join(["plimsoll zorblat"] * 60))
    _item(draft, "2", "plimsoll quandle zorblat")
    _item(draft, "3", "zorblat plimsoll")
    _item(meeting, "8", "plimsoll and zorblat, added late", is_pending=True)
    item = AgendaItem.objects.get(meeting=meeting, number="3")
    report_create(
        agenda_item=item, data=make_pdf("plimsoll zorblat " * 30), title="Late paper",
        pending=True,
    )  # fmt: skip
    withdrawn = report_create(
        agenda_item=item, data=make_pdf("zorblat plimsoll withdrawn"), title="Withdrawn paper"
    )
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()


def seen(user) -> dict[str, tuple]:
    """What this user is shown for each query: the count, then each hit with its snippets."""
    shown = {}
    for query in QUERIES:
        results = search(user=user, query=query)
        assert not results.failed
        hits = tuple(
            (h.kind, h.passage.meeting_id, h.passage.number, h.passage.page, h.title, h.snippet)
            for h in results.hits
        )
        shown[query] = (results.total, results.any_words, hits)
    return shown


def test_the_public_order_is_as_written_down(public_world):
    """The ranking the other tests hold constant: the rarer word's passage first."""
    order = [(h.passage.number, h.passage.kind) for h in search(
        user=PUBLIC, query="zorblat OR quandle").hits]  # fmt: skip
    assert order[0] == ("2", "agenda_item")
    assert sorted(order) == [("1", "agenda_item"), ("2", "agenda_item"), ("5", "minute")]
    order = [h.passage.number for h in search(user=PUBLIC, query="fennick OR plimsoll").hits]
    assert order[0] == "4" and sorted(order) == ["3", "4", "6"]


def test_hidden_material_does_not_change_what_the_public_or_members_see(
    panel, public_world, member, clerk, make_pdf
):
    public_before = seen(PUBLIC)
    member_before = seen(member)
    assert member_before == public_before  # nothing is members-only yet

    add_members_only(public_world, make_pdf)
    assert seen(PUBLIC) == public_before
    member_with_exempt = seen(member)
    assert member_with_exempt["quandle"][0] > public_before["quandle"][0]  # members see more

    add_clerks_only(panel, public_world, make_pdf)
    assert seen(PUBLIC) == public_before
    assert seen(member) == member_with_exempt
    # The clerks' material really is indexed, and does reorder what a clerk sees.
    clerk_sees = seen(clerk)
    assert clerk_sees["fennick OR plimsoll"][0] > member_with_exempt["fennick OR plimsoll"][0]
    assert clerk_sees["fennick OR plimsoll"][2][0][2] != "4"

    # An update that moves a passage into, then out of, the public's reach is followed too.
    exempt = public_world.agenda_items.get(number="1").reports.get(title="Exempt costs")
    exempt.is_exempt = False
    exempt.save()
    assert seen(PUBLIC)["quandle"][0] > public_before["quandle"][0]
    exempt.is_exempt = True
    exempt.save()
    assert seen(PUBLIC) == public_before
    assert seen(member) == member_with_exempt


def test_a_passage_updated_in_place_moves_between_audiences(public_world):
    """The index follows a passage row that is updated (raw SQL or QuerySet.update()), not only
    one that is deleted and written again: its words go where its audiences now are."""
    public_before = seen(PUBLIC)
    passage = Passage.objects.get(meeting=public_world, kind="agenda_item", number="2")
    Passage.objects.filter(pk=passage.pk).update(audience_min=2, audience_max=2)
    assert not any(h.passage.pk == passage.pk for h in search(user=PUBLIC, query="quandle").hits)
    Passage.objects.filter(pk=passage.pk).update(body="The quandle was seen on site.")
    Passage.objects.filter(pk=passage.pk).update(
        audience_min=0, audience_max=2, body="The quandle was inspected on site."
    )
    assert seen(PUBLIC) == public_before


def test_rebuilding_the_index_keeps_each_audience_to_its_own(
    panel, public_world, member, clerk, make_pdf
):
    add_members_only(public_world, make_pdf)
    add_clerks_only(panel, public_world, make_pdf)
    before = {"public": seen(PUBLIC), "member": seen(member), "clerk": seen(clerk)}
    call_command("rebuild_search_index", "--full-text", stdout=io.StringIO())
    assert {"public": seen(PUBLIC), "member": seen(member), "clerk": seen(clerk)} == before
    if connection.vendor == "sqlite":
        for audience, table in SqliteBackend.TABLES.items():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT rowid FROM {table}_docsize")
                held = {row[0] for row in cursor.fetchall()}
            assert held == set(Passage.objects.for_audience(audience).values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's word weights")
def test_postgres_word_weights_count_only_what_the_viewer_may_read(
    panel, public_world, member, make_pdf
):
    """ts_rank itself counts nothing across passages; the weight given to each word does, so it
    must count among the viewer's passages, and the table's size (what the planner's statistics
    say) must not come into it either."""
    from meetings.models_search import audience_of
    from meetings.search import _where
    from meetings.search.backends import backend_for
    from meetings.search.query import parse

    query = parse("zorblat quandle plimsoll")

    def weights(user):
        search(user=PUBLIC, query="x")  # index what was just written
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE meetings_passage")
        qs = Passage.objects.visible_to(user)
        return backend_for("default", audience=audience_of(user))._weights(query, _where(qs))

    public_before, member_before = weights(PUBLIC), weights(member)
    add_members_only(public_world, make_pdf)
    assert weights(PUBLIC) == public_before
    member_with_exempt = weights(member)
    add_clerks_only(panel, public_world, make_pdf)
    assert weights(PUBLIC) == public_before and weights(member) == member_with_exempt
    assert member_before != member_with_exempt
