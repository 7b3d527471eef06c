"""Changing what a rule refers to, on the tree: fields renamed, choice codes recoded.

A dictionary version may rename a field or recode a choice (`2, MRI` becomes `20, MRI`);
every branching logic and calculation that refers to them must follow, or it silently
stops working. These functions work on the parsed tree, never on the text, so `'2'`
inside another text, or compared with another field, is never touched. Write the result
back with `unparse`.

A reference to a code is `[field] = 'code'` (or `<>`, either side, a number or a text)
and `[field(code)]` for a checkbox option. The codes are matched as the evaluator
compares them, so `[modality] = 2` refers to code `2` as `[modality] = '2'` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .nodes import Binary, Call, Negate, Node, Number, Text, Variable
from .printer import unparse
from .values import Value, equal

ARCHIVE = "archive"  # a mapping's target when values of a code are set aside, not recoded
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_CHECKBOX_CODE = re.compile(r"[A-Za-z0-9_.-]+")


def rename_fields(node: Node, names: Mapping[str, str]) -> Node:
    """The tree with each field in `names` (old name -> new name) referred to by its new
    name; every other part is left as it is."""
    if isinstance(node, Variable):
        return replace(node, name=names.get(node.name, node.name))
    if isinstance(node, Negate):
        return Negate(rename_fields(node.operand, names))
    if isinstance(node, Binary):
        return Binary(node.op, rename_fields(node.left, names), rename_fields(node.right, names))
    if isinstance(node, Call):
        return Call(node.name, tuple(rename_fields(arg, names) for arg in node.args))
    return node


@dataclass(frozen=True)
class Codes:
    """How one choice field's codes change: labels before and after, and the mapping."""

    field: str  # the field's name in the new version
    old: Mapping[str, str]  # code -> label in the version in use
    new: Mapping[str, str]  # code -> label in the new version
    mapping: Mapping[str, str]  # old code -> new code, or ARCHIVE; unchanged codes absent

    def matching(self, value: Value) -> str | None:
        """The old code a literal stands for, as `=` would compare them."""
        return next((code for code in self.old if equal(value, code)), None)


@dataclass(frozen=True)
class Reference:
    """One place a rule refers to a code whose meaning changes."""

    field: str  # the choice field referred to
    code: str  # its old code
    before: str  # the reference as the rule writes it: [modality] = '2'
    after: str  # as rewritten ([modality] = '20'), or the same when it is not
    problem: str = ""  # why it would be left dead: applying is refused
    check: str = ""  # why a person should look at it (nothing is refused)


@dataclass(frozen=True)
class Recoded:
    tree: Node
    references: tuple[Reference, ...]


def recode(node: Node, changes: Mapping[str, Codes], *, carried: bool) -> Recoded:
    """Rewrite references to recoded choice codes, and say which would be left dead.

    `changes` are the choice fields whose codes change, by their new names. `carried`
    says the rule is the one the version in use had (up to renamed fields), so it was
    written for the old codes and every mapped code is rewritten. A rule the new version
    writes afresh was written for the new codes: only a code the new choices lack is
    rewritten. A code with no new code to go to (none stated, or archived) is a problem.
    """
    recoder = _Recoder(changes, carried)
    tree = recoder.visit(node)
    return Recoded(tree, tuple(recoder.found))


