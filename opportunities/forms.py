from __future__ import annotations

from django import forms

from events.forms import LOCAL, ZoneField
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
    deadline_local = forms.DateTimeField(
        label="Deadline (as stated, in its own zone)", widget=LOCAL, required=False
    )
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
    visa = forms.CharField(
        label="Sponsors visa", required=False, max_length=20, help_text="J-1, H-1B…"
    )
