from __future__ import annotations

from typing import Unpack

from django import forms

from core.forms import DateInput, FormData, FormFiles, ModelFormOptions
from people.models import INTEREST_KINDS, MentorProfile, Term, TraineeProfile


def terms(*kinds: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Term.objects.filter(kind__in=kinds),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class VersionedForm(forms.ModelForm):
    """Carries the version the person started from, so a concurrent save is noticed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        instance: TraineeProfile | MentorProfile | None = None,
        **options: Unpack[ModelFormOptions],
    ) -> None:
        super().__init__(data, files, instance=instance, **options)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class TraineeProfileForm(VersionedForm):
    interests = terms(*INTEREST_KINDS)
    skills = terms(Term.Kind.SKILL)

    class Meta:
        model = TraineeProfile
        fields = [
            "grade",
            "scheme",
            "expected_completion",
            "international_graduate",
            "academic_track",
            "research_time",
            "interests",
            "skills",
            "hours_per_week",
            "career_goals",
        ]
        widgets = {"expected_completion": DateInput()}


class MentorProfileForm(VersionedForm):
    expertise = terms(*INTEREST_KINDS)

    class Meta:
        model = MentorProfile
        fields = [
            "title",
            "site",
            "expertise",
            "statement",
            "accepting_trainees",
            "capacity",
            "meeting_frequency",
        ]
        labels = {"capacity": "How many trainees at once"}
