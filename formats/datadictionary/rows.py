"""One CSV record being read, and where its problems and issues are collected."""

from __future__ import annotations

from dataclasses import dataclass, field

from formats.datadictionary.model import Issue, Problem


@dataclass
class Findings:
    problems: list[Problem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]
    findings: Findings

    def raw(self, column: str) -> str:
        return self.cells.get(column, "")

    def text(self, column: str) -> str:
        """The cell without surrounding spaces, for cells that hold a code or a name."""
        return self.raw(column).strip()

    def problem(self, column: str, message: str) -> None:
        self.findings.problems.append(Problem(self.line, column, message))

    def issue(self, column: str, message: str) -> None:
        self.findings.issues.append(Issue(self.line, column, message))
