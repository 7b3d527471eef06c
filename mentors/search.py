"""The full-text `matches` lookup on a mentor's search document, one SQL per database.

    MentorStats.objects.filter(document__matches=TextQuery("neuro mri", terms=(12,)))

On PostgreSQL it tests the generated `search` tsvector of the same row (GIN-indexed);
on SQLite it looks the row up in the FTS5 table. Both treat each word as a prefix and
need all words; only word characters reach the search syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


def search_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def term_token(term_id: int) -> str:
    """The token a taxonomy term adds to a mentor's search document (see stats._document)."""
    return f"rcterm{term_id}"


@dataclass(frozen=True)
class TextQuery:
    """Words typed by a person (each a prefix) and taxonomy terms that must all be present."""

    text: str = ""
    terms: tuple[int, ...] = ()

    @property
    def words(self) -> list[str]:
        return search_words(self.text)

    @property
    def tokens(self) -> list[str]:
        return [term_token(term) for term in self.terms]

    def __bool__(self) -> bool:
        return bool(self.words or self.terms)


def tsquery(query: TextQuery) -> str:
    """PostgreSQL: every word as a prefix, every term token exactly."""
    return " & ".join([*(f"{word}:*" for word in query.words), *query.tokens])


def fts5_query(query: TextQuery) -> str:
    """SQLite FTS5: every word quoted (so no word is read as syntax) and a prefix."""
    return " AND ".join([*(f'"{word}"*' for word in query.words), *query.tokens])


class SearchDocumentField(models.TextField):
    """The text a full-text index is built from (see migration mentors 0003)."""


@SearchDocumentField.register_lookup
class Matches(models.Lookup):
    lookup_name = "matches"
    prepare_rhs = False  # the right-hand side is a TextQuery (or plain text), not a column value

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[str | int]]:
        column, params = self.process_lhs(compiler, connection)
        query = self.rhs if isinstance(self.rhs, TextQuery) else TextQuery(str(self.rhs))
        if not query:
            return "1 = 1", list(params)
        table = column.rsplit(".", 1)[0]
        if connection.vendor == "postgresql":
            return f"{table}.search @@ to_tsquery('english', %s)", [*params, tsquery(query)]
        fts = "SELECT rowid FROM mentors_search WHERE mentors_search MATCH %s"
        return f"{table}.profile_id IN ({fts})", [*params, fts5_query(query)]
