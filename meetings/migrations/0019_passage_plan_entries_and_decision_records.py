"""Passages for the forward plan and decision records: a passage's meeting and committee may be
empty, and it may hang from a plan entry or a decision record instead (exactly one source).

On SQLite, making ``meeting`` nullable makes Django remake ``meetings_passage`` (a new table,
the rows copied with their ids, the old one dropped, the new one renamed). Dropping the old
table drops the triggers of migration 0010 that keep each audience's FTS5 table in step, so they
are created again here, after the remake (and, going backwards, again after the remake back).
The FTS5 tables themselves are untouched: they are keyed by the passages' ids, which the copy
keeps, and dropping a table fires no trigger. PostgreSQL needs nothing more: its
``search_vector`` column is kept by ALTER TABLE.
"""

# ruff: noqa: S608 -- fixed table names and audiences; nothing from outside.
import django.db.models.deletion
from django.db import migrations, models

TABLES = {
    0: "meetings_passage_fts_public",
    1: "meetings_passage_fts_members",
    2: "meetings_passage_fts_clerks",
}


def _reads(row: str, audience: int) -> str:
    return f"{row}.audience_min <= {audience} AND {row}.audience_max >= {audience}"


def _triggers(audience: int, table: str) -> list[str]:
    """Migration 0010's triggers for one audience's table, as they were."""
    return [
        f"DROP TRIGGER IF EXISTS {table}_insert",
        f"DROP TRIGGER IF EXISTS {table}_delete",
        f"DROP TRIGGER IF EXISTS {table}_update",
        f"""CREATE TRIGGER {table}_insert AFTER INSERT ON meetings_passage
           WHEN {_reads("new", audience)} BEGIN
             INSERT INTO {table}(rowid, title, body) VALUES (new.id, new.title, new.body);
           END""",
        f"""CREATE TRIGGER {table}_delete AFTER DELETE ON meetings_passage
           WHEN {_reads("old", audience)} BEGIN
             INSERT INTO {table}({table}, rowid, title, body)
             VALUES ('delete', old.id, old.title, old.body);
           END""",
        f"""CREATE TRIGGER {table}_update
           AFTER UPDATE OF id, title, body, audience_min, audience_max ON meetings_passage BEGIN
             INSERT INTO {table}({table}, rowid, title, body)
             SELECT 'delete', old.id, old.title, old.body WHERE {_reads("old", audience)};
             INSERT INTO {table}(rowid, title, body)
             SELECT new.id, new.title, new.body WHERE {_reads("new", audience)};
           END""",
    ]


def recreate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for audience, table in TABLES.items():
            for sql in _triggers(audience, table):
                schema_editor.execute(sql, params=None)


def drop_passages_without_meeting(apps, schema_editor):
    """Going back: the passages of plan entries and decision records have no meeting, which
    the old table requires (the triggers, still in place, take them out of the FTS5 tables)."""
    apps.get_model("meetings", "Passage").objects.filter(meeting__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0018_interests_register_and_declarations"),
        ("reports", "0007_report_word_findings"),
    ]

    operations = [
        # Backwards, after the table is remade back: the triggers again.
        migrations.RunPython(migrations.RunPython.noop, recreate_triggers),
        migrations.RemoveConstraint(
            model_name="passage",
            name="passage_kind_valid",
        ),
        migrations.AddField(
            model_name="passage",
            name="decision_record",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="meetings.decisionrecord",
            ),
        ),
        migrations.AddField(
            model_name="passage",
            name="plan_entry",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="meetings.planentry",
            ),
        ),
        migrations.AlterField(
            model_name="passage",
            name="committee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="meetings.committee",
            ),
        ),
        migrations.AlterField(
            model_name="passage",
            name="date",
            field=models.DateField(
                help_text="The meeting's date, in London; for the forward plan the day the "
                "decision is expected, for a decision record the day it was taken."
            ),
        ),
        migrations.AlterField(
            model_name="passage",
            name="kind",
            field=models.CharField(
                choices=[
                    ("minute", "Minute"),
                    ("resolution", "Resolution"),
                    ("agenda_item", "Agenda item"),
                    ("report_page", "Report page"),
                    ("meeting", "Meeting"),
                    ("plan_entry", "Forward plan"),
                    ("decision_record", "Decision record"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="passage",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="meetings.meeting",
            ),
        ),
        migrations.AddConstraint(
            model_name="passage",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "minute",
                            "resolution",
                            "agenda_item",
                            "report_page",
                            "meeting",
                            "plan_entry",
                            "decision_record",
                        ],
                    )
                ),
                name="passage_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="passage",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("decision_record__isnull", True),
                        ("meeting__isnull", False),
                        ("plan_entry__isnull", True),
                    ),
                    models.Q(
                        ("decision_record__isnull", True),
                        ("meeting__isnull", True),
                        ("plan_entry__isnull", False),
                    ),
                    models.Q(
                        ("decision_record__isnull", False),
                        ("meeting__isnull", True),
                        ("plan_entry__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="passage_one_source",
            ),
        ),
        # Forwards, after the table is remade: the triggers again.
        migrations.RunPython(recreate_triggers, drop_passages_without_meeting),
    ]
