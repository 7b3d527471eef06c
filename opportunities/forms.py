from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from django import forms
from django.forms import BoundField

from core.forms import DateInput, WallClockField
from events.forms import ZoneField
from network.models import Site
from opportunities.models import FACTS, Grade, Opportunity, Programme, ShortlistProfile
from people.models import Term

SUBSPECIALTIES = Term.objects.filter(kind=Term.Kind.SUBSPECIALTY)


class FilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Opportunity.Kind.choices], required=False)
    subspecialty = forms.ModelChoiceField(
        queryset=SUBSPECIALTIES, required=False, empty_label="Any subspecialty"
    )
    eligible = forms.BooleanField(label="Eligible for me", required=False)
    open_only = forms.BooleanField(label="Deadline not passed", required=False)


class OpportunityForm(forms.Form):
    kind = forms.ChoiceField(choices=Opportunity.Kind.choices)
    title = forms.CharField(max_length=200)
    funder = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    currency = forms.CharField(max_length=3, required=False, help_text="GBP, USD, EUR…")
    min_grade = forms.ChoiceField(
        choices=[("", "Any"), *Grade.choices], required=False, label="Lowest grade"
    )
    max_grade = forms.ChoiceField(
        choices=[("", "Any"), *Grade.choices], required=False, label="Highest grade"
    )
    countries = forms.CharField(
        required=False,
        max_length=100,
        help_text="Two-letter codes, comma-separated: GB, US. Empty: any.",
    )
    academic_track = forms.ChoiceField(
        choices=Opportunity.Track.choices, initial="any", required=False
    )
    graduates = forms.ChoiceField(
        choices=Opportunity.Graduates.choices, initial="any", required=False
    )
    visa_sponsorship = forms.BooleanField(label="Sponsors a visa", required=False)
    deadline_local = WallClockField(label="Deadline (as stated, in its own zone)", required=False)
    time_zone = ZoneField(label="Deadline time zone", required=False, initial="Europe/London")
    subspecialties = forms.ModelMultipleChoiceField(queryset=SUBSPECIALTIES, required=False)
    url = forms.URLField(label="Link", required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="Note to the person who suggested it", max_length=500, required=False
    )


class ProgrammeFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Fellowships and residencies"), *Programme.Kind.choices],
        required=False,
    )
    subspecialty = forms.ModelChoiceField(
        queryset=SUBSPECIALTIES, required=False, empty_label="Any subspecialty"
    )
    research = forms.ChoiceField(
        choices=[("", "Any research expectation"), *Programme.Research.choices], required=False
    )
    visa = forms.ChoiceField(
        label="Visa sponsorship", choices=[("", "Any"), *Programme.Visa.choices], required=False
    )


