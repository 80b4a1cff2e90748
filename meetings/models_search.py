"""The passage index that search reads: one row per paragraph of a minute, resolution, agenda
item, meeting or page of a report, linked back to its meeting, committee, date, item and page;
and one per matter on the forward plan and per decision record, linked back to its row (these
have no meeting; a plan entry of a committee carries the committee; the date is the day the
decision is expected, or was taken).

Rows are written only by ``meetings.search_index`` (from the source rows, never by hand). Who may
read a row is stored as a range of audiences (``audience_min`` to ``audience_max``: 0 the public,
1 members, 2 clerks), worked out by ``meetings.search_index`` when the row is written from the
rules of ``meetings.visibility``; ``PassageQuerySet.visible_to`` compares it with the viewer's
audience, which comes from ``meetings.visibility.audience_of``. Nothing here
decides on its own who may see what.

The full-text side is not made of Django fields: migrations 0005 and 0010 add it for the
database in use. On PostgreSQL, ``search_vector`` is a stored generated ``tsvector`` (title
weighted A, body B, in the ``portal_english`` configuration: English stemming that keeps stop
words, so "any other business" stays a phrase) with a GIN index; its ranking (``ts_rank``) looks
at one row at a time, and search weighs words by counts it makes among the viewer's passages.
On SQLite, each audience has an FTS5 table over ``title`` and ``body`` (porter stemming) holding
only the passages that audience may read: ``meetings_passage_fts_public``,
``meetings_passage_fts_members`` and ``meetings_passage_fts_clerks``, because FTS5's bm25 counts
how common a word is over its whole table, and a table holding hidden passages would let them
change the order others see. They hold no copy of the text (external content) and are kept in
step by triggers on this table, which follow an insert, a delete and an update that changes a
row's text or moves it between audiences. Never run FTS5's 'rebuild' on them (it would put every
passage in every table); to refill them, run ``manage.py rebuild_search_index --full-text``. A
later migration that makes Django rebuild this table on SQLite (``_remake_table``) drops those
triggers and must create them again (see migration 0010).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .models.agenda import AgendaItem, Meeting
from .models.minutes import MinuteItem, Resolution
from .models.people import Committee
from .visibility import AUDIENCES, CLERKS, MEMBERS, PUBLIC, audience_of  # noqa: F401

# Who may read a passage: the audiences of meetings.visibility (public < members < clerks).

KINDS = [
    "minute", "resolution", "agenda_item", "report_page", "meeting", "plan_entry",
    "decision_record",
]  # fmt: skip


class PassageQuerySet(models.QuerySet):
    def visible_to(self, user) -> PassageQuerySet:
        """Passages written for this user's audience: a private item's public passage (its title
        and reason for exemption) for the public, its full passage for members and clerks."""
        return self.for_audience(audience_of(user))

    def for_audience(self, audience: int) -> PassageQuerySet:
        """Passages this audience may read: the rows its FTS5 table holds on SQLite."""
        return self.filter(audience_min__lte=audience, audience_max__gte=audience)


class Passage(models.Model):
    class Kind(models.TextChoices):
        MINUTE = "minute", "Minute"
        RESOLUTION = "resolution", "Resolution"
        AGENDA_ITEM = "agenda_item", "Agenda item"
        REPORT_PAGE = "report_page", "Report page"
        MEETING = "meeting", "Meeting"
        PLAN_ENTRY = "plan_entry", "Forward plan"
        DECISION_RECORD = "decision_record", "Decision record"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField(
        help_text="The meeting's date, in London; for the forward plan the day the decision is "
        "expected, for a decision record the day it was taken."
    )
    plan_entry = models.ForeignKey(
        "meetings.PlanEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    decision_record = models.ForeignKey(
        "meetings.DecisionRecord",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    minute_item = models.ForeignKey(
        MinuteItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    page = models.PositiveIntegerField(null=True, blank=True, help_text="For a report page.")
    position = models.PositiveIntegerField(
        default=0, help_text="The paragraph (or piece of a long page) within its source."
    )
    number = models.CharField(
        max_length=20, blank=True, help_text="As printed: minute '4', item '3a', resolution '2'."
    )
    title = models.CharField(max_length=600, help_text="Indexed with the heavier weight.")
    body = models.TextField(blank=True)
    audience_min = models.PositiveSmallIntegerField()
    audience_max = models.PositiveSmallIntegerField()
    digest = models.CharField(
        max_length=40, help_text="Hash of everything above: an unchanged row is left alone."
    )

    objects = PassageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience_min__lte=models.F("audience_max"))
                & Q(audience_max__lte=CLERKS),
                name="passage_audience_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=KINDS),
                name="passage_kind_valid",
            ),
            # Each passage hangs from one source: a meeting's row, a plan entry or a record.
            models.CheckConstraint(
                condition=(
                    Q(meeting__isnull=False, plan_entry__isnull=True, decision_record__isnull=True)
                    | Q(
                        meeting__isnull=True, plan_entry__isnull=False, decision_record__isnull=True
                    )
                    | Q(
                        meeting__isnull=True, plan_entry__isnull=True, decision_record__isnull=False
                    )
                ),
                name="passage_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "id"], name="passage_date"),
            models.Index(fields=["meeting", "digest"], name="passage_meeting_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}: {self.title[:60]}".strip()
