"""Search: query syntax, hostile input, who finds what, the index following every change, and the
results page (snippets, deep links, filters, order, pages, counts). Runs on SQLite and on
PostgreSQL alike: the same tests for both implementations."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from meetings import search_index
from meetings.models import AgendaItem, Committee, Meeting, MinuteItem, Minutes, Passage, Resolution
from meetings.search import parse, search
from meetings.search_index import reindex_meetings
from reports.models import Report
from reports.services import report_create

pytestmark = pytest.mark.django_db
JULY = "2014-07-07-health-and-well-being-board"
SEPT = "2014-09-22-health-and-well-being-board"
PUBLIC = AnonymousUser()
# Meetings' material only: the demo's forward plan has a depot of its own ("Radford Yard depot").
AT_MEETINGS = {"kind": ["minute", "resolution", "agenda_item", "report_page", "meeting"]}


def found(query, user=PUBLIC, **kwargs) -> list[str]:
    return [f"{h.kind} {h.passage.number}:{h.passage.page}" for h in search(
        user=user, query=query, **kwargs).hits]  # fmt: skip


def total(query, user=PUBLIC, **kwargs) -> int:
    return search(user=user, query=query, **kwargs).total


# The query language


def test_parse_reads_words_phrases_or_and_exclusions():
    q = parse('dementia "any other business" care OR support -children')
    assert [[a.text for a in g] for g in q.groups] == [
        ["dementia"],
        ["any other business"],
        ["care", "support"],
    ]
    assert [a.text for a in q.excluded] == ["children"]
    assert parse("the Care Act").left_out == ("the",)
    assert parse("the").groups[0][0].text == "the"  # only common words: search for them
    assert parse("Deprivation of Liberty").phrase.text == "Deprivation of Liberty"
    assert parse("-dementia").is_empty


@pytest.mark.parametrize(
    "hostile",
    [
        '"', '""', '"""', "'", "(", ")", "((dementia", "dementia)", "*", "dement*", "NEAR(a b)",
        "NEAR", "AND", "OR", "NOT", "a AND NOT b", "-", "--", "- -", "!", "!!", "&", "|", ":",
        "title:dementia", "body:x", "^care", "{x}", "[x]", "\\", "\\'", "%", "%s", "%(x)s",
        "'; DROP TABLE meetings_passage; --", "\x00", "dementia\x00care", "\ue000x\ue001",
        "…", "“Care Act”", "😀", "ÆØÅ", "日本語", "<script>alert(1)</script>", "&amp;",
        "x" * 5000, "care " * 400, '"care ' * 200, "-x " * 100, "OR " * 100, "a" * 3000,
        "١٢٣", "ﬁnance", "_", "__init__", "care\u200b act", "e-safety", "2014/15", "£45.843m",
        "liz.knight@coventry.gov.uk", "http://example.com/x?y=1", "'''", "'a'", "0", "-0",
    ],
)  # fmt: skip
def test_no_query_fails(hostile, client):
    results = search(user=PUBLIC, query=hostile)
    assert not results.failed
    assert client.get("/search/", {"q": hostile}).status_code == 200


def test_stemmed_words_match_other_forms():
    assert "minute 7:None" in found("ageing populations")  # "rapid ageing of populations"
    assert total("pooled budgets") >= 1  # "the pooled budget"
    assert total("safeguarded") >= 1


def test_a_quoted_phrase_must_appear_as_typed():
    assert total('"any other items of public business"') >= 2  # agenda item 7 and minute 10
    assert total('"any other business"') == 0
    assert total('"Board Age Friendly"') == 0
    assert "minute 7:None" in found('"Age Friendly City"')


def test_or_finds_either_word_and_a_minus_excludes():
    either = total("Healthwatch OR loneliness")
    assert either == total("Healthwatch") + total("loneliness") == 2
    assert total("dementia") > total("dementia -appendix") > 0
    assert total('dementia -"Better Care"') < total("dementia")
    assert total("Healthwatch -Macmillan") == 0


def test_words_in_title_and_text_match_together():
    # "Criminal Justice" is in the minute's title, "prison" in its text.
    assert "minute 8:None" in found("criminal justice prison")


def test_only_excluded_words_find_nothing_and_say_why():
    results = search(user=PUBLIC, query="-dementia")
    assert results.total == 0 and "minus sign" in results.notes[0]


# Who finds what

CANARY = "Quillwort"


