"""The statistics API: POST columns of values, get the tables, sentences and plot data back.

One route per analysis (`/api/v1/stats/accuracy`, `/roc`, `/agreement`, `/icc`,
`/bland-altman`, `/repeatability`), each with the same choices as the web form and
`manage.py analyse`. The caller sends its own data, so any signed-in person or token may
use them; they read nothing from the database. Bad input answers 422 naming the field
(`loc`) and the rows at fault.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema

from core import ratelimit
from core.types import AuthedRequest
from stats.inputs import AnalysisInputError, Settings, dataset_from_columns
from stats.results import Cell as TableCell
from stats.results import Figures, Result, SettingsJSON

router = Router()
Cell = float | int | str | bool | None


class DataIn(Schema):
    columns: dict[str, list[Cell]] = Field(
        ...,
        description=(
            'Column name → its values, one per case; null, "", "NA", "N/A", "#N/A", "NaN" '
            'and "." are missing.'
        ),
    )
    row_ids: list[str] | None = Field(
        None, description="Names for the rows in messages (default: row 1, row 2, …)."
    )
    level: float = 0.95
    exclude_missing: bool = Field(False, description="Leave out rows with a missing value.")


class AccuracyIn(DataIn):
    index: str
    reference: str
    index_positive: list[str] = Field(default_factory=list)
    threshold: float | None = Field(None, description="Numeric index positive at or above.")
    reference_positive: list[str] = Field(default_factory=list)
    ci_method: str = Field("wilson", description="wilson or clopper-pearson")


class RocIn(DataIn):
    index: str
    index_second: str = Field("", description="A second test for the paired DeLong test.")
    reference: str
    reference_positive: list[str] = Field(default_factory=list)
    transform: str = Field("none", description="none or logit")


class AgreementIn(DataIn):
    measurements: list[str] = Field(..., description="Two raters (Cohen) or more (Fleiss).")
    weights: str = Field("none", description="none, linear or quadratic (two raters)")
    order: list[str | int | float] = Field(
        default_factory=list,
        description=(
            "The categories from lowest to highest, e.g. "
            '["None", "Minimal", "Moderate", "Severe"]. Weighted kappa needs it when the '
            "ratings are words; numbers are taken in numeric order."
        ),
    )
    ci_method: str = "wilson"


class IccIn(DataIn):
    measurements: list[str] = Field(..., description="The raters' columns (at least two).")


class BlandAltmanIn(DataIn):
    measurements: list[str] = Field(
        ..., description="Exactly two: differences are first \u2212 second."
    )
    multiplier: float = 1.96


class RepeatabilityIn(DataIn):
    measurements: list[str] = Field(..., description="Replicate measurements (at least two).")


class TableOut(Schema):
    title: str
    columns: list[str]
    formats: list[str]
    rows: list[list[TableCell]]
    row_formats: list[str] | None = None


class ResultOut(Schema):
    analysis: str
    title: str
    n: int
    excluded: list[str]
    columns: dict[str, str]
    settings: SettingsJSON
    tables: list[TableOut]
    sentences: list[str]
    warnings: list[str] = Field(
        default_factory=list, description="What may make the result mislead, e.g. an AUC < 0.5."
    )
    notes: list[str]
    figures: Figures


# A result, or 429 when the person has run too many analyses in the hour.
RESULT = {200: ResultOut, 429: dict[str, str]}


def _run(request: AuthedRequest, analysis: str, payload: DataIn) -> Result:
    ratelimit.hit("statistics", ratelimit.client_key(request))
    # Imported here: numpy and scipy at module level would slow every web process's first request.
    from stats.analyses import run_analysis

    body = payload.model_dump()
    columns, row_ids = body.pop("columns"), body.pop("row_ids")
    try:
        data = dataset_from_columns(columns, row_ids)
        return run_analysis(data, Settings.from_json({"analysis": analysis, **body}))
    except AnalysisInputError as error:
        raise ValidationError({error.field: error.message}) from error


@router.post("/accuracy", response=RESULT, summary="Diagnostic accuracy")
def accuracy(request: AuthedRequest, payload: AccuracyIn) -> Result:
    """Sensitivity, specificity, PPV, NPV, LRs, DOR and Youden's J with intervals."""
    return _run(request, "accuracy", payload)


@router.post("/roc", response=RESULT, summary="ROC curve and AUC (DeLong)")
def roc(request: AuthedRequest, payload: RocIn) -> Result:
    """Empirical ROC, AUC with DeLong CI, Youden threshold; paired DeLong with `index_second`."""
    return _run(request, "roc", payload)


@router.post(
    "/agreement",
    response={200: ResultOut, 429: dict[str, str]},
    summary="Agreement (Cohen's or Fleiss' kappa)",
)
def agreement(request: AuthedRequest, payload: AgreementIn) -> Result:
    return _run(request, "agreement", payload)


@router.post(
    "/icc",
    response={200: ResultOut, 429: dict[str, str]},
    summary="Intraclass correlation (six forms)",
)
def icc(request: AuthedRequest, payload: IccIn) -> Result:
    return _run(request, "icc", payload)


@router.post(
    "/bland-altman",
    response={200: ResultOut, 429: dict[str, str]},
    summary="Bland\u2013Altman agreement",
)
def bland_altman(request: AuthedRequest, payload: BlandAltmanIn) -> Result:
    return _run(request, "bland_altman", payload)


@router.post(
    "/repeatability",
    response={200: ResultOut, 429: dict[str, str]},
    summary="Repeatability (wSD, RC, wCV)",
)
def repeatability(request: AuthedRequest, payload: RepeatabilityIn) -> Result:
    return _run(request, "repeatability", payload)
