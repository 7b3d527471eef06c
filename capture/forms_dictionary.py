"""Forms of the dictionary pages: upload a new version, the form builder, and the preview."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from django import forms

from capture.forms import dictionary_text
from capture.versions.preview import Impact, parse_renames
from capture.versions.reading import ARCHIVE
from formats.datadictionary import Field, FieldType, ValidationType
from formats.datadictionary.choices import format_choices, format_slider_labels


class DictionaryUploadForm(forms.Form):
    dictionary = forms.FileField(
        label="New data dictionary (REDCap CSV)",
        help_text="The whole dictionary as REDCap exports it: all 18 columns, every field.",
    )
    note = forms.CharField(
        max_length=300, required=False, label="What changed and why (kept with the version)"
    )

    def clean_dictionary(self) -> str:
        return dictionary_text(self.cleaned_data["dictionary"])


def _choices_of(enum: type[StrEnum], blank: str | None = None) -> list[tuple[str, str]]:
    found = [(member.value, member.value) for member in enum]
    return [("", blank), *found] if blank is not None else found


class FieldForm(forms.Form):
    """One field of an instrument, as the builder edits it; the reader checks the rest."""

    name = forms.CharField(
        label="Variable name",
        max_length=100,
        help_text="Lower-case letters, digits and underscores, starting with a letter.",
    )
    form = forms.CharField(
        label="Instrument",
        max_length=100,
        help_text="An existing instrument, or a new name to add an instrument.",
        widget=forms.TextInput(attrs={"list": "instruments"}),
    )
    field_type = forms.ChoiceField(label="Field type", choices=_choices_of(FieldType))
    label = forms.CharField(label="Label", widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label="Choices, calculation or slider labels",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Choices one a line as 'code, label' (or '1, CT | 2, MRI'); a calc field's "
            "calculation such as [weight] / ([height] ^ 2); slider labels 'Low | High'."
        ),
    )
    validation = forms.ChoiceField(
        label="Validation", required=False, choices=_choices_of(ValidationType, "(none)")
    )
    validation_min = forms.CharField(label="Minimum", required=False, max_length=40)
    validation_max = forms.CharField(label="Maximum", required=False, max_length=40)
    required = forms.BooleanField(label="Required", required=False)
    identifier = forms.BooleanField(
        label="Identifier",
        required=False,
        help_text="A study with an identifier field cannot go live: RadCollab keeps none.",
    )
    branching_logic = forms.CharField(
        label="Branching logic (show the field only if ...)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="REDCap syntax, such as [modality(2)] = '1' and [age] >= 18.",
    )
    note = forms.CharField(label="Field note", required=False, max_length=500)
    section_header = forms.CharField(label="Section header", required=False, max_length=500)
    matrix_group = forms.CharField(
        label="Matrix group",
        required=False,
        max_length=100,
        help_text="Radio or checkbox fields next to each other with one group name and the "
        "same choices are drawn as one table.",
    )
    annotation = forms.CharField(
        label="Field annotation (action tags)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="REDCap's action tags, such as @HIDDEN, @READONLY, @DEFAULT='[today]', "
        "@CHARLIMIT=200 or @MAXCHECKED=2; other notes are kept as written.",
    )
    base = forms.CharField(widget=forms.HiddenInput)


def field_initial(f: Field) -> dict[str, str | bool]:
    """The builder form's values for an existing field."""
    if f.field_type == FieldType.CALC:
        choices = f.calculation
    elif f.field_type == FieldType.SLIDER:
        choices = format_slider_labels(f.slider_labels)
    else:
        choices = "\n".join(part.strip() for part in format_choices(f.choices).split("|"))
    return {
        "name": f.name,
        "form": f.form,
        "field_type": f.field_type.value,
        "label": f.label,
        "choices": choices if f.choices or f.calculation or f.slider_labels else "",
        "validation": f.validation.value if f.validation else "",
        "validation_min": f.validation_min,
        "validation_max": f.validation_max,
        "required": f.required,
        "identifier": f.identifier,
        "branching_logic": f.branching_logic,
        "note": f.note,
        "section_header": f.section_header,
        "matrix_group": f.matrix_group,
        "annotation": f.annotation,
    }


class PlanForm(forms.Form):
    """The admin's answers on the preview: renames, code mappings, what to archive."""

    renames = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Renamed fields",
        help_text="One a line as old -> new: their values are carried over.",
    )
    archive_invalid = forms.BooleanField(
        required=False,
        label="Archive the values listed as invalid (they stay exportable)",
    )
    expected = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        impact: Impact,
        mappings: dict[str, dict[str, str]],
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.mapping_fields: list[tuple[str, str, str]] = []  # (form field, field, old code)
        for recode in impact.recodes:
            options = [("", "(unchanged)")] if recode.missing == [] else [("", "(choose)")]
            options += [(code, f"{code}, {label}") for code, label in recode.new_codes]
            options.append((ARCHIVE, "archive the value"))
            for code, count in recode.counts.items():
                key = f"map__{recode.field}__{code}"
                self.fields[key] = forms.ChoiceField(
                    required=False,
                    choices=options,
                    label=f"{recode.field}: code {code} ({count} values) becomes",
                    initial=mappings.get(recode.field, {}).get(code, ""),
                )
                self.mapping_fields.append((key, recode.field, code))

    def clean_renames(self) -> dict[str, str]:
        return parse_renames(self.cleaned_data.get("renames", ""))

    def mappings(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for key, field, code in self.mapping_fields:
            target = self.cleaned_data.get(key) or ""
            if target:
                found.setdefault(field, {})[code] = target
        return found


def renames_text(renames: dict[str, str]) -> str:
    return "\n".join(f"{old} -> {new}" for old, new in renames.items())
