"""What every app's forms share: error placement and the browser's date and time controls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.fields import BaseTemporalField
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime

if TYPE_CHECKING:
    from django.forms.renderers import BaseRenderer
    from django.forms.utils import ErrorList

# What a bound form reads (a form's `data` and `files`): the posted fields (`request.POST`,
# a dict in tests) and the uploaded files (`request.FILES`).
FormData: TypeAlias = Mapping[str, object]
FormFiles: TypeAlias = MultiValueDict[str, UploadedFile]


class ModelFormOptions(TypedDict, total=False):
    """Django's own keyword parameters of a model form after `data` and `files` (but
    `instance`, which a form names with its model), for a form whose `__init__` adds
    keywords of its own: `def __init__(self, data=None, files=None, *, instance=None,
    mine: X, **options: Unpack[ModelFormOptions])`, passing `**options` on."""

    auto_id: bool | str
    prefix: str | None
    initial: MutableMapping[str, object] | None
    error_class: type[ErrorList]
    label_suffix: str | None
    empty_permitted: bool
    use_required_attribute: bool | None
    renderer: BaseRenderer | None


class FormOptions(ModelFormOptions, total=False):
    """Django's own keyword parameters of a plain form after `data` and `files`."""

    field_order: Iterable[str] | None


# The only values a browser's date and datetime-local controls accept (HTML's "valid date
# string" and "valid normalized local date and time string"). Any other value, such as
# en-GB's 09/03/2026, is shown as an empty control and posted as nothing, so an edit
# form saved unchanged would erase the date.
ISO_DATE = "%Y-%m-%d"
ISO_MINUTE = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A date picker whose value is ISO 8601 whatever the language. Use it for every date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class MonthInput(forms.DateInput):
    """A month picker for a date that stands for its month (stored as the first day): the
    browser takes and gives `YYYY-MM` whatever the language."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


class DateTimeInput(forms.DateTimeInput):
    """A date-and-time picker (to the minute) whose value is ISO 8601 whatever the language."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_MINUTE)


class WallClockField(forms.DateTimeField):
    """A date and time as a clock shows it in a zone the form names elsewhere (a deadline's
    or an event's own zone), given back naive for the service to place in that zone.

    Django's DateTimeField would read it in the viewer's zone instead: it refuses a time
    that the viewer's clocks skip (01:30 on the night the UK's clocks go forward is a
    fine time in Chicago) and attaches an offset the service must then strip.
    """

    widget = DateTimeInput

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return parsed or BaseTemporalField.to_python(self, value)

    def prepare_value(self, value: Any) -> Any:
        """Show a naive wall-clock time as it is; an aware one in its own offset."""
        return value


def copy_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or on top of the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class _NameChoiceIterator(forms.models.ModelChoiceIterator):
    """(pk, name) pairs read straight from the database: no model object per option."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")

    def __len__(self) -> int:
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class NameChoiceField(forms.ModelChoiceField):
    """A filter's select list of objects shown by their `name` (sites, regions, terms).

    The same options, choice and validation as ModelChoiceField for models whose
    `__str__` is their name, without building a model object per option: on the board
    and the directory the lists of every site, region and term were a sixth of the page.
    """

    iterator = _NameChoiceIterator
