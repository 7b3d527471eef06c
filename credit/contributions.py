"""Per-collaborator records of contribution, and each collaborator's group-authorship works.

A contribution record says what one person did for one study — records entered and
completed, queries answered, validation checks, site lead, writing committee, CRediT
roles, their roles in the study — as counted at the moment the site lead of the site they
are credited under (or the committee) confirmed it (`contribution_confirm`, audited as
`credit.contribution.confirm`). Nobody confirms their own. The person's training records
cite it as evidence through `core.extensions` (`citable_for`, which `training` asks for
under the name `citable_contributions` without importing credit).

Group-authorship works: every locked list that names the person and whose publication
the committee has linked, as ORCID's work JSON (`orcid_works`), BibTeX and RIS
(`works_bibtex`, `works_ris`): the consortium is the group author.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record, diff_fields
from capture.models import Study, StudyRole
from core.extensions import Citable
from credit import core, selectors
from credit.models import AuthorList, ContributionRecord
from network.models import Site

if TYPE_CHECKING:
    from accounts.models import User
    from formats.bibliography.model import Record
    from outputs.models import Output

COUNTS = (
    "records_entered",
    "records_complete",
    "queries_answered",
    "validations",
    "site_lead",
    "writing_committee",
    "credit_roles",
    "study_roles",
)


@dataclass(frozen=True)
class Row:
    """One collaborator on a confirmer's page: today's counts and the last confirmation."""

    contributor: core.Contributor
    site_id: int | None
    record: ContributionRecord | None
    may_confirm: bool

    @property
    def changed(self) -> bool:
        """Whether the counts moved since the record was confirmed."""
        if self.record is None:
            return False
        c = self.contributor
        return (c.records_entered, c.records_complete, c.queries_answered, c.validations) != (
            self.record.records_entered,
            self.record.records_complete,
            self.record.queries_answered,
            self.record.validations,
        )


def rows_for(user: User, study: Study, sites: set[int] | None) -> list[Row]:
    """The collaborators whose records `user` confirms (None: every site), in name order."""
    from credit import access

    homes: dict[int, int | None] = {}
    author_list = AuthorList.objects.filter(study=study).first()
    people = selectors.contributions(study, author_list, homes=homes)
    records = {r.person_id: r for r in ContributionRecord.objects.filter(study=study)}
    rows = [
        Row(c, homes.get(c.person_id), records.get(c.person_id), False)
        for c in people
        if sites is None or homes.get(c.person_id) in sites
    ]
    rows = [
        Row(
            r.contributor,
            r.site_id,
            r.record,
            access.may_confirm(sites, r.site_id, user, r.contributor.person_id),
        )
        for r in rows
    ]
    return sorted(rows, key=lambda r: core.sort_key(r.contributor))


def _study_roles(study: Study, person: User) -> list[str]:
    labels = dict(StudyRole.Role.choices)
    roles = StudyRole.objects.filter(study=study, person=person).select_related("study_site__site")
    shown = []
    for role in roles.order_by("role", "pk"):
        where = f" at {role.study_site.site.name}" if role.study_site else ""
        text = f"{labels.get(role.role, role.role)}{where}"
        if text not in shown:
            shown.append(text)
    return shown


@transaction.atomic
def contribution_confirm(
    *, actor: User, study: Study, person: User, sites: set[int] | None
) -> ContributionRecord:
    """Confirm what `person` did for `study` as it stands now (the caller checked that
    `actor` confirms `sites`; None is the committee). Refused for one's own record, for a
    person credited under another site, and for someone with nothing recorded."""
    from credit import access

    homes: dict[int, int | None] = {}
    author_list = AuthorList.objects.filter(study=study).first()
    found = selectors.contributions(study, author_list, person=person, homes=homes)
    if not found:
        raise ValidationError(f"Nothing is recorded for {person} in this study.")
    contributor, home = found[0], homes.get(person.pk)
    if person.pk == actor.pk:
        raise ValidationError("Nobody confirms their own contribution: ask your site lead.")
    if not access.may_confirm(sites, home, actor, person.pk):
        raise ValidationError(f"{person} is credited under a site you do not lead.")
    values: dict[str, object] = {
        "records_entered": contributor.records_entered,
        "records_complete": contributor.records_complete,
        "queries_answered": contributor.queries_answered,
        "validations": contributor.validations,
        "site_lead": contributor.site_lead,
        "writing_committee": contributor.writing_committee,
        "credit_roles": list(contributor.credit_roles),
        "study_roles": _study_roles(study, person),
    }
    record = (
        ContributionRecord.objects.select_for_update().filter(study=study, person=person).first()
    )
    before = {name: getattr(record, name) for name in COUNTS} if record else {}
    if record is None:
        record = ContributionRecord(study=study, person=person)
    for name, value in values.items():
        setattr(record, name, value)
    record.site = Site.objects.filter(pk=home).first() if home else None
    record.confirmed_by, record.confirmed_at = actor, timezone.now()
    record.save()
    audit_record(
        actor=actor,
        action="credit.contribution.confirm",
        obj=record,
        changes=diff_fields(before, values),
        site=record.site,
    )
    return record


def summary(record: ContributionRecord) -> str:
    """What the person did, in a sentence for a portfolio or a certificate."""
    parts = []
    if record.records_entered:
        parts.append(
            f"entered {record.records_entered} records ({record.records_complete} complete)"
        )
    if record.queries_answered:
        parts.append(f"answered {record.queries_answered} data queries")
    if record.validations:
        parts.append(f"made {record.validations} validation checks")
    if record.site_lead:
        parts.append("led the site")
    if record.writing_committee:
        parts.append(f"sat on the writing committee ({record.writing_committee})")
    if record.credit_roles:
        parts.append("CRediT roles: " + ", ".join(record.credit_roles))
    what = "; ".join(parts) or "held a role in the study"
    roles = f" Roles: {', '.join(record.study_roles)}." if record.study_roles else ""
    who = record.confirmed_by or "the committee"
    when = timezone.localtime(record.confirmed_at).date().isoformat()
    return f"{what.capitalize()}.{roles} Confirmed by {who} on {when}."


def citable_for(person: User) -> list[Citable]:
    """The person's confirmed contribution records, as training evidence may cite them."""
    records = ContributionRecord.objects.filter(person=person).select_related(
        "study", "confirmed_by"
    )
    return [
        Citable(
            key=f"credit-contribution-{record.pk}",
            title=f"Contribution to {record.study.title}"[:300],
            date=timezone.localtime(record.confirmed_at).date(),
            summary=summary(record),
            url=reverse("credit:contribution", args=[record.study_id, record.person_id]),
        )
        for record in records
    ]


