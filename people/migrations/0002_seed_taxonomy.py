"""The shipped taxonomy, so that a fresh deployment has it before anyone edits it."""

from django.db import migrations
from django.utils.text import slugify

from people.services import TAXONOMY


def seed(apps, schema_editor):
    Term = apps.get_model("people", "Term")
    for kind, names in TAXONOMY.items():
        for position, name in enumerate(names):
            Term.objects.get_or_create(
                kind=kind, slug=slugify(name), defaults={"name": name, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_profiles_and_taxonomy")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
