"""SQLite: one FTS5 table per audience instead of one over every passage.

FTS5's bm25 counts how many passages hold a word, and how long passages are, over the whole
table it searches. With one table over every passage, a clerk's unpublished upload (or an
exempt paper) changed the order of the public's results, and so told the public which words the
hidden papers use. Each audience now has a table holding only the passages it may read
(``audience_min <= audience <= audience_max``): ``meetings_passage_fts_public`` (0),
``meetings_passage_fts_members`` (1) and ``meetings_passage_fts_clerks`` (2). Search reads the
viewer's table, so every count the ranking uses is a count of what the viewer may read.

Each table is external content (no copy of the text; ``highlight()`` and ``snippet()`` read
``meetings_passage``), kept in step by triggers on ``meetings_passage``: an insert adds the row
to the tables of its audiences, a delete takes it out of those, and an update of its text or
audiences takes it out of the tables it was in and puts it in those it is now in. FTS5's
``'rebuild'`` reads every row of the content table, so it must never be run on these tables:
refill one with ``'delete-all'`` and ``INSERT ... SELECT`` for its audience (``manage.py
rebuild_search_index --full-text`` does). Check one with ``'integrity-check'`` and rank 0 (the
index alone): newer SQLite versions otherwise compare it with every row of the content table.

The old table ``meetings_passage_fts`` and its triggers are dropped. PostgreSQL needs no change
of schema: ``ts_rank`` counts nothing across passages, and the word weights search adds count
among the viewer's passages (``meetings.search.backends``).
"""

# ruff: noqa: S608 -- fixed table names and audiences; nothing from outside.
from django.db import migrations

TABLES = {
    0: "meetings_passage_fts_public",
    1: "meetings_passage_fts_members",
    2: "meetings_passage_fts_clerks",
}


def _reads(row: str, audience: int) -> str:
    return f"{row}.audience_min <= {audience} AND {row}.audience_max >= {audience}"


def _create(audience: int, table: str) -> list[str]:
    return [
        f"""CREATE VIRTUAL TABLE {table} USING fts5(
             title, body, content='meetings_passage', content_rowid='id',
             tokenize='porter unicode61 remove_diacritics 2'
           )""",
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
        f"""INSERT INTO {table}(rowid, title, body)
           SELECT id, title, body FROM meetings_passage
           WHERE {_reads("meetings_passage", audience)} ORDER BY id""",
    ]


def _drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_insert",
        f"DROP TRIGGER IF EXISTS {table}_delete",
        f"DROP TRIGGER IF EXISTS {table}_update",
        f"DROP TABLE IF EXISTS {table}",
    ]


# The one table of 0005, as it was.
OLD = "meetings_passage_fts"
OLD_CREATE = [
    """CREATE VIRTUAL TABLE meetings_passage_fts USING fts5(
         title, body, content='meetings_passage', content_rowid='id',
         tokenize='porter unicode61 remove_diacritics 2'
       )""",
    """CREATE TRIGGER meetings_passage_fts_insert AFTER INSERT ON meetings_passage BEGIN
         INSERT INTO meetings_passage_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
       END""",
    """CREATE TRIGGER meetings_passage_fts_delete AFTER DELETE ON meetings_passage BEGIN
         INSERT INTO meetings_passage_fts(meetings_passage_fts, rowid, title, body)
         VALUES ('delete', old.id, old.title, old.body);
       END""",
    """CREATE TRIGGER meetings_passage_fts_update AFTER UPDATE ON meetings_passage BEGIN
         INSERT INTO meetings_passage_fts(meetings_passage_fts, rowid, title, body)
         VALUES ('delete', old.id, old.title, old.body);
         INSERT INTO meetings_passage_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
       END""",
    "INSERT INTO meetings_passage_fts(meetings_passage_fts) VALUES ('rebuild')",
]

FORWARD = _drop(OLD) + [
    sql for audience, table in TABLES.items() for sql in _create(audience, table)
]
BACKWARD = [sql for table in TABLES.values() for sql in _drop(table)] + OLD_CREATE


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0009_moderngov"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