# --- Group-authorship works ------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """A published list that names the person: the paper, and the group author."""

    author_list: AuthorList
    output: Output
    consortium: str
    me: core.Contributor


def works_of(person: User) -> list[Work]:
    """Locked lists that name `person`, with their linked publication, newest first."""
    lists = (
        AuthorList.objects.filter(locked_at__isnull=False, publication__isnull=False)
        .select_related("publication", "study")
        .order_by("-locked_at")
    )
    works = []
    for author_list in lists:
        listing = core.from_json(author_list.locked_list)
        me = next((p for g in listing.groups for p in g.people if p.person_id == person.pk), None)
        publication = author_list.publication  # not null: filtered above
        if me is not None and publication is not None:
            works.append(Work(author_list, publication, listing.consortium_name, me))
    return works


def waiting_for_publication(person: User) -> list[AuthorList]:
    """Locked lists that name the person but have no linked publication yet."""
    lists = AuthorList.objects.filter(
        locked_at__isnull=False, publication__isnull=True
    ).select_related("study")
    return [
        a
        for a in lists
        if any(
            p.person_id == person.pk for g in core.from_json(a.locked_list).groups for p in g.people
        )
    ]


def _value(text: str) -> dict[str, str] | None:
    return {"value": text} if text else None


def orcid_work(work: Work) -> dict[str, Any]:
    """ORCID's work JSON (API 3.0) for a group-authored journal article: the consortium
    as the first author, the collaborator as an additional one with their ORCID iD."""
    output = work.output
    doi = output.doi.strip()
    date: dict[str, Any] | None = None
    if output.date:
        precise = output.date_precision or "day"
        date = {"year": {"value": f"{output.date.year:04d}"}}
        if precise in ("month", "day"):
            date["month"] = {"value": f"{output.date.month:02d}"}
        if precise == "day":
            date["day"] = {"value": f"{output.date.day:02d}"}
    me = work.me
    person: dict[str, Any] = {
        "credit-name": {"value": f"{me.given_names} {me.family_name}".strip()},
        "contributor-attributes": {
            "contributor-sequence": "additional",
            "contributor-role": "author",
        },
    }
    if me.orcid:
        person["contributor-orcid"] = {
            "uri": f"https://orcid.org/{me.orcid}",
            "path": me.orcid,
            "host": "orcid.org",
        }
    work_json: dict[str, Any] = {
        "type": "journal-article",
        "title": {"title": {"value": output.title}},
        "journal-title": _value(output.venue),
        "publication-date": date,
        "external-ids": {
            "external-id": [
                {
                    "external-id-type": "doi",
                    "external-id-value": doi,
                    "external-id-url": {"value": f"https://doi.org/{doi}"},
                    "external-id-relationship": "self",
                }
            ]
            if doi
            else []
        },
        "url": _value(f"https://doi.org/{doi}" if doi else ""),
        "short-description": f"Collaborator in the {work.consortium} (group author).",
        "contributors": {
            "contributor": [
                {
                    "credit-name": {"value": work.consortium},
                    "contributor-attributes": {
                        "contributor-sequence": "first",
                        "contributor-role": "author",
                    },
                },
                person,
            ]
        },
    }
    # ORCID refuses a field sent as null: what is not known is left out.
    return {key: value for key, value in work_json.items() if value is not None}


