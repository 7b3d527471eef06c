"""Reading every branching logic and calculation of a data dictionary at once."""

from __future__ import annotations

from dataclasses import dataclass

from formats.datadictionary import DataDictionary, FieldType

from .errors import LogicError
from .form import FieldLogic
from .parser import parse

BRANCHING_COLUMN = "Branching Logic (Show field only if...)"
CALCULATION_COLUMN = "Choices, Calculations, OR Slider Labels"


@dataclass(frozen=True)
class LogicProblem:
    field: str
    column: str
    error: LogicError

    def __str__(self) -> str:
        return f"{self.field}, {self.column}: {self.error}"


class DictionaryLogicError(ValueError):
    """Every expression of a dictionary that cannot be read, so all can be fixed at once."""

    def __init__(self, problems: tuple[LogicProblem, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def compile_dictionary(dictionary: DataDictionary) -> dict[str, FieldLogic]:
    """Each field's parsed logic, in dictionary order; raise with every problem found."""
    types = {field.name: str(field.field_type) for field in dictionary.fields}
    compiled: dict[str, FieldLogic] = {}
    problems: list[LogicProblem] = []
    for field in dictionary.fields:
        trees = []
        for column, text in (
            (BRANCHING_COLUMN, field.branching_logic),
            (CALCULATION_COLUMN, field.calculation if field.field_type == FieldType.CALC else ""),
        ):
            try:
                trees.append(parse(text, types) if text.strip() else None)
            except LogicError as error:
                problems.append(LogicProblem(field.name, column, error))
                trees.append(None)
        compiled[field.name] = FieldLogic(branching=trees[0], calc=trees[1])
    if problems:
        raise DictionaryLogicError(tuple(problems))
    return compiled
