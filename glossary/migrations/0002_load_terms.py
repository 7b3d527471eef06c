"""Load the shipped glossary. Later edits happen in the admin; reversing removes only these."""

from django.db import migrations
from django.utils.text import slugify


def load(apps, schema_editor):
    from glossary.terms import TERMS

    Entry = apps.get_model("glossary", "Entry")
    for term, expansion, definition, aliases in TERMS:
        Entry.objects.get_or_create(
            term=term,
            defaults={
                "expansion": expansion,
                "definition": definition,
                "aliases": aliases,
                "slug": slugify(term),
            },
        )


def unload(apps, schema_editor):
    from glossary.terms import TERMS

    apps.get_model("glossary", "Entry").objects.filter(term__in=[t[0] for t in TERMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("glossary", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
