"""The functions the parser accepts, with how many arguments each takes."""

from __future__ import annotations

import math

# name: (fewest arguments, most arguments); math.inf for "any number".
ARITIES: dict[str, tuple[int, float]] = {
    "if": (3, 3),
    "sum": (1, math.inf),
    "min": (1, math.inf),
    "max": (1, math.inf),
    "mean": (1, math.inf),
    "median": (1, math.inf),
    "round": (1, 2),
    "roundup": (1, 2),
    "rounddown": (1, 2),
    "abs": (1, 1),
    "sqrt": (1, 1),
    "mod": (2, 2),
    "datediff": (3, 5),
    "isblankormissingcode": (1, 1),
    "isnumber": (1, 1),
}

DATEDIFF_UNITS = ("y", "M", "d", "h", "m", "s")
DATE_FORMATS = ("ymd", "mdy", "dmy")


def describe_arity(name: str) -> str:
    fewest, most = ARITIES[name]
    if fewest == most:
        return f"exactly {fewest}"
    if most == math.inf:
        return f"at least {fewest}"
    return f"{fewest} to {int(most)}"
