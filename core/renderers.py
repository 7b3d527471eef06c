"""The form renderer: Django's own widget templates, with the commonest drawn in Python.

A filter form's select lists (sites, regions, subspecialties...) cost a template
include per option: on the project board and the mentor directory that was a third of
the page's time. `FastRenderer` writes exactly the HTML Django's built-in templates
write for selects and inputs (a test compares the two on every widget kind) and hands
every other template, or one a project overrides, to Django's renderer unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"


# A template's context as Django hands it over: each drawing reads the parts it needs,
# narrowing them (a widget's context is a dict) where it uses them.
Context = Mapping[str, object]


def _escaped(value: object) -> str:
    """`conditional_escape` of a value from a context: text (safe or plain) as it is,
    anything else (a lazy text, a number) by its str(), as conditional_escape itself does."""
    return conditional_escape(value if isinstance(value, str | SafeData) else str(value))


def _attrs(attrs: Mapping[str, object]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare name for True, None for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{escape(str(value))}"')
    return "".join(parts)


def _option(option: Context) -> str:
    """django/forms/widgets/select_option.html."""
    attrs = option["attrs"]
    assert isinstance(attrs, dict)
    return (
        f'<option value="{escape(str(option["value"]))}"{_attrs(attrs)}>'
        f"{_escaped(option['label'])}</option>"
    )


def _select(context: Context) -> str | None:
    """django/forms/widgets/select.html, or None when an option uses another template."""
    widget = context.get("widget")
    if not isinstance(widget, dict):
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


def _input(context: Context) -> str | None:
    """django/forms/widgets/input.html (text, number, checkbox, hidden... all include it)."""
    widget = context.get("widget")
    if not isinstance(widget, dict):
        return None
    value = widget["value"]
    shown = f' value="{escape(str(value))}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _label(context: Context) -> str | None:
    """django/forms/label.html: the field's <label> (or its text alone without the tag)."""
    if "use_tag" not in context:
        return None
    label = _escaped(context["label"])
    if not context["use_tag"]:
        return str(label)
    tag = _escaped(context["tag"])
    attrs = context["attrs"]
    return f"<{tag}{_attrs(attrs if isinstance(attrs, dict) else {})}>{label}</{tag}>"


FAST: dict[str, Callable[[Context], str | None]] = {
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
    def _fast(self) -> dict[str, Callable[[Context], str | None]]:
        # Only where the template in use is Django's own: an override wins as before.
        return {
            name: draw
            for name, draw in FAST.items()
            if Path(self.get_template(name).origin.name).is_relative_to(DJANGO_FORM_TEMPLATES)
        }

    def render(
        self, template_name: str, context: dict[str, object], request: HttpRequest | None = None
    ) -> str:
        draw = self._fast.get(template_name)
        drawn = draw(context) if draw is not None else None
        if drawn is None:
            return super().render(template_name, context, request=request)
        return drawn
