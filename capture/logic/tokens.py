"""Splitting an expression into tokens, each with the offset it starts at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import LogicError


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, var, word, op, "(", ")", ",", end
    text: str
    position: int
    code: str | None = None  # the option code of a checkbox reference
    name: str | None = None  # the variable name of a reference


_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE = re.compile(r"\[\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(\s*([A-Za-z0-9_.-]+)\s*\)\s*)?\]")
_OPERATORS = ("<>", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "^")
_PUNCTUATION = "(),"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            at += 1
            continue
        token = _next_token(text, at)
        tokens.append(token)
        at = token.position + len(token.text)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _next_token(text: str, at: int) -> Token:
    char = text[at]
    if char == "[":
        return _variable(text, at)
    if char in "\"'":
        end = text.find(char, at + 1)
        if end < 0:
            raise LogicError(f"the text starting with {char} is never closed", at)
        return Token("string", text[at : end + 1], at)
    for pattern, kind in ((_NUMBER, "number"), (_WORD, "word")):
        match = pattern.match(text, at)
        if match:
            return Token(kind, match.group(), at)
    for operator in _OPERATORS:
        if text.startswith(operator, at):
            return Token("op", operator, at)
    if char in _PUNCTUATION:
        return Token(char, char, at)
    if text.startswith(("&&", "||"), at):
        word = "and" if char == "&" else "or"
        raise LogicError(f"{text[at : at + 2]} is not REDCap syntax: write '{word}'", at)
    raise LogicError(f"unexpected character {char!r}", at)


def _variable(text: str, at: int) -> Token:
    end = text.find("]", at)
    if end < 0:
        raise LogicError("a [ is never closed with ]", at)
    inside = text[at + 1 : end]
    if text.startswith("[", end + 1):
        raise LogicError(
            f"[{inside}][...]: event and instance references are not supported; "
            "refer to a field of this record as [field]",
            at,
        )
    match = _VARIABLE.match(text, at)
    if match:
        return Token("var", match.group(), at, code=match.group(2), name=match.group(1))
    if "-" in inside or ":" in inside:
        raise LogicError(f"[{inside}]: smart variables and piping options are not supported", at)
    raise LogicError(
        f"[{inside}] is not a field reference: a variable name starts with a letter and has "
        "only letters, digits and underscores",
        at,
    )
