"""Reading outputs with their authors and themes, without a query per row."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from outputs.models import Author, Output


def with_details(outputs: QuerySet[Output]) -> QuerySet[Output]:
    return outputs.select_related("added_by").prefetch_related(
        Prefetch("authors", queryset=Author.objects.select_related("person")), "themes"
    )


def filtered(outputs: QuerySet[Output], filters: dict[str, Any]) -> QuerySet[Output]:
    """Narrow by kind, status and theme (each optional, as FilterForm cleans them)."""
    if filters.get("kind"):
        outputs = outputs.filter(kind=filters["kind"])
    if filters.get("status"):
        outputs = outputs.filter(status=filters["status"])
    if filters.get("theme"):
        outputs = outputs.filter(themes=filters["theme"])
    return with_details(outputs.distinct())


def person_outputs(person: Any) -> QuerySet[Output]:
    """What a person recorded or is a linked author of."""
    from outputs.access import own_outputs

    return own_outputs(person)
