"""Input checks shared by the statistics modules.

Every check raises ``ValueError`` with a message that names the argument at fault and,
where it helps, the position of the offending value, so that the Django adapter can show
the message to the user unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def check_level(level: float) -> None:
    """Refuse a confidence level outside the open interval (0, 1)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}")


def check_probability(name: str, value: float) -> None:
    """Refuse a probability outside the open interval (0, 1)."""
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value}")


def check_positive(name: str, value: float) -> None:
    """Refuse a value that is not strictly positive."""
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value}")


def as_float_vector(name: str, values: ArrayLike, *, minimum: int = 1) -> FloatArray:
    """Return ``values`` as a finite 1-D float array of at least ``minimum`` elements."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size < minimum:
        raise ValueError(f"{name} needs at least {minimum} values, got {array.size}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{name} has a missing or infinite value at position {bad[0]}")
    return array


def as_binary_vector(name: str, values: ArrayLike) -> BoolArray:
    """Return ``values`` (booleans or 0/1) as a boolean array; anything else is refused."""
    array = np.asarray(values)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional sequence")
    if array.dtype == np.bool_:
        return array
    is_binary = np.isin(array, (0, 1))
    if not is_binary.all():
        position = int(np.flatnonzero(~is_binary)[0])
        raise ValueError(
            f"{name} must be binary (True/False or 1/0); "
            f"position {position} holds {array[position]!r}"
        )
    return array.astype(np.bool_)


def check_same_length(
    names: Sequence[str], *arrays: Sequence[object] | NDArray[np.generic]
) -> None:
    """Refuse paired columns whose lengths differ, naming both columns."""
    lengths = [len(array) for array in arrays]
    if len(set(lengths)) > 1:
        described = ", ".join(f"{n} has {k}" for n, k in zip(names, lengths, strict=True))
        raise ValueError(f"paired columns must have the same length: {described}")
