"""The tree that a parsed expression becomes, and its JSON form.

The JSON form is the contract with the browser: `capture/static/capture/logic.js`
evaluates exactly these objects, so a node's JSON shape must not change without
changing the script (and the shared table of cases that checks both agree).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .errors import LogicError
from .signatures import ARITIES

JSON = dict[str, Any]


@dataclass(frozen=True)
class Number:
    value: float

    def to_json(self) -> JSON:
        return {"type": "number", "value": self.value}


@dataclass(frozen=True)
class Text:
    value: str

    def to_json(self) -> JSON:
        return {"type": "string", "value": self.value}


@dataclass(frozen=True)
class Boolean:
    value: bool

    def to_json(self) -> JSON:
        return {"type": "bool", "value": self.value}


@dataclass(frozen=True)
class Variable:
    """`[name]`, or `[name(code)]` for one option of a checkbox field."""

    name: str
    code: str | None = None

    def to_json(self) -> JSON:
        if self.code is None:
            return {"type": "var", "name": self.name}
        return {"type": "var", "name": self.name, "code": self.code}


@dataclass(frozen=True)
class Negate:
    operand: Node

    def to_json(self) -> JSON:
        return {"type": "neg", "operand": self.operand.to_json()}


@dataclass(frozen=True)
class Binary:
    """Arithmetic (`+ - * / ^`), comparison (`= <> < <= > >=`) or logic (`and`, `or`)."""

    op: str
    left: Node
    right: Node

    def to_json(self) -> JSON:
        return {
            "type": "binary",
            "op": self.op,
            "left": self.left.to_json(),
            "right": self.right.to_json(),
        }


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]

    def to_json(self) -> JSON:
        return {"type": "call", "name": self.name, "args": [arg.to_json() for arg in self.args]}


Node = Number | Text | Boolean | Variable | Negate | Binary | Call

ARITHMETIC = ("+", "-", "*", "/", "^")
COMPARISON = ("=", "<>", "<", "<=", ">", ">=")
LOGICAL = ("and", "or")


def to_json(node: Node) -> JSON:
    return node.to_json()


def from_json(data: Any) -> Node:
    """Rebuild a tree stored as JSON, refusing anything that `parse` could not have made."""
    if not isinstance(data, dict):
        raise LogicError(f"a logic tree node must be an object, not {type(data).__name__}", 0)
    kind = data.get("type")
    builder = _BUILDERS.get(kind) if isinstance(kind, str) else None
    if builder is None:
        raise LogicError(f"unknown logic tree node type {kind!r}", 0)
    try:
        return builder(data)
    except (KeyError, TypeError, ValueError) as error:
        raise LogicError(f"malformed {kind} node: {error}", 0) from error


def _binary(data: JSON) -> Node:
    op = data["op"]
    if op not in ARITHMETIC + COMPARISON + LOGICAL:
        raise ValueError(f"unknown operator {op!r}")
    return Binary(op, from_json(data["left"]), from_json(data["right"]))


def _variable(data: JSON) -> Node:
    code = data.get("code")
    return Variable(str(data["name"]), None if code is None else str(code))


_BUILDERS: dict[str, Any] = {
    "number": lambda data: Number(float(data["value"])),
    "string": lambda data: Text(str(data["value"])),
    "bool": lambda data: Boolean(bool(data["value"])),
    "var": _variable,
    "neg": lambda data: Negate(from_json(data["operand"])),
    "binary": _binary,
    "call": lambda data: _call(data),
}


def _call(data: JSON) -> Node:
    name = str(data["name"])
    if name not in ARITIES:
        raise ValueError(f"unknown function {name!r}")
    return Call(name, tuple(from_json(arg) for arg in data["args"]))


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, the root first."""
    yield node
    if isinstance(node, Negate):
        yield from walk(node.operand)
    elif isinstance(node, Binary):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)


def variables(node: Node) -> tuple[str, ...]:
    """Names of the fields the expression reads, each once, in order of appearance."""
    names = (item.name for item in walk(node) if isinstance(item, Variable))
    return tuple(dict.fromkeys(names))
