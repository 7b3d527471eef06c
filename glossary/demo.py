"""The shipped glossary for the demo: the terms of migration 0002, put back if missing.

A database emptied after migrating (a test flush, a restored dump) would otherwise have
no glossary; loading is idempotent and never touches an edited definition.
"""

from __future__ import annotations

from django.utils.text import slugify

from glossary.marking import forget
from glossary.models import Entry
from glossary.terms import TERMS


def seed() -> None:
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
    forget()
