"""Load the terms added to the shipped glossary since 0002 (PPI, ethics approval, the
Deauville score and the statistics of the results pages). Existing entries, perhaps
edited in the admin, are left as they are; reversing removes only the new ones."""

from django.db import migrations
from django.utils.text import slugify

ADDED = (
    "PPI",
    "Ethics approval",
    "Deauville score",
    "Confidence interval",
    "ROC curve",
    "AUC",
    "DeLong",
    "ICC",
    "Bland–Altman",  # noqa: RUF001 - the name is written with an en dash
    "Fleiss' kappa",
    "Repeatability",
)


# Spellings added to an entry of 0002, so that the training pages' "Associate principal
# investigator scheme" is explained as itself rather than as "principal investigator".
MORE_ALIASES = {"Associate PI": ("associate principal investigator",)}


def load(apps, schema_editor):
    from glossary.terms import TERMS

    Entry = apps.get_model("glossary", "Entry")
    for term, aliases in MORE_ALIASES.items():
        entry = Entry.objects.filter(term=term).first()
        if entry is None:
            continue
        known = [a.strip() for a in entry.aliases.split(";") if a.strip()]
        missing = [a for a in aliases if a.lower() not in {k.lower() for k in known}]
        if missing:
            entry.aliases = ";".join(known + missing)
            entry.save(update_fields=["aliases"])
    for term, expansion, definition, aliases in TERMS:
        if term in ADDED:
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
    apps.get_model("glossary", "Entry").objects.filter(term__in=ADDED).delete()


class Migration(migrations.Migration):
    dependencies = [("glossary", "0002_load_terms")]

    operations = [migrations.RunPython(load, unload)]
