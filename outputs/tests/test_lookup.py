"""Import by identifier: the look-up task with recorded answers and no network.

`outputs.lookup.fetch` (the one function that touches the network) is replaced by a
fake that serves the files in formats/bibliography/tests/fixtures/responses, and
`outputs.lookup.sleep` by a list that records each back-off.
"""

from __future__ import annotations

import datetime as dt
import email.message
import io
import urllib.error
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from outputs import lookup
from outputs.imports import import_commit, import_preview
from outputs.models import Output, OutputImport
from outputs.tasks import run_lookup

pytestmark = pytest.mark.django_db
RESPONSES = (
    Path(__file__).resolve().parents[2]
    / "formats"
    / "bibliography"
    / "tests"
    / "fixtures"
    / "responses"
)
ROUTES = {
    "https://api.crossref.org/works/10.1148/radiol.2021203656": (
        "crossref_10.1148_radiol.2021203656.json"
    ),
    "https://api.crossref.org/works/10.1101/2023.01.15.23284567": (
        "crossref_10.1101_2023.01.15.23284567.json"
    ),
    "https://api.crossref.org/works/10.5194/egusphere-2022-1-rc1": "crossref_peer_review.json",
    "https://pub.orcid.org/v3.0/0000-0002-1825-0097/works": "orcid_0000-0002-1825-0097_works.json",
}


def http_error(url, code, retry_after=None):
    headers = email.message.Message()
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError(url, code, "status", headers, io.BytesIO(b""))


class FakeNetwork:
    """Serves the recorded answers; `fail` maps a URL to the errors to raise first."""

    def __init__(self, fail=None):
        self.calls: list[str] = []
        self.fail = {url: list(errors) for url, errors in (fail or {}).items()}
        self.progress: list[tuple[int, int]] = []
        self.job_id: int | None = None

    def __call__(self, url, *, accept):
        self.calls.append(url)
        if self.job_id:
            job = OutputImport.objects.get(pk=self.job_id)
            self.progress.append((job.done, job.total))
        errors = self.fail.get(url)
        if errors:
            raise errors.pop(0)
        if url.startswith(lookup.EFETCH):
            name = "pubmed_33037401.xml" if "id=33037401" in url else "pubmed_empty.xml"
            return (RESPONSES / name).read_bytes()
        if url in ROUTES:
            return (RESPONSES / ROUTES[url]).read_bytes()
        raise http_error(url, 404)


@pytest.fixture
def network(monkeypatch):
    fake = FakeNetwork()
    monkeypatch.setattr(lookup, "fetch", fake)
    return fake


@pytest.fixture
def waits(monkeypatch):
    waited: list[float] = []
    monkeypatch.setattr(lookup, "sleep", waited.append)
    return waited


@pytest.fixture
def trainee(personas):
    personas.trainee.full_name = "Amara Okafor"
    personas.trainee.save(update_fields=["full_name"])
    return personas.trainee


def run(person, text, network):
    job = lookup.lookup_create(person=person, text=text)
    network.job_id = job.pk
    return lookup.lookup_run(job.pk)


def test_a_doi_and_a_pmid_become_a_draft_that_previews_as_new(trainee, network, waits):
    job = run(trainee, "10.1148/radiol.2021203656\nPMID: 33037401", network)
    assert job.state == OutputImport.State.DRAFT
    assert (job.done, job.total) == (2, 2)
    assert job.notes == []
    preview = import_preview(person=trainee, text=job.text, fmt=job.format)
    titles = [e.record.title for e in preview.new]
    assert titles == [
        "Pneumothorax Detection on Chest Radiographs with Deep Learning: A Multicenter Study",
        "Diffusion-weighted MRI in stroke mimics",
    ]
    assert network.progress == [(0, 2), (1, 2)]
    result = import_commit(actor=trainee, person=trainee, text=job.text, fmt=job.format, draft=job)
    assert result.created == 2
    article = Output.objects.get(doi="10.1148/radiol.2021203656")
    assert (article.volume, article.issue, article.pages) == ("299", "2", "432-440")
    # BibTeX keeps affiliations for the work as a whole (see formats.bibliography.writers).
    assert article.affiliations == "Department of Radiology, St Elsewhere Hospital"
    assert article.authors.get(position=1).orcid == "0000-0002-1825-0097"


