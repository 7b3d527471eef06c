from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from core.conflicts import CONFLICT
from core.paging import ObjectId
from core.types import AuthedRequest
from formats.bibliography import Format
from outputs import imports, services
from outputs.access import get_output_awaiting, get_output_for_user, own_outputs, require_member
from outputs.imports import Entry, Preview
from outputs.models import Output
from outputs.selectors import filtered, pending_links, with_details
from outputs.services import AuthorIn
from people.models import INTEREST_KINDS, Term

router = Router()


class AuthorSchema(Schema):
    name: str
    orcid: str = ""
    person_id: int | None = None
    family: str = ""
    given: str = ""
    affiliation: str = ""


class OutputIn(Schema):
    kind: Output.Kind
    title: str
    authors: list[AuthorSchema]
    venue: str = ""
    date: dt.date | None = None
    date_precision: Output.Precision = Output.Precision.DAY
    status: Output.Status = Output.Status.PUBLISHED
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    article_number: str = ""
    publisher: str = ""
    issn: str = ""
    more_authors: bool = False
    affiliations: str = ""
    amount: Decimal | None = None
    currency: str = ""
    ends_on: dt.date | None = None
    theme_ids: list[int] = []


class OutputUpdate(OutputIn):
    version: int


class OutputOut(Schema):
    id: int
    kind: str
    title: str
    authors: list[AuthorSchema]
    venue: str
    date: dt.date | None
    date_precision: str
    status: str
    doi: str
    pmid: str
    abstract: str
    volume: str
    issue: str
    pages: str
    article_number: str
    publisher: str
    issn: str
    more_authors: bool
    affiliations: str
    became_id: int | None
    amount: Decimal | None
    currency: str
    ends_on: dt.date | None
    themes: list[str]
    version: int

    @staticmethod
    def resolve_authors(output: Output) -> list[AuthorSchema]:
        return [
            AuthorSchema(
                name=a.name,
                orcid=a.orcid,
                person_id=a.person_id,
                family=a.parts[0],
                given=a.parts[1],
                affiliation=a.affiliation,
            )
            for a in output.authors.all()
        ]

    @staticmethod
    def resolve_themes(output: Output) -> list[str]:
        return [t.name for t in output.themes.all()]


class Filters(Schema):
    person: ObjectId | None = None
    kind: Output.Kind | None = None
    status: Output.Status | None = None
    theme: ObjectId | None = None


class ImportIn(Schema):
    text: str
    format: Format | None = None
    filename: str = ""
    # The file positions (the `index` of each entry) to import: every new entry when
    # left out; a "possible" duplicate only when listed.
    chosen: list[int] | None = None


class OutputImportEntryOut(Schema):
    index: int
    entry: str
    title: str
    kind: str | None
    state: str
    reason: str
    existing_id: int | None
    fills: list[str]
    warnings: list[str]
    link: str


class PreviewOut(Schema):
    dry_run: bool
    format: str | None
    problems: list[str]
    new: int
    duplicates: int
    possible: int
    refused: int
    entries: list[OutputImportEntryOut]
    import_id: int | None = None


class AuthorshipWaitingOut(Schema):
    output_id: int
    title: str
    summary: str
    named_by: str


@router.get("", response=list[OutputOut], summary="My outputs, or a person's (?person=ID)")
def outputs(request: AuthedRequest, filters: Query[Filters]) -> list[Output]:
    whose = request.user
    if filters.person is not None and filters.person != request.user.pk:
        require_member(request.user)
        whose = get_object_or_404(
            get_user_model().objects.filter(is_active=True), pk=filters.person
        )
    theme = Term.objects.filter(pk=filters.theme).first() if filters.theme else None
    values = {"kind": filters.kind, "status": filters.status, "theme": theme}
    return list(filtered(own_outputs(whose), values))


@router.post("", response={201: OutputOut}, summary="Add an output")
def create(request: AuthedRequest, payload: OutputIn) -> Status:
    output = services.output_create(actor=request.user, **_values(payload))
    return Status(201, with_details(Output.objects.filter(pk=output.pk)).get())


@router.get("/{int:output_id}", response=OutputOut, summary="One output")
def detail(request: AuthedRequest, output_id: int) -> Output:
    get_output_for_user(request.user, output_id)
    return with_details(Output.objects.filter(pk=output_id)).get()


