from __future__ import annotations

from typing import Unpack

from django import forms

from accounts.models import User
from core.forms import DateInput, FormData, FormFiles, FormOptions, ModelFormOptions
from outputs.models import Author, Output
from people.models import INTEREST_KINDS, Term
from training import services
from training.models import (
    ChecklistTemplate,
    Credential,
    CredentialType,
    Evidence,
    Goal,
    RequirementCategory,
    RequirementSet,
    Tracker,
)
from training.selectors import today

FILE_HELP = "A PDF, PNG or JPEG of at most 10 MB."
FILE_ACCEPT = {"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}


class CredentialForm(forms.ModelForm):
    certificate = forms.FileField(
        label="Certificate",
        required=False,
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs=FILE_ACCEPT),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Credential
        fields = ["kind", "title", "completed_on", "provider"]
        widgets = {"completed_on": DateInput()}
        labels = {"kind": "Type", "title": "Course name (for “Other”)"}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        instance: Credential | None = None,
        **options: Unpack[ModelFormOptions],
    ) -> None:
        super().__init__(data, files, instance=instance, **options)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["certificate"].help_text = (
                f"{FILE_HELP} Leave empty to keep “{self.instance.certificate_name}”."
                if self.instance.certificate_name
                else FILE_HELP
            )

    def values(self) -> services.CredentialChanges:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "completed_on": data["completed_on"],
            "provider": data["provider"],
        }


class TrackerStartForm(forms.Form):
    requirement_set = forms.ModelChoiceField(
        queryset=RequirementSet.objects.filter(active=True), label="Certificate", empty_label=None
    )


class EvidenceForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=RequirementCategory.objects.none(), label="Category", empty_label=None
    )
    kind = forms.ChoiceField(choices=Evidence.Kind.choices, label="Kind of evidence")
    output = forms.ModelChoiceField(
        queryset=Output.objects.none(), required=False, label="Output (for “An output of mine”)"
    )
    title = forms.CharField(
        max_length=300,
        required=False,
        label="Title",
        help_text="What it was: the meeting, course or talk. An output brings its own title.",
    )
    occurred_on = forms.DateField(
        label="Date", required=False, widget=DateInput(), help_text="An output brings its own date."
    )
    note = forms.CharField(
        required=False, max_length=4000, label="Note", widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        required=False,
        label="File (for “A file”)",
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs=FILE_ACCEPT),
    )
    contribution = forms.ChoiceField(
        required=False,
        label="Contribution (for “A confirmed study contribution”)",
        help_text="What you did for a study, as your site lead confirmed it. It brings its "
        "own title, date and description.",
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        tracker: Tracker,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        contribution = self.fields["contribution"]
        assert isinstance(contribution, forms.ChoiceField)
        citable = services.citable_records(tracker.person)
        contribution.choices = [("", "—"), *((c.key, c.title) for c in citable)]
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = tracker.requirement_set.categories.all()
        output = self.fields["output"]
        assert isinstance(output, forms.ModelChoiceField)
        mine = Author.objects.filter(person_id=tracker.person_id).values("output_id")
        output.queryset = Output.objects.filter(pk__in=mine)


class ChecklistStartForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ChecklistTemplate.objects.filter(active=True), label="Scheme", empty_label=None
    )
    supervisor_email = forms.EmailField(
        label="Supervisor's email", help_text="The person who will sign the items off."
    )
    started_on = forms.DateField(label="Start date", widget=DateInput())

    def clean_supervisor_email(self) -> User:
        email = self.cleaned_data["supervisor_email"]
        supervisor = User.objects.filter(email__iexact=email, is_active=True).first()
        if supervisor is None:
            raise forms.ValidationError(f"Nobody with the email {email} uses RadCollab.")
        return supervisor


class SignForm(forms.Form):
    signed_on = forms.DateField(label="Date", widget=DateInput())
    evidence = forms.CharField(
        label="Evidence", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign: a signed item cannot be changed.",
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **options: Unpack[FormOptions],
    ) -> None:
        options.setdefault("initial", {"signed_on": today()})
        super().__init__(data, files, **options)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label="Completion date", widget=DateInput())
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **options: Unpack[FormOptions],
    ) -> None:
        options.setdefault("initial", {"completed_on": today()})
        super().__init__(data, files, **options)


class ItemEvidenceForm(forms.Form):
    evidence = forms.CharField(
        label="My evidence for this item",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GoalForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = ["target", "kind", "min_status", "theme", "first_author", "due_on"]
        widgets = {"due_on": DateInput()}
        labels = {"theme": "in research theme"}
        help_texts = {"theme": "Leave empty for any theme."}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        instance: Goal | None = None,
        **options: Unpack[ModelFormOptions],
    ) -> None:
        super().__init__(data, files, instance=instance, **options)
        theme = self.fields["theme"]
        assert isinstance(theme, forms.ModelChoiceField)
        theme.queryset = Term.objects.filter(kind__in=INTEREST_KINDS)
        theme.empty_label = "Any theme"
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Any kind"), *Output.Kind.choices]
        status = self.fields["min_status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", "Any status"), *Output.Status.choices]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def values(self) -> services.GoalChanges:
        data = self.cleaned_data
        return {
            "target": data["target"],
            "kind": data["kind"],
            "min_status": data["min_status"],
            "theme": data["theme"],
            "first_author": data["first_author"],
            "due_on": data["due_on"],
        }


class IntervalForm(forms.Form):
    credential_type = forms.ChoiceField(choices=CredentialType.choices, widget=forms.HiddenInput)
    years = forms.IntegerField(
        min_value=0,
        max_value=20,
        required=False,
        label="Years",
        help_text="0 = never expires; empty = the organisation's setting.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
