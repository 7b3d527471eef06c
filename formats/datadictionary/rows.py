"""One CSV record being read, and where its problems and issues are collected."""

from __future__ import annotations

from dataclasses import dataclass, field

from formats.datadictionary.model import NOT_APPLIED, Issue, Problem


@dataclass
class Findings:
    problems: list[Problem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """A record's cells by column (REDCap's display names), and every cell as written."""

    line: int
    cells: dict[str, str]
    findings: Findings
    present: frozenset[str] = frozenset()  # the columns the file's header has
    written: tuple[str, ...] = ()  # the record as read, in the file's own order

    def raw(self, column: str) -> str:
        return self.cells.get(column, "")

    def text(self, column: str) -> str:
        """The cell without surrounding spaces, for cells that hold a code or a name."""
        return self.raw(column).strip()

    def has(self, column: str) -> bool:
        return column in self.present

    def problem(self, column: str, message: str) -> None:
        self.findings.problems.append(Problem(self.line, column, message))

    def issue(self, column: str, message: str, kind: str = NOT_APPLIED) -> None:
        self.findings.issues.append(Issue(self.line, column, message, kind))
