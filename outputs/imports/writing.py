"""Writing the chosen entries: new outputs and their authors, duplicates filled.

New outputs go in by `bulk_create` and their author rows straight to the database
(`core.bulk`); the importer is linked at once and anyone else they name waits for their
answer. A duplicated output gets its empty fields filled once, the importer claims
their unlinked author row on it, presentations are linked to the articles they became,
and the mentors app recounts the track records of the people named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from core import bulk
from core.extensions import provided
from formats.bibliography import Record
from formats.bibliography.text import title_key
from outputs.imports.entries import BATCH, MERGED_FIELDS, Entry, Progress
from outputs.imports.sorting import _fills, _split
from outputs.matching import PeopleIndex
from outputs.models import Author, Output, split_name
from outputs.services import LinkRule

if TYPE_CHECKING:
    from accounts.models import User


AuthorRow = tuple[int, int, str, int | None, int | None, str, str, str, str]
AUTHOR_COLUMNS = (
    "output",
    "position",
    "name",
    "person",
    "pending_person",
    "orcid",
    "family",
    "given",
    "affiliation",
)


def _create(
    person: User, entries: list[Entry], progress: Progress | None, index: PeopleIndex
) -> tuple[list[Output], dict[Output, set[int]]]:
    """Write the new outputs and their authors; also return, per output, the people
    named on it whose link waits for them (the importer's own link needs no answer)."""
    outputs = [_output(person, entry) for entry in entries]
    created = Output.objects.bulk_create(outputs, batch_size=BATCH)
    rule = LinkRule.of(person)
    rows: list[AuthorRow] = []
    asked: dict[Output, set[int]] = {}
    for output, entry in zip(created, entries, strict=True):
        entry.created = output
        mine = _author_rows(output.pk, entry.record, index, person, rule)
        asked[output] = {row[4] for row in mine if row[4] is not None}
        rows.extend(mine)
    _insert_authors(rows, progress)
    return created, asked


def _insert_authors(rows: list[AuthorRow], progress: Progress | None) -> None:
    """Author rows straight to the database (`core.bulk`): a 5,000-entry file has some
    40,000 of them, and building a model instance for each is most of the time
    bulk_create would take."""
    table = bulk.Table(Author, AUTHOR_COLUMNS)
    step = BATCH * 4
    for start in range(0, len(rows), step):
        table.insert(rows[start : start + step])
        if progress:
            progress("write", min(start + step, len(rows)), len(rows))


def _output(person: User, entry: Entry) -> Output:
    record, values = entry.record, entry.values
    date = values["date"]
    return Output(
        kind=str(record.kind),
        title=record.title,
        title_key=title_key(record.title),
        venue=values["venue"],
        date=date.first_day() if date else None,
        date_precision=date.precision if date else Output.Precision.DAY,
        status=str(record.status),
        doi=values["doi"],
        pmid=values["pmid"],
        abstract=values["abstract"],
        volume=values["volume"],
        issue=values["issue"],
        pages=values["pages"],
        article_number=values["article_number"],
        publisher=values["publisher"],
        issn=values["issn"],
        more_authors=record.et_al,
        affiliations="\n".join(record.affiliations),
        added_by=person,
    )


def _author_rows(
    output_id: int, record: Record, index: PeopleIndex, person: User, rule: LinkRule
) -> list[AuthorRow]:
    """(output, position, name, person, pending person, ORCID, family, given, affiliation)
    for each author of a new output: the importer is linked at once, anyone else they
    name waits for their answer."""
    if not record.authors:  # an ORCID work summary: the record's owner is the importer
        family, given = split_name(str(person))
        return [
            (
                output_id,
                1,
                str(person)[:200],
                person.pk,
                None,
                record.owner_orcid,
                family,
                given,
                "",
            )
        ]
    rows: list[AuthorRow] = []
    for position, name in enumerate(record.authors, start=1):
        found = index.match(name.display, name.orcid, name.family, name.given)
        rows.append(
            (
                output_id,
                position,
                name.display,
                *rule.split(found),
                name.orcid,
                name.family[:200],
                name.given[:200],
                "\n".join(name.affiliations),
            )
        )
    return rows


def _link_became(person: User, entries: list[Entry]) -> None:
    """Link each new presentation to the article it became (or the reverse), when both
    are now on the platform and the person may change the one that points."""
    changed: list[Output] = []
    for entry in entries:
        if entry.created is None:
            continue
        if entry.became is not None:
            target = _output_of(entry.became)
            if target is not None:
                entry.created.became = target
                changed.append(entry.created)
        elif entry.became_from is not None:
            source = _output_of(entry.became_from)
            mine = source is not None and (
                source.added_by_id == person.pk
                or source.authors.filter(person=person).exists()
                or isinstance(entry.became_from, Entry)
            )
            if source is not None and mine and source.became_id is None:
                source.became = entry.created
                changed.append(source)
    Output.objects.bulk_update(changed, ["became"], batch_size=BATCH)


def _output_of(target: Output | Entry) -> Output | None:
    return target if isinstance(target, Output) else target.created


def _merge(person: User, entries: list[Entry], index: PeopleIndex) -> list[Output]:
    """Fill the empty fields of each duplicated output once, however many entries match it."""
    ids = sorted({e.existing.pk for e in entries if e.existing is not None})
    outputs = Output.objects.select_for_update().in_bulk(ids)
    changed: set[int] = set()
    for entry in entries:
        assert entry.existing is not None
        output = outputs[entry.existing.pk]
        current = {f: getattr(output, f) for f in MERGED_FIELDS}
        same_kind = output.kind == entry.record.kind
        for name, value in _fills(current, entry.record, same_kind=same_kind).items():
            if name == "date":
                output.date, output.date_precision = value.first_day(), value.precision
            else:
                setattr(output, name, value)
            changed.add(output.pk)
    now = timezone.now()
    for pk in changed:
        outputs[pk].version += 1
        outputs[pk].updated_at = now
    Output.objects.bulk_update(
        [outputs[pk] for pk in sorted(changed)],
        [*MERGED_FIELDS, "date_precision", "version", "updated_at"],
        batch_size=BATCH,
    )
    _claim(person, ids, index)
    return [outputs[pk] for pk in ids]


def _claim(person: User, ids: list[int], index: PeopleIndex) -> None:
    """Link the importing person to their unlinked author row on outputs that lack them."""
    rows = Author.objects.filter(output_id__in=ids).only(
        "pk", "output_id", "name", "orcid", "person_id", "pending_person_id"
    )
    by_output: dict[int, list[Author]] = {}
    for author in rows:
        by_output.setdefault(author.output_id, []).append(author)
    claimed = []
    for authors in by_output.values():
        if any(a.person_id == person.pk for a in authors):
            continue
        for author in authors:
            if (
                author.person_id is None
                and index.match(author.name, author.orcid, *_split(author.name)) == person.pk
            ):
                author.person_id, author.pending_person_id = person.pk, None
                claimed.append(author)
                break
    Author.objects.bulk_update(claimed, ["person", "pending_person"], batch_size=BATCH)
    # Claiming one's own authorship undoes an earlier refusal of it.
    Output.declined_by.through.objects.filter(
        output_id__in=[a.output_id for a in claimed], user_id=person.pk
    ).delete()


def _refresh_mentors(outputs: list[Output]) -> None:
    recount = provided("track_records_recount")  # the mentors app's, a higher layer
    if recount is None:
        return
    ids = [o.pk for o in outputs]
    people: set[int] = set()
    for chunk in range(0, len(ids), 900):
        rows = Author.objects.filter(output_id__in=ids[chunk : chunk + 900], person__isnull=False)
        people.update(rows.values_list("person_id", flat=True))
    recount(people)
