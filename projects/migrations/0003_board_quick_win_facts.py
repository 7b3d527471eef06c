"""The quick-win facts a project row holds, kept by the services, so the board finds them by index."""

from django.conf import settings
from django.db import migrations, models


from importlib import import_module

READY = ("not_needed", "granted")
search_index = import_module("projects.migrations.0002_board_search_index")


def restore_search_triggers(apps, schema_editor):
    """SQLite adds a column by rebuilding the table, which drops its triggers: put the
    full-text triggers back and rebuild the index from the table."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in search_index.SQLITE_BACKWARD[:3] + search_index.SQLITE_FORWARD[1:]:
        schema_editor.execute(statement)
    schema_editor.execute("INSERT INTO projects_search(projects_search) VALUES ('rebuild')")


def backfill(apps, schema_editor):
    """Projects saved before the column: retrospective, approvals in place, an outcome."""
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(
        timing="retrospective",
        ethics__in=READY,
        audit_registration__in=READY,
        data_protection__in=READY,
    ).exclude(primary_outcome="").update(own_quick_facts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0001_initial'),
        ('people', '0002_seed_taxonomy'),
        ('projects', '0002_board_search_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='own_quick_facts',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['own_quick_facts', 'min_open_hours'], name='project_quick'),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
