"""The matching maths, with no Django: fit scores, optimal and stable matching."""

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
