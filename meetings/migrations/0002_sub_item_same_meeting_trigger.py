"""A sub-item must belong to an item of the same meeting, one level deep.

A CHECK constraint cannot look at another row, so the database enforces this with a trigger on
both SQLite and PostgreSQL; AgendaItem.clean() gives the same rule as a form message.
"""

from django.db import migrations

MESSAGE = "A sub-item must belong to a top-level item of the same meeting."

SQLITE = [
    f"""
    CREATE TRIGGER agenda_sub_item_same_meeting_{event.lower()}
    BEFORE {event} ON meetings_agendaitem
    FOR EACH ROW WHEN NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM meetings_agendaitem p
        WHERE p.id = NEW.parent_id AND p.meeting_id = NEW.meeting_id AND p.parent_id IS NULL
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
] + [
    # An item that has sub-items cannot itself become a sub-item or move to another meeting.
    f"""
    CREATE TRIGGER agenda_item_keeps_sub_items_update
    BEFORE UPDATE OF parent_id, meeting_id ON meetings_agendaitem
    FOR EACH ROW WHEN EXISTS (
        SELECT 1 FROM meetings_agendaitem c
        WHERE c.parent_id = NEW.id AND (NEW.parent_id IS NOT NULL OR c.meeting_id != NEW.meeting_id)
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS agenda_sub_item_same_meeting_insert;",
    "DROP TRIGGER IF EXISTS agenda_sub_item_same_meeting_update;",
    "DROP TRIGGER IF EXISTS agenda_item_keeps_sub_items_update;",
]

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION meetings_agendaitem_check_parent() RETURNS trigger AS $$
    BEGIN
        IF NEW.parent_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM meetings_agendaitem p
            WHERE p.id = NEW.parent_id AND p.meeting_id = NEW.meeting_id AND p.parent_id IS NULL
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM meetings_agendaitem c
            WHERE c.parent_id = NEW.id
              AND (NEW.parent_id IS NOT NULL OR c.meeting_id <> NEW.meeting_id)
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER agenda_sub_item_same_meeting
    BEFORE INSERT OR UPDATE ON meetings_agendaitem
    FOR EACH ROW EXECUTE FUNCTION meetings_agendaitem_check_parent();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS agenda_sub_item_same_meeting ON meetings_agendaitem;",
    "DROP FUNCTION IF EXISTS meetings_agendaitem_check_parent();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