def orcid_works(person: User) -> dict[str, Any]:
    """Every work as ORCID's `bulk` body: what a script posts to /v3.0/{orcid}/works."""
    return {"bulk": [{"work": orcid_work(w)} for w in works_of(person)]}


def _records(person: User) -> list[Record]:
    from formats.bibliography.model import Kind, Name, PartialDate, Record

    records = []
    for i, work in enumerate(works_of(person), start=1):
        o = work.output
        first, _, last = (o.pages or "").partition("-")
        date = None
        if o.date:
            precise = o.date_precision or "day"
            month = o.date.month if precise in ("month", "day") else None
            date = PartialDate(o.date.year, month, o.date.day if precise == "day" else None)
        records.append(
            Record(
                index=i,
                label=f"work {i}",
                line=None,
                source_type="article",
                kind=Kind.ARTICLE,
                title=o.title,
                authors=(Name(family=work.consortium),),
                venue=o.venue,
                date=date,
                doi=o.doi,
                pmid=o.pmid,
                volume=o.volume,
                issue=o.issue,
                first_page=first.strip(),
                last_page=last.strip(),
                article_number=o.article_number,
                publisher=o.publisher,
            )
        )
    return records


def works_bibtex(person: User) -> str:
    from formats.bibliography.writers import write_bibtex

    found = _records(person)
    return write_bibtex(found) if found else ""


def works_ris(person: User) -> str:
    from formats.bibliography.writers import write_ris

    found = _records(person)
    return write_ris(found) if found else ""


@transaction.atomic
def publication_link(*, actor: User, author_list: AuthorList, doi: str) -> AuthorList:
    """Link the paper the list was published with, found among the outputs by its DOI."""
    from outputs.models import Output

    wanted = doi.strip().removeprefix("https://doi.org/").removeprefix("doi:").strip()
    if not wanted:
        raise ValidationError({"doi": "Give the paper's DOI, e.g. 10.1259/bjr.20230001."})
    output = Output.objects.filter(doi__iexact=wanted).order_by("pk").first()
    if output is None:
        raise ValidationError(
            {"doi": f"No output has the DOI {wanted}: add the paper under Outputs first."}
        )
    before = author_list.publication_id
    author_list.publication = output
    author_list.save(update_fields=["publication", "updated_at"])
    audit_record(
        actor=actor,
        action="credit.publication",
        obj=author_list,
        changes={"publication": (before, output.pk)},
    )
    return author_list