class _Recoder:
    def __init__(self, changes: Mapping[str, Codes], carried: bool) -> None:
        self.changes = changes
        self.carried = carried
        self.found: list[Reference] = []

    def visit(self, node: Node) -> Node:
        if isinstance(node, Variable):
            return self.variable(node)
        if isinstance(node, Binary):
            if node.op in ("=", "<>"):
                compared = self.comparison(node)
                if compared is not None:
                    return compared
            if node.op in ("<", "<=", ">", ">=") and self.ordered(node):
                return node
            return Binary(node.op, self.visit(node.left), self.visit(node.right))
        if isinstance(node, Negate):
            return Negate(self.visit(node.operand))
        if isinstance(node, Call):
            return Call(node.name, tuple(self.visit(arg) for arg in node.args))
        return node

    def variable(self, node: Variable) -> Node:
        change = self.changes.get(node.name)
        if change is None or node.option == "label":
            return node  # a label is not a code: recoding leaves it alone
        if node.code is None:
            self.read_as_value(node, change)
            return node
        if node.code not in change.old:
            return node
        target, problem, check = self.decide(change, node.code)
        if target is not None and not _CHECKBOX_CODE.fullmatch(target):
            problem = (
                f"the new code {target!r} of {change.field} cannot be written as "
                f"[{change.field}(code)]"
            )
            target = None
        rewritten = node if target is None else replace(node, code=target)
        self.note(change, node.code, node, rewritten, problem, check)
        return rewritten

    def comparison(self, node: Binary) -> Node | None:
        """`[field] = code` with a literal on either side; None when it is not one."""
        for variable, literal, left in (
            (node.left, node.right, True),
            (node.right, node.left, False),
        ):
            value = _literal_value(literal)
            if (
                not isinstance(variable, Variable)
                or variable.code is not None
                or variable.option == "label"
                or value is None
            ):
                continue
            change = self.changes.get(variable.name)
            if change is None:
                return None
            code = change.matching(value)
            if code is None:
                return node  # blank, or a value that was never a code: not recoded
            target, problem, check = self.decide(change, code)
            if target is not None and '"' in target and "'" in target:
                target, problem = None, f"the new code of {change.field} cannot be written in logic"
            new = literal if target is None else _literal_like(literal, target)
            pair = (variable, new) if left else (new, variable)
            rewritten = Binary(node.op, *pair)
            self.note(change, code, node, rewritten, problem, check)
            return rewritten
        return None

    def decide(self, change: Codes, code: str) -> tuple[str | None, str, str]:
        """(the code to write instead or None, the problem, what to check)."""
        target = change.mapping.get(code)
        gone = code not in change.new
        if target is not None and target != ARCHIVE and (self.carried or gone):
            return target, "", ""
        if target == ARCHIVE and (self.carried or gone):
            return None, f"code {code} of {change.field} is archived by this version", ""
        if gone:
            return None, f"code {code} of {change.field} is not among the new choices", ""
        old, new = change.old[code], change.new[code]
        if self.carried and old.casefold() != new.casefold():
            check = f"refers to code {code} of {change.field}, which was “{old}”, now “{new}”"
            return None, "", check
        return None, "", ""

    def ordered(self, node: Binary) -> bool:
        """`[grade] >= 3`: codes compared by order cannot be rewritten one by one."""
        sides = [side for side in (node.left, node.right) if isinstance(side, Variable)]
        change = next((self.changes[s.name] for s in sides if s.name in self.changes), None)
        if change is None or any(s.code is not None for s in sides):
            return False
        self.read_as_value(node, change)
        return True

    def read_as_value(self, node: Node, change: Codes) -> None:
        """A recoded field read other than against one code (`[grade] >= 3`, a sum)."""
        moves = {code: target for code, target in change.mapping.items() if target != ARCHIVE}
        if not (self.carried and moves):
            return
        listed = ", ".join(f"{code} → {target}" for code, target in moves.items())
        check = (
            f"reads the codes of {change.field} as values, and this version recodes them "
            f"({listed}): check that the rule still means what it should"
        )
        written = unparse(node)
        self.found.append(Reference(change.field, "", written, written, check=check))

    def note(
        self, change: Codes, code: str, before: Node, after: Node, problem: str, check: str
    ) -> None:
        if before == after and not problem and not check:
            return
        reference = Reference(change.field, code, unparse(before), unparse(after), problem, check)
        self.found.append(reference)


def _literal_value(node: Node) -> Value:
    if isinstance(node, Text | Number):
        return node.value
    if isinstance(node, Negate) and isinstance(node.operand, Number):
        return -node.operand.value
    return None


def _literal_like(literal: Node, code: str) -> Node:
    """`code` written the way the rule wrote the old one: as text, or as a number."""
    if isinstance(literal, Text):
        return Text(code)
    if _PLAIN_NUMBER.fullmatch(code):
        return Number(float(code))
    if code.startswith("-") and _PLAIN_NUMBER.fullmatch(code[1:]):
        return Negate(Number(float(code[1:])))
    return Text(code)
