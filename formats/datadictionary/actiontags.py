"""Action tags in a field annotation: `@HIDDEN`, `@DEFAULT="[today]"`, `@CHARLIMIT=50`.

A tag starts with `@` at the start of the annotation or after white space; its name is
letters, digits, `_` and `-`. An argument follows `=` (a quoted text, or a bare word up to
the next space) or sits in parentheses (`@IF(...)`, `@CALCTEXT(...)`). Quotes are not
escaped, as in REDCap. RadCollab applies the tags in `APPLIED`; every other tag is kept
as written and reported as not applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APPLIED = frozenset(
    {
        "@HIDDEN",
        "@HIDDEN-FORM",
        "@READONLY",
        "@DEFAULT",
        "@SETVALUE",
        "@NOW",
        "@TODAY",
        "@PLACEHOLDER",
        "@CHARLIMIT",
        "@WORDLIMIT",
        "@NONEOFTHEABOVE",
        "@MAXCHECKED",
    }
)
# Tags whose meaning is their argument: without one they do nothing.
NEEDS_ARGUMENT = frozenset(
    {"@DEFAULT", "@SETVALUE", "@PLACEHOLDER", "@CHARLIMIT", "@WORDLIMIT", "@NONEOFTHEABOVE"}
)
WHOLE_NUMBER_ARGUMENT = frozenset({"@CHARLIMIT", "@WORDLIMIT", "@MAXCHECKED"})

_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_-]*")
_EQUALS = re.compile(r"[ \t]*=[ \t]*")
_BARE = re.compile(r"[^\s]*")
_WHOLE_NUMBER = re.compile(r"\s*\d+\s*")


@dataclass(frozen=True)
class ActionTag:
    name: str  # upper-case, with its @: "@DEFAULT"
    argument: str | None  # without its quotes or parentheses; None when none is given
    text: str  # as written in the annotation

    @property
    def applied(self) -> bool:
        return self.name in APPLIED

    @property
    def number(self) -> int | None:
        """A whole-number argument (`@CHARLIMIT=50`), or None."""
        if self.argument is None or not _WHOLE_NUMBER.fullmatch(self.argument):
            return None
        return int(self.argument)


def parse_action_tags(annotation: str) -> tuple[ActionTag, ...]:
    """Every tag of the annotation, in order; text that is not a tag is passed over."""
    tags: list[ActionTag] = []
    at = 0
    while (match := _NAME.search(annotation, at)) is not None:
        start = match.start()
        if start > 0 and not annotation[start - 1].isspace():
            at = match.end()
            continue
        argument, end = _argument(annotation, match.end())
        tags.append(ActionTag(match.group().upper(), argument, annotation[start:end]))
        at = max(end, match.end())
    return tuple(tags)


def _argument(text: str, at: int) -> tuple[str | None, int]:
    """The argument that starts at `at`, and where the tag ends."""
    if text.startswith("(", at):
        end = _closing_parenthesis(text, at)
        return (text[at + 1 : end], end + 1) if end >= 0 else (None, at)
    equals = _EQUALS.match(text, at)
    if equals is None:
        return None, at
    at = equals.end()
    if at < len(text) and text[at] in "\"'":
        end = text.find(text[at], at + 1)
        if end >= 0:
            return text[at + 1 : end], end + 1
    bare = _BARE.match(text, at)
    end = bare.end() if bare else at
    return text[at:end], end


def _closing_parenthesis(text: str, at: int) -> int:
    """The `)` that closes the `(` at `at`, skipping quoted text; -1 when there is none."""
    depth, quote = 0, ""
    for index in range(at, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1
