"""One answer to an edit conflict (`core.exceptions.EditConflict`), for pages and the API.

Two people editing the same thing never silently overwrite each other: the service
refuses the second save with an `EditConflict` carrying the values saved meanwhile.

- A page turns it into a `ConflictNotice` (`conflict_notice`, or `form_save` which
  also runs the save and keeps the person's values in the form with the saved
  version) and shows it with the one partial `core/conflict_notice.html`: the values
  saved now beside the person's own unsaved ones, in words a trainee understands.
- The API answers 409 with one schema, `Conflict` (detail, version, the saved values):
  `radcollab.api` registers the handler once, and every operation that can conflict
  documents it with `**CONFLICT` in its responses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from ninja import Schema

from core.exceptions import EditConflict
from core.forms import copy_errors

T = TypeVar("T")

HEADING = "Saved elsewhere while you were editing"
NEXT_STEP = (
    "Your values are still in the form below. Keep what you want of both, then save "
    "again: your save will replace the saved version."
)
EMPTY = "—"


class Conflict(Schema):
    """The API's answer to a save or delete made from an old version (409)."""

    detail: str
    version: int
    current: dict[str, Any]


# The responses entry of every API operation that can conflict: `response={200: X, **CONFLICT}`.
CONFLICT: dict[int, type[Conflict]] = {409: Conflict}


def conflict_body(clash: EditConflict) -> Conflict:
    """The 409 body: what happened, the version saved now and its values."""
    return Conflict(detail=str(clash), version=clash.version, current=clash.current)


@dataclass(frozen=True)
class ConflictRow:
    label: str
    saved: str
    yours: str


@dataclass(frozen=True)
class ConflictNotice:
    """What the conflict partial shows. `current` and `version` are the exception's."""

    message: str
    version: int
    current: dict[str, object]
    rows: list[ConflictRow]
    shows_yours: bool
    heading: str = HEADING
    next_step: str = NEXT_STEP

    def __str__(self) -> str:
        return self.message


def conflict_notice(
    clash: EditConflict,
    *,
    form: forms.BaseForm | None = None,
    yours: Mapping[str, object] | None = None,
    labels: Mapping[str, str] | None = None,
    heading: str = HEADING,
    next_step: str = NEXT_STEP,
) -> ConflictNotice:
    """The page's notice of `clash`: each saved value beside the person's own.

    The person's values come from `yours` (by the keys of `clash.current`) or else from
    the posted `form`, whose field is found by name (`hours per week` is
    `hours_per_week`) or by label; a choice shows its label, not its code.
    """
    rows = []
    for key, saved in clash.current.items():
        bound = _bound_field(form, key) if form is not None else None
        label = (labels or {}).get(key) or (str(bound.label) if bound else _sentence(key))
        if yours is not None:
            mine = _shown(yours.get(key))
        elif bound is not None:
            mine = _shown(_chosen(bound))
        else:
            mine = EMPTY
        rows.append(ConflictRow(label=label, saved=_shown(saved), yours=mine))
    return ConflictNotice(
        message=str(clash),
        version=clash.version,
        current=clash.current,
        rows=rows,
        shows_yours=yours is not None or form is not None,
        heading=heading,
        next_step=next_step,
    )


def conflict_text(clash: EditConflict) -> str:
    """The refusal in one line, with the saved values, for a message after a redirect."""
    saved = "; ".join(f"{key}: {_shown(value)}" for key, value in clash.current.items())
    return f"{clash} Saved now: {saved}." if saved else str(clash)


def restamp(form: forms.BaseForm, version: int) -> None:
    """Keep the person's posted values in `form` with the version saved now, so that
    saving again after merging replaces that version on purpose."""
    # A QueryDict (posted) or a dict: copy() keeps every value of a multiple choice.
    data = cast(Any, form.data).copy()
    data["version"] = str(version)  # as a browser posts it
    form.data = data


def page_status(form: forms.BaseForm | None, conflict: ConflictNotice | None = None) -> int:
    """409 for a conflict, 400 for a form with errors, else 200."""
    if conflict is not None:
        return 409
    return 400 if form is not None and form.errors else 200


@dataclass
class FormSave(Generic[T]):
    """The outcome of `form_save`: the service's result, or why nothing was saved."""

    form: forms.BaseForm
    result: T | None = None
    conflict: ConflictNotice | None = None
    saved: bool = field(default=False)

    @property
    def status(self) -> int:
        return page_status(self.form, self.conflict)


def form_save(
    form: forms.BaseForm, save: Callable[[], T], *, heading: str = HEADING
) -> FormSave[T]:
    """Run `save` (a service call with the form's values) for a valid posted form.

    An `EditConflict` becomes the page's notice and the form is restamped with the
    saved version; a `ValidationError` is put on the form's fields. Nothing else is
    caught.
    """
    try:
        result = save()
    except EditConflict as clash:
        restamp(form, clash.version)
        return FormSave(form, conflict=conflict_notice(clash, form=form, heading=heading))
    except ValidationError as error:
        copy_errors(form, error)
        return FormSave(form)
    return FormSave(form, result=result, saved=True)


def _sentence(key: str) -> str:
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _bound_field(form: forms.BaseForm, key: str) -> forms.BoundField | None:
    name = key.replace(" ", "_").lower()
    if name in form.fields:
        return form[name]
    for bound in form:
        if str(bound.label).lower() == key.lower():
            return bound
    return None


def _chosen(bound: forms.BoundField) -> object:
    """What the person entered in `bound`, with a choice's label instead of its code."""
    value = bound.value()
    choices = getattr(bound.field, "choices", None)
    if choices is None:
        return value
    labels = dict(_flat_choices(choices))
    if isinstance(value, list | tuple):
        return [labels.get(str(v), v) for v in value]
    return labels.get(str(value), value)


def _flat_choices(choices: Iterable[tuple[object, object]]) -> Iterable[tuple[str, str]]:
    for key, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            yield from _flat_choices(label)
        else:
            yield str(key), str(label)


def _shown(value: object) -> str:
    """A value as the notice prints it: lists joined, yes/no, a dash for nothing."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple | set):
        return ", ".join(_shown(v) for v in value if v not in (None, "")) or EMPTY
    if value is None or value == "":
        return EMPTY
    return str(value)
