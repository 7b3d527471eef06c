"""Writing outputs with their authors, audited; the mentors' track records follow.

Imports of whole files live in `outputs.imports`, built on the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from core.exceptions import EditConflict
from formats.bibliography.text import clean_doi, clean_orcid, clean_pmid, title_key
from outputs.matching import PeopleIndex
from outputs.models import Author, Output
from people.models import Term

# The fields a person edits; compared for conflicts and written to the audit trail.
EDITABLE = (
    "kind",
    "title",
    "venue",
    "date",
    "date_precision",
    "status",
    "doi",
    "pmid",
    "abstract",
    "amount",
    "currency",
    "ends_on",
    "project",
)


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
    date_precision: str = Output.Precision.DAY,
    abstract: str = "",
    themes: Iterable[Term] = (),
    project: Any | None = None,
) -> Output:
    """Record an output; `actor` (None for the system) becomes the person who added it."""
    output = Output(added_by=actor if getattr(actor, "is_authenticated", False) else None)
    values = {
        "kind": kind,
        "title": title,
        "venue": venue,
        "date": date,
        "date_precision": date_precision,
        "status": status,
        "doi": doi,
        "pmid": pmid,
        "abstract": abstract,
        "amount": amount,
        "currency": currency,
        "ends_on": ends_on,
        "project": project,
    }
    _apply(output, values, authors)
    output.save()
    _write_authors(output, authors, actor)
    output.themes.set(list(themes))
    audit_record(actor=actor, action="output.create", obj=output, changes={"title": (None, title)})
    _refresh_track_records(output)
    return output


@transaction.atomic
def output_update(
    *,
    actor: Any,
    output: Output,
    version: int | None,
    authors: list[AuthorIn],
    themes: Iterable[Term] = (),
    **values: Any,
) -> Output:
    """Change an output; refuse with EditConflict if it was saved since `version` was read."""
    locked = Output.objects.select_for_update().get(pk=output.pk)
    before = _snapshot(locked)
    wanted = {**values, "authors": [a.name for a in authors], "themes": _names(themes)}
    if version != locked.version:
        current = {
            key.replace("_", " "): value
            for key, value in before.items()
            if key in wanted and wanted[key] != value
        }
        raise EditConflict(
            "This output was saved by someone else while you were editing it.",
            current=current,
            version=locked.version,
        )
    people_before = _linked_people(locked)
    _apply(locked, values, authors)
    locked.version += 1
    locked.save()
    locked.authors.all().delete()
    _write_authors(locked, authors, actor)
    locked.themes.set(list(themes))
    after = _snapshot(locked)
    changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    audit_record(actor=actor, action="output.update", obj=locked, changes=changes)
    _refresh_track_records(locked, also=people_before)
    return locked


@transaction.atomic
def output_delete(*, actor: Any, output: Output) -> None:
    people = _linked_people(output)
    audit_record(
        actor=actor, action="output.delete", obj=output, changes={"title": (output.title, None)}
    )
    output.delete()
    _refresh_people(people)


def _apply(output: Output, values: dict[str, Any], authors: Sequence[AuthorIn]) -> None:
    """Set and check the fields; every problem is named at once."""
    if not authors:
        raise ValidationError({"authors": "An output needs at least one author."})
    for field, value in values.items():
        setattr(output, field, value)
    output.title = output.title.strip()
    output.doi = _doi(output.doi)
    output.pmid = _pmid(output.pmid)
    output.title_key = title_key(output.title)
    output.full_clean(exclude=["added_by", "themes"])


def _doi(value: str) -> str:
    if value.strip() and not clean_doi(value):
        raise ValidationError({"doi": f"{value.strip()!r} is not a DOI (10.xxxx/…)."})
    return clean_doi(value)


def _pmid(value: str) -> str:
    if value.strip() and not clean_pmid(value):
        raise ValidationError({"pmid": f"{value.strip()!r} is not a PMID (digits only)."})
    return value.strip()


def _write_authors(output: Output, authors: Sequence[AuthorIn], actor: Any | None) -> None:
    unlinked = [a for a in authors if a.person is None]
    index = PeopleIndex.load(importer=actor) if unlinked else None
    rows = []
    for position, author in enumerate(authors, start=1):
        orcid = clean_orcid(author.orcid)
        if author.orcid.strip() and not orcid:
            raise ValidationError({"authors": f"{author.orcid!r} is not an ORCID iD."})
        person_id = author.person.pk if author.person is not None else None
        if person_id is None and index is not None:
            family = author.name.split()[-1] if author.name.split() else ""
            given = " ".join(author.name.split()[:-1])
            person_id = index.match(author.name.strip(), orcid, family, given)
        rows.append(
            Author(
                output=output,
                position=position,
                name=author.name.strip()[:200],
                person_id=person_id,
                orcid=orcid,
            )
        )
    Author.objects.bulk_create(rows)


def _snapshot(output: Output) -> dict[str, Any]:
    values = {field: getattr(output, field) for field in EDITABLE}
    values["authors"] = [a.name for a in output.authors.all()]
    values["themes"] = _names(output.themes.all())
    return values


def _names(terms: Iterable[Term]) -> list[str]:
    return sorted(t.name for t in terms)


def _linked_people(output: Output) -> set[int]:
    return {pk for pk in output.authors.values_list("person_id", flat=True) if pk is not None}


def _refresh_track_records(output: Output, also: Iterable[int] = ()) -> None:
    """Recount the track record of every mentor among the authors, in this transaction."""
    people = [a.person_id for a in output.authors.all() if a.person_id is not None]
    _refresh_people({*people, *also})


def _refresh_people(people: Iterable[int]) -> None:
    from mentors.stats import mentor_stats_refresh_for_people

    mentor_stats_refresh_for_people(people)
