"""Import by identifier: DOIs from Crossref, PMIDs from PubMed, every work of an ORCID iD.

    job = lookup_create(person=me, text="10.1148/radiol.2020201234\\n31234567")
    # a background task (outputs.tasks.run_lookup) then calls lookup_run(job.pk)

The look-up runs in the task worker, never in a request: it asks each service in turn,
records its progress on the `OutputImport` row, and leaves a draft in BibTeX (written
from the records read, see formats.bibliography.writers) that goes through the same
preview and confirmation as an uploaded file. What it could not add is listed per
identifier (`notes`): not found, or a work of a type RadCollab does not keep.

Every request goes through `fetch` (one HTTP GET, the only function that touches the
network, so that tests replace it) and `get` around it: a polite User-Agent naming the
product and the site's contact address (RADCOLLAB_CONTACT_EMAIL), a timeout, and
retries with exponential back-off on 429 and 5xx answers and on timeouts (honouring
Retry-After, within a cap). No network at all stops the look-up with `offline` set, so
the page can offer file import instead.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.logging_tools import failure_message, log_failure
from formats.bibliography import Name, Record
from formats.bibliography.identifiers import (
    DOI,
    ORCID,
    PMID,
    Identifier,
    OrcidWork,
    orcid_works,
    parse_identifiers,
)
from formats.bibliography.jsonworks import scan_crossref_json, scan_orcid_json
from formats.bibliography.model import BibliographyError
from formats.bibliography.pubmed import scan_pubmed_xml
from formats.bibliography.writers import write_bibtex
from outputs.models import OutputImport, split_name

if TYPE_CHECKING:
    from accounts.models import User
    from formats.jsontypes import JSONValue

logger = logging.getLogger(__name__)

CROSSREF = "https://api.crossref.org/works/"
EFETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
ORCID_API = "https://pub.orcid.org/v3.0/"
SERVICES = {
    "api.crossref.org": "Crossref",
    "eutils.ncbi.nlm.nih.gov": "PubMed",
    "pub.orcid.org": "ORCID",
}
TIMEOUT = 15  # seconds for one request
ATTEMPTS = 4  # one request and three retries
BACKOFF = 1.0  # seconds before the first retry, doubled each time
MAX_WAIT = 30.0  # the longest wait a Retry-After header may ask for
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BYTES = 20 * 1024 * 1024
# NCBI asks for at most three requests a second without an API key.
GAP = {"eutils.ncbi.nlm.nih.gov": 0.34}
MAX_IDENTIFIERS = 50
ARTICLE_TAG = re.compile(r"<Pubmed(?:Book)?Article[\s>]")
sleep = time.sleep  # replaced in tests
_last_request: dict[str, float] = {}


class ServiceError(Exception):
    """A service could not answer; the message is for the person who asked."""


class NotFound(ServiceError):
    pass


class Offline(ServiceError):
    pass


def user_agent() -> str:
    """'RadCollab/1.0 (mailto:admin@example.org)', as Crossref's polite pool asks."""
    contact = settings.RADCOLLAB_CONTACT_EMAIL
    product = settings.RADCOLLAB_PRODUCT_NAME.replace(" ", "")
    return f"{product}/1.0 (import by identifier; mailto:{contact})" if contact else product


def fetch(url: str, *, accept: str) -> bytes:
    """One HTTP GET: the body, or urllib's error (HTTPError, URLError, TimeoutError)."""
    request = urllib.request.Request(  # noqa: S310 - the URLs are built here, https only
        url, headers={"User-Agent": user_agent(), "Accept": accept}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (https addresses of Crossref, PubMed and ORCID only) # nosec B310
        body: bytes = response.read(MAX_BYTES)
        return body


def get(url: str, *, accept: str) -> bytes:
    """`fetch` with retries and back-off; NotFound, Offline or ServiceError in words."""
    host = urllib.parse.urlsplit(url).hostname or ""
    service = SERVICES.get(host, host)
    for attempt in range(1, ATTEMPTS + 1):
        _keep_gap(host)
        try:
            return fetch(url, accept=accept)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise NotFound(f"not found at {service}") from None
            if error.code not in RETRY_STATUSES:
                raise ServiceError(f"{service} refused the request (HTTP {error.code})") from None
            if attempt == ATTEMPTS:
                raise ServiceError(
                    f"{service} is busy or unavailable (HTTP {error.code}, "
                    f"tried {ATTEMPTS} times); try again later"
                ) from None
            sleep(_wait(attempt, error.headers.get("Retry-After") if error.headers else None))
        except (TimeoutError, urllib.error.URLError) as error:
            reason = getattr(error, "reason", error)
            if not isinstance(reason, TimeoutError):
                raise Offline(f"{service} could not be reached ({reason})") from None
            if attempt == ATTEMPTS:
                raise ServiceError(
                    f"{service} did not answer within {TIMEOUT} seconds "
                    f"(tried {ATTEMPTS} times); try again later"
                ) from None
            sleep(_wait(attempt, None))
    raise AssertionError("unreachable")  # pragma: no cover


def _wait(attempt: int, retry_after: str | None) -> float:
    """Seconds before the next try: what Retry-After asks (capped), else 1, 2, 4 …"""
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after), MAX_WAIT)
    return min(BACKOFF * 2 ** (attempt - 1), MAX_WAIT)


