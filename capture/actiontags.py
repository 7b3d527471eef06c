"""The action tags RadCollab applies on the entry form, and those the server enforces.

REDCap's tags are read from the field annotation by `formats.datadictionary`
(`Field.action_tags`); here they take effect:

- `@HIDDEN`, `@HIDDEN-FORM`: the field is not shown on the entry form; its value is
  kept and saved (unlike a field hidden by branching logic, which is cleared).
- `@READONLY`: shown but not changeable; on save a change is refused.
- `@DEFAULT='...'` (piping allowed): the value of a blank field on a form not yet saved.
- `@SETVALUE='...'` (piping allowed): the value each time the form opens.
- `@NOW`, `@TODAY`: a blank field opens with the study's current date and time, or date.
- `@PLACEHOLDER='...'`: the hint shown in an empty box.
- `@CHARLIMIT=n`, `@WORDLIMIT=n`: at most n characters, or words, in a text box.
- `@MAXCHECKED=n`: at most n options of a checkbox field.
- `@NONEOFTHEABOVE=code` (or `'98,99'`): that option excludes every other.

The limits and `@READONLY` are checked by `tag_errors` on every save (form and API
alike); the browser (`entry.js`) applies the same limits as the person types. Any
other tag is kept in the dictionary and listed as "kept, not applied".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from capture.logic import Context, Stored
from capture.piping import Pipes, piped_text
from formats.datadictionary import Field, FieldType, ValidationType

V = ValidationType
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Tags:
    """A field's applied action tags, as the entry form and the save read them."""

    hidden: bool = False
    readonly: bool = False
    default: str | None = None
    setvalue: str | None = None
    now: bool = False
    today: bool = False
    placeholder: str = ""
    charlimit: int | None = None
    wordlimit: int | None = None
    maxchecked: int | None = None
    none_of_the_above: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self != NO_TAGS

    @property
    def fills(self) -> bool:
        """Whether the form fills the field in (a default, a set value, now or today)."""
        return self.default is not None or self.setvalue is not None or self.now or self.today


NO_TAGS = Tags()


def tags_of(field: Field) -> Tags:
    """The tags of `field` that RadCollab applies (the first of each name counts)."""
    if "@" not in field.annotation:
        return NO_TAGS

    def argument(name: str) -> str | None:
        tag = field.action_tag(name)
        return tag.argument if tag is not None else None

    def number(name: str) -> int | None:
        tag = field.action_tag(name)
        return tag.number if tag is not None and tag.number else None

    checkbox = field.field_type is FieldType.CHECKBOX
    codes = {c.code for c in field.effective_choices}
    none = argument("@NONEOFTHEABOVE") if checkbox else None
    return Tags(
        hidden=bool(field.action_tag("@HIDDEN") or field.action_tag("@HIDDEN-FORM")),
        readonly=field.action_tag("@READONLY") is not None,
        default=argument("@DEFAULT"),
        setvalue=argument("@SETVALUE"),
        now=field.action_tag("@NOW") is not None,
        today=field.action_tag("@TODAY") is not None,
        placeholder=argument("@PLACEHOLDER") or "",
        charlimit=number("@CHARLIMIT"),
        wordlimit=number("@WORDLIMIT"),
        maxchecked=number("@MAXCHECKED") if checkbox else None,
        none_of_the_above=tuple(
            code for part in (none or "").split(",") if (code := part.strip()) in codes
        ),
    )


def moment_text(field: Field, moment: datetime, *, date_only: bool = False) -> str:
    """`@NOW` or `@TODAY` as the field stores it (YYYY-MM-DD, YYYY-MM-DD HH:MM, HH:MM, ...)."""
    validation = field.validation
    name = validation.value if validation else ""
    if validation is V.TIME:
        return moment.strftime("%H:%M")
    if validation is V.TIME_HH_MM_SS:
        return moment.strftime("%H:%M:%S")
    if validation is V.TIME_MM_SS:
        return moment.strftime("%M:%S")
    if date_only or name.startswith("date_"):
        return moment.date().isoformat()
    if name.startswith("datetime_seconds_") or not name.startswith("datetime_"):
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


def _as_value(field: Field, text: str) -> Stored:
    if field.field_type is FieldType.CHECKBOX:
        return [code.strip() for code in text.split(",") if code.strip()]
    return text


