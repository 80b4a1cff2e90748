"""The full-text side of the passage index, for the database in use.

PostgreSQL: a text search configuration ``portal_english`` (English snowball stemming that keeps
stop words, so the phrase "any other business" is three words, not just 'busi'), a stored
generated ``search_vector`` (title weighted A, body B) and a GIN index on it. Angle brackets
are read as spaces: PostgreSQL's parser would otherwise take "<b ...>" in report text for an
HTML tag and skip the words inside it.

SQLite: an FTS5 table ``meetings_passage_fts`` over title and body (porter stemming, no stop
words), holding no copy of the text (external content), kept in step by triggers.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE TEXT SEARCH DICTIONARY portal_english_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION portal_english (COPY = pg_catalog.english)",
    """ALTER TEXT SEARCH CONFIGURATION portal_english
       ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
       WITH portal_english_stem""",
    """ALTER TABLE meetings_passage ADD COLUMN search_vector tsvector
       GENERATED ALWAYS AS (
         setweight(to_tsvector('portal_english'::regconfig, translate(title, '<>', '  ')), 'A')
         || setweight(to_tsvector('portal_english'::regconfig, translate(body, '<>', '  ')), 'B')
       ) STORED""",
    "CREATE INDEX meetings_passage_search ON meetings_passage USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS meetings_passage_search",
    "ALTER TABLE meetings_passage DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_english",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS portal_english_stem",
]

SQLITE_FORWARD = [
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
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS meetings_passage_fts_insert",
    "DROP TRIGGER IF EXISTS meetings_passage_fts_delete",
    "DROP TRIGGER IF EXISTS meetings_passage_fts_update",
    "DROP TABLE IF EXISTS meetings_passage_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_passage_index"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
