"""Schemathesis against the OpenAPI document: every operation, signed in as the personas.

Each operation gets generated requests (valid and invalid by the schema), sent
in-process through Django's WSGI handler with a persona's API token: the personas take
the cases in turn, and each persona sends at least one request to every operation.
Every answer must be no server error, match the schema its operation documents, and
carry a status code the document lists. Derandomized, so a failure repeats; see
docs/reliability.md.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_create

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Few examples per operation keep the whole run within about two minutes on two cores.
EXAMPLES = 4
# Who sends the requests: the network-wide roles reach the most code, the trainee and a
# site lead are held back by it; each persona has two-factor on, as privileged routes ask.
WHO = ("admin", "committee", "site_lead_a", "trainee")
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's test client keeps the test's database connection across a request; the
    WSGI handler called directly here would close it when each request ends
    (`close_old_connections`), which inside the test's transaction loses the connection
    on PostgreSQL (every later answer a 503)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Senders:
    """The personas take an operation's cases in turn (schemathesis generates dozens per
    operation: sending each as every persona quadrupled the run). A case keeps the
    persona it was first given, so a case that hypothesis replays fails again the same
    way; `finish` sends the operation's first case as every persona that had none."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens
        self.given: dict[str, str] = {}
        self.first: schemathesis.Case | None = None

    def send(self, case: schemathesis.Case) -> None:
        key = repr(
            (case.method, case.path, case.path_parameters, case.query, case.headers, case.body)
        )
        who = self.given.setdefault(key, WHO[len(self.given) % len(WHO)])
        if self.first is None:
            self.first = case
        self._call(case, who)

    def finish(self) -> None:
        if self.first is not None:
            for who in WHO[len(self.given) :]:
                self._call(self.first, who)

    def _call(self, case: schemathesis.Case, who: str) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {self.tokens[who]}"}, checks=CHECKS
        )


@pytest.fixture
def senders(personas, request):
    personas.with_two_factor(*WHO)
    tokens = {who: api_token_create(user=personas.people[who], name="fuzz").secret for who in WHO}
    senders = Senders(tokens)
    yield senders
    outcome = getattr(request.node, "rep_call", None)
    if outcome is not None and outcome.passed:
        senders.finish()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, senders):
    senders.send(case)
