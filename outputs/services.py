"""Writing outputs with their authors, audited; the mentors' track records follow.

An author linked to a person other than the one writing (by choice, by name or by
ORCID) is not credited to them until they confirm it: `LinkRule` decides, for every
writer of author rows (this module and `outputs.imports`), whether a link is confirmed
at once (the writer themselves, a link already confirmed, the system), waits for the
person named, or is left out because they declined it on this output. The person
named gets one email per save; `authorship_confirm` and `authorship_decline` are their
answers. Imports of whole files live in `outputs.imports`, built on the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record, unsaved_event
from core.exceptions import EditConflict
from core.extensions import provided
from core.tasks import deliver_email
from formats.bibliography.text import clean_doi, clean_orcid, clean_pmid, title_key
from outputs.access import get_output_awaiting
from outputs.matching import PeopleIndex
from outputs.models import Author, Output, split_name
from people.models import Term

if TYPE_CHECKING:
    from projects.models import Project

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
    "volume",
    "issue",
    "pages",
    "article_number",
    "publisher",
    "issn",
    "more_authors",
    "affiliations",
    "amount",
    "currency",
    "ends_on",
    "project",
)
# Citation fields a person may leave out when adding an output by hand.
CITATION_FIELDS = (
    "volume",
    "issue",
    "pages",
    "article_number",
    "publisher",
    "issn",
    "more_authors",
    "affiliations",
)


@dataclass(frozen=True)
class AuthorIn:
    name: str
    person: User | None = None
    orcid: str = ""
    family: str = ""
    given: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class LinkRule:
    """Whether an author's link to a person is confirmed, waits for them, or is left out.

    `linker_id` is the person writing the author rows (None for the system: the demo
    seeder, the operator's scripts); the sets hold what the output had before this save.
    """

    linker_id: int | None
    confirmed: frozenset[int] = frozenset()
    pending: frozenset[int] = frozenset()
    declined: frozenset[int] = frozenset()

    @classmethod
    def of(cls, actor: User | None, output: Output | None = None) -> LinkRule:
        linker = actor.pk if actor is not None and actor.is_authenticated else None
        if output is None:
            return cls(linker_id=linker)
        rows = list(output.authors.values_list("person_id", "pending_person_id"))
        return cls(
            linker_id=linker,
            confirmed=frozenset(p for p, _ in rows if p is not None),
            pending=frozenset(p for _, p in rows if p is not None),
            declined=frozenset(output.declined_by.values_list("pk", flat=True)),
        )

    def split(self, person_id: int | None) -> tuple[int | None, int | None]:
        """(person, pending_person) for an author matched to `person_id`."""
        if person_id is None:
            return None, None
        if person_id == self.linker_id or person_id in self.confirmed:
            return person_id, None
        if person_id in self.declined:
            return None, None
        if self.linker_id is None:
            return person_id, None
        return None, person_id


@transaction.atomic
def output_create(
    *,
    actor: User | None,
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
    project: Project | None = None,
    **citation: Any,
) -> Output:
    """Record an output; `actor` (None for the system) becomes the person who added it.

    `citation` holds any of CITATION_FIELDS (volume, issue, pages …)."""
    unknown = set(citation) - set(CITATION_FIELDS)
    if unknown:
        raise TypeError(f"output_create() got unexpected fields {sorted(unknown)}")
    output = Output(added_by=actor if getattr(actor, "is_authenticated", False) else None)
    values = {
        **citation,
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
    asked = _write_authors(output, authors, actor, LinkRule.of(actor))
    output.themes.set(list(themes))
    audit_record(actor=actor, action="output.create", obj=output, changes={"title": (None, title)})
    authorship_request(actor=actor, asked={output: asked})
    _refresh_track_records(output)
    return output


@transaction.atomic
def output_update(
    *,
    actor: User,
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
    rule = LinkRule.of(actor, locked)
    _apply(locked, values, authors)
    locked.version += 1
    locked.save()
    locked.authors.all().delete()
    asked = _write_authors(locked, authors, actor, rule) - rule.pending
    locked.themes.set(list(themes))
    after = _snapshot(locked)
    changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    audit_record(actor=actor, action="output.update", obj=locked, changes=changes)
    authorship_request(actor=actor, asked={locked: asked})
    _refresh_track_records(locked, also=people_before)
    return locked


@transaction.atomic
def output_delete(*, actor: User, output: Output) -> None:
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


def _write_authors(
    output: Output, authors: Sequence[AuthorIn], actor: User | None, rule: LinkRule
) -> set[int]:
    """Write the author rows; return the people whose link now waits for them."""
    unlinked = [a for a in authors if a.person is None]
    index = PeopleIndex.load(importer=actor) if unlinked else None
    rows = []
    for position, author in enumerate(authors, start=1):
        orcid = clean_orcid(author.orcid)
        if author.orcid.strip() and not orcid:
            raise ValidationError({"authors": f"{author.orcid!r} is not an ORCID iD."})
        person_id = author.person.pk if author.person is not None else None
        family, given = (author.family, author.given) if author.family else split_name(author.name)
        display = author.name.strip()
        if "," in display and not author.family:  # "Okafor, Amara" is shown "Amara Okafor"
            display = f"{given} {family}".strip()
        if person_id is None and index is not None:
            person_id = index.match(display, orcid, family, given)
        linked, pending = rule.split(person_id)
        rows.append(
            Author(
                output=output,
                position=position,
                name=display[:200],
                family=family.strip()[:200],
                given=given.strip()[:200],
                affiliation=author.affiliation.strip(),
                person_id=linked,
                pending_person_id=pending,
                orcid=orcid,
            )
        )
    Author.objects.bulk_create(rows)
    if rule.linker_id is not None and any(r.person_id == rule.linker_id for r in rows):
        output.declined_by.remove(rule.linker_id)  # linking oneself undoes one's refusal
    return {r.pending_person_id for r in rows if r.pending_person_id is not None}


def _snapshot(output: Output) -> dict[str, object]:
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
    # The mentors app, a higher layer, provides the recount (core.extensions).
    recount = provided("track_records_recount")
    if recount is not None:
        recount(people)


# --- the person named answers ------------------------------------------------------


def authorship_request(*, actor: User | None, asked: dict[Output, set[int]]) -> None:
    """Audit each output's new waiting links and email each person named once.

    One audit row per output (written together: an import may name people on thousands).
    """
    wanted = {output: people for output, people in asked.items() if people}
    if not wanted:
        return
    people = User.objects.in_bulk({pk for group in wanted.values() for pk in group})
    events: list[AuditEvent] = []
    by_person: defaultdict[int, list[Output]] = defaultdict(list)
    for output, group in wanted.items():
        names = sorted(str(people[pk]) for pk in group if pk in people)
        events.append(
            unsaved_event(
                actor=actor,
                action="output.authorship_request",
                obj=output,
                changes={"waiting for": (None, names)},
            )
        )
        for pk in group:
            by_person[pk].append(output)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    for pk, outputs in by_person.items():
        if pk in people:
            _ask(people[pk], actor, outputs)


def _ask(person: User, actor: User | None, outputs: list[Output]) -> None:
    who = str(actor) if getattr(actor, "is_authenticated", False) else "Someone on RadCollab"
    titles = "\n".join(f"- {o.title}" for o in outputs[:20])
    more = f"\n…and {len(outputs) - 20} more." if len(outputs) > 20 else ""
    url = settings.SITE_URL + reverse("confirm_links")
    body = (
        f"{who} named you as an author of:\n\n{titles}{more}\n\n"
        "It counts on your outputs, track record and CV only once you confirm it. "
        f"Confirm or decline: {url}\n"
    )
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject=f"[RadCollab] {who} named you as an author",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
        )
    )


@transaction.atomic
def authorship_confirm(*, actor: User, output: Output) -> Output:
    """The person named confirms they are an author: the link counts from now on."""
    locked = Output.objects.select_for_update().get(pk=output.pk)
    get_output_awaiting(actor, locked.pk)  # again, under the lock: 404 if no longer waiting
    names = list(locked.authors.filter(pending_person=actor).values_list("name", flat=True))
    locked.authors.filter(pending_person=actor).update(person=actor, pending_person=None)
    audit_record(
        actor=actor,
        action="output.authorship_confirm",
        obj=locked,
        changes={"confirmed author": (None, f"{actor} as {', '.join(names)}")},
    )
    _refresh_people([actor.pk])
    return locked


@transaction.atomic
def authorship_decline(*, actor: User, output: Output) -> Output:
    """The person named is not this author: the link goes, the name stays as text, and
    no later save links them to this output again unless they link themselves."""
    locked = Output.objects.select_for_update().get(pk=output.pk)
    get_output_awaiting(actor, locked.pk)
    names = list(locked.authors.filter(pending_person=actor).values_list("name", flat=True))
    locked.authors.filter(pending_person=actor).update(pending_person=None)
    locked.declined_by.add(actor)
    audit_record(
        actor=actor,
        action="output.authorship_decline",
        obj=locked,
        changes={"declined author": (f"{actor} as {', '.join(names)}", None)},
    )
    return locked
