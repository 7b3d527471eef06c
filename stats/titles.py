"""The analyses' names, apart so that `stats.models` (loaded by every process at start-up)
does not import the statistics core and with it numpy, scipy and matplotlib."""

TITLES: dict[str, str] = {
    "accuracy": "Diagnostic accuracy",
    "roc": "ROC curve and AUC (DeLong)",
    "agreement": "Agreement (Cohen's or Fleiss' kappa)",
    "icc": "Intraclass correlation (ICC)",
    "bland_altman": "Bland\u2013Altman agreement",
    "repeatability": "Repeatability",
}
