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
    "stdev": (1, math.inf),
    "round": (1, 2),
    "roundup": (1, 2),
    "rounddown": (1, 2),
    "abs": (1, 1),
    "sqrt": (1, 1),
    "mod": (2, 2),
    "datediff": (3, 5),
    "year": (1, 1),
    "month": (1, 1),
    "day": (1, 1),
    "isblankormissingcode": (1, 1),
    "isnumber": (1, 1),
    "isinteger": (1, 1),
    "contains": (2, 2),
    "not_contain": (2, 2),
    "starts_with": (2, 2),
    "ends_with": (2, 2),
    "left": (2, 2),
    "right": (2, 2),
    "length": (1, 1),
    "find": (2, 2),
    "mid": (3, 3),
    "concat": (1, math.inf),
    "upper": (1, 1),
    "lower": (1, 1),
    "trim": (1, 1),
}

# REDCap functions that are read but not evaluated here: a rule using one is kept as it
# is written and reported (any other unknown name is reported the same way).
NOT_EVALUATED_FUNCTIONS = frozenset(
    {
        "concat_ws",
        "replace_text",
        "log",
        "exponential",
    }
)

DATEDIFF_UNITS = ("y", "M", "d", "h", "m", "s")
DATE_FORMATS = ("ymd", "mdy", "dmy")


def describe_arity(name: str) -> str:
    fewest, most = ARITIES[name]
    if fewest == most:
        return f"exactly {fewest}"
    if most == math.inf:
        return f"at least {fewest}"
    return f"{fewest} to {int(most)}"
