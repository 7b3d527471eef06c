"""What the projects pages share: a service run and its outcome said as a message, and
a formset's refusals placed on its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from core.conflicts import conflict_text
from core.exceptions import EditConflict
from core.forms import copy_errors
from core.types import AuthedRequest


def _attempt(call: Callable[[], object], success: str) -> tuple[bool, str]:
    """Run a service: (True, `success`), or (False, its refusal in words)."""
    try:
        call()
    except EditConflict as clash:
        return False, conflict_text(clash)
    except ValidationError as error:
        return False, " ".join(error.messages)
    return True, success


def _done(request: AuthedRequest, call: Callable[[], object], success: str) -> bool:
    """Run a service; report its outcome as a message. True when it succeeded."""
    ok, text = _attempt(call, success)
    (messages.success if ok else messages.error)(request, text)
    return ok


def _copy_row_errors(
    form: forms.BaseForm, prefix: str, kept: Sequence[forms.BaseForm], error: ValidationError
) -> None:
    """Put a refusal next to its field: the form's own, or row n's of a formset
    (`<prefix>.<n>.<field>`, where n counts the rows sent, `kept`: a project's roles,
    a meeting's action items)."""
    if not hasattr(error, "error_dict"):
        copy_errors(form, error)
        return
    for field, found in error.message_dict.items():
        index, _, name = field.removeprefix(f"{prefix}.").partition(".")
        if field.startswith(f"{prefix}.") and index.isdigit() and int(index) < len(kept):
            row = kept[int(index)]
            row.add_error(name if name in row.fields else None, found)
        else:
            form.add_error(field if field in form.fields else None, found)