def test_an_orcid_id_brings_every_work_by_doi_pmid_or_summary(trainee, network, waits):
    job = run(trainee, "https://orcid.org/0000-0002-1825-0097", network)
    assert job.state == OutputImport.State.DRAFT
    assert (job.done, job.total) == (4, 4)  # the ORCID record, then its three works
    assert network.calls[0] == "https://pub.orcid.org/v3.0/0000-0002-1825-0097/works"
    assert network.calls[1] == "https://api.crossref.org/works/10.1148/radiol.2021203656"
    assert "id=33037401" in network.calls[2]
    preview = import_preview(person=trainee, text=job.text, fmt=job.format)
    assert len(preview.new) == 3
    poster = preview.new[2].record
    assert poster.title == "Reading room ergonomics: a poster"
    assert [(a.family, a.given, a.orcid) for a in poster.authors] == [
        ("Okafor", "Amara", "0000-0002-1825-0097")
    ]


def test_what_is_not_found_or_not_kept_is_said_per_identifier(trainee, network, waits):
    job = run(
        trainee,
        "10.1148/radiol.2021203656\n10.9999/missing\n99999999\n"
        "10.5194/egusphere-2022-1-rc1\n0000-0001-5109-3700",
        network,
    )
    assert job.state == OutputImport.State.DRAFT, job.error
    assert job.notes == [
        "DOI 10.9999/missing: not found at Crossref",
        "PMID 99999999: not found at PubMed",
        "DOI 10.5194/egusphere-2022-1-rc1: “Comment on egusphere-2022-1” is a peer-review "
        "and RadCollab does not keep that kind of output; add it by hand",
        "ORCID iD 0000-0001-5109-3700: no such ORCID record",
    ]
    assert len(import_preview(person=trainee, text=job.text, fmt=job.format).new) == 1


def test_nothing_found_fails_with_the_notes(trainee, network, waits):
    job = run(trainee, "10.9999/missing", network)
    assert job.state == OutputImport.State.FAILED
    assert job.error == "Nothing could be added from what you entered."
    assert job.notes == ["DOI 10.9999/missing: not found at Crossref"]


def test_429_and_503_are_retried_with_back_off(trainee, network, waits):
    url = "https://api.crossref.org/works/10.1148/radiol.2021203656"
    network.fail = {url: [http_error(url, 429), http_error(url, 503), http_error(url, 503)]}
    job = run(trainee, "10.1148/radiol.2021203656", network)
    assert job.state == OutputImport.State.DRAFT
    assert network.calls.count(url) == 4
    assert waits == [1.0, 2.0, 4.0]


def test_retry_after_is_honoured_within_a_cap(trainee, network, waits):
    url = "https://api.crossref.org/works/10.1148/radiol.2021203656"
    network.fail = {url: [http_error(url, 429, "7"), http_error(url, 429, "3600")]}
    assert run(trainee, "10.1148/radiol.2021203656", network).state == OutputImport.State.DRAFT
    assert waits == [7.0, lookup.MAX_WAIT]


def test_a_service_busy_every_time_fails_with_a_clear_message(trainee, network, waits):
    url = "https://api.crossref.org/works/10.1148/radiol.2021203656"
    network.fail = {url: [http_error(url, 503)] * 4}
    job = run(trainee, "10.1148/radiol.2021203656", network)
    assert job.state == OutputImport.State.FAILED
    assert job.error == (
        "Crossref is busy or unavailable (HTTP 503, tried 4 times); try again later"
    )
    assert not job.offline
    assert len(waits) == 3


def test_a_timeout_is_retried_then_said_plainly(trainee, network, waits):
    url = "https://api.crossref.org/works/10.1148/radiol.2021203656"
    network.fail = {url: [urllib.error.URLError(TimeoutError("timed out")), TimeoutError()] * 2}
    job = run(trainee, "10.1148/radiol.2021203656", network)
    assert job.state == OutputImport.State.FAILED
    assert job.error == (
        "Crossref did not answer within 15 seconds (tried 4 times); try again later"
    )
    assert waits == [1.0, 2.0, 4.0]


def test_no_network_says_so(trainee, network, waits):
    url = "https://api.crossref.org/works/10.1148/radiol.2021203656"
    offline = urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))
    network.fail = {url: [offline]}
    job = run(trainee, "10.1148/radiol.2021203656", network)
    assert job.state == OutputImport.State.FAILED
    assert job.offline
    assert job.error.startswith("Crossref could not be reached")
    assert job.error.endswith("RadCollab could not reach the internet.")
    assert waits == []


