"""An import's entries as the preview lists them: new, duplicate, possible or refused.

`Entry` is one entry of the file with its state, its reason and what committing it would
do (the fields it fills, the output it duplicates, a "became" link); `Preview` is the
whole file's. The states and the fields a duplicate fills are named here for the
sorting (`sorting.py`) and the writing (`writing.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from formats.bibliography import Format, Kind, Problem, Record
from outputs.models import Output

NEW, DUPLICATE, POSSIBLE, REFUSED = "new", "duplicate", "possible", "refused"
# Filled on a duplicate when empty; the order is the order a preview lists them in.
MERGED_FIELDS = (
    "doi",
    "pmid",
    "venue",
    "date",
    "abstract",
    "volume",
    "issue",
    "pages",
    "article_number",
    "publisher",
    "issn",
)
FIELD_LABELS = {
    "doi": "DOI",
    "pmid": "PMID",
    "venue": "venue",
    "date": "date",
    "abstract": "abstract",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "article_number": "article number",
    "publisher": "publisher",
    "issn": "ISSN",
}
# Identifiers name one work of one kind: never copied onto an output of another kind.
IDENTIFIERS = ("doi", "pmid")
PRESENTED = frozenset({Kind.ABSTRACT, Kind.POSTER, Kind.ORAL})
PUBLISHED_FORMS = frozenset({Kind.ARTICLE, Kind.PREPRINT, Kind.CHAPTER})
BATCH = 500
Progress = Callable[[str, int, int], None]


@dataclass
class Entry:
    record: Record
    state: str
    reason: str = ""
    existing: Output | None = None
    twin: Entry | None = None  # the earlier entry of the same file this one duplicates
    fills: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    # "became" links: the presentation this entry became, or the article it became.
    became_from: Output | Entry | None = None
    became: Output | Entry | None = None
    problem: Problem | None = None
    created: Output | None = None

    @property
    def where(self) -> str:
        return self.problem.where if self.problem else self.record.where

    @property
    def index(self) -> int:
        return self.record.index

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.record.warnings

    @property
    def kind_label(self) -> str:
        return Output.Kind(str(self.record.kind)).label if self.record.kind else ""

    @property
    def link_note(self) -> str:
        """'became the article “…”' or 'the abstract “…” became this'."""
        if self.became is not None:
            return f"will be linked: this became “{_title_of(self.became)}”"
        if self.became_from is not None:
            return f"will be linked: “{_title_of(self.became_from)}” became this"
        return ""


def _title_of(target: Output | Entry) -> str:
    return target.title if isinstance(target, Output) else target.record.title


@dataclass
class Preview:
    format: Format | None
    entries: list[Entry] = field(default_factory=list)
    problems: tuple[Problem, ...] = ()  # the file as a whole: nothing can be imported
    encoding: str = ""

    def _in(self, state: str) -> list[Entry]:
        return [e for e in self.entries if e.state == state]

    @property
    def new(self) -> list[Entry]:
        return self._in(NEW)

    @property
    def duplicates(self) -> list[Entry]:
        return self._in(DUPLICATE)

    @property
    def possible(self) -> list[Entry]:
        return self._in(POSSIBLE)

    @property
    def refused(self) -> list[Entry]:
        return self._in(REFUSED)

    @property
    def can_commit(self) -> bool:
        return not self.problems and bool(self.new or self.duplicates or self.possible)
