from __future__ import annotations

from collections.abc import Mapping

from django import forms

from accounts.models import User
from core.forms import DateInput
from matching.core.fit import CRITERIA, DEFAULT_WEIGHTS
from matching.models import (
    Agreement,
    Decision,
    Feedback,
    Goal,
    MenteeRequest,
    MentorOffer,
    Round,
    Scheme,
)
from people.models import INTEREST_KINDS, Term


def _interests() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Term.objects.filter(kind__in=INTEREST_KINDS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Subspecialties, modalities and methods.",
    )


class OfferForm(forms.ModelForm):
    """The call for mentors."""

    interests = _interests()
    helped_with = forms.MultipleChoiceField(
        choices=Goal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Goals you have helped mentees reach before",
    )

    class Meta:
        model = MentorOffer
        fields = [
            "capacity",
            "interests",
            "meeting_frequency",
            "mode",
            "languages",
            "helped_with",
            "completed_year",
        ]
        labels = {"capacity": "How many mentees you can take this round"}


class RequestForm(forms.ModelForm):
    """The call for mentees: goals, interests, how to meet, ranked mentors, people to avoid."""

    goals = forms.MultipleChoiceField(
        choices=Goal.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    interests = _interests()
    avoid = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Mentors you would rather not be matched with",
        help_text="Nobody else sees this.",
    )

    class Meta:
        model = MenteeRequest
        fields = ["goals", "goals_text", "interests", "meeting_frequency", "mode", "languages"]
        widgets = {"goals_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        instance: MenteeRequest | None = None,
        round_: Round,
        mentee: User,
    ) -> None:
        super().__init__(data, instance=instance)
        offers = round_.offers.select_related("mentor").exclude(mentor=mentee).order_by("pk")
        avoid = self.fields["avoid"]
        assert isinstance(avoid, forms.ModelChoiceField)  # declared above, multiple choice
        avoid.queryset = User.objects.filter(pk__in=offers.values("mentor"))
        for rank in range(1, round_.scheme.max_preferences + 1):
            self.fields[f"choice_{rank}"] = forms.ModelChoiceField(
                queryset=offers,
                required=False,
                label=f"Choice {rank}",
                empty_label="Leave it to the match",
            )
        if self.instance.pk:
            for preference in self.instance.ranked.all():
                self.initial[f"choice_{preference.rank}"] = preference.offer_id
            self.initial["avoid"] = list(self.instance.avoid.all())

    def ranked(self) -> list[MentorOffer]:
        return [
            self.cleaned_data[name]
            for name in sorted(n for n in self.fields if n.startswith("choice_"))
            if self.cleaned_data.get(name)
        ]


class DecisionForm(forms.Form):
    request = forms.IntegerField(min_value=1)
    offer = forms.IntegerField(min_value=1)
    kind = forms.ChoiceField(choices=[*Decision.Kind.choices, ("clear", "Clear")])


class SchemeForm(forms.ModelForm):
    """A scheme with its rules; each criterion's weight is its own field."""

    class Meta:
        model = Scheme
        fields = [
            "name",
            "summary",
            "opportunity",
            "exclusion",
            "objective",
            "max_preferences",
            "min_grade",
            "max_grade",
            "mentor_min_years",
        ]
        labels = {"max_preferences": "How many mentors a mentee may rank"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, data: Mapping[str, object] | None = None, *, instance: Scheme | None = None
    ) -> None:
        super().__init__(data, instance=instance)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        current = self.instance.weights if self.instance.pk else DEFAULT_WEIGHTS
        for name, label in CRITERIA.items():
            self.fields[f"weight_{name}"] = forms.IntegerField(
                label=f"Weight: {label}",
                min_value=0,
                max_value=100,
                initial=current.get(name, DEFAULT_WEIGHTS[name]),
            )

    def weights(self) -> dict[str, int]:
        return {name: self.cleaned_data[f"weight_{name}"] for name in CRITERIA}


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["name", "closes_on"]
        widgets = {"closes_on": DateInput()}


class ReassignForm(forms.Form):
    reason = forms.CharField(
        label="What did not work out",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the scheme's committee reads this.",
    )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["first_met_on", "goals", "meeting_frequency"]
        widgets = {"first_met_on": DateInput(), "goals": forms.Textarea(attrs={"rows": 3})}


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label="How useful was the mentoring",
        choices=[(i, f"{i} of 5") for i in range(5, 0, -1)],
        coerce=int,
    )

    class Meta:
        model = Feedback
        fields = ["rating", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}
