"""REDCap branching logic and calculations: one safe parser, a tree, two evaluators.

Pure Python, no Django. `parse` reads an expression into a tree (never `eval`);
`evaluate` runs it on the server (reading a `Context` for what is not in the record);
`to_json` gives the tree that
`capture/static/capture/logic.js` runs in the browser, so both always agree
(`capture/tests/logic_cases.json` holds the cases both must pass). `unparse` writes a
tree back as text, so a rule can be rewritten as a tree (`rewrite`: a field renamed, a
choice recoded; `changes`: what a dictionary version does to every rule). See
docs/capture-logic.md for the syntax and the semantics chosen.
"""

from __future__ import annotations

from .dictionary import (
    CompiledDictionary,
    DictionaryLogicError,
    LogicProblem,
    annotate,
    check_expression,
    compile_dictionary,
    read_with_logic,
)
from .errors import LogicError, NotEvaluated
from .evaluator import Context, evaluate, is_shown
from .form import FieldLogic, Resolution, resolve
from .nodes import SMART_VARIABLES, Node, from_json, to_json, variables
from .parser import parse
from .printer import unparse
from .rewrite import Codes, Recoded, Reference, recode, rename_fields
from .signatures import ARITIES
from .values import Raw, Stored, Value, format_value, to_bool

FUNCTIONS = tuple(sorted(ARITIES))

__all__ = [
    "FUNCTIONS",
    "SMART_VARIABLES",
    "Codes",
    "CompiledDictionary",
    "Context",
    "DictionaryLogicError",
    "FieldLogic",
    "LogicError",
    "LogicProblem",
    "Node",
    "NotEvaluated",
    "Raw",
    "Recoded",
    "Reference",
    "Resolution",
    "Stored",
    "Value",
    "annotate",
    "check_expression",
    "compile_dictionary",
    "evaluate",
    "format_value",
    "from_json",
    "is_shown",
    "parse",
    "read_with_logic",
    "recode",
    "rename_fields",
    "resolve",
    "to_bool",
    "to_json",
    "unparse",
    "variables",
]
