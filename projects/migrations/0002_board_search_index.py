"""Full-text search over project titles and summaries: FTS5 on SQLite, tsvector on PostgreSQL.

SQLite keeps an external-content FTS5 table in step with `projects_project` through
triggers, so every write (the services, bulk loads, the admin) is indexed without code.
PostgreSQL derives a generated `tsvector` column with a GIN index.
`projects.search.text_filter` is the one place that queries either.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE projects_search USING fts5("
    "title, summary, content='projects_project', content_rowid='id', "
    "tokenize='porter unicode61', prefix='2 3 4')",
    "CREATE TRIGGER projects_search_insert AFTER INSERT ON projects_project BEGIN "
    "INSERT INTO projects_search(rowid, title, summary) VALUES (new.id, new.title, new.summary); "
    "END",
    "CREATE TRIGGER projects_search_delete AFTER DELETE ON projects_project BEGIN "
    "INSERT INTO projects_search(projects_search, rowid, title, summary) "
    "VALUES ('delete', old.id, old.title, old.summary); END",
    "CREATE TRIGGER projects_search_update AFTER UPDATE OF title, summary ON projects_project "
    "BEGIN "
    "INSERT INTO projects_search(projects_search, rowid, title, summary) "
    "VALUES ('delete', old.id, old.title, old.summary); "
    "INSERT INTO projects_search(rowid, title, summary) VALUES (new.id, new.title, new.summary); "
    "END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS projects_search_insert",
    "DROP TRIGGER IF EXISTS projects_search_delete",
    "DROP TRIGGER IF EXISTS projects_search_update",
    "DROP TABLE IF EXISTS projects_search",
]
POSTGRES_FORWARD = [
    "ALTER TABLE projects_project ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(summary, ''))) STORED",
    "CREATE INDEX projects_project_search ON projects_project USING GIN (search)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS projects_project_search",
    "ALTER TABLE projects_project DROP COLUMN IF EXISTS search",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_projects_workspace_and_board")]

    operations = [migrations.RunPython(forward, backward)]
