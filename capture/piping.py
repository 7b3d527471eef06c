"""Piping: `[field]` inside a label, a note or an action tag shows the field's value.

As REDCap pipes: a field with choices shows its choice's label (`[field:value]` the
code), a checkbox its ticked labels, a calc field its number, a smart variable
(`[record-name]`, `[user-name]`, ...) what the `Context` holds; a blank shows as a line,
`______`. Each piece is parsed by the logic parser and evaluated by the same evaluator
as branching logic, and `logic.js` evaluates the same trees in the browser, so the
server's page and the live one agree. Brackets that are not a field of the dictionary
(`[see note]`) or logic RadCollab does not evaluate (`[event][field]`) stay as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from capture.logic import Context, LogicError, Node, Raw, annotate, evaluate, format_value, parse
from capture.logic.nodes import JSON, Smart, Variable
from formats.datadictionary import Field, FieldType

BLANK = "______"
_PIECE = re.compile(r"\[[^\[\]\n]+\](?:\[[^\[\]\n]+\])?")


@dataclass(frozen=True)
class Pipes:
    """What the dictionary says about the fields piping may read."""

    names: frozenset[str]
    labels: Mapping[str, tuple[tuple[str, str], ...]]
    commas: frozenset[str]
    with_labels: frozenset[str]  # fields whose bare `[field]` shows the choice's label

    @classmethod
    def of(cls, fields: tuple[Field, ...] | list[Field]) -> Pipes:
        labels = {
            f.name: tuple((c.code, c.label) for c in f.effective_choices)
            for f in fields
            if f.effective_choices
        }
        return cls(
            names=frozenset(f.name for f in fields),
            labels=labels,
            commas=frozenset(f.name for f in fields if f.decimal_comma),
            with_labels=frozenset(
                f.name for f in fields if f.effective_choices or f.field_type is FieldType.SQL
            ),
        )

    def tree(self, piece: str) -> Node | None:
        """The tree a bracketed piece pipes, or None when it is not one RadCollab pipes."""
        try:
            tree = parse(piece, self.names)
        except LogicError:
            return None
        if not isinstance(tree, Variable):
            return tree if isinstance(tree, Smart) else None
        if tree.option is None and tree.code is None and tree.name in self.with_labels:
            tree = replace(tree, option="label")
        return annotate(tree, self.labels, self.commas)


def piped_text(
    text: str, pipes: Pipes, values: Mapping[str, Raw], context: Context | None = None
) -> str:
    """`text` with each piece replaced by its value as text (an action tag's argument)."""

    def value(match: re.Match[str]) -> str:
        tree = pipes.tree(match.group())
        if tree is None:
            return match.group()
        return format_value(evaluate(tree, values, context=context))

    return _PIECE.sub(value, text) if "[" in text else text


@dataclass
class Piped:
    """HTML with each piece drawn as `<span data-pipe="n">value</span>`; `trees[n]` is the
    tree the browser re-evaluates as the person types (the `capture-pipes` island)."""

    trees: list[JSON]

    def html(
        self, markup: str, pipes: Pipes, values: Mapping[str, Raw], context: Context | None
    ) -> str:
        """Sanitised `markup` with its pieces piped (brackets inside a tag are left alone)."""
        if "[" not in markup:
            return markup
        out: list[str] = []
        for part in re.split(r"(<[^>]*>)", markup):
            out.append(part if part.startswith("<") else self._text(part, pipes, values, context))
        return "".join(out)

    def _text(
        self, text: str, pipes: Pipes, values: Mapping[str, Raw], context: Context | None
    ) -> str:
        def span(match: re.Match[str]) -> str:
            piece = html.unescape(match.group())
            tree = pipes.tree(piece)
            if tree is None:
                return match.group()
            shown = format_value(evaluate(tree, values, context=context)) or BLANK
            self.trees.append(tree.to_json())
            index = len(self.trees) - 1
            return f'<span class="piped" data-pipe="{index}">{html.escape(shown)}</span>'

        return _PIECE.sub(span, text)
