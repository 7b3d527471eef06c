from __future__ import annotations

from django import forms

from core.forms import NameChoiceField
from core.paging import page_number_field
from core.words import MIN_WORDS
from mentors.directory import DirectoryQuery
from mentors.models import ContactRequest
from network.models import Region, Site
from people.models import Term


class ContactRequestForm(forms.ModelForm):
    """The guided request: each question is one a mentor needs answered before replying."""

    class Meta:
        model = ContactRequest
        fields = ["who_i_am", "grade", "what_i_read", "what_i_offer", "hours_per_week"]
        labels = {"hours_per_week": "Hours a week I can give"}
        help_texts = {
            "who_i_am": "Your training, your interests, and why this mentor "
            f"(at least {MIN_WORDS} words).",
            "what_i_read": "A paper or project of theirs you read, and what you took from it.",
            "what_i_offer": "Skills, time in which rotation, data you can collect.",
        }
        widgets = {
            "who_i_am": forms.Textarea(attrs={"rows": 4}),
            "what_i_read": forms.Textarea(attrs={"rows": 3}),
            "what_i_offer": forms.Textarea(attrs={"rows": 3}),
        }


class ReplyForm(forms.Form):
    reply = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Reply"
    )


def _terms_of(kind: str) -> forms.ModelChoiceField:
    return NameChoiceField(
        queryset=Term.objects.filter(kind=kind), required=False, empty_label="Any"
    )


class DirectoryForm(forms.Form):
    """The directory's filters; they live in the URL so that a search can be shared."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    region = NameChoiceField(
        queryset=Region.objects.all(), required=False, empty_label="Any region"
    )
    site = NameChoiceField(queryset=Site.objects.all(), required=False, empty_label="Any site")
    subspecialty = _terms_of(Term.Kind.SUBSPECIALTY)
    modality = _terms_of(Term.Kind.MODALITY)
    method = _terms_of(Term.Kind.METHOD)
    accepting = forms.BooleanField(label="Taking trainees", required=False)
    funded = forms.BooleanField(label="Has current funding", required=False)
    quick_reply = forms.BooleanField(label="Answers within 14 days", required=False)
    near = NameChoiceField(
        queryset=Site.objects.all(), required=False, empty_label="My site", label="Distance from"
    )
    within_km = forms.TypedChoiceField(
        label="Within",
        choices=[
            ("", "Any distance"),
            ("25", "25 km"),
            ("50", "50 km"),
            ("100", "100 km"),
            ("250", "250 km"),
        ],
        coerce=float,
        empty_value=None,
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[
            ("track_record", "Track record"),
            ("relevance", "Relevance"),
            ("reply", "Reply time"),
            ("distance", "Distance"),
        ],
        required=False,
    )
    page = page_number_field()

    def to_query(self, home: Site | None) -> DirectoryQuery:
        data = self.cleaned_data
        terms = tuple(t.pk for t in (data["subspecialty"], data["modality"], data["method"]) if t)
        near = data["near"] or home
        sort = data["sort"] or ("relevance" if data["q"] else "track_record")
        return DirectoryQuery(
            text=data["q"],
            region=data["region"].pk if data["region"] else None,
            site=data["site"].pk if data["site"] else None,
            terms=terms,
            accepting=data["accepting"],
            funded=data["funded"],
            quick_reply=data["quick_reply"],
            near=near,
            within_km=data["within_km"] if near else None,
            sort=sort if (sort != "distance" or near) else "track_record",
            page=data["page"] or 1,
        )