@router.put(
    "/{int:output_id}",
    response={200: OutputOut, **CONFLICT},
    summary="Change an output (send the version you read)",
)
def update(request: AuthedRequest, output_id: int, payload: OutputUpdate) -> Status:
    output = get_output_for_user(request.user, output_id, write=True)
    services.output_update(
        actor=request.user, output=output, version=payload.version, **_values(payload)
    )
    return Status(200, with_details(Output.objects.filter(pk=output_id)).get())


@router.delete("/{int:output_id}", response={204: None}, summary="Delete an output")
def delete(request: AuthedRequest, output_id: int) -> Status:
    output = get_output_for_user(request.user, output_id, write=True)
    services.output_delete(actor=request.user, output=output)
    return Status(204, None)


@router.get(
    "/authorships/waiting",
    response=list[AuthorshipWaitingOut],
    summary="Outputs on which someone named me as an author, waiting for my answer",
)
def authorships_waiting(request: AuthedRequest) -> list[AuthorshipWaitingOut]:
    return [
        AuthorshipWaitingOut(
            output_id=link.record_id,
            title=link.title,
            summary=link.summary,
            named_by=link.named_by,
        )
        for link in pending_links(request.user)
    ]


@router.post(
    "/{int:output_id}/authorship/confirm",
    response=OutputOut,
    summary="Confirm I am an author of an output that names me (only the person named)",
)
def authorship_confirm(request: AuthedRequest, output_id: int) -> Output:
    output = get_output_awaiting(request.user, output_id)
    services.authorship_confirm(actor=request.user, output=output)
    return with_details(Output.objects.filter(pk=output_id)).get()


@router.post(
    "/{int:output_id}/authorship/decline",
    response={204: None},
    summary="Decline being linked as an author; the name stays as text (only the person named)",
)
def authorship_decline(request: AuthedRequest, output_id: int) -> Status:
    output = get_output_awaiting(request.user, output_id)
    services.authorship_decline(actor=request.user, output=output)
    return Status(204, None)


@router.post(
    "/import",
    response={200: PreviewOut, 201: PreviewOut, 422: PreviewOut},
    summary="Import a bibliography file (dry_run=true previews, false commits)",
)
def import_file(request: AuthedRequest, payload: ImportIn, dry_run: bool = True) -> Status:
    fmt = payload.format.value if payload.format else None
    preview = imports.import_preview(person=request.user, text=payload.text, fmt=fmt)
    if dry_run or preview.problems:
        return Status(422 if preview.problems else 200, _preview_out(preview, dry_run=dry_run))
    try:
        result = imports.import_commit(
            actor=request.user,
            person=request.user,
            text=payload.text,
            fmt=fmt,
            filename=payload.filename,
            chosen=payload.chosen,
        )
    except ValidationError:
        return Status(422, _preview_out(preview, dry_run=False))
    out = _preview_out(preview, dry_run=False)
    out.import_id = result.batch.pk
    return Status(201, out)


def _values(payload: OutputIn) -> dict[str, Any]:
    data = payload.model_dump(exclude={"authors", "theme_ids", "version"})
    people = get_user_model().objects.in_bulk([a.person_id for a in payload.authors if a.person_id])
    themes = list(Term.objects.filter(pk__in=payload.theme_ids, kind__in=INTEREST_KINDS))
    if len(themes) != len(set(payload.theme_ids)):
        raise ValidationError({"theme_ids": "Unknown theme id (see /api/v1/people/terms)."})
    data["authors"] = [
        AuthorIn(
            name=a.name,
            orcid=a.orcid,
            person=people.get(a.person_id) if a.person_id else None,
            family=a.family,
            given=a.given,
            affiliation=a.affiliation,
        )
        for a in payload.authors
    ]
    data["themes"] = themes
    return data


def _entry_out(entry: Entry) -> OutputImportEntryOut:
    return OutputImportEntryOut(
        index=entry.index,
        entry=entry.where,
        title=entry.record.title,
        kind=str(entry.record.kind) if entry.record.kind else None,
        state=entry.state,
        reason=entry.reason,
        existing_id=entry.existing.pk if entry.existing else None,
        fills=entry.fills,
        warnings=list(entry.warnings),
        link=entry.link_note,
    )


def _preview_out(preview: Preview, *, dry_run: bool) -> PreviewOut:
    return PreviewOut(
        dry_run=dry_run,
        format=preview.format.value if preview.format else None,
        problems=[str(p) for p in preview.problems],
        new=len(preview.new),
        duplicates=len(preview.duplicates),
        possible=len(preview.possible),
        refused=len(preview.refused),
        entries=[_entry_out(e) for e in preview.entries],
    )
