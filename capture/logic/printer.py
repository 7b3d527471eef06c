"""Writing a tree back as REDCap logic: the inverse of `parse`.

`parse(unparse(tree)) == tree` for every tree the parser makes, so a rule can be read,
changed as a tree (a field renamed, a choice code recoded) and written back without
touching anything else it says. Parentheses are written only where precedence needs
them; spacing, quote style and the case of keywords follow one house style, so the text
may differ from what a person typed while meaning exactly the same.
"""

from __future__ import annotations

import html
import math
import re

from .errors import LogicError
from .nodes import COMPARISON, Binary, Boolean, Call, Negate, Node, Number, Smart, Text, Variable
from .values import number_text

# Binding strength, loosest first, as the parser reads it (see parser.py).
_OR, _AND, _COMPARE, _ADD, _MULTIPLY, _UNARY, _POWER, _ATOM = range(1, 9)
_LEVELS = {
    "or": _OR,
    "and": _AND,
    **dict.fromkeys(COMPARISON, _COMPARE),
    "+": _ADD,
    "-": _ADD,
    "*": _MULTIPLY,
    "/": _MULTIPLY,
    "^": _POWER,
}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CODE = re.compile(r"[A-Za-z0-9_.-]+")


def unparse(node: Node) -> str:
    """The logic text of `node`; LogicError if a part cannot be written (a text holding
    both quote marks, a field name or checkbox code REDCap could not read back)."""
    return _written(node, _OR)


def _level(node: Node) -> int:
    if isinstance(node, Binary):
        return _LEVELS[node.op]
    if isinstance(node, Negate) or (isinstance(node, Number) and node.value < 0):
        return _UNARY
    return _ATOM


def _written(node: Node, least: int) -> str:
    """`node` as text, in parentheses when it binds more loosely than its place needs."""
    text = _bare(node)
    return f"({text})" if _level(node) < least else text


def _bare(node: Node) -> str:
    if isinstance(node, Binary):
        return _binary(node)
    if isinstance(node, Negate):
        return "-" + _written(node.operand, _UNARY)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(_written(arg, _OR) for arg in node.args)})"
    if isinstance(node, Variable):
        return _variable(node)
    if isinstance(node, Smart):
        return f"[{node.name}]"
    if isinstance(node, Text):
        return _text(node.value)
    if isinstance(node, Boolean):
        return "true" if node.value else "false"
    return _number(node.value)


def _binary(node: Binary) -> str:
    level = _LEVELS[node.op]
    if node.op == "^":
        # The base is a single value; the exponent may carry a sign or another power.
        left, right = _written(node.left, _ATOM), _written(node.right, _UNARY)
    elif level == _COMPARE:
        # One comparison at a time: `a = b = c` does not parse.
        left, right = _written(node.left, _ADD), _written(node.right, _ADD)
    else:
        # Left-associative: `a - b - c` is `(a - b) - c`, so the right side needs brackets.
        left, right = _written(node.left, level), _written(node.right, level + 1)
    return f"{left} {node.op} {right}"


def _variable(node: Variable) -> str:
    if not _NAME.fullmatch(node.name):
        raise LogicError(f"{node.name!r} cannot be written as a field name", 0)
    inside = node.name
    if node.code is not None:
        if not _CODE.fullmatch(node.code):
            raise LogicError(
                f"code {node.code!r} cannot be written as [{node.name}(code)]: a checkbox "
                "code in logic has only letters, digits, '_', '.' and '-'",
                0,
            )
        inside += f"({node.code})"
    if node.option is not None:
        inside += f":{node.option}"
    event = f"[{node.event}]" if node.event is not None else ""
    return event + f"[{inside}]" + (f"[{node.instance}]" if node.instance is not None else "")


def _text(value: str) -> str:
    # The parser decodes HTML entities, so an `&` that would read as one is written `&amp;`.
    if html.unescape(value) != value:
        value = value.replace("&", "&amp;")
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise LogicError(f"{value!r} holds both quote marks and cannot be written in logic", 0)


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise LogicError(f"{value} is not a number logic can hold", 0)
    return number_text(value)
