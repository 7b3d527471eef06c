"""RadCollab's statistics core: pure functions, no Django.

Each module's docstring states the conventions it follows; ``docs/statistics.md`` gathers
them with the references.
"""

from stats.core.accuracy import (
    DiagnosticAccuracy,
    TwoByTwo,
    diagnostic_accuracy,
    diagnostic_accuracy_from_columns,
    diagnostic_odds_ratio,
    likelihood_ratio,
)
from stats.core.agreement import (
    FleissKappaResult,
    KappaResult,
    cohen_kappa,
    cohen_kappa_from_table,
    contingency_table,
    fleiss_counts,
    fleiss_kappa,
    pabak,
    percent_agreement,
)
from stats.core.bland_altman import (
    BlandAltman,
    ProportionalBias,
    bland_altman,
    bland_altman_svg,
    proportional_bias,
)
from stats.core.icc import Icc, IccAnalysis, MeanSquares, intraclass_correlations
from stats.core.intervals import (
    Estimate,
    clopper_pearson_interval,
    proportion,
    wilson_interval,
)
from stats.core.repeatability import Repeatability, repeatability
from stats.core.roc import (
    AucComparison,
    AucResult,
    RocCurve,
    YoudenThreshold,
    auc_delong,
    compare_independent_aucs,
    delong_paired_test,
    hanley_mcneil_se,
    roc_curve,
    youden_optimal_threshold,
)
from stats.core.sample_size import (
    AccuracySampleSize,
    AucSampleSize,
    IccSampleSize,
    KappaSampleSize,
    auc_sample_size,
    icc_sample_size,
    kappa_sample_size,
    sensitivity_sample_size,
    specificity_sample_size,
)

__all__ = [
    "AccuracySampleSize",
    "AucComparison",
    "AucResult",
    "AucSampleSize",
    "BlandAltman",
    "DiagnosticAccuracy",
    "Estimate",
    "FleissKappaResult",
    "Icc",
    "IccAnalysis",
    "IccSampleSize",
    "KappaResult",
    "KappaSampleSize",
    "MeanSquares",
    "ProportionalBias",
    "Repeatability",
    "RocCurve",
    "TwoByTwo",
    "YoudenThreshold",
    "auc_delong",
    "auc_sample_size",
    "bland_altman",
    "bland_altman_svg",
    "clopper_pearson_interval",
    "cohen_kappa",
    "cohen_kappa_from_table",
    "compare_independent_aucs",
    "contingency_table",
    "delong_paired_test",
    "diagnostic_accuracy",
    "diagnostic_accuracy_from_columns",
    "diagnostic_odds_ratio",
    "fleiss_counts",
    "fleiss_kappa",
    "hanley_mcneil_se",
    "icc_sample_size",
    "intraclass_correlations",
    "kappa_sample_size",
    "likelihood_ratio",
    "pabak",
    "percent_agreement",
    "proportion",
    "proportional_bias",
    "repeatability",
    "roc_curve",
    "sensitivity_sample_size",
    "specificity_sample_size",
    "wilson_interval",
    "youden_optimal_threshold",
]