def test_another_http_error_is_not_retried(trainee, network, waits):
    url = "https://api.crossref.org/works/10.1148/radiol.2021203656"
    network.fail = {url: [http_error(url, 400)]}
    job = run(trainee, "10.1148/radiol.2021203656", network)
    assert job.error == "Crossref refused the request (HTTP 400)"
    assert waits == []


def test_an_unexpected_error_is_logged_not_raised(trainee, monkeypatch, waits, caplog):
    def broken(url, *, accept):
        raise RuntimeError("boom")

    monkeypatch.setattr(lookup, "fetch", broken)
    job = lookup.lookup_create(person=trainee, text="31234567")
    job = lookup.lookup_run(job.pk)
    assert job.state == OutputImport.State.FAILED
    assert job.error.startswith("Something went wrong: the look-up stopped")
    assert "boom" not in job.error  # never the error's own text
    logged = [r for r in caplog.records if r.getMessage() == "lookup.failed"]
    assert logged[0].__dict__["import_id"] == job.pk
    assert logged[0].exc_info is not None
    assert f"reference {logged[0].__dict__['ref']}." in job.error


def test_ncbi_gets_a_gap_between_requests(monkeypatch, waits):
    clock = iter([100.0, 100.0, 100.1, 100.4])
    monkeypatch.setattr(lookup.time, "monotonic", lambda: next(clock))
    lookup._last_request.clear()
    lookup._keep_gap("eutils.ncbi.nlm.nih.gov")
    lookup._keep_gap("eutils.ncbi.nlm.nih.gov")
    assert waits == [pytest.approx(0.24)]


@override_settings(RADCOLLAB_CONTACT_EMAIL="research-office@example.org")
def test_requests_name_the_product_and_the_contact_address(monkeypatch):
    seen = {}

    class Answer(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout):
        seen["agent"] = request.get_header("User-agent")
        seen["timeout"] = timeout
        return Answer(b"{}")

    monkeypatch.setattr(lookup.urllib.request, "urlopen", urlopen)
    assert lookup.fetch("https://api.crossref.org/works/10.1/x", accept="application/json") == b"{}"
    assert seen == {
        "agent": "RadCollab/1.0 (import by identifier; mailto:research-office@example.org)",
        "timeout": lookup.TIMEOUT,
    }


def test_pubmed_requests_carry_tool_and_email(trainee, network, waits):
    with override_settings(RADCOLLAB_CONTACT_EMAIL="research-office@example.org"):
        run(trainee, "33037401", network)
    assert "tool=radcollab" in network.calls[0]
    assert "email=research-office%40example.org" in network.calls[0]


def test_the_task_runs_the_look_up_and_a_finished_one_is_left_alone(trainee, network, waits):
    job = lookup.lookup_create(person=trainee, text="33037401")
    assert run_lookup.call(import_id=job.pk) == OutputImport.State.DRAFT
    assert run_lookup.call(import_id=job.pk) == OutputImport.State.DRAFT
    assert len(network.calls) == 1


def test_creating_a_look_up_queues_the_task(trainee, django_capture_on_commit_callbacks):
    queued: list[int] = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = lookup.lookup_create(person=trainee, text="33037401, 10.1148/radiol.2021203656")
    assert job.state == OutputImport.State.FETCHING
    assert job.filename == "PMID 33037401, DOI 10.1148/radiol.2021203656"
    assert (job.done, job.total) == (0, 2)
    assert len(callbacks) == 1
    lookup_enqueue = lookup._enqueue
    try:
        lookup._enqueue = queued.append  # type: ignore[assignment]
        with django_capture_on_commit_callbacks(execute=True):
            lookup.lookup_create(person=trainee, text="33037401")
    finally:
        lookup._enqueue = lookup_enqueue
    assert len(queued) == 1


def test_a_stalled_look_up_is_marked_failed(trainee):
    job = lookup.lookup_create(person=trainee, text="33037401")
    OutputImport.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=60)
    )
    job.refresh_from_db()
    job = lookup.fail_stale(job)
    assert job.state == OutputImport.State.FAILED
    assert "No progress for over 15 minutes" in job.error
