"""Writing outputs with their authors, audited; the mentors' track records follow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from outputs.models import Author, Output


@dataclass(frozen=True)
class AuthorIn:
    name: str
    person: Any | None = None
    orcid: str = ""


@transaction.atomic
def output_create(
    *,
    actor: Any | None,
    kind: str,
    title: str,
    authors: list[AuthorIn],
    venue: str = "",
    date: dt.date | None = None,
    status: str = Output.Status.PUBLISHED,
    doi: str = "",
    pmid: str = "",
    amount: Decimal | None = None,
    currency: str = "",
    ends_on: dt.date | None = None,
) -> Output:
    if not authors:
        raise ValidationError({"authors": "An output needs at least one author."})
    output = Output(
        kind=kind,
        title=title.strip(),
        venue=venue,
        date=date,
        status=status,
        doi=doi,
        pmid=pmid,
        amount=amount,
        currency=currency,
        ends_on=ends_on,
    )
    output.full_clean()
    output.save()
    Author.objects.bulk_create(
        Author(output=output, position=i, name=a.name, person=a.person, orcid=a.orcid)
        for i, a in enumerate(authors, start=1)
    )
    audit_record(actor=actor, action="output.create", obj=output, changes={"title": (None, title)})
    _refresh_track_records(output)
    return output


def _refresh_track_records(output: Output) -> None:
    """Recount the track record of every mentor among the authors, in this transaction."""
    from mentors.stats import mentor_stats_refresh_for_people

    people = [a.person_id for a in output.authors.all() if a.person_id is not None]
    mentor_stats_refresh_for_people(people)