def _keep_gap(host: str) -> None:
    gap = GAP.get(host)
    if gap:
        waited = time.monotonic() - _last_request.get(host, 0.0)
        if waited < gap:
            sleep(gap - waited)
        _last_request[host] = time.monotonic()


# --- the job ----------------------------------------------------------------------------


def lookup_create(*, person: User, text: str) -> OutputImport:
    """A look-up of the identifiers in `text` (already checked by the form), queued."""
    found, _ = parse_identifiers(text, limit=MAX_IDENTIFIERS)
    job = OutputImport.objects.create(
        person=person,
        format="bibtex",
        filename=_name(found),
        identifiers="\n".join(f"{i.kind}:{i.value}" for i in found),
        digest="",
        state=OutputImport.State.FETCHING,
        total=len(found),
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _name(found: list[Identifier]) -> str:
    shown = ", ".join(str(i) for i in found[:3])
    return (shown + (f" and {len(found) - 3} more" if len(found) > 3 else ""))[:200]


def _enqueue(job_id: int) -> None:
    from outputs.tasks import run_lookup

    run_lookup.enqueue(import_id=job_id)


def fail_stale(job: OutputImport) -> OutputImport:
    """A look-up with no progress for RADCOLLAB_TASK_STALE_MINUTES is marked failed: its
    worker stopped (or none runs). The person may start it again from the import page."""
    cutoff = timezone.now() - dt.timedelta(minutes=settings.RADCOLLAB_TASK_STALE_MINUTES)
    if job.state == OutputImport.State.FETCHING and job.updated_at < cutoff:
        minutes = settings.RADCOLLAB_TASK_STALE_MINUTES
        _fail(
            job,
            f"No progress for over {minutes} minutes (the task worker may have stopped). "
            "Start the look-up again.",
            list(job.notes),
        )
        job.refresh_from_db()
    return job


def identifiers_of(job: OutputImport) -> list[Identifier]:
    found = []
    for line in job.identifiers.splitlines():
        kind, _, value = line.partition(":")
        if kind in (DOI, PMID, ORCID) and value:
            found.append(Identifier(kind, value))
    return found


def lookup_run(job_id: int) -> OutputImport:
    """Look every identifier up and leave a draft to preview (called by the task).

    Never raises: a failure is recorded on the row for the person, and logged.
    """
    job = OutputImport.objects.select_related("person").get(pk=job_id)
    if job.state != OutputImport.State.FETCHING:
        return job  # already done, or failed and given up
    run = _Run(job)
    try:
        run.all()
    except Offline as error:
        _fail(job, f"{error}: RadCollab could not reach the internet.", run.notes, offline=True)
    except ServiceError as error:
        _fail(job, str(error), run.notes)
    except Exception:
        reference = log_failure(logger, "lookup.failed", import_id=job.pk)
        _fail(job, failure_message(reference, "the look-up"), run.notes)
    else:
        run.finish()
    job.refresh_from_db()
    return job


def _fail(job: OutputImport, error: str, notes: list[str], *, offline: bool = False) -> None:
    OutputImport.objects.filter(pk=job.pk, state=OutputImport.State.FETCHING).update(
        state=OutputImport.State.FAILED,
        error=error[:4000],
        notes=notes,
        offline=offline,
        updated_at=timezone.now(),
    )


class _Run:
    def __init__(self, job: OutputImport) -> None:
        self.job = job
        self.records: list[Record] = []
        self.notes: list[str] = []
        self.done = 0
        self.total = job.total

    def all(self) -> None:
        for identifier in identifiers_of(self.job):
            if identifier.kind == ORCID:
                self.orcid(identifier.value)
            else:
                self.one(identifier)
            self.step()

    def step(self, count: int = 1) -> None:
        self.done += count
        OutputImport.objects.filter(pk=self.job.pk).update(
            done=self.done, total=self.total, updated_at=timezone.now()
        )

    def one(self, identifier: Identifier, *, label: str = "") -> None:
        where = label or str(identifier)
        try:
            records = (
                by_doi(identifier.value) if identifier.kind == DOI else by_pmid(identifier.value)
            )
        except NotFound as missing:
            self.notes.append(f"{where}: {missing}")
            return
        if not records:
            service = "Crossref" if identifier.kind == DOI else "PubMed"
            self.notes.append(f"{where}: not found at {service}")
        self.keep(records, where)

    def keep(self, records: list[Record], where: str) -> None:
        for record in records:
            if record.kind is None:
                self.notes.append(
                    f"{where}: “{record.title}” is a {record.source_type or 'work'} "
                    "and RadCollab does not keep that kind of output; add it by hand"
                )
            else:
                self.records.append(record)

    def orcid(self, orcid: str) -> None:
        try:
            works = orcid_works(_json(get(f"{ORCID_API}{orcid}/works", accept="application/json")))
        except NotFound:
            self.notes.append(f"ORCID iD {orcid}: no such ORCID record")
            return
        if not works:
            self.notes.append(f"ORCID iD {orcid}: no public works on this ORCID record")
        self.total += len(works)
        for work in works:
            label = f"ORCID iD {orcid}, work {work.put_code}"
            if work.doi or work.pmid:
                kind, value = (DOI, work.doi) if work.doi else (PMID, work.pmid)
                self.one(Identifier(kind, value), label=f"{label} ({kind.upper()} {value})")
            else:
                self.keep(self.summary(work, orcid), label)
            self.step()

    def summary(self, work: OrcidWork, orcid: str) -> list[Record]:
        """An ORCID work with no DOI or PMID, from its summary: the owner is its author."""
        try:
            records = scan_orcid_json(json.dumps(work.summary)).result()
        except BibliographyError as error:
            self.notes.append(f"ORCID iD {orcid}, work {work.put_code}: {error}")
            return []
        person = self.job.person
        family, given = split_name(person.get_full_name() or str(person))
        owner = Name(family=family, given=given, orcid=orcid)
        return [replace(r, authors=r.authors or (owner,), owner_orcid=orcid) for r in records]

    def finish(self) -> None:
        found = OutputImport.objects.filter(pk=self.job.pk, state=OutputImport.State.FETCHING)
        if not self.records:
            found.update(
                state=OutputImport.State.FAILED,
                error="Nothing could be added from what you entered.",
                notes=self.notes,
                done=self.done,
                total=self.total,
                updated_at=timezone.now(),
            )
            return
        text = write_bibtex(self.records)
        found.update(
            state=OutputImport.State.DRAFT,
            text=text,
            format="bibtex",
            notes=self.notes,
            done=self.done,
            total=self.total,
            updated_at=timezone.now(),
        )


def _json(body: bytes) -> JSONValue:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ServiceError("the service answered with something that is not JSON") from None


def by_doi(doi: str) -> list[Record]:
    """The Crossref record of one DOI (`/works/<doi>`), read by the Crossref JSON reader."""
    body = get(CROSSREF + urllib.parse.quote(doi, safe="/"), accept="application/json")
    try:
        return list(scan_crossref_json(body.decode("utf-8")).result())
    except (UnicodeDecodeError, BibliographyError) as error:
        raise ServiceError(f"Crossref's answer for DOI {doi} could not be read ({error})") from None


def by_pmid(pmid: str) -> list[Record]:
    """The PubMed record of one PMID (efetch, PubMed XML), read by the PubMed XML reader;
    [] when PubMed has no such PMID (efetch answers an empty set then)."""
    query = {"db": "pubmed", "id": pmid, "retmode": "xml", "tool": "radcollab"}
    if settings.RADCOLLAB_CONTACT_EMAIL:
        query["email"] = settings.RADCOLLAB_CONTACT_EMAIL
    body = get(f"{EFETCH}?{urllib.parse.urlencode(query)}", accept="application/xml")
    text = body.decode("utf-8", errors="replace")
    if not ARTICLE_TAG.search(text):
        return []
    try:
        return list(scan_pubmed_xml(text).result())
    except BibliographyError as error:
        raise ServiceError(f"PubMed's answer for PMID {pmid} could not be read ({error})") from None
