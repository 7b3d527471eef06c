"""Audit rows stay immutable except for one change: a deleted account's name and email
become its pseudonym ("Former member #12") in the rows that named it, and the values
of the person's own profile edits are emptied. Every other column must stay as it was;
the database refuses anything else (accounts/data_rights.py does the pseudonymising).
"""

from django.db import migrations

SAME = [
    "id", "at", "action", "actor_id", "object_type", "object_id", "site_id", "site_label",
    "reason", "scope",
]  # fmt: skip
PSEUDONYM = "'Former member #%'"


def _allowed(json_empty: str) -> str:
    same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in SAME)
    return (
        f"{same}"
        f" AND (NEW.actor_label = OLD.actor_label OR NEW.actor_label LIKE {PSEUDONYM})"
        f" AND (NEW.object_label = OLD.object_label OR NEW.object_label LIKE {PSEUDONYM})"
        f" AND (NEW.changes = OLD.changes OR (OLD.object_type = 'accounts.user'"
        f" AND NEW.changes = {json_empty}))"
    )


POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_refuse_update() RETURNS trigger AS $$
BEGIN
    IF {_allowed("'{}'::jsonb")} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are immutable';
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES_BACKWARD = """
CREATE OR REPLACE FUNCTION audit_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are immutable';
END;
$$ LANGUAGE plpgsql;
"""
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
WHEN NOT ({_allowed("'{}'").replace("IS NOT DISTINCT FROM", "IS")})
BEGIN
    SELECT RAISE(ABORT, 'audit events are immutable');
END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are immutable');
END;""",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_scope")]

    operations = [migrations.RunPython(forward, backward)]
