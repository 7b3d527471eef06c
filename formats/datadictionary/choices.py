"""The "Choices, Calculations, OR Slider Labels" cell for choices and sliders."""

from __future__ import annotations

import re

from formats.datadictionary.model import Choice

# REDCap codes are short tokens; spaces, commas and pipes would break the cell's syntax.
_CODE = re.compile(r"[A-Za-z0-9_.\-]+")
MAX_SLIDER_LABELS = 3


def parse_choices(text: str) -> tuple[Choice, ...]:
    """Parse `code, label | code, label`; raise ValueError naming the first bad choice."""
    choices = tuple(_parse_choice(part) for part in text.split("|"))
    codes = [choice.code for choice in choices]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ValueError(f"code {repeated[0]!r} is used for more than one choice")
    return choices


def _parse_choice(part: str) -> Choice:
    code, comma, label = part.partition(",")
    code, label = code.strip(), label.strip()
    if not comma:
        raise ValueError(f"choice {part.strip()!r} is not written as 'code, label'")
    if not _CODE.fullmatch(code):
        raise ValueError(
            f"choice {part.strip()!r} has code {code!r}; "
            "use letters, digits, underscores, dots or minus signs"
        )
    # An empty label (`1,`) is REDCap's way to draw a radio embedded in another label.
    return Choice(code, label)


def format_choices(choices: tuple[Choice, ...]) -> str:
    return " | ".join(_format_choice(choice) for choice in choices)


def _format_choice(choice: Choice) -> str:
    return f"{choice.code}, {choice.label}" if choice.label else f"{choice.code},"


def parse_slider_labels(text: str) -> tuple[str, ...]:
    """Parse `left | middle | right`; fewer labels are allowed, more are not."""
    labels = tuple(label.strip() for label in text.split("|"))
    if len(labels) > MAX_SLIDER_LABELS:
        raise ValueError(
            f"a slider has at most {MAX_SLIDER_LABELS} labels (left | middle | right), "
            f"not {len(labels)}"
        )
    return labels


def format_slider_labels(labels: tuple[str, ...]) -> str:
    """`Low | Medium | High`; an empty middle label is written `Low | | High`."""
    return "|".join(f" {label} " if label else " " for label in labels).strip()
