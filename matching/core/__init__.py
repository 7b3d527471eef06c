"""The matching maths, with no Django: fit scores, optimal and stable matching.

The fit score (pure Python) loads at once; the solvers, which need numpy and OR-Tools,
load on first use, so that a web process that only shows a round stays light
(`core/tests/test_startup.py`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from matching.core.fit import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    Fit,
    MenteeWants,
    MentorOffers,
    Part,
    WeightsError,
    check_weights,
    fit,
)

if TYPE_CHECKING:
    from matching.core.flow import (
        OBJECTIVES,
        Instance,
        Matching,
        Pair,
        RoundError,
        Unmatched,
        solve,
    )
    from matching.core.stable import StableMatching, blocking_pairs, deferred_acceptance

_LAZY = {
    "OBJECTIVES": "flow",
    "Instance": "flow",
    "Matching": "flow",
    "Pair": "flow",
    "RoundError": "flow",
    "Unmatched": "flow",
    "solve": "flow",
    "StableMatching": "stable",
    "blocking_pairs": "stable",
    "deferred_acceptance": "stable",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"matching.core.{_LAZY[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "OBJECTIVES",
    "Fit",
    "Instance",
    "Matching",
    "MenteeWants",
    "MentorOffers",
    "Pair",
    "Part",
    "RoundError",
    "StableMatching",
    "Unmatched",
    "WeightsError",
    "blocking_pairs",
    "check_weights",
    "deferred_acceptance",
    "fit",
    "solve",
]
