"""Forms of the events page: REDCap's arms/events/designation CSVs, and the events editor."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django import forms

from formats.longitudinal import Arm, Design, Designation, Event, unique_event_name
from formats.longitudinal.reader import MAX_BYTES

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import QueryDict

MAX_EVENTS = 200
ARM_NAME_MAX = 200  # capture.Arm.name


def _upload_bytes(upload: UploadedFile | None) -> bytes | None:
    if upload is None:
        return None
    if (upload.size or 0) > MAX_BYTES:
        raise forms.ValidationError("The file is over 2 MB: is it the right file?")
    return bytes(upload.read())


class DesignUploadForm(forms.Form):
    """REDCap's files as its Project Setup or API writes them; only the events are needed."""

    events = forms.FileField(
        label="Events (REDCap CSV)",
        help_text="event_name, arm_num, day_offset, offset_min, offset_max, unique_event_name.",
    )
    arms = forms.FileField(label="Arms (REDCap CSV, optional)", required=False)
    designations = forms.FileField(
        label="Instrument designations (REDCap CSV, optional)",
        required=False,
        help_text="arm_num, unique_event_name, form: which forms are collected at which event.",
    )
    repeating = forms.FileField(
        label="Repeating instruments and events (REDCap CSV, optional)",
        required=False,
        help_text="event_name, form_name, custom_form_label; a blank form repeats the event.",
    )

    def clean_events(self) -> bytes | None:
        return _upload_bytes(self.cleaned_data.get("events"))

    def clean_arms(self) -> bytes | None:
        return _upload_bytes(self.cleaned_data.get("arms"))

    def clean_designations(self) -> bytes | None:
        return _upload_bytes(self.cleaned_data.get("designations"))

    def clean_repeating(self) -> bytes | None:
        return _upload_bytes(self.cleaned_data.get("repeating"))


class DesignConfirmForm(forms.Form):
    """The previewed design, sent back to apply; the service checks it again in full."""

    design = forms.CharField(widget=forms.HiddenInput)
    base = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_design(self) -> Design:
        try:
            return Design.from_dict(json.loads(self.cleaned_data["design"]))
        except (ValueError, TypeError, AttributeError) as error:
            raise forms.ValidationError(
                "The preview did not come back whole: upload again."
            ) from error


def _number(data: QueryDict, key: str, default: float = 0.0) -> float:
    text = str(data.get(key, "") or "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError as error:
        raise forms.ValidationError(f"{text!r} is not a number of days.") from error


def design_from_post(data: QueryDict, current: Design, instruments: list[str]) -> Design:
    """The events editor's table read back: each existing event's name, offsets and forms,
    and a new event when its name is filled in. Unique names stay as they are (REDCap's
    exports and scripts use them); a new event gets one from its name."""
    problems: list[str] = []
    events: list[Event] = []
    taken = {e.unique_name for e in current.events}
    arms = {a.number: a for a in current.arms}
    rows: list[tuple[str, Event | None]] = [(e.unique_name, e) for e in current.events]
    if str(data.get("new-label", "")).strip():
        rows.append(("new", None))
    if len(rows) > MAX_EVENTS:
        raise forms.ValidationError(f"A study has at most {MAX_EVENTS} events.")
    designations: list[Designation] = []
    for number in list(arms):
        name = str(data.get(f"arm-{number}-name", "")).strip()
        if len(name) > ARM_NAME_MAX:
            problems.append(f"Arm {number}: a name of at most {ARM_NAME_MAX} characters.")
        elif name:
            arms[number] = Arm(number, name)
    new_arm_name = str(data.get("new-arm_name", "")).strip()[:ARM_NAME_MAX]
    for key, old in rows:
        label = str(data.get(f"{key}-label", "")).strip()
        try:
            offsets = [
                _number(data, f"{key}-{n}") for n in ("day_offset", "offset_min", "offset_max")
            ]
            arm = int(_number(data, f"{key}-arm", old.arm if old else 1))
        except forms.ValidationError as error:
            problems.append(f"{label or key}: {error.messages[0]}")
            continue
        unique = old.unique_name if old else unique_event_name(label, arm, taken)
        taken.add(unique)
        arms.setdefault(arm, Arm(arm, (not old and new_arm_name) or f"Arm {arm}"))
        events.append(
            Event(
                label=label,
                arm=arm,
                unique_name=unique,
                day_offset=offsets[0],
                offset_min=offsets[1],
                offset_max=offsets[2],
                custom_label=old.custom_label if old else "",
                repeating=data.get(f"{key}-repeating") == "on",
            )
        )
        for instrument in instruments:
            if data.get(f"{key}-form-{instrument}") == "on":
                designations.append(
                    Designation(
                        event=unique,
                        form=instrument,
                        repeating=data.get(f"{key}-repeat-{instrument}") == "on",
                    )
                )
    if problems:
        raise forms.ValidationError(problems)
    used = {e.arm for e in events}
    return Design(
        arms=tuple(a for n, a in sorted(arms.items()) if n in used),
        events=tuple(events),
        designations=tuple(designations),
    )
