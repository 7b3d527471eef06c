"""Variable references in REDCap branching logic and calculations, and how the reader
checks an expression.

Only names are extracted here: `[age]`, `[findings(2)]` for a checkbox option,
`[baseline_arm_1][age]` for a field at an event, `[age][2]` for an instance and
`[age:label]` all refer to a variable. Smart variables such as `[event-name]` contain
hyphens, which no variable name may, so they are not mistaken for variables.

The reader checks each expression with a `LogicCheck`. Without one it checks only that
the names exist; the capture app passes its parser (`capture.logic.check_expression`),
which also reads the syntax and says what it would not evaluate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

_RUN = re.compile(r"(?:\[[^\[\]]*\])+")
_GROUP = re.compile(r"\[([^\[\]]*)\]")
_VARIABLE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)(?:\([^()]*\))?(?::[\w-]+)*\s*")
_INSTANCE = re.compile(r"\s*(?:\d+|[a-z]+-instance)\s*")


class LogicVerdict(NamedTuple):
    """What checking one expression found: problems refuse the dictionary; what is not
    evaluated is kept verbatim and reported on its field."""

    problems: tuple[str, ...] = ()
    not_evaluated: tuple[str, ...] = ()


# (the expression, every variable of the dictionary with its field type) -> the verdict
LogicCheck = Callable[[str, Mapping[str, str]], LogicVerdict]


def check_references(logic: str, types: Mapping[str, str]) -> LogicVerdict:
    """The reader's own check: every variable the logic names is in the dictionary."""
    missing = (name for name in referenced_variables(logic) if name not in types)
    return LogicVerdict(
        problems=tuple(
            f"refers to [{name}], which is not a variable of this dictionary" for name in missing
        )
    )


def referenced_variables(logic: str) -> tuple[str, ...]:
    """Names of the variables the logic refers to, each once, in order of appearance."""
    names = (_variable_of(run.group()) for run in _RUN.finditer(logic))
    return tuple(dict.fromkeys(name for name in names if name is not None))


def _variable_of(run: str) -> str | None:
    groups = _GROUP.findall(run)
    names = [_name(group) for group in groups]
    # In `[event][var]` the second group names the variable; `[var][2]` is an instance.
    if len(names) > 1 and names[1] is not None and not _INSTANCE.fullmatch(groups[1]):
        return names[1]
    return names[0]


def _name(group: str) -> str | None:
    match = _VARIABLE.fullmatch(group)
    return match.group(1) if match else None
