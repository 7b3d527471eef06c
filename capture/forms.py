"""Forms of the capture pages, and the entry form built from the data dictionary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django import forms

from accounts.forms import TOKEN_LIFETIMES
from capture.models import Entry, Export, Study, StudyRole, StudySite
from core.uploads import size_problem
from network.models import Site

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


def dictionary_text(upload: UploadedFile) -> str:
    """An uploaded data dictionary as text: UTF-8 (a BOM is dropped), within its limit."""
    if problem := size_problem(upload, "dictionary"):
        raise forms.ValidationError(f"{problem} Is it the right file?")
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise forms.ValidationError(
            f"The file is not UTF-8 text (byte {error.start}): save it as CSV UTF-8."
        ) from error


class StudyCreateForm(forms.Form):
    title = forms.CharField(max_length=200)
    protocol_summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    dictionary = forms.FileField(
        label="Data dictionary (REDCap CSV)",
        help_text="The 18-column data dictionary exported from REDCap, or written to match it.",
    )

    def clean_dictionary(self) -> str:
        return dictionary_text(self.cleaned_data["dictionary"])


class SiteAddForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.order_by("name"))
    code = forms.CharField(max_length=12, help_text="Record ids start with it: CODE-1, ...")


class RoleGrantForm(forms.Form):
    email = forms.EmailField(label="Person's email")
    role = forms.ChoiceField(choices=StudyRole.Role.choices)
    study_site = forms.ModelChoiceField(
        queryset=StudySite.objects.none(), required=False, label="At site"
    )

    def __init__(self, data: Mapping[str, object] | None = None, *, study: Study) -> None:
        super().__init__(data)
        study_site = self.fields["study_site"]
        assert isinstance(study_site, forms.ModelChoiceField)
        study_site.queryset = StudySite.objects.filter(study=study).select_related("site")


class GoLiveForm(forms.Form):
    acknowledged = forms.BooleanField(
        required=False,
        label=(
            "I have read the list of what RadCollab keeps but does not apply or evaluate, "
            "and the study can run without it"
        ),
    )


class LockForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        help_text="Re-enter your password to sign the record as well as lock it.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500)


class QueryForm(forms.Form):
    field = forms.CharField(max_length=100)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


# The largest instance or version a page accepts: PostgreSQL's integer column.
LARGEST = 2_147_483_647


class InstanceForm(forms.Form):
    """Which instance of an instrument a page opens (`?instance=n`, or posted with the form)."""

    instance = forms.IntegerField(
        min_value=1,
        max_value=LARGEST,
        required=False,
        error_messages={
            "invalid": "Instance: give the instance as a whole number, such as 2.",
            "min_value": "Instance: instances are numbered from 1.",
            "max_value": "Instance: no form has that many instances.",
        },
    )

    def number(self) -> int:
        return self.cleaned_data.get("instance") or 1


class EntryMetaForm(forms.Form):
    """What an entry form posts beside the dictionary's values: its status, the version it
    was opened at, the reason for a change and the confirmation of values out of range."""

    version = forms.IntegerField(
        min_value=0,
        max_value=LARGEST,
        required=False,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            "The form's version (kept in the page) is not one it was given: open the form "
            "again and re-enter your changes.",
        ),
    )
    status = forms.TypedChoiceField(
        label="Form status",
        choices=Entry.Status.choices,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": "Form status: choose Incomplete, Unverified or Complete."
        },
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=500,
        required=False,
    )
    confirmed = forms.BooleanField(
        label="I have checked the values outside their range", required=False
    )

    def clean_status(self) -> int:
        status = self.cleaned_data.get("status")
        return Entry.Status.INCOMPLETE if status is None else int(status)


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=Export.Format.choices)
    labels = forms.BooleanField(required=False, label="Labels instead of raw codes")
    deidentify = forms.BooleanField(
        required=False,
        label="De-identified: drop free text, shift dates by a per-record offset",
    )
    checkboxes = forms.ChoiceField(
        choices=[("wide", "One column per option (field___code)"), ("long", "Long format")]
    )
    repeats = forms.ChoiceField(
        choices=[("long", "One row per instance"), ("wide", "One row per record (wide)")]
    )
    archived = forms.BooleanField(
        required=False,
        label="Include values archived by earlier dictionary versions (field__vN columns)",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Records (REDCap flat CSV)",
        help_text=(
            "First column the record id (CODE-n); redcap_data_access_group names the site "
            "when you enter at several; checkboxes as field___code; form_complete 0, 1 or 2."
        ),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if problem := size_problem(upload, "records"):
            raise forms.ValidationError(f"{problem} Split it and import the parts in turn.")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                f"The file is not UTF-8 text (byte {error.start}): save it as CSV UTF-8."
            ) from error


class StudySettingsForm(forms.ModelForm):
    repeating_instruments = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Instruments a record may hold more than once (fixed once records exist).",
    )

    class Meta:
        model = Study
        fields = [
            "protocol_summary",
            "pseudonymisation_rules",
            "require_gcp",
            "allow_file_fields",
            "record_ids",
            "retention_days",
        ]

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        instance: Study | None = None,
        instruments: list[str],
    ) -> None:
        super().__init__(data, instance=instance)
        field = self.fields["repeating_instruments"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(name, name) for name in instruments]
        if self.instance.pk and not self.is_bound:
            self.initial["repeating_instruments"] = self.instance.repeating_instruments
        # Left out of a post, the record ids stay as they are (they are fixed once records exist).
        self.fields["record_ids"].required = False
        self.fields["record_ids"].widget = forms.RadioSelect(choices=Study.RecordIds.choices)

    def clean_record_ids(self) -> str:
        return str(self.cleaned_data.get("record_ids") or self.instance.record_ids)


class StudyTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="Such as the script that will use it."
    )
    role = forms.ChoiceField(label="Acts as", help_text="One of your roles in this study.")
    expires_in = forms.TypedChoiceField(
        label="Expires",
        choices=TOKEN_LIFETIMES,
        coerce=int,
        initial=90,
        required=False,
        empty_value=90,  # type: ignore[arg-type]  # an int: the field coerces to int
        help_text="After this the token stops working; choose the shortest that will do.",
    )

    def __init__(
        self, data: Mapping[str, object] | None = None, *, roles: list[tuple[str, str]]
    ) -> None:
        super().__init__(data)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = roles
