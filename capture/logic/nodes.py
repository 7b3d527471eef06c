"""The tree that a parsed expression becomes, and its JSON form.

The JSON form is the contract with the browser: `capture/static/capture/logic.js`
evaluates exactly these objects, so a node's JSON shape must not change without
changing the script (and the shared table of cases that checks both agree).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

from .errors import LogicError
from .signatures import ARITIES

# A tree's JSON form, as `json.loads` gives it back and logic.js reads it. capture.logic
# is pure (no Django, no core): it spells its own recursive JSON type.
JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
JSON: TypeAlias = dict[str, JSONValue]


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


INSTANCES = (
    "current-instance",
    "previous-instance",
    "next-instance",
    "first-instance",
    "last-instance",
)
OPTIONS = ("value", "label")


@dataclass(frozen=True)
class Variable:
    """A field: `[name]`, `[name(code)]` for one option of a checkbox field,
    `[name:value]` or `[name:label]` (a choice's label), `[name][2]` or
    `[name][previous-instance]` for an instance of a repeating form, `[event][name]` for
    the field at another event of a longitudinal study (`event` is its unique name).

    `labels` and `comma` are not written in logic: `annotate` sets them from the data
    dictionary, so the tree alone says how to read the field (the browser has no
    dictionary).
    """

    name: str
    code: str | None = None
    instance: str | None = None  # digits, or one of INSTANCES
    option: str | None = None  # one of OPTIONS
    labels: tuple[tuple[str, str], ...] = ()  # code -> label, for `:label`
    comma: bool = False  # the field's values are written with a decimal comma
    event: str | None = None  # a unique event name: the field at that event

    def to_json(self) -> JSON:
        data: JSON = {"type": "var", "name": self.name}
        for key in ("code", "instance", "option", "event"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.labels:
            data["labels"] = [list(pair) for pair in self.labels]
        if self.comma:
            data["comma"] = True
        return data


@dataclass(frozen=True)
class Smart:
    """A smart variable RadCollab evaluates: `[record-name]`, `[current-instance]`, ..."""

    name: str

    def to_json(self) -> JSON:
        return {"type": "smart", "name": self.name}


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


Node = Number | Text | Boolean | Variable | Smart | Negate | Binary | Call

# The smart variables `Smart` may name; others are read but not evaluated.
SMART_VARIABLES = (
    "record-name",
    "record-dag-name",
    "current-instance",
    "event-name",
    "user-name",
    "is-form",
    "is-survey",
)

ARITHMETIC = ("+", "-", "*", "/", "^")
COMPARISON = ("=", "<>", "<", "<=", ">", ">=")
LOGICAL = ("and", "or")


def to_json(node: Node) -> JSON:
    return node.to_json()


def from_json(data: JSONValue) -> Node:
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
    if not isinstance(op, str) or op not in ARITHMETIC + COMPARISON + LOGICAL:
        raise ValueError(f"unknown operator {op!r}")
    return Binary(op, from_json(data["left"]), from_json(data["right"]))


def _variable(data: JSON) -> Node:
    code, instance, option = data.get("code"), data.get("instance"), data.get("option")
    if instance is not None and not (str(instance).isdigit() or instance in INSTANCES):
        raise ValueError(f"unknown instance {instance!r}")
    if option is not None and not (isinstance(option, str) and option in OPTIONS):
        raise ValueError(f"unknown piping option {option!r}")
    return Variable(
        str(data["name"]),
        None if code is None else str(code),
        None if instance is None else str(instance),
        option,
        _labels(data.get("labels", [])),
        bool(data.get("comma", False)),
    )


def _labels(data: JSONValue) -> tuple[tuple[str, str], ...]:
    """`labels`: [code, label] pairs."""
    if not isinstance(data, list):
        raise TypeError(f"labels must be a list of [code, label], not {type(data).__name__}")
    pairs = []
    for pair in data:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"a label must be [code, label], not {pair!r}")
        pairs.append((str(pair[0]), str(pair[1])))
    return tuple(pairs)


def _list(data: JSONValue) -> list[JSONValue]:
    if not isinstance(data, list):
        raise TypeError(f"expected a list, not {type(data).__name__}")
    return data


def _float(data: JSONValue) -> float:
    """`float(data)` for what JSON holds: a number, or a string that reads as one."""
    if isinstance(data, int | float | str):
        return float(data)
    raise TypeError(f"a number node's value must be a number, not {type(data).__name__}")


def _smart(data: JSON) -> Node:
    name = data["name"]
    if not isinstance(name, str) or name not in SMART_VARIABLES:
        raise ValueError(f"unknown smart variable {name!r}")
    return Smart(name)


_BUILDERS: dict[str, Callable[[JSON], Node]] = {
    "number": lambda data: Number(_float(data["value"])),
    "string": lambda data: Text(str(data["value"])),
    "bool": lambda data: Boolean(bool(data["value"])),
    "var": _variable,
    "smart": _smart,
    "neg": lambda data: Negate(from_json(data["operand"])),
    "binary": _binary,
    "call": lambda data: _call(data),
}


def _call(data: JSON) -> Node:
    name = str(data["name"])
    if name not in ARITIES:
        raise ValueError(f"unknown function {name!r}")
    return Call(name, tuple(from_json(arg) for arg in _list(data["args"])))


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
