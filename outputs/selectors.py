"""Reading outputs with their authors and themes, without a query per row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from core.extensions import PendingLink
from outputs.models import Author, Output

if TYPE_CHECKING:
    from accounts.models import User


def with_details(outputs: QuerySet[Output]) -> QuerySet[Output]:
    return outputs.select_related("added_by").prefetch_related(
        Prefetch("authors", queryset=Author.objects.select_related("person", "pending_person")),
        "themes",
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


def person_outputs(person: User) -> QuerySet[Output]:
    """What a person recorded or is a linked author of."""
    from outputs.access import own_outputs

    return own_outputs(person)


def pending_links(user: User) -> list[PendingLink]:
    """The outputs naming `user` as an author, waiting for their answer (the confirmation
    page lists them; `core.extensions` collects them from every app)."""
    from outputs.access import awaiting

    outputs = (
        awaiting(user)
        .select_related("added_by")
        .prefetch_related(Prefetch("authors", queryset=Author.objects.order_by("position")))
        .order_by("-created_at", "-pk")
    )
    return [_pending_link(output, user) for output in outputs]


def _pending_link(output: Output, user: User) -> PendingLink:
    authors = list(output.authors.all())
    named = [a for a in authors if a.pending_person_id == user.pk]
    where = ", ".join(f"author {a.position} of {len(authors)} as “{a.name}”" for a in named)
    facts = [output.get_kind_display(), output.venue, output.date_display]
    return PendingLink(
        key=f"output-{output.pk}",
        record_id=output.pk,
        kind="Author",
        title=output.title,
        url=output.get_absolute_url(),
        summary=f"{' · '.join(f for f in facts if f)}. You are {where}.",
        named_by=str(output.added_by) if output.added_by else "",
        confirm_url=reverse("outputs:authorship_confirm", args=[output.pk]),
        decline_url=reverse("outputs:authorship_decline", args=[output.pk]),
    )
