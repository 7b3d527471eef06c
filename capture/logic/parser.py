"""A recursive-descent parser for REDCap branching logic and calculations. Never `eval`.

Precedence, loosest first: `or`; `and`; one comparison (`= <> != < <= > >=`);
`+ -`; `* /`; unary minus; `^` (right-associative, so `-2^2` is -4 and `2^3^2` is 512).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .errors import LogicError
from .nodes import COMPARISON, Binary, Boolean, Call, Negate, Node, Number, Text, Variable
from .signatures import ARITIES, DATE_FORMATS, DATEDIFF_UNITS, describe_arity
from .tokens import Token, tokenize

_COMPARISONS = (*COMPARISON, "!=")
_KEYWORDS = ("and", "or", "true", "false")


def parse(text: str, variables: Collection[str] | Mapping[str, str] | None = None) -> Node:
    """Read `text` into a tree, or raise LogicError naming the problem and its position.

    `variables`, when given, is the data dictionary: the names that may be referred to.
    A mapping of name to field type also checks checkbox references: `[chk(2)]` only
    for a checkbox field, and never a bare `[chk]`.
    """
    if not text.strip():
        raise LogicError("the expression is empty", 0)
    return _Parser(text, variables).parse()


class _Parser:
    def __init__(self, text: str, variables: Collection[str] | Mapping[str, str] | None) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.at = 0
        self.variables = variables

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
            return Text(token.text[1:-1])
        if token.kind == "var":
            self.advance()
            return self.variable(token)
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
        if word not in ARITIES:
            known = ", ".join(sorted(ARITIES))
            raise LogicError(f"unknown function {token.text!r}; known: {known}", token.position)
        self.advance()
        args = self.arguments(f"{word}( at character {token.position + 1}")
        call = Call(word, tuple(args))
        self.check_call(call, token.position)
        return call

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

    def variable(self, token: Token) -> Node:
        name = token.name or ""
        node = Variable(name, token.code)
        if self.variables is None:
            return node
        if name not in self.variables:
            raise LogicError(f"[{name}] is not a variable of this dictionary", token.position)
        if isinstance(self.variables, Mapping):
            is_checkbox = self.variables[name] == "checkbox"
            if is_checkbox and token.code is None:
                raise LogicError(
                    f"[{name}] is a checkbox: refer to one option as [{name}(code)]",
                    token.position,
                )
            if token.code is not None and not is_checkbox:
                raise LogicError(
                    f"[{name}({token.code})]: only checkbox fields have options to refer to",
                    token.position,
                )
        return node


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
