"""The full-text `matches` lookup on a mentor's search document, one SQL per database.

    MentorProfile.objects.filter(stats__document__matches="neuro mri")

On PostgreSQL it tests the generated `search` tsvector of the same row (GIN-indexed);
on SQLite it looks the row up in the FTS5 table. Both treat each word as a prefix and
need all words; only word characters reach the search syntax.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models


def search_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def tsquery(words: list[str]) -> str:
    """PostgreSQL: every word, each as a prefix."""
    return " & ".join(f"{word}:*" for word in words)


def fts5_query(words: list[str]) -> str:
    """SQLite FTS5: every word, each quoted (so no word is read as syntax) and a prefix."""
    return " AND ".join(f'"{word}"*' for word in words)


class SearchDocumentField(models.TextField):
    """The text a full-text index is built from (see migration mentors 0003)."""


@SearchDocumentField.register_lookup
class Matches(models.Lookup):
    lookup_name = "matches"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column, params = self.process_lhs(compiler, connection)
        words = search_words(str(self.rhs))
        if not words:
            return "1 = 1", list(params)
        table = column.rsplit(".", 1)[0]
        if connection.vendor == "postgresql":
            return f"{table}.search @@ to_tsquery('english', %s)", [*params, tsquery(words)]
        fts = "SELECT rowid FROM mentors_search WHERE mentors_search MATCH %s"
        return f"{table}.profile_id IN ({fts})", [*params, fts5_query(words)]
