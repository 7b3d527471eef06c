"""A recursive-descent parser for REDCap branching logic and calculations. Never `eval`.

Precedence, loosest first: `or`; `and`; one comparison (`= <> != < <= > >=`);
`+ -`; `* /`; unary minus; `^` (right-associative, so `-2^2` is -4 and `2^3^2` is 512).

`[event][field]` reads the field at another event of a longitudinal study (the event's
unique name, `baseline_arm_1`). What REDCap accepts but RadCollab does not evaluate (a
field at an event named by a smart variable, an instance at another event, a smart
variable or piping option not listed here, a function not in `ARITIES`) is read to the
end and then reported all at once by `NotEvaluated`; a syntax error anywhere wins.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from dataclasses import replace

from .errors import LogicError, NotEvaluated
from .nodes import (
    COMPARISON,
    INSTANCES,
    OPTIONS,
    SMART_VARIABLES,
    Binary,
    Boolean,
    Call,
    Negate,
    Node,
    Number,
    Smart,
    Text,
    Variable,
)
from .signatures import (
    ARITIES,
    DATE_FORMATS,
    DATEDIFF_UNITS,
    NOT_EVALUATED_FUNCTIONS,
    describe_arity,
)
from .tokens import Token, tokenize

_FIELD = re.compile(
    r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(\s*([A-Za-z0-9_.-]+)\s*\))?\s*(?::\s*([^\]]*?))?\s*"
)
_EVENT = re.compile(r"\s*[a-z][a-z0-9_]*\s*")
_INSTANCE = re.compile(r"\s*(\d+|[a-z]+-instance)\s*")
_SMART = re.compile(r"\s*([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\s*(?::([^\]]*))?")

_COMPARISONS = (*COMPARISON, "!=")
_KEYWORDS = ("and", "or", "true", "false")


def parse(
    text: str,
    variables: Collection[str] | Mapping[str, str] | None = None,
    events: Collection[str] = (),
) -> Node:
    """Read `text` into a tree, or raise LogicError naming the problem and its position.

    `variables`, when given, is the data dictionary: the names that may be referred to.
    A mapping of name to field type also checks checkbox references: `[chk(2)]` only
    for a checkbox field, and never a bare `[chk]`. `events` are a longitudinal study's
    unique event names: `[event][field]` of one of them is evaluated, any other is not.
    """
    if not text.strip():
        raise LogicError("the expression is empty", 0)
    parser = _Parser(text, variables)
    parser.events = frozenset(events)
    tree = parser.parse()
    if parser.skipped:
        raise NotEvaluated(tuple(parser.skipped))
    return tree


class _Parser:
    def __init__(self, text: str, variables: Collection[str] | Mapping[str, str] | None) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.at = 0
        self.variables = variables
        self.events: frozenset[str] = frozenset()
        self.skipped: list[tuple[str, int]] = []  # (what is not evaluated, where)

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def advance(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def is_word(self, word: str) -> bool:
        return self.token.kind == "word" and self.token.text.lower() == word

    def expect(self, kind: str, what: str) -> Token:
        if self.token.kind != kind:
            raise LogicError(
                f"expected {what} but found {self.describe(self.token)}", self.position
            )
        return self.advance()

    @property
    def position(self) -> int:
        return self.token.position

    @staticmethod
    def describe(token: Token) -> str:
        return "the end of the expression" if token.kind == "end" else repr(token.text)

    def parse(self) -> Node:
        node = self.logical_or()
        if self.token.kind != "end":
            raise LogicError(
                f"unexpected {self.describe(self.token)}: is an operator such as 'and' or '=' "
                "missing before it?",
                self.position,
            )
        return node

    def logical_or(self) -> Node:
        node = self.logical_and()
        while self.is_word("or"):
            self.advance()
            node = Binary("or", node, self.logical_and())
        return node

    def logical_and(self) -> Node:
        node = self.comparison()
        while self.is_word("and"):
            self.advance()
            node = Binary("and", node, self.comparison())
        return node

    def comparison(self) -> Node:
        node = self.additive()
        if self.token.kind == "op" and self.token.text in _COMPARISONS:
            op = self.advance().text
            op = "<>" if op == "!=" else op
            node = Binary(op, node, self.additive())
            if self.token.kind == "op" and self.token.text in _COMPARISONS:
                raise LogicError(
                    f"a second comparison {self.token.text!r} in a row is ambiguous: "
                    "join the comparisons with 'and'",
                    self.position,
                )
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            op = self.advance().text
            node = Binary(op, node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.token.kind == "op" and self.token.text in ("*", "/"):
            op = self.advance().text
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.token.kind == "op" and self.token.text in ("-", "+"):
            sign = self.advance().text
            operand = self.unary()
            return Negate(operand) if sign == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        if self.token.kind == "op" and self.token.text == "^":
            self.advance()
            return Binary("^", base, self.unary())
        return base

    def primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.advance()
            return Number(float(token.text))
        if token.kind == "string":
            self.advance()
            return Text(html.unescape(token.text[1:-1]))
        if token.kind == "ref":
            self.advance()
            return self.reference(token)
        if token.kind == "(":
            self.advance()
            node = self.logical_or()
            self.expect(")", "')' to close the '(' at character " + str(token.position + 1))
            return node
        if token.kind == "word":
            return self.word()
        raise LogicError(f"expected a value but found {self.describe(token)}", token.position)

    def word(self) -> Node:
        token = self.advance()
        word = token.text.lower()
        if word in ("true", "false"):
            return Boolean(word == "true")
        if word == "not":
            raise LogicError(
                "'not' is not REDCap syntax: use <> for 'is not equal to'", token.position
            )
        if word in _KEYWORDS:
            raise LogicError(f"'{word}' needs a condition before it", token.position)
        if self.token.kind != "(":
            raise LogicError(
                f"{token.text!r} is not a value: put field names in brackets ([{token.text}]) "
                "and text in quotes",
                token.position,
            )
        self.advance()
        args = self.arguments(f"{word}( at character {token.position + 1}")
        if word not in ARITIES:
            self.skip(_function_reason(token.text), token.position)
            return Text("")
        call = Call(word, tuple(args))
        self.check_call(call, token.position)
        return call

    def skip(self, reason: str, position: int) -> None:
        self.skipped.append((reason, position))

    def arguments(self, opened: str) -> list[Node]:
        args: list[Node] = []
        if self.token.kind == ")":
            self.advance()
            return args
        while True:
            args.append(self.logical_or())
            if self.token.kind == ",":
                self.advance()
                continue
            self.expect(")", f"',' or ')' to close {opened}")
            return args

    def check_call(self, call: Call, position: int) -> None:
        fewest, most = ARITIES[call.name]
        if not fewest <= len(call.args) <= most:
            raise LogicError(
                f"{call.name}() takes {describe_arity(call.name)} arguments, not {len(call.args)}",
                position,
            )
        if call.name == "datediff":
            _check_datediff(call, position)

    def reference(self, token: Token) -> Node:
        """A bracketed reference: a field, a field's instance, a field at an event, or a
        smart variable."""
        groups = token.groups
        fields = [_FIELD.fullmatch(group) for group in groups]
        at = token.position
        if len(groups) == 1 and fields[0] is not None:
            return self.variable(fields[0], None, at, token.text)
        if len(groups) == 1:
            return self.smart(groups[0], at, token.text)
        if len(groups) == 2 and fields[0] is not None and _INSTANCE.fullmatch(groups[1]):
            return self.variable(fields[0], groups[1].strip(), at, token.text)
        if len(groups) in (2, 3) and fields[1] is not None and _is_event(groups[0]):
            if len(groups) == 3 and not _INSTANCE.fullmatch(groups[2]):
                raise LogicError(f"{token.text}: the third [...] must be an instance", at)
            if len(groups) == 2 and groups[0].strip() in self.events:
                found = self.variable(fields[1], None, at, token.text)
                if isinstance(found, Variable):
                    return replace(found, event=groups[0].strip())
                return found
            self.check_field(fields[1].group(1), fields[1].group(2), fields[1].group(3), at)
            self.skip(f"{token.text} reads a field at another event", at)
            return Text("")
        raise LogicError(
            f"{token.text} is not a field reference: write [field], [field(code)], "
            "[event][field] or [field][instance]",
            at,
        )

    def variable(self, match: re.Match[str], instance: str | None, at: int, text: str) -> Node:
        name, code, option = match.group(1), match.group(2), match.group(3)
        self.check_field(name, code, option, at)
        if instance is not None and not instance.isdigit() and instance not in INSTANCES:
            self.skip(f"{text} names an instance RadCollab does not evaluate", at)
        if option is not None and (option.strip().lower() not in OPTIONS or code is not None):
            self.skip(f"{text} pipes with ':{option}', which RadCollab does not evaluate", at)
            return Text("")
        option = None if option is None else option.strip().lower()
        return Variable(name, code, instance, option)

    def smart(self, group: str, at: int, text: str) -> Node:
        match = _SMART.fullmatch(group)
        if match is None:
            raise LogicError(
                f"{text} is not a field reference: a variable name starts with a letter and "
                "has only letters, digits and underscores",
                at,
            )
        if match.group(1) in SMART_VARIABLES and match.group(2) is None:
            return Smart(match.group(1))
        self.skip(f"{text} is a smart variable RadCollab does not evaluate", at)
        return Text("")

    def check_field(self, name: str, code: str | None, option: str | None, at: int) -> None:
        """With a dictionary: the field exists, and checkbox options are used as such."""
        if self.variables is None:
            return
        if name not in self.variables:
            raise LogicError(f"[{name}] is not a variable of this dictionary", at)
        if isinstance(self.variables, Mapping):
            is_checkbox = self.variables[name] == "checkbox"
            if is_checkbox and code is None and option is None:
                raise LogicError(
                    f"[{name}] is a checkbox: refer to one option as [{name}(code)]", at
                )
            if code is not None and not is_checkbox:
                raise LogicError(
                    f"[{name}({code})]: only checkbox fields have options to refer to", at
                )


def _is_event(group: str) -> bool:
    """A unique event name (`baseline_arm_1`) or a smart variable (`[previous-event-name]`)."""
    return _EVENT.fullmatch(group) is not None or _SMART.fullmatch(group) is not None


def _function_reason(name: str) -> str:
    if name.lower() in NOT_EVALUATED_FUNCTIONS:
        return f"{name}() is a REDCap function RadCollab does not evaluate"
    return f"{name}() is not a function RadCollab evaluates (a newer REDCap function, or a typo?)"


def _check_datediff(call: Call, position: int) -> None:
    unit = call.args[2]
    if isinstance(unit, Text) and unit.value not in DATEDIFF_UNITS:
        raise LogicError(
            f"datediff() unit {unit.value!r} is not one of {', '.join(DATEDIFF_UNITS)}", position
        )
    extra = call.args[3:]
    if len(extra) == 2 and not isinstance(extra[1], Boolean):
        raise LogicError("datediff()'s fifth argument must be true or false", position)
    fmt = extra[0] if extra else None
    if isinstance(fmt, Text) and fmt.value.lower() not in DATE_FORMATS:
        raise LogicError(
            f"datediff() date format {fmt.value!r} is not one of {', '.join(DATE_FORMATS)}",
            position,
        )
    if fmt is not None and not isinstance(fmt, Text | Boolean):
        raise LogicError(
            "datediff()'s fourth argument must be a date format ('ymd', 'mdy', 'dmy') "
            "or true/false",
            position,
        )
    if len(extra) == 2 and not isinstance(fmt, Text):
        raise LogicError("datediff() with five arguments needs a date format fourth", position)
