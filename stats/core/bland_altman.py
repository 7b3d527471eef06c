"""Bland-Altman analysis of agreement between two methods measuring the same quantity.

Conventions
-----------
* Differences are ``first - second``; the bias is their mean and the limits of agreement
  are ``bias +/- multiplier * SD`` with the sample SD (n - 1). The multiplier defaults to
  1.96, the normal 95% quantile used by Bland & Altman (1999); their 1986 paper rounded it
  to 2, which callers can still request.
* The bias interval is the t interval ``bias +/- t(n-1) * SD / sqrt(n)``.
* The limits' intervals are the approximate ones of Bland & Altman (1999):
  ``limit +/- t(n-1) * SD * sqrt(1/n + multiplier^2 / (2 (n - 1)))``. RadCollab uses the
  approximation rather than the exact noncentral-t limits (Carkeet 2015) because it is the
  one reviewers recognise and differs from the exact limits only for very small samples.
* Proportional bias is checked by ordinary least-squares regression of the difference on
  the mean of the two methods (Bland & Altman 1999, section 3); the p value is the t test
  of slope = 0.
* The plot is drawn on a matplotlib ``Figure`` with the Agg canvas (never pyplot, so no
  display and no global figure state) and serialised to SVG with fixed ids and no date, so
  the same data always give the same SVG text.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from numpy.typing import ArrayLike
from scipy import stats as sps

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from stats.core._checks import (
    FloatArray,
    as_float_vector,
    check_level,
    check_positive,
    check_same_length,
)
from stats.core.intervals import Estimate


@dataclass(frozen=True)
class BlandAltman:
    """Bias and limits of agreement, each with its confidence interval."""

    n: int
    bias: Estimate
    sd: float
    multiplier: float
    lower_limit: Estimate
    upper_limit: Estimate


@dataclass(frozen=True)
class ProportionalBias:
    """Least-squares regression of the difference on the pair mean."""

    slope: float
    intercept: float
    p_value: float
    r: float


def bland_altman(
    first: ArrayLike, second: ArrayLike, *, multiplier: float = 1.96, level: float = 0.95
) -> BlandAltman:
    """Bias and limits of agreement of ``first - second``; see module conventions."""
    check_positive("multiplier", multiplier)
    check_level(level)
    differences = _differences(first, second)
    n = differences.size
    bias, sd = float(differences.mean()), float(differences.std(ddof=1))
    t = float(sps.t.ppf(1 - (1 - level) / 2, n - 1))
    bias_half = t * sd / math.sqrt(n)
    limit_half = t * sd * math.sqrt(1 / n + multiplier**2 / (2 * (n - 1)))
    low, high = bias - multiplier * sd, bias + multiplier * sd
    return BlandAltman(
        n=n,
        bias=Estimate(bias, bias - bias_half, bias + bias_half, level),
        sd=sd,
        multiplier=multiplier,
        lower_limit=Estimate(low, low - limit_half, low + limit_half, level),
        upper_limit=Estimate(high, high - limit_half, high + limit_half, level),
    )


def proportional_bias(first: ArrayLike, second: ArrayLike) -> ProportionalBias:
    """Regress ``first - second`` on ``(first + second) / 2`` (slope test of proportional bias)."""
    differences = _differences(first, second)
    means = (as_float_vector("first", first) + as_float_vector("second", second)) / 2
    if means.min() == means.max():
        raise ValueError("proportional bias needs pairs whose means are not all equal")
    fit = sps.linregress(means, differences)
    return ProportionalBias(
        float(fit.slope), float(fit.intercept), float(fit.pvalue), float(fit.rvalue)
    )


def bland_altman_svg(
    first: ArrayLike,
    second: ArrayLike,
    *,
    multiplier: float = 1.96,
    title: str = "Bland-Altman plot",
    units: str = "",
) -> str:
    """SVG text of the Bland-Altman plot: differences against means, bias and limits."""
    # matplotlib is imported here, not with the module: it costs ~100 MB and a second
    # at start-up in every process that only computes.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    result = bland_altman(first, second, multiplier=multiplier)
    a, b = as_float_vector("first", first), as_float_vector("second", second)
    figure = Figure(figsize=(6, 4.5))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.scatter((a + b) / 2, a - b, s=16, color="#1f4e79")
    _draw_lines(axes, result)
    suffix = f" ({units})" if units else ""
    axes.set(
        title=title,
        xlabel=f"Mean of the two methods{suffix}",
        ylabel=f"Difference, first - second{suffix}",
    )
    axes.legend(loc="best", fontsize="small")
    return _to_svg(figure)


def _draw_lines(axes: Axes, result: BlandAltman) -> None:
    lines = (
        (result.bias.value, "-", f"Bias {result.bias.value:.3g}"),
        (result.upper_limit.value, "--", f"Upper limit {result.upper_limit.value:.3g}"),
        (result.lower_limit.value, "--", f"Lower limit {result.lower_limit.value:.3g}"),
    )
    for value, style, label in lines:
        axes.axhline(value, linestyle=style, color="#444444", linewidth=1, label=label)


def _to_svg(figure: Figure) -> str:
    import matplotlib as mpl

    buffer = io.StringIO()
    # A fixed hash salt and no date make the SVG text reproducible for caching and tests.
    with mpl.rc_context({"svg.hashsalt": "radcollab", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def _differences(first: ArrayLike, second: ArrayLike) -> FloatArray:
    a = as_float_vector("first", first, minimum=2)
    b = as_float_vector("second", second, minimum=2)
    check_same_length(("first", "second"), a, b)
    return a - b
