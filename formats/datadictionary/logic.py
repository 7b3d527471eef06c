"""Variable references in REDCap branching logic and calculations.

Only names are extracted: `[age]`, `[findings(2)]` for a checkbox option,
`[baseline_arm_1][age]` for a field at an event, and `[age][2]` for an instance all
refer to a variable. Smart variables such as `[event-name]` contain hyphens, which no
variable name may, so they are not mistaken for variables.
"""

from __future__ import annotations

import re

_RUN = re.compile(r"(?:\[[^\[\]]*\])+")
_GROUP = re.compile(r"\[([^\[\]]*)\]")
_VARIABLE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)(?:\([^()]*\))?(?::[\w-]+)*\s*")


def referenced_variables(logic: str) -> tuple[str, ...]:
    """Names of the variables the logic refers to, each once, in order of appearance."""
    names = (_variable_of(run.group()) for run in _RUN.finditer(logic))
    return tuple(dict.fromkeys(name for name in names if name is not None))


def _variable_of(run: str) -> str | None:
    names = [_name(group) for group in _GROUP.findall(run)]
    # In `[event][var]` the second group names the variable; `[var][2]` is an instance.
    if len(names) > 1 and names[1] is not None:
        return names[1]
    return names[0]


def _name(group: str) -> str | None:
    match = _VARIABLE.fullmatch(group)
    return match.group(1) if match else None
