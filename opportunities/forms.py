from __future__ import annotations

from django import forms

from core.forms import DateInput, WallClockField
from events.forms import ZoneField
from network.models import Site
from opportunities.models import Grade, Opportunity, Programme
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
    """A fellowship programme as a curator enters it; the rules are in `programme_save`."""

    name = forms.CharField(max_length=200)
    institution = forms.CharField(max_length=200)
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("name"),
        required=False,
        label="Site in the network",
        empty_label="Not one of the network's sites",
    )
    subspecialty = forms.ModelChoiceField(
        queryset=SUBSPECIALTIES, required=False, empty_label="Not stated"
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
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    url = forms.URLField(label="Programme page", required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
