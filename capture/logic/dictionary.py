"""Every branching logic and calculation of a data dictionary, read at once.

`read_with_logic` reads a dictionary and its logic in one pass: every problem of the
file (columns, names, choices, validation, logic) comes in one `DataDictionaryError`, and
logic RadCollab does not evaluate is kept verbatim and reported on its field ("not
evaluated here"). `compile_dictionary` gives each field's trees, with what the
dictionary says about the fields they read (labels, decimal commas) set on them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import TextIO

from formats.datadictionary import (
    DataDictionary,
    Field,
    FieldType,
    ImportResult,
    LogicVerdict,
    read_data_dictionary,
)

from .errors import LogicError, NotEvaluated
from .form import FieldLogic
from .nodes import Binary, Call, Negate, Node, Variable
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


def check_expression(text: str, types: Mapping[str, str]) -> LogicVerdict:
    """The reader's logic check (`formats.datadictionary.LogicCheck`) by this parser."""
    try:
        return _verdict(parse(text, types))
    except LogicError as error:
        return _verdict(error)


@dataclass(frozen=True)
class CompiledDictionary:
    result: ImportResult
    logic: dict[str, FieldLogic]

    @property
    def dictionary(self) -> DataDictionary:
        return self.result.dictionary


def read_with_logic(
    source: str | bytes | TextIO, events: Collection[str] = ()
) -> CompiledDictionary:
    """Read a dictionary and compile its logic; DataDictionaryError lists every problem.

    Each expression is parsed once: the check keeps the tree for the compiling. `events`
    are a longitudinal study's unique event names, which `[event][field]` may name.
    """
    parsed: dict[str, Node | LogicError] = {}

    def check(text: str, types: Mapping[str, str]) -> LogicVerdict:
        try:
            parsed[text] = parse(text, types, events)
        except LogicError as error:
            parsed[text] = error
        return _verdict(parsed[text])

    result = read_data_dictionary(source, logic=check)
    return CompiledDictionary(result, _compile(result.dictionary, parsed))


def _verdict(tree: Node | LogicError) -> LogicVerdict:
    if isinstance(tree, NotEvaluated):
        return LogicVerdict(not_evaluated=tree.reasons)
    if isinstance(tree, LogicError):
        return LogicVerdict(problems=(str(tree),))
    return LogicVerdict()


def compile_dictionary(dictionary: DataDictionary) -> dict[str, FieldLogic]:
    """Each field's parsed logic, in dictionary order; raise with every problem found.

    Logic that is read but not evaluated here is left out of the trees and named in
    `FieldLogic.not_evaluated`.
    """
    return _compile(dictionary, {})


def _compile(
    dictionary: DataDictionary, parsed: Mapping[str, Node | LogicError]
) -> dict[str, FieldLogic]:
    known = _Known(dictionary, parsed)
    compiled: dict[str, FieldLogic] = {}
    problems: list[LogicProblem] = []
    for field in dictionary.fields:
        trees: list[Node | None] = []
        skipped: list[tuple[str, str]] = []
        for column, text in _expressions(field):
            try:
                trees.append(known.compile(text))
            except NotEvaluated as error:
                skipped.append((column, error.message))
                trees.append(None)
            except LogicError as error:
                problems.append(LogicProblem(field.name, column, error))
                trees.append(None)
        compiled[field.name] = FieldLogic(trees[0], trees[1], tuple(skipped))
    if problems:
        raise DictionaryLogicError(tuple(problems))
    return compiled


def _expressions(field: Field) -> tuple[tuple[str, str], tuple[str, str]]:
    calculation = field.calculation if field.field_type == FieldType.CALC else ""
    return (BRANCHING_COLUMN, field.branching_logic), (CALCULATION_COLUMN, calculation)


def _labels(field: Field) -> tuple[tuple[str, str], ...]:
    return tuple((choice.code, choice.label) for choice in field.effective_choices)


class _Known:
    """What the dictionary says about its fields, for parsing and annotating trees."""

    def __init__(self, dictionary: DataDictionary, parsed: Mapping[str, Node | LogicError]) -> None:
        self.parsed = parsed
        fields = dictionary.fields
        self.types = {f.name: str(f.field_type) for f in fields}
        self.labels = {f.name: _labels(f) for f in fields}
        self.commas = {f.name for f in fields if f.decimal_comma}

    def compile(self, text: str) -> Node | None:
        if not text.strip():
            return None
        tree = self.parsed.get(text)
        if isinstance(tree, LogicError):
            raise tree
        if tree is None:
            tree = parse(text, self.types)
        return annotate(tree, self.labels, self.commas)


def annotate(
    node: Node,
    labels: Mapping[str, tuple[tuple[str, str], ...]],
    commas: Collection[str] = (),
) -> Node:
    """The tree with what the dictionary says about each field it reads: the choice
    labels `[field:label]` shows, and whether values are written with a decimal comma."""
    if isinstance(node, Variable):
        wanted = labels.get(node.name, ()) if node.option == "label" else ()
        return replace(node, labels=wanted, comma=node.name in commas)
    if isinstance(node, Negate):
        return Negate(annotate(node.operand, labels, commas))
    if isinstance(node, Binary):
        return Binary(
            node.op, annotate(node.left, labels, commas), annotate(node.right, labels, commas)
        )
    if isinstance(node, Call):
        return Call(node.name, tuple(annotate(arg, labels, commas) for arg in node.args))
    return node