def opening_values(
    fields: list[Field],
    values: Mapping[str, Stored],
    *,
    new: bool,
    pipes: Pipes,
    context: Context,
) -> dict[str, Stored]:
    """The values a form opens with: `values` (saved or typed) with `@SETVALUE` applied,
    and on a form not yet saved `@DEFAULT`, `@NOW` and `@TODAY` in its blank fields."""
    opened = dict(values)
    moment = context.now if isinstance(context.now, datetime) else datetime.now(UTC)
    for field in fields:
        tags = tags_of(field)
        if not tags.fills:
            continue
        blank = _blank(opened.get(field.name))
        if tags.setvalue is not None:
            opened[field.name] = _as_value(field, piped_text(tags.setvalue, pipes, opened, context))
        elif new and blank and tags.default is not None:
            opened[field.name] = _as_value(field, piped_text(tags.default, pipes, opened, context))
        elif blank and (tags.now or tags.today):
            opened[field.name] = moment_text(field, moment, date_only=tags.today)
    return opened


def _blank(value: Stored | None) -> bool:
    return not value if isinstance(value, list | tuple) else value in (None, "")


def tag_errors(
    fields: list[Field],
    checked: Mapping[str, Stored],
    saved: Mapping[str, Stored],
    *,
    pipes: Pipes,
    context: Context,
) -> dict[str, str]:
    """Each value about to be saved that a tag forbids, by field, in words a person acts on.

    `checked`: the values given (only those are checked); `saved`: the entry's values
    before (empty for a new one).
    """
    errors: dict[str, str] = {}
    for field in fields:
        if field.name not in checked or "@" not in field.annotation:
            continue
        problem = _problem(field, tags_of(field), checked[field.name], saved, pipes, context)
        if problem:
            errors[field.name] = problem
    return errors


def _problem(
    field: Field,
    tags: Tags,
    value: Stored,
    saved: Mapping[str, Stored],
    pipes: Pipes,
    context: Context,
) -> str:
    if tags.readonly and not _may_write(field, tags, value, saved, pipes, context):
        before = saved.get(field.name)
        shown = ", ".join(before) if isinstance(before, list) else str(before or "")
        keeps = f"it keeps “{shown}”" if shown else "it stays blank"
        return f"{field.name} is read-only (@READONLY) and cannot be changed here: {keeps}."
    if isinstance(value, list):
        return _checkbox_problem(field, tags, value)
    text = str(value or "")
    if tags.charlimit is not None and len(text) > tags.charlimit:
        return (
            f"{field.name} takes at most {tags.charlimit} characters (@CHARLIMIT); it has "
            f"{len(text)}: shorten it by {len(text) - tags.charlimit}."
        )
    words = len(_WORD.findall(text))
    if tags.wordlimit is not None and words > tags.wordlimit:
        return f"{field.name} takes at most {tags.wordlimit} words (@WORDLIMIT); it has {words}."
    return ""


def _checkbox_problem(field: Field, tags: Tags, codes: list[str]) -> str:
    if tags.maxchecked is not None and len(codes) > tags.maxchecked:
        return (
            f"{field.name}: tick at most {tags.maxchecked} (@MAXCHECKED); {len(codes)} are ticked."
        )
    exclusive = [code for code in tags.none_of_the_above if code in codes]
    if exclusive and len(codes) > 1:
        labels = {c.code: c.label for c in field.effective_choices}
        return (
            f"{field.name}: “{labels.get(exclusive[0], exclusive[0])}” means none of the "
            "others (@NONEOFTHEABOVE): untick it or the other options."
        )
    return ""


def _may_write(
    field: Field,
    tags: Tags,
    value: Stored,
    saved: Mapping[str, Stored],
    pipes: Pipes,
    context: Context,
) -> bool:
    """Whether a read-only field may hold `value`: the saved value, or what the form
    itself fills in (a set value; on a blank field a default, now or today)."""
    before = saved.get(field.name)
    if _same(value, before):
        return True
    setvalue = tags.setvalue
    if setvalue is not None and _same(
        value, _as_value(field, piped_text(setvalue, pipes, saved, context))
    ):
        return True
    if not _blank(before):
        return False
    if tags.default is not None:
        default = _as_value(field, piped_text(tags.default, pipes, saved, context))
        if _same(value, default):
            return True
    # @NOW and @TODAY fill the moment the form opened, which the server cannot know.
    return tags.now or tags.today or _blank(value)


def _same(a: Stored | None, b: Stored | None) -> bool:
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return sorted(a or []) == sorted(b or [])
    return str(a if a is not None else "") == str(b if b is not None else "")