@pytest.fixture
def private_world(seed_meeting, make_pdf):
    private = AgendaItem.objects.create(
        meeting=seed_meeting, number="8", position=99, title="Depot Lease Renewal",
        part="private", exemption_paragraph=3, public_description="Terms offered by Pipistrelle.",
        description=f"Offer from {CANARY} Holdings", presenter=f"Report of {CANARY} panel",
        bullet_points=[f"{CANARY} valuation"],
    )  # fmt: skip
    report_create(agenda_item=private, data=make_pdf(f"{CANARY} heads of terms"), title="Heads")
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report_create(
        agenda_item=item4, data=make_pdf(f"Salaries of {CANARY} staff"), title="Exempt costs",
        is_exempt=True,
    )  # fmt: skip
    july = Minutes.objects.get(meeting__slug=JULY)
    minute = MinuteItem.objects.create(
        minutes=july, number="11", position=11, title="Depot lease", part="private",
        exemption_paragraph=3, narrative=f"The {CANARY} offer was discussed.",
    )  # fmt: skip
    Resolution.objects.create(minute_item=minute, text=f"The {CANARY} offer be accepted.")
    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    AgendaItem.objects.create(
        meeting=draft, number="9", position=9, title=f"Draft {CANARY} item",
        description=f"{CANARY} again",
    )  # fmt: skip
    return private


def test_the_public_never_finds_private_or_unpublished_material(private_world, client):
    results = search(user=PUBLIC, query=CANARY)
    assert results.total == 0 and results.hits == []
    for query in (f"{CANARY} OR dementia", f"dementia OR {CANARY}", f'"{CANARY} offer"'):
        assert not any(CANARY in h.snippet or CANARY in h.title for h in search(
            user=PUBLIC, query=query).hits)  # fmt: skip
    assert CANARY not in Passage.objects.visible_to(PUBLIC).filter(
        body__contains=CANARY
    ).values_list("body", flat=True)
    # Counts do not change either: a private passage is not counted for the public.
    assert total("depot", filters=AT_MEETINGS) == 1  # the private item's title
    html = client.get("/search/", {"q": CANARY}).content.decode()
    assert "0 results for" in html
    # The query echoed: title, both search boxes, count line, the sign-in link's return
    # address and the link to follow this search by e-mail; nowhere else.
    assert html.count(CANARY) == 6 and html.count(f"?next=/search/%3Fq%3D{CANARY}") == 1
    assert html.count(f"/alerts/?q={CANARY}") == 1


def test_the_public_finds_a_private_item_only_by_its_title_and_reason(private_world):
    assert found("Depot Lease Renewal", filters=AT_MEETINGS) == ["agenda_item 8:None"]
    assert found("pipistrelle") == ["agenda_item 8:None"]  # the public description
    hits = search(user=PUBLIC, query="valuation depot", filters=AT_MEETINGS).hits
    assert [h.kind for h in hits] == ["agenda_item"]  # by its title: "valuation" is not public
    assert "valuation" not in hits[0].snippet.lower()


def test_a_member_finds_private_papers_but_nothing_unpublished(private_world, member):
    kinds = sorted(found(CANARY, user=member))
    assert kinds == [
        "agenda_item 8:None", "minute 11:None", "report_page :1", "report_page :1",
        "resolution 11:None",
    ]  # fmt: skip
    assert not any("Draft" in h.title for h in search(user=member, query=CANARY).hits)


def test_a_clerk_also_finds_drafts(private_world, clerk):
    assert any("Draft" in h.title for h in search(user=clerk, query=CANARY).hits)
    assert total(CANARY, user=clerk) == total(CANARY, user=clerk, page=1) == 6


def decisions_counted(html: str) -> str:
    """The count line of the decisions register, as read: "8 decisions"."""
    return re.search(r'<p class="count" role="status">([^<]*)</p>', html).group(1)


def test_a_resolution_shows_wherever_its_minute_does_and_nowhere_else(
    private_world, client, client_as
):
    """The seed's July minutes carry eight resolutions, all public; the fixture adds minute 11,
    private, resolving "The Quillwort offer be accepted."."""
    register = "/decisions/?committee=health-and-well-being-board"
    july_minutes = f"/meetings/{JULY}/minutes/"
    public_register = client.get(register).content.decode()
    assert decisions_counted(public_register) == "8 decisions"
    assert "The Quillwort offer be accepted." not in public_register
    assert "the £45.843m identified for 2015/16 be endorsed" in public_register  # minute 4 (2)
    assert CANARY not in client.get(july_minutes).content.decode()
    member = client_as("member")
    member_register = member.get(register).content.decode()
    assert decisions_counted(member_register) == "9 decisions"
    assert "The Quillwort offer be accepted." in member_register
    assert "The Quillwort offer be accepted." in member.get(july_minutes).content.decode()
    # Minutes taken back from publication take their resolutions with them, for everyone but
    # clerks.
    Minutes.objects.filter(meeting__slug=JULY).update(is_published=False)
    assert decisions_counted(client.get(register).content.decode()) == "0 decisions"
    assert decisions_counted(member.get(register).content.decode()) == "0 decisions"
    clerk_register = client_as("clerk").get(register).content.decode()
    assert decisions_counted(clerk_register) == "9 decisions"


