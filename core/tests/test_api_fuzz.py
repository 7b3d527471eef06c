"""Schemathesis against the OpenAPI document: every operation, signed in as the personas.

Each operation gets a few generated requests (valid and invalid by the schema), sent
in-process through Django's WSGI handler with a persona's API token. Every answer must
be no server error, match the schema its operation documents, and carry a status code
the document lists. Derandomized, so a failure repeats; see docs/reliability.md.
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


@pytest.fixture
def tokens(personas):
    personas.with_two_factor(*WHO)
    return {who: api_token_create(user=personas.people[who], name="fuzz").secret for who in WHO}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, tokens):
    for who in WHO:
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)
