from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from django import forms
from django.db import models
from django.db.models import QuerySet

from core.forms import DateInput, FormData, FormFiles, FormOptions, WallClockField
from events.models import AOE, Deadline, DeadlineKind, Event
from network.models import Site
from people.models import Term
from training.models import RequirementCategory

if TYPE_CHECKING:
    from accounts.models import User


class ZoneField(forms.CharField):
    """A time-zone name typed or picked from the common ones (an IANA name)."""

    def __init__(
        self,
        *,
        label: str,
        initial: str | None = None,
        required: bool = True,
        help_text: str = "An IANA name such as America/Chicago; AoE is Etc/GMT+12.",
    ) -> None:
        super().__init__(
            max_length=64,
            widget=forms.TextInput(attrs={"list": "zones"}),
            label=label,
            initial=initial,
            required=required,
            help_text=help_text,
        )


class FilterForm(forms.Form):
    subspecialty = forms.ModelChoiceField(
        queryset=Term.objects.filter(kind=Term.Kind.SUBSPECIALTY),
        required=False,
        empty_label="All subspecialties",
    )


class DeadlineForm(forms.Form):
    kind = forms.ChoiceField(choices=DeadlineKind.choices)
    local = WallClockField(label="Closes at (as stated, in its own zone)")
    time_zone = ZoneField(label="Time zone stated by the source", initial=AOE)
    time_stated = forms.BooleanField(
        label="The source states a time (untick when it gives a day only)",
        required=False,
        initial=True,
    )
    opens_on = forms.DateField(label="Opens on", required=False, widget=DateInput())
    stated_as = forms.CharField(label="As the source states it", max_length=300, required=False)
    word_limit = forms.IntegerField(min_value=1, max_value=10_000, required=False)
    limit_note = forms.CharField(label="Limit in other words", max_length=200, required=False)
    categories = forms.CharField(max_length=300, required=False)
    source = forms.CharField(label="Source tag or link", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DeadlineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, Deadline)
        estimate = " (estimate)" if obj.is_estimate else ""
        return f"{obj} — {obj.due_at:%-d %b %Y}{estimate}"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, RequirementCategory)
        return f"{obj.requirement_set}: {obj.name}"


class PlanForm(forms.Form):
    deadline = DeadlineChoiceField(queryset=Deadline.objects.none(), label="Target deadline")
    buffer_days = forms.IntegerField(
        label="Buffer before the deadline (days)", min_value=0, max_value=90, initial=7
    )
    hours_per_week = forms.IntegerField(
        label="Hours a week for collection and reading", min_value=1, max_value=60, initial=4
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        deadlines: QuerySet[Deadline],
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        field = self.fields["deadline"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = deadlines


class EventForm(forms.Form):
    kind = forms.ChoiceField(choices=Event.Kind.choices)
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts = WallClockField(label="Starts")
    ends = WallClockField(label="Ends")
    time_zone = ZoneField(label="Time zone", initial="Europe/London")
    location = forms.CharField(max_length=200, required=False)
    site = forms.ModelChoiceField(
        queryset=Site.objects.all(), required=False, empty_label="Network-wide"
    )
    subspecialties = forms.ModelMultipleChoiceField(
        queryset=Term.objects.filter(kind=Term.Kind.SUBSPECIALTY), required=False
    )
    url = forms.URLField(label="Link", required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttendForm(forms.Form):
    category = CategoryChoiceField(
        queryset=RequirementCategory.objects.none(),
        required=False,
        label="Count it as evidence for",
        empty_label="Do not add it to a certificate tracker",
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        person: User,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = RequirementCategory.objects.filter(
            requirement_set__trackers__person=person
        ).select_related("requirement_set")


class PreferencesForm(forms.Form):
    deadlines = forms.BooleanField(label="Reminders of my followed deadlines", required=False)
    milestones = forms.BooleanField(label="Reminders of my project milestones", required=False)
    digest = forms.BooleanField(label="The weekly digest", required=False)