# The index follows every change


def test_a_new_report_is_found_and_leaves_when_deleted(seed_meeting, make_pdf):
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report = report_create(
        agenda_item=item4, data=make_pdf("intro", "Mulberry orchard survey"), title="Orchards"
    )
    hits = search(user=PUBLIC, query="mulberry").hits
    assert [(h.label, h.url, h.pdf_url) for h in hits] == [
        ("Page 2", f"/documents/{report.pk}/#page-2", f"/documents/{report.pk}/download/#page=2")
    ]
    report.pages.get(number=2).delete()
    assert total("mulberry") == 0
    pk = report.pk
    report.delete()
    assert not Passage.objects.filter(report_id=pk).exists()


def test_edits_are_followed(seed_meeting):
    minute = MinuteItem.objects.get(minutes__meeting__slug=JULY, number="6")
    minute.narrative = minute.narrative.replace("Healthwatch", "Citizens Advice")
    minute.save()
    assert total("Healthwatch") == 0 and found("citizens advice")[0] == "minute 6:None"
    resolution = Resolution.objects.get(minute_item__minutes__meeting__slug=JULY,
                                        minute_item__number="7", number=1)  # fmt: skip
    resolution.text = "Coventry be a Lavender City."
    resolution.save()
    assert found("lavender") == ["resolution 7:1"]
    committee = seed_meeting.committee
    committee.name = "Wellbeing Partnership Board"
    committee.save()
    assert "meeting :None" in found("wellbeing partnership")


def test_reclassification_is_followed(seed_meeting, member, make_pdf):
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report = report_create(agenda_item=item4, data=make_pdf("Kestrel survey"), title="Birds")
    assert total("kestrel") == 1
    report.is_exempt = True
    report.save()
    assert total("kestrel") == 0 and total("kestrel", user=member) == 1
    report.is_exempt = False
    report.save()
    assert total("kestrel") == 1
    item4.part, item4.exemption_paragraph = "private", 3
    item4.save()
    assert total("kestrel") == 0 and total("kestrel", user=member) == 1
    assert total('"Integrated Neighbourhood Teams Update"') == 0  # a bullet point of item 4
    seed_meeting.status = Meeting.Status.DRAFT
    seed_meeting.save()
    assert total("kestrel", user=member) == 0 and total("Better Care Fund") > 0  # July


def test_unpublishing_minutes_is_followed(member, clerk):
    minutes = Minutes.objects.get(meeting__slug=JULY)
    minutes.is_published = False
    minutes.save()
    assert total("Healthwatch") == 0 and total("Healthwatch", user=member) == 0
    assert total("Healthwatch", user=clerk) == 1
    private = MinuteItem.objects.get(minutes=minutes, number="6")
    minutes.is_published = True
    minutes.save()
    private.part, private.exemption_paragraph = "private", 1
    private.save()
    assert total("Healthwatch") == 0 and total("Healthwatch", user=member) == 1