class ProgrammeForm(forms.Form):
    """A programme as a curator enters it; the rules are in `programme_save`.

    Each fact in `FACTS` has a source and an "as of" date (`source_<fact>`,
    `as_of_<fact>`), added in `__init__` and shown beside the fact.
    """

    kind = forms.ChoiceField(
        choices=Programme.Kind.choices, initial=Programme.Kind.FELLOWSHIP, required=False
    )
    name = forms.CharField(max_length=200)
    institution = forms.CharField(max_length=200)
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("name"),
        required=False,
        label="Site in the network",
        empty_label="Not one of the network's sites",
    )
    specialty = forms.ChoiceField(
        label="Specialty (residency)",
        choices=[("", "Not a residency"), *Programme.Specialty.choices],
        required=False,
    )
    subspecialty = forms.ModelChoiceField(
        queryset=SUBSPECIALTIES,
        required=False,
        empty_label="Not stated",
        label="Subspecialty (fellowship)",
    )
    country = forms.CharField(
        max_length=2, required=False, help_text="Two letters, such as US or GB."
    )
    region = forms.CharField(
        max_length=60, required=False, help_text="Such as “Northeast” or “London”."
    )
    positions_per_year = forms.IntegerField(
        label="Positions a year", min_value=0, max_value=200, required=False
    )
    opens_on = forms.DateField(label="Applications open", required=False, widget=DateInput())
    closes_on = forms.DateField(label="Applications close", required=False, widget=DateInput())
    research = forms.ChoiceField(
        label="Research expectation",
        choices=Programme.Research.choices,
        initial=Programme.Research.ENCOURAGED,
    )
    typical_outputs = forms.CharField(
        max_length=300, required=False, help_text="Such as “one abstract and one paper a year”."
    )
    visa_sponsorship = forms.MultipleChoiceField(
        label="Visa sponsorship",
        choices=Programme.Visa.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked when unknown; “None” when it sponsors no visa.",
    )
    graduated_within_years = forms.IntegerField(
        label="Accepts graduates of the last … years",
        min_value=0,
        max_value=60,
        required=False,
        help_text="Empty when the programme states no limit.",
    )
    step2_minimum = forms.IntegerField(
        label="Step 2 CK minimum", min_value=1, max_value=300, required=False
    )
    step2_median = forms.IntegerField(
        label="Step 2 CK median of those interviewed", min_value=1, max_value=300, required=False
    )
    applications_received = forms.IntegerField(
        label="Applications received (one season)", min_value=1, required=False
    )
    interviews_offered = forms.IntegerField(
        label="Interviews offered (same season)", min_value=0, required=False
    )
    application_fee = forms.DecimalField(
        label="Programme's own application fee (US$)",
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text="Beyond the application service's fee; empty when none.",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    url = forms.URLField(label="Programme page", required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        initial: MutableMapping[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        for fact, (label, _fields, required) in FACTS.items():
            hint = "Required when the fact is given." if required else ""
            self.fields[f"source_{fact}"] = forms.CharField(
                label=f"Source of “{label.lower()}”",
                max_length=500,
                required=False,
                help_text=f"A link or a citation. {hint}".strip(),
            )
            self.fields[f"as_of_{fact}"] = forms.DateField(
                label=f"“{label}” as of", required=False, widget=DateInput()
            )

    def fact_groups(self) -> list[dict[str, object]]:
        """For the template: each fact's fields with its source and date."""
        return [
            {
                "label": label,
                "fields": [self[name] for name in fields if name in self.fields],
                "source": self[f"source_{fact}"],
                "as_of": self[f"as_of_{fact}"],
            }
            for fact, (label, fields, _required) in FACTS.items()
        ]

    def general_fields(self) -> list[BoundField]:
        covered = {name for _l, fields, _r in FACTS.values() for name in fields}
        return [
            self[name]
            for name in self.fields
            if name not in covered
            and not name.startswith(("source_", "as_of_"))
            and name != "version"
        ]

    def programme_values(self) -> dict[str, Any]:
        """The cleaned values in `programme_save`'s terms, the sources as one mapping."""
        data = dict(self.cleaned_data)
        sources = {}
        for fact in FACTS:
            source, as_of = data.pop(f"source_{fact}", ""), data.pop(f"as_of_{fact}", None)
            if source or as_of:
                sources[fact] = {"source": source, "as_of": as_of.isoformat() if as_of else ""}
        data["sources"] = sources
        data["specialty"] = data.get("specialty") or ""
        data["kind"] = data.get("kind") or Programme.Kind.FELLOWSHIP
        return data


class ShortlistProfileForm(forms.Form):
    """The applicant's profile and budget; the rules are in `shortlist_profile_save`."""

    stage = forms.ChoiceField(
        label="Where you are",
        choices=ShortlistProfile.Stage.choices,
        widget=forms.RadioSelect,
        initial=ShortlistProfile.Stage.RESIDENCY,
    )
    graduation_year = forms.IntegerField(
        label="Year you graduated from medical school",
        min_value=1950,
        max_value=2100,
        required=False,
        help_text="Or the year you will graduate.",
    )
    step2_score = forms.IntegerField(
        label="USMLE Step 2 CK score", min_value=1, max_value=300, required=False
    )
    visas = forms.ChoiceField(
        label="Visa you need", choices=ShortlistProfile.Visa.choices, required=False
    )
    research_outputs = forms.IntegerField(
        label="Research outputs (papers, abstracts)", min_value=0, max_value=500, initial=0
    )
    presentations = forms.IntegerField(
        label="Presentations and posters", min_value=0, max_value=500, initial=0
    )
    regions = forms.MultipleChoiceField(
        label="Regions you prefer",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subspecialty = forms.ModelChoiceField(
        label="Fellowship subspecialty",
        queryset=SUBSPECIALTIES,
        required=False,
        empty_label="Any (or not choosing a fellowship)",
    )
    budget_kind = forms.ChoiceField(
        label="Your budget is",
        choices=ShortlistProfile.BudgetKind.choices,
        widget=forms.RadioSelect,
        initial=ShortlistProfile.BudgetKind.COUNT,
    )
    budget_programmes = forms.IntegerField(
        label="Number of programmes", min_value=1, max_value=200, required=False
    )
    budget_money = forms.DecimalField(
        label="Money for applications (US$)",
        min_value=0,
        max_value=100000,
        max_digits=8,
        decimal_places=2,
        required=False,
    )
    assumed_rate = forms.IntegerField(
        label="Interview rate to assume when a programme publishes none (%)",
        min_value=1,
        max_value=95,
        required=False,
        help_text="Empty: 10% for residencies, 25% for fellowships.",
    )
    fee_flat = forms.DecimalField(
        label="Fee for the first programmes (US$)",
        min_value=0,
        max_digits=7,
        decimal_places=2,
        initial=99,
    )
    fee_flat_count = forms.IntegerField(
        label="Programmes that fee covers", min_value=0, max_value=200, initial=10
    )
    fee_tiers = forms.CharField(
        label="Fee for each further programme",
        max_length=200,
        initial="17 up to 20, 21 up to 30, 28 after",
        help_text="Such as “17 up to 20, 21 up to 30, 28 after” (US$ each).",
    )

    ASSUMPTIONS = ("assumed_rate", "fee_flat", "fee_flat_count", "fee_tiers")

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        initial: MutableMapping[str, object] | None = None,
        regions: list[str] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        field = self.fields["regions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(r, r) for r in regions or []]

    def main_fields(self) -> list[BoundField]:
        return [self[name] for name in self.fields if name not in self.ASSUMPTIONS]

    def assumption_fields(self) -> list[BoundField]:
        return [self[name] for name in self.ASSUMPTIONS]

    def profile_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["regions"] = ", ".join(data["regions"])
        data["visas"] = data["visas"] or ""
        return data


class EstimateForm(forms.Form):
    percent = forms.IntegerField(
        label="Your own estimate (%)", min_value=0, max_value=100, required=False
    )
