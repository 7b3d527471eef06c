"""Full-text search over mentors: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL.

Both index `MentorStats.document`; `mentors.directory.text_matches` is the one place
that queries them.
"""

from django.db import migrations

# Prefix indexes make the directory's "word*" searches cheap for short prefixes.
SQLITE_FORWARD = (
    "CREATE VIRTUAL TABLE mentors_search USING fts5("
    "document, tokenize='porter unicode61', prefix='2 3 4')"
)
SQLITE_BACKWARD = "DROP TABLE IF EXISTS mentors_search"
POSTGRES_FORWARD = [
    "ALTER TABLE mentors_mentorstats ADD COLUMN search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', document)) STORED",
    "CREATE INDEX mentors_mentorstats_search ON mentors_mentorstats USING GIN (search)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS mentors_mentorstats_search",
    "ALTER TABLE mentors_mentorstats DROP COLUMN IF EXISTS search",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)
    elif vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("mentors", "0002_supervisions_and_track_records")]

    operations = [migrations.RunPython(forward, backward)]
