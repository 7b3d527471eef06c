"""What a new dictionary version does to the branching logic and calculations.

Given the version in use, the new one, which old field each kept field was (renames) and
the admin's code mappings, `rule_changes` lists every rule that refers to a renamed
field or to a choice code that changes, each with the text before, the text applying
leaves, and any reference that would be left dead. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from formats.datadictionary import Field, FieldType

from .errors import LogicError
from .nodes import Node, variables
from .parser import parse
from .printer import unparse
from .rewrite import ARCHIVE, Codes, Reference, recode, rename_fields

BRANCHING = "branching logic"
CALCULATION = "calculation"
_CHOICE_TYPES = frozenset(
    {FieldType.DROPDOWN, FieldType.RADIO, FieldType.CHECKBOX, FieldType.YESNO, FieldType.TRUEFALSE}
)


@dataclass(frozen=True)
class RuleChange:
    """One rule that refers to a renamed field or a recoded choice."""

    field: str  # the field the rule belongs to, by its name in the new version
    column: str  # BRANCHING or CALCULATION
    before: str  # the rule in the version in use ("" for a field the new version adds)
    proposed: str  # the rule as the new version writes it
    after: str  # the rule once applied: `proposed`, or it rewritten
    renamed: tuple[tuple[str, str], ...]  # fields it reads under a new name: (old, new)
    references: tuple[Reference, ...]

    @property
    def rewritten(self) -> bool:
        return self.after != self.proposed

    @property
    def dead(self) -> tuple[Reference, ...]:
        return tuple(r for r in self.references if r.problem)

    @property
    def checks(self) -> tuple[Reference, ...]:
        return tuple(r for r in self.references if r.check)


def code_changes(
    old: Sequence[Field],
    new: Sequence[Field],
    names: Mapping[str, str],
    mappings: Mapping[str, Mapping[str, str]],
) -> dict[str, Codes]:
    """The choice fields whose codes change, by new name: a code gone, relabelled or mapped."""
    new_by = {f.name: f for f in new}
    found: dict[str, Codes] = {}
    for before in old:
        after = new_by.get(names.get(before.name, ""))
        if after is None or not {before.field_type, after.field_type} <= _CHOICE_TYPES:
            continue
        labels = {c.code: c.label for c in before.effective_choices}
        new_labels = {c.code: c.label for c in after.effective_choices}
        mapping = {k: v for k, v in mappings.get(after.name, {}).items() if k != v}
        relabelled = any(
            code in new_labels and new_labels[code].casefold() != label.casefold()
            for code, label in labels.items()
        )
        if mapping or relabelled or set(labels) - set(new_labels):
            found[after.name] = Codes(after.name, labels, new_labels, mapping)
    return found


def rule_changes(
    old: Sequence[Field],
    new: Sequence[Field],
    names: Mapping[str, str],
    mappings: Mapping[str, Mapping[str, str]],
) -> list[RuleChange]:
    """Every rule of `new` that reads a renamed field or a choice whose codes change.

    `names` maps each kept field's old name to its new one; `mappings` are the admin's
    code mappings (old code -> new code or ARCHIVE) by new field name. Rules that cannot
    be read are left to the dictionary's own check.
    """
    changes = code_changes(old, new, names, mappings)
    renamed = {o: n for o, n in names.items() if o != n}
    old_of = {names[f.name]: f for f in old if f.name in names}
    found: list[RuleChange] = []
    for field in new:
        for column, text, before in _rules(field, old_of.get(field.name)):
            change = _rule_change(field.name, column, text, before, changes, renamed)
            if change is not None:
                found.append(change)
    return found


def _rules(field: Field, old: Field | None) -> Iterator[tuple[str, str, str]]:
    """(column, the new rule, the rule before) for each rule the field has."""
    yield BRANCHING, field.branching_logic, old.branching_logic if old else ""
    if field.field_type == FieldType.CALC:
        calculated = old is not None and old.field_type == FieldType.CALC
        yield CALCULATION, field.calculation, old.calculation if old and calculated else ""


def _rule_change(
    name: str,
    column: str,
    text: str,
    before: str,
    changes: Mapping[str, Codes],
    renamed: Mapping[str, str],
) -> RuleChange | None:
    tree = _tree(text)
    if tree is None:
        return None
    old_tree = _tree(before)
    carried = old_tree is not None and rename_fields(old_tree, renamed) == tree
    recoded = recode(tree, changes, carried=carried)
    reads = set(variables(tree))
    renames = tuple((o, n) for o, n in renamed.items() if n in reads)
    # A rule rewritten by hand for a field whose codes change is listed too, so the
    # preview shows every rule that reads a changed code, before and after.
    rewritten_by_hand = bool(before.strip()) and not carried and bool(reads & set(changes))
    if not recoded.references and not renames and not rewritten_by_hand:
        return None
    after = unparse(recoded.tree) if recoded.tree != tree else text
    return RuleChange(name, column, before, text, after, renames, recoded.references)


def _tree(text: str) -> Node | None:
    if not text.strip():
        return None
    try:
        return parse(text)
    except LogicError:
        return None


__all__ = [
    "ARCHIVE",
    "BRANCHING",
    "CALCULATION",
    "Codes",
    "Reference",
    "RuleChange",
    "code_changes",
    "rule_changes",
]
