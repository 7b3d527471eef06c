from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def audit_value(value: object) -> str:
    """How an old or new value reads in the trail: a copied object by its label."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    return str(value)
