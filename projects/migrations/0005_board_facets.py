"""The board's categories as search words, indexed with the full text.

`Project.facets` holds words for the research type, subspecialty, modality, sites and
regions (`projects.board.facets_of`), kept by the project services. SQLite's FTS5
table gains a `facets` column (the table and its triggers are made again, and the
index rebuilt from the rows); PostgreSQL derives a second generated `tsvector` with
its own GIN index. Two filters then meet in one index lookup (see `board.py`).
"""

from importlib import import_module

from django.db import migrations, models

search_index = import_module("projects.migrations.0002_board_search_index")

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE projects_search USING fts5("
    "title, summary, facets, content='projects_project', content_rowid='id', "
    "tokenize='porter unicode61', prefix='2 3 4')",
    "CREATE TRIGGER projects_search_insert AFTER INSERT ON projects_project BEGIN "
    "INSERT INTO projects_search(rowid, title, summary, facets) "
    "VALUES (new.id, new.title, new.summary, new.facets); END",
    "CREATE TRIGGER projects_search_delete AFTER DELETE ON projects_project BEGIN "
    "INSERT INTO projects_search(projects_search, rowid, title, summary, facets) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facets); END",
    "CREATE TRIGGER projects_search_update AFTER UPDATE OF title, summary, facets "
    "ON projects_project BEGIN "
    "INSERT INTO projects_search(projects_search, rowid, title, summary, facets) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facets); "
    "INSERT INTO projects_search(rowid, title, summary, facets) "
    "VALUES (new.id, new.title, new.summary, new.facets); END",
    "INSERT INTO projects_search(projects_search) VALUES ('rebuild')",
]
POSTGRES_FORWARD = [
    "ALTER TABLE projects_project ADD COLUMN facet_search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', facets)) STORED",
    "CREATE INDEX projects_project_facet_search ON projects_project USING GIN (facet_search)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS projects_project_facet_search",
    "ALTER TABLE projects_project DROP COLUMN IF EXISTS facet_search",
]


BACKFILL_CHUNK = 2_000


def backfill(apps, schema_editor):
    """Projects saved before the column: their words, as `board.facets_of` writes them.

    In chunks by primary key, sites read as plain values and each chunk written with one
    `bulk_update`: saving row by row took about 9 minutes at 100,000 projects.
    """
    Project = apps.get_model("projects", "Project")
    places = Project.sites.through.objects
    last = 0
    while chunk := list(
        Project.objects.filter(pk__gt=last)
        .order_by("pk")
        .only("research_type", "subspecialty_id", "modality_id")[:BACKFILL_CHUNK]
    ):
        sites: dict[int, list[tuple[int, int]]] = {project.pk: [] for project in chunk}
        for project_id, site_id, region_id in places.filter(project_id__in=sites).values_list(
            "project_id", "site_id", "site__region_id"
        ):
            sites[project_id].append((site_id, region_id))
        for project in chunk:
            words = [f"ty{project.research_type}"]
            if project.subspecialty_id:
                words.append(f"sub{project.subspecialty_id}")
            if project.modality_id:
                words.append(f"mod{project.modality_id}")
            words += sorted({f"site{site}" for site, _ in sites[project.pk]})
            words += sorted({f"reg{region}" for _, region in sites[project.pk]})
            project.facets = " ".join(words)
        Project.objects.bulk_update(chunk, ["facets"])
        last = chunk[-1].pk


def index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # Adding a column may rebuild the table, which drops its triggers; make the
        # table and the triggers again with the new column, then index every row.
        for statement in search_index.SQLITE_BACKWARD + SQLITE_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def unindex(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in search_index.SQLITE_BACKWARD + search_index.SQLITE_FORWARD:
            schema_editor.execute(statement)
        schema_editor.execute("INSERT INTO projects_search(projects_search) VALUES ('rebuild')")
    elif vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_workspace_edits")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="facets",
            field=models.CharField(blank=True, editable=False, max_length=1000),
        ),
        # Backfill first: on SQLite no trigger exists yet, and the rebuild reads the words.
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