def test_changes_are_indexed_when_the_transaction_commits(
    seed_meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        AgendaItem.objects.create(meeting=seed_meeting, number="9", position=9, title="Heronry")
    assert Passage.objects.filter(title="Heronry").count() == 1
    assert not search_index._pending()


def test_reindexing_is_idempotent_and_a_rebuild_matches(seed_meeting):
    before = sorted(Passage.objects.filter(meeting__isnull=False).values_list("digest", flat=True))
    everything = Passage.objects.count()  # with the forward plan's and decision records'
    again = reindex_meetings(Meeting.objects.values_list("pk", flat=True))
    assert (again.created, again.deleted) == (0, 0) and again.kept == len(before)
    Passage.objects.all().delete()
    rebuilt = search_index.rebuild()
    assert rebuilt.created == everything
    assert (
        sorted(Passage.objects.filter(meeting__isnull=False).values_list("digest", flat=True))
        == before
    )


def test_the_seed_is_indexed_passage_by_passage(seed_meeting):
    july = Passage.objects.filter(meeting__slug=JULY)
    assert july.filter(kind="resolution").count() == 8
    assert july.filter(kind="minute").values("minute_item").distinct().count() == 10
    assert july.filter(kind="minute", number="4").count() == 10  # paragraphs of minute 4
    pages = Passage.objects.filter(meeting=seed_meeting, kind="report_page")
    assert pages.count() == 4 + 5 + 1 + 2 + 48 + 24
    assert Passage.objects.filter(meeting=seed_meeting, kind="agenda_item").count() == 9


def test_a_stale_passage_is_never_shown(seed_meeting, make_pdf, member):
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report_create(agenda_item=item4, data=make_pdf("Osprey nest"), title="Birds")
    assert total("osprey") == 1
    Report.objects.filter(title="Birds").update(is_exempt=True)  # no signal
    assert search(user=PUBLIC, query="osprey").hits == []  # checked against Report.visible_to
    assert total("osprey") == 0  # and its meeting was reindexed


# The results page


def test_results_link_to_the_minute_anchor_and_say_what_and_where(client):
    html = client.get("/search/", {"q": "Healthwatch"}).content.decode()
    assert "1 result for" in html
    link = f"/meetings/{JULY}/minutes/#minute-6"
    assert f'href="{link}"' in html
    assert "Minute 6: Macmillan and Coventry City Council Partnership" in html
    assert "Health and Well-being Board" in html and "7 July 2014" in html
    assert "<mark>Healthwatch</mark>" in html
    minutes = client.get(link.split("#")[0]).content.decode()
    assert 'id="minute-6"' in minutes


def test_report_pages_link_to_the_text_page_and_the_pdf_page(client):
    results = search(user=PUBLIC, query='"private fostering"')
    hit = next(h for h in results.hits if h.passage.page == 37)
    assert hit.kind_label == "Report page" and hit.label == "Page 37"
    report_id = hit.passage.report_id
    # Page 37 is on the second screen of the document page (20 PDF pages a screen).
    assert hit.url == f"/documents/{report_id}/?page=2#page-37"
    assert hit.pdf_url == f"/documents/{report_id}/download/#page=37"
    document = client.get(hit.url.split("#")[0]).content.decode()
    assert 'id="page-37"' in document
    assert "<mark>" in hit.snippet and "fostering" in hit.snippet.lower()


def test_snippets_are_escaped_around_the_marks(seed_meeting):
    AgendaItem.objects.create(
        meeting=seed_meeting, number="9", position=9, title="Scripts",
        description='<script>alert("Grebe")</script> & <b>bold</b> \ue000 \ue001',
    )  # fmt: skip
    hit = search(user=PUBLIC, query="grebe").hits[0]
    assert "<script>" not in hit.snippet and "<b>" not in hit.snippet
    assert "&lt;/script&gt;" in hit.snippet and "<mark>Grebe</mark>" in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0


def test_filters_by_committee_dates_and_kind():
    assert total("dementia", filters={"committee": "health-and-social-care-scrutiny-board"}) == 0
    board = {"committee": "health-and-well-being-board"}
    assert total("dementia", filters=board) == total("dementia")
    july_only = {"date_from": "2014-07-01", "date_to": "2014-07-31"}
    assert set(found("dementia", filters=july_only)) == {
        "minute 4:None", "minute 7:None", "resolution 7:2"
    }  # fmt: skip
    kinds = {"kind": ["resolution"]}
    assert found("dementia", filters=kinds) == ["resolution 7:2"]
    both = {"kind": ["resolution", "minute"]}
    assert total("dementia", filters=both) == 3


def test_a_bad_filter_gets_a_message_and_no_results(client):
    html = client.get(
        "/search/", {"q": "dementia", "date_from": "31/02/2014", "kind": "nonsense"}
    ).content.decode()
    assert "Some filters could not be used" in html and "0 results for" in html


def test_sorting_by_date_and_paging(client):
    newest = search(user=PUBLIC, query="board", sort="date", per_page=5)
    dates = [h.date for h in newest.hits]
    assert dates == sorted(dates, reverse=True)
    best = search(user=PUBLIC, query="board", per_page=5)
    assert best.total == newest.total > 10
    second = search(user=PUBLIC, query="board", per_page=5, page=2)
    assert {h.passage.pk for h in second.hits}.isdisjoint(h.passage.pk for h in best.hits)
    assert second.page.number == 2 and search(user=PUBLIC, query="board", page="x").page.number
    html = client.get("/search/", {"q": "board", "sort": "date", "page": "2"}).content.decode()
    assert 'rel="prev"' in html and "sort=date" in html
    assert re.search(r'aria-label="Page 2" aria-current="page"', html)


def test_query_counts_do_not_grow_with_the_results(client):
    from django.test.utils import CaptureQueriesContext

    def queries(q: str) -> int:
        client.get("/search/", {"q": q})
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": q})
        return len(captured)

    one, twenty = queries("Healthwatch"), queries("care")  # 1 result; 20 of six kinds
    assert twenty <= one + 6  # a visibility check per kind shown (seven kinds), not per result
    assert twenty <= 22


def test_the_postgres_vector_keeps_phrases_of_stop_words():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('portal_english', 'Any other business')::text")
        assert cursor.fetchone()[0] == "'ani':1 'busi':3 'other':2"


def test_committees_listed_in_the_filter_are_all_there(client):
    html = client.get("/search/", {"q": "care"}).content.decode()
    for committee in Committee.objects.all():
        assert committee.name in html
