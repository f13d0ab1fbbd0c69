"""Database backstop for the seat rules the service checks under a lock:
a single-seat role has one holder per organisation per day, and nobody holds the same role in the
same organisation twice over one day. A trigger, because the rule reads the role catalogue."""

from django.db import migrations

OVERLAP = """
    SELECT 1 FROM people_position p JOIN people_role r ON r.id = {new}.role_id
    WHERE p.organisation_id = {new}.organisation_id AND p.role_id = {new}.role_id
      AND p.id <> COALESCE({new}.id, -1)
      AND (r.single_seat OR p.person_id = {new}.person_id)
      AND p.start <= COALESCE({new}."end", '9999-12-31')
      AND COALESCE(p."end", '9999-12-31') >= {new}.start
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER position_no_overlap_{event.lower()} BEFORE {event} ON people_position
    BEGIN SELECT RAISE(ABORT, 'position_overlap') WHERE EXISTS ({OVERLAP.format(new="NEW")}); END;"""
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS position_no_overlap_insert",
    "DROP TRIGGER IF EXISTS position_no_overlap_update",
]
POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION position_no_overlap() RETURNS trigger AS $$
    BEGIN
      IF EXISTS ({OVERLAP.format(new="NEW")}) THEN
        RAISE EXCEPTION 'position_overlap' USING ERRCODE = 'exclusion_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER position_no_overlap BEFORE INSERT OR UPDATE ON people_position
    FOR EACH ROW EXECUTE FUNCTION position_no_overlap()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS position_no_overlap ON people_position",
    "DROP FUNCTION IF EXISTS position_no_overlap()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("people", "0001_registry")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
