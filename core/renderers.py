"""The form renderer: Django's own widget templates, with the commonest drawn in Python.

A filter form's select lists (sites, regions, subspecialties...) cost a template
include per option: on the project board and the mentor directory that was a third of
the page's time. `FastRenderer` writes exactly the HTML Django's built-in templates
write for selects and inputs (a test compares the two on every widget kind) and hands
every other template, or one a project overrides, to Django's renderer unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape

DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare name for True, None for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{escape(str(value))}"')
    return "".join(parts)


def _option(option: dict[str, Any]) -> str:
    """django/forms/widgets/select_option.html."""
    return (
        f'<option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(context: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html, or None when an option uses another template."""
    widget = context.get("widget")
    if widget is None:
        return None
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None
            # The option template's own final newline follows each option.
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(context: dict[str, Any]) -> str | None:
    """django/forms/widgets/input.html (text, number, checkbox, hidden... all include it)."""
    widget = context.get("widget")
    if widget is None:
        return None
    value = widget["value"]
    shown = f' value="{escape(str(value))}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _label(context: dict[str, Any]) -> str | None:
    """django/forms/label.html: the field's <label> (or its text alone without the tag)."""
    if "use_tag" not in context:
        return None
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return str(label)
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>"


FAST: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "django/forms/label.html": _label,
    "django/forms/widgets/select.html": _select,
    **{
        f"django/forms/widgets/{kind}.html": _input
        for kind in (
            *("input", "text", "number", "email", "url", "password", "hidden", "checkbox"),
            *("search", "tel", "date", "datetime", "time"),
        )
    },
}


class FastRenderer(DjangoTemplates):
    """Django's template renderer, with the templates of FAST drawn in Python."""

    @cached_property
    def _fast(self) -> dict[str, Callable[[dict[str, Any]], str | None]]:
        # Only where the template in use is Django's own: an override wins as before.
        return {
            name: draw
            for name, draw in FAST.items()
            if Path(self.get_template(name).origin.name).is_relative_to(DJANGO_FORM_TEMPLATES)
        }

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw = self._fast.get(template_name)
        drawn = draw(context) if draw is not None else None
        if drawn is None:
            return super().render(template_name, context, request=request)
        return drawn
