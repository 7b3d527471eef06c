"""Time RadCollab's statistics core against its peers, side by side, on the same data.

Run from the checkout with ``.venv/bin/python benchmarks/bench_stats.py [--repeats N]``
after ``.venv/bin/pip install -e '.[bench]'`` (pingouin, scikit-learn; statsmodels comes
with the dev extra that ``dev.py`` installs). The R peers need ``Rscript`` with pROC and
psych (Debian: ``apt-get install r-base-core r-cran-proc r-cran-psych``; irr, if present,
adds a second Fleiss' kappa). The script installs nothing: a missing peer is skipped
with the reason.

Each comparison makes its data once and hands the same values to every implementation.
Python peers are timed in this process; R is given the data in a temporary CSV, read
before its clock starts, and times only the calls with ``system.time``. Every time is the
median of ``--repeats`` runs after one untimed warm-up run. The table gives each time,
how many times faster RadCollab is than each peer, and the largest absolute difference
between the peer's results and RadCollab's; footnotes explain differences that come from
conventions rather than errors. Timings depend on the machine and its load, so nothing
here is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stats.core import (
    auc_delong,
    delong_paired_test,
    fleiss_counts,
    fleiss_kappa,
    intraclass_correlations,
)

FloatArray = NDArray[np.float64]
SEED = 20240601


@dataclass(frozen=True)
class Timing:
    """One implementation's median time and results (or why it was skipped)."""

    tool: str
    seconds: float | None = None
    results: FloatArray | None = None
    skipped: str = ""


@dataclass(frozen=True)
class Comparison:
    """RadCollab and its peers on one task, with the targets set in issue 8."""

    task: str
    radcollab: Timing
    peers: list[Timing]
    max_seconds: float | None = None
    min_speedup: dict[str, float] = field(default_factory=dict)
    footnotes: list[str] = field(default_factory=list)


