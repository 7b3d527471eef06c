"""Splitting an expression into tokens, each with the offset it starts at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import LogicError


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, ref, word, op, "(", ")", ",", end
    text: str
    position: int
    # For a ref: the text inside each bracket of `[a][b]...`, in order.
    groups: tuple[str, ...] = ()


_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
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
        return _reference(text, at)
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


def _reference(text: str, at: int) -> Token:
    """`[name]`, or a run of brackets such as `[event][name]` or `[name][2]`."""
    groups: list[str] = []
    end = at
    while text.startswith("[", end):
        close = text.find("]", end)
        if close < 0:
            raise LogicError("a [ is never closed with ]", end)
        inside = text[end + 1 : close]
        if "[" in inside:
            raise LogicError(f"[{inside}: a [ is opened before the previous one is closed", end)
        groups.append(inside)
        end = close + 1
    return Token("ref", text[at:end], at, tuple(groups))
