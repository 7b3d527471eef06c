"""The analysis form: which analysis, which fields play which part, and the settings."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING

from django import forms

from capture.analysis_data import AnalysisField
from stats.inputs import (
    CI_METHODS,
    LEVELS,
    TRANSFORMS,
    WEIGHTS,
    Analysis,
    AnalysisInputError,
    Settings,
)

if TYPE_CHECKING:
    from core.types import JSONObject, JSONValue

NO_FIELD = ("", "---------")
CODES_HELP = (
    "Comma-separated codes, e.g. 4, 5. Leave empty when the field is already yes/no or 1/0."
)


class AnalysisForm(forms.Form):
    analysis = forms.ChoiceField(
        choices=[(a.value, a.label) for a in Analysis], widget=forms.RadioSelect
    )
    index = forms.ChoiceField(
        label="Index test", required=False, help_text="Accuracy and ROC: the test being judged."
    )
    index_second = forms.ChoiceField(
        label="Second test (paired DeLong)",
        required=False,
        help_text="ROC only: a second test or reader scored on the same cases.",
    )
    reference = forms.ChoiceField(
        label="Reference standard", required=False, help_text="Accuracy and ROC."
    )
    measurements = forms.MultipleChoiceField(
        label="Readers or repeated measurements",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Agreement, ICC, Bland\u2013Altman (exactly two: first \u2212 second in the order "
            "listed) and repeatability."
        ),
    )
    index_positive = forms.CharField(
        label="Index test codes counted as positive", required=False, help_text=CODES_HELP
    )
    threshold = forms.FloatField(
        label="Or: index test positive at or above",
        required=False,
        help_text="For a numeric index test in accuracy analysis, e.g. an AI score of 50.",
    )
    reference_positive = forms.CharField(
        label="Reference codes counted as positive", required=False, help_text=CODES_HELP
    )
    ci_method = forms.ChoiceField(
        label="Interval for proportions", choices=list(CI_METHODS.items()), initial="wilson"
    )
    level = forms.TypedChoiceField(
        label="Confidence level",
        choices=[(str(level), f"{100 * level:g}%") for level in LEVELS],
        coerce=float,
        initial="0.95",
    )
    transform = forms.ChoiceField(
        label="AUC interval", choices=list(TRANSFORMS.items()), initial="none"
    )
    weights = forms.ChoiceField(
        label="Kappa weights (two readers)",
        choices=list(WEIGHTS.items()),
        initial="none",
        help_text=(
            "Linear and quadratic weights take the categories in the order the data "
            "dictionary lists them; numbers without choices in numeric order."
        ),
    )
    multiplier = forms.FloatField(
        label="Limits of agreement: bias ± multiplier \u00d7 SD",
        initial=1.96,
        min_value=0.1,
        max_value=5,
    )
    event = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    exclude_missing = forms.BooleanField(
        label="Leave out records with a missing value (they are listed with the result)",
        required=False,
    )

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        fields: Sequence[AnalysisField],
        initial: MutableMapping[str, JSONValue] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        everything = [(f.name, f.title) for f in fields]
        numeric = [(f.name, f.title) for f in fields if f.numeric]
        for name in ("index", "reference"):
            self._choice_field(name).choices = [NO_FIELD, *everything]
        self._choice_field("index_second").choices = [NO_FIELD, *numeric]
        self._choice_field("measurements").choices = everything

    def _choice_field(self, name: str) -> forms.ChoiceField:
        """This form's copy of a choice field (declared above), to set its choices."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            cleaned["settings"] = settings_from_form(cleaned)
        except AnalysisInputError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


def settings_from_form(cleaned: Mapping[str, object]) -> Settings:
    data = {name: value for name, value in cleaned.items() if name != "settings"}
    if data.get("multiplier") is None:
        data["multiplier"] = 1.96
    return Settings.from_json(data)


def form_initial(settings: JSONObject) -> dict[str, JSONValue]:
    """A stored run's settings as the form's starting values (for "run again with changes")."""
    initial = dict(settings)
    for name in ("index_positive", "reference_positive"):
        codes = initial.get(name, [])
        initial[name] = ", ".join(str(code) for code in codes) if isinstance(codes, list) else codes
    initial["level"] = str(initial.get("level", 0.95))
    return initial