def median_run(run: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall-clock seconds of ``repeats`` calls after a warm-up; the last result."""
    result = run()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def timed(tool: str, run: Callable[[], Sequence[float]], repeats: int) -> Timing:
    """Time a Python implementation whose ``run`` returns the numbers to compare."""
    seconds, result = median_run(run, repeats)
    return Timing(tool, seconds, np.asarray(result, dtype=np.float64))


# R peers ---------------------------------------------------------------------------------

R_PRELUDE = """
args <- commandArgs(trailingOnly = TRUE)
for (package in strsplit(args[3], ",")[[1]]) {
  if (!requireNamespace(package, quietly = TRUE)) {
    cat("missing", package, "\\n")
    quit(status = 0)
  }
}
data <- read.csv(args[1])
repeats <- as.integer(args[2])
result <- NULL
median_time <- function(run) {
  run()
  median(replicate(repeats, system.time(run())[["elapsed"]]))
}
seconds <- median_time(function() result <<- TIMED_CALLS)
cat("seconds", sprintf("%.17g", seconds), "\\n")
cat("result", sprintf("%.17g", as.numeric(result)), "\\n")
"""

APT_PACKAGE = {"pROC": "r-cran-proc", "psych": "r-cran-psych", "irr": "r-cran-irr"}


def time_in_r(
    tool: str, packages: Sequence[str], calls: str, data: pd.DataFrame, repeats: int
) -> Timing:
    """Run R ``calls`` (an expression on ``data``) and return its median time and results."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return Timing(tool, skipped="Rscript not found (apt-get install r-base-core)")
    with tempfile.TemporaryDirectory() as folder:
        csv, script = Path(folder, "data.csv"), Path(folder, "bench.R")
        data.to_csv(csv, index=False, float_format="%.17g")
        script.write_text(R_PRELUDE.replace("TIMED_CALLS", calls))
        command = [rscript, "--vanilla", str(script), str(csv), str(repeats), ",".join(packages)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    if "missing" in lines:
        package = lines["missing"].strip()
        return Timing(tool, skipped=f"R package {package} missing ({APT_PACKAGE[package]})")
    if done.returncode != 0 or "seconds" not in lines:
        errors = [line for line in done.stderr.splitlines() if line.startswith("Error")]
        reason = (errors or done.stderr.strip().splitlines() or ["no output"])[0]
        return Timing(tool, skipped=f"R failed: {reason}")
    results = np.array(lines["result"].split(), dtype=np.float64)
    return Timing(tool, float(lines["seconds"]), results)


# Data ------------------------------------------------------------------------------------


def roc_cases(n: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Truth at 30% prevalence and two correlated readers' probabilities, to 6 decimals.

    Six decimals is how AI tools tend to export scores; on a million cases it gives many
    ties (the hard case for DeLong), and the values survive the CSV read by R unchanged.
    """
    truth = (rng.random(n) < 0.3).astype(np.float64)
    shared = rng.normal(size=n)
    first = _expit_6dp(truth + shared + rng.normal(size=n) - 0.5)
    second = _expit_6dp(0.8 * truth + shared + rng.normal(size=n) - 0.5)
    return truth, first, second


def _expit_6dp(logit: FloatArray) -> FloatArray:
    return np.round(1 / (1 + np.exp(-logit)), 6)


def icc_ratings(subjects: int, raters: int, rng: np.random.Generator) -> FloatArray:
    """Subject effect + rater bias + noise, rounded to 0.001 as a measurement would be."""
    true_value = rng.normal(50, 10, size=(subjects, 1))
    bias = rng.normal(0, 2, size=(1, raters))
    return np.round(true_value + bias + rng.normal(0, 5, size=(subjects, raters)), 3)


def category_ratings(subjects: int, raters: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Ratings 1-5: each rater gives the subject's true category 60% of the time."""
    true_category = rng.integers(1, 6, size=(subjects, 1))
    guess = rng.integers(1, 6, size=(subjects, raters))
    return np.where(rng.random((subjects, raters)) < 0.6, true_category, guess)


# Comparisons -----------------------------------------------------------------------------


def compare_auc(rng: np.random.Generator, repeats: int) -> Comparison:
    """AUC with its 95% DeLong CI, n = 1,000,000: pROC and scikit-learn (AUC only)."""
    truth, score, _ = roc_cases(1_000_000, rng)

    def radcollab() -> list[float]:
        result = auc_delong(score, truth)
        return [result.lower, result.auc, result.upper]

    proc_calls = (
        'pROC::ci.auc(pROC::roc(data$truth, data$score, levels = c(0, 1), direction = "<",'
        ' quiet = TRUE), method = "delong")'
    )
    frame = pd.DataFrame({"truth": truth.astype(int), "score": score})
    proc = time_in_r("R pROC roc + ci.auc(delong)", ["pROC"], proc_calls, frame, repeats)
    sklearn = _python_peer(
        "scikit-learn roc_auc_score", "scikit-learn", repeats, lambda: _sklearn(truth, score)
    )
    return Comparison(
        "AUC + DeLong 95% CI, n = 1,000,000",
        timed("RadCollab auc_delong", radcollab, repeats),
        [proc, sklearn],
        max_seconds=0.1,
        min_speedup={proc.tool: 10, sklearn.tool: 4},
        footnotes=[
            "Compared: the AUC and its lower and upper limits; scikit-learn gives the AUC "
            "only. pROC's time covers roc() (it builds the whole curve first) and ci.auc()."
        ],
    )


def _sklearn(truth: FloatArray, score: FloatArray) -> Callable[[], list[float]]:
    from sklearn.metrics import roc_auc_score

    # Placed in the middle so that the compared vector lines up with [lower, auc, upper].
    return lambda: [np.nan, float(roc_auc_score(truth, score)), np.nan]


def compare_paired_delong(rng: np.random.Generator, repeats: int) -> Comparison:
    """Paired DeLong test of two readers on the same 100,000 cases: pROC::roc.test."""
    truth, first, second = roc_cases(100_000, rng)

    def radcollab() -> list[float]:
        result = delong_paired_test(first, second, truth)
        return [result.z, result.p_value, result.auc_first, result.auc_second]

    calls = (
        'with(data, { r1 <- pROC::roc(truth, first, levels = c(0, 1), direction = "<",'
        ' quiet = TRUE); r2 <- pROC::roc(truth, second, levels = c(0, 1), direction = "<",'
        ' quiet = TRUE); test <- pROC::roc.test(r1, r2, method = "delong", paired = TRUE);'
        " c(test$statistic, test$p.value, test$estimate) })"
    )
    frame = pd.DataFrame({"truth": truth.astype(int), "first": first, "second": second})
    return Comparison(
        "paired DeLong test, n = 100,000",
        timed("RadCollab delong_paired_test", radcollab, repeats),
        [time_in_r("R pROC roc x2 + roc.test(delong)", ["pROC"], calls, frame, repeats)],
        footnotes=["Compared: z, p value and both AUCs; the pROC time includes both curves."],
    )


def compare_icc(rng: np.random.Generator, repeats: int) -> Comparison:
    """All six ICCs with 95% CIs, 10,000 subjects x 5 raters: pingouin and psych::ICC."""
    ratings = icc_ratings(10_000, 5, rng)

    def radcollab() -> list[float]:
        forms = intraclass_correlations(ratings).forms
        return [x for icc in forms for x in (icc.value, icc.lower, icc.upper)]

    columns = {f"rater{j + 1}": ratings[:, j] for j in range(ratings.shape[1])}
    psych_calls = (
        "with(psych::ICC(as.matrix(data))$results, c(t(cbind(ICC, `lower bound`, `upper bound`))))"
    )
    pingouin = _python_peer(
        "pingouin intraclass_corr", "pingouin", repeats, lambda: _pingouin(ratings)
    )
    psych = time_in_r(
        "R psych::ICC (lme4)", ["psych", "lme4"], psych_calls, pd.DataFrame(columns), repeats
    )
    return Comparison(
        "six ICCs + 95% CIs, 10,000 x 5",
        timed("RadCollab intraclass_correlations", radcollab, repeats),
        [pingouin, psych],
        min_speedup={pingouin.tool: 10},
        footnotes=[
            "Compared: the six ICCs and their lower and upper limits (18 numbers). All three "
            "use McGraw & Wong's limits with the single-rater Satterthwaite df for ICC(A,k). "
            "pingouin rounds its CI95 column to 2 decimals by default; the benchmark turns "
            "that off (pingouin.options) so the exact limits are compared.",
            "psych::ICC gets its mean squares from lme4 variance components (REML, found by "
            "numerical optimisation) rather than from the ANOVA sums of squares; for balanced "
            "data they agree only to the optimiser's tolerance, hence a difference well "
            "above 1e-9. psych's aov path (lmer = FALSE) builds a dense 50,000 x 10,005 "
            "model matrix and is not practical at this size.",
        ],
    )


def _pingouin(ratings: FloatArray) -> Callable[[], list[float]]:
    import pingouin

    pingouin.options["round.column.CI95"] = None
    subjects, raters = ratings.shape
    # pingouin takes long data; building it is preparation, like writing R's CSV.
    long = pd.DataFrame(
        {
            "subject": np.repeat(np.arange(subjects), raters),
            "rater": np.tile(np.arange(raters), subjects),
            "rating": ratings.ravel(),
        }
    )

    def run() -> list[float]:
        table = pingouin.intraclass_corr(long, targets="subject", raters="rater", ratings="rating")
        return [x for _, row in table.iterrows() for x in (row["ICC"], *row["CI95"])]

    return run


def compare_fleiss(rng: np.random.Generator, repeats: int) -> Comparison:
    """Fleiss' kappa from raw ratings, 100,000 subjects x 5 raters: statsmodels and irr."""
    ratings = category_ratings(100_000, 5, rng)

    def radcollab() -> list[float]:
        result = fleiss_kappa(fleiss_counts(ratings)[1])
        return [result.kappa, result.z]

    def statsmodels() -> list[float]:
        from statsmodels.stats import inter_rater

        # statsmodels reports kappa only; NaN marks the z it does not give.
        return [inter_rater.fleiss_kappa(inter_rater.aggregate_raters(ratings)[0]), np.nan]

    columns = {f"rater{j + 1}": ratings[:, j] for j in range(ratings.shape[1])}
    aggregate = timed("statsmodels aggregate_raters + fleiss_kappa", statsmodels, repeats)
    irr_calls = "with(irr::kappam.fleiss(data), c(value, statistic))"
    irr = time_in_r("R irr::kappam.fleiss", ["irr"], irr_calls, pd.DataFrame(columns), repeats)
    return Comparison(
        "Fleiss' kappa from ratings, 100,000 x 5",
        timed("RadCollab fleiss_counts + fleiss_kappa", radcollab, repeats),
        [aggregate, irr],
        min_speedup={aggregate.tool: 5},
        footnotes=[
            "Compared: kappa, and with irr also the z of the Fleiss, Nee & Landis null SE. "
            "psych has no Fleiss' kappa (only Cohen's), so it is not a peer here."
        ],
    )


def _python_peer(
    tool: str, module: str, repeats: int, make: Callable[[], Callable[[], list[float]]]
) -> Timing:
    """Time a Python peer, or skip it if its package is not installed."""
    try:
        run = make()
    except ImportError:
        return Timing(tool, skipped=f"{module} not installed (pip install -e '.[bench]')")
    return timed(tool, run, repeats)


# Report ----------------------------------------------------------------------------------


def largest_difference(peer: Timing, radcollab: Timing) -> float | None:
    """Largest |peer - RadCollab| over the results both report (NaN marks "not reported")."""
    if peer.results is None or radcollab.results is None:
        return None
    if peer.results.shape != radcollab.results.shape:
        raise ValueError(
            f"{peer.tool} returned {peer.results.size} numbers, expected {radcollab.results.size}"
        )
    both = ~np.isnan(peer.results) & ~np.isnan(radcollab.results)
    return float(np.max(np.abs(peer.results[both] - radcollab.results[both])))


def table_rows(comparison: Comparison) -> list[list[str]]:
    """Table cells for one comparison: RadCollab's row, then one row per peer."""
    ours = comparison.radcollab
    assert ours.seconds is not None
    target = ""
    if comparison.max_seconds is not None:
        met = "met" if ours.seconds < comparison.max_seconds else "MISSED"
        target = f"< {comparison.max_seconds:g} s: {met}"
    rows = [[comparison.task, ours.tool, _ms(ours.seconds), "", "", target]]
    for peer in comparison.peers:
        if peer.seconds is None:
            rows.append(["", peer.tool, "skipped", "", "", peer.skipped])
            continue
        speedup = peer.seconds / ours.seconds
        wanted = comparison.min_speedup.get(peer.tool)
        target = (
            "" if wanted is None else f">= {wanted:g}x: {'met' if speedup >= wanted else 'MISSED'}"
        )
        difference = largest_difference(peer, ours)
        shown = "" if difference is None else f"{difference:.1e}"
        rows.append(["", peer.tool, _ms(peer.seconds), f"{speedup:.1f}x", shown, target])
    return rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def print_report(comparisons: list[Comparison], repeats: int) -> None:
    table = Table(box=box.MARKDOWN, show_lines=False)
    for heading in ("task", "implementation", "median", "RadCollab faster", "max |diff|", "target"):
        table.add_column(
            heading,
            justify="right" if heading in ("median", "RadCollab faster", "max |diff|") else "left",
        )
    for comparison in comparisons:
        for row in table_rows(comparison):
            table.add_row(*(Text(cell) for cell in row))  # Text: no markup
    console = Console(width=200, color_system=None)
    with console.capture() as captured:
        console.print(table)
    # The markdown box draws its top and bottom edges as blank lines; they are dropped.
    print("\n".join(line.rstrip() for line in captured.get().splitlines() if line.strip()))
    print(f"\nMedian of {repeats} runs after a warm-up; RadCollab faster = peer / RadCollab.")
    number = 0
    for comparison in comparisons:
        for note in comparison.footnotes:
            number += 1
            print(f"[{number}] {comparison.task}: {note}")


def describe_machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {_version('scipy')}; "
        f"{os.cpu_count()} CPUs, load average {load} (timings on a busy machine are noisy)"
    )


def describe_peers() -> str:
    python = [f"{name} {_version(name)}" for name in ("scikit-learn", "pingouin", "statsmodels")]
    return "Peers: " + ", ".join([*python, r_versions()])


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def r_versions() -> str:
    """R's version and those of the R packages timed here, or why R is missing."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "R not installed"
    script = (
        'cat(R.version$major, ".", R.version$minor, sep = ""); for (p in c("pROC", "psych",'
        ' "lme4", "irr")) cat(",", p, if (requireNamespace(p, quietly = TRUE))'
        ' as.character(packageVersion(p)) else "not installed")'
    )
    done = subprocess.run(
        [rscript, "--vanilla", "-e", script], capture_output=True, text=True, check=False
    )
    return f"R {done.stdout.strip()}" if done.returncode == 0 else "R does not start"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time RadCollab's statistics against peers.")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per implementation")
    repeats = parser.parse_args(argv).repeats
    print(describe_machine())
    print(describe_peers())
    rng = np.random.default_rng(SEED)
    comparisons = [
        compare(rng, repeats)
        for compare in (compare_auc, compare_paired_delong, compare_icc, compare_fleiss)
    ]
    print_report(comparisons, repeats)


if __name__ == "__main__":
    main()
