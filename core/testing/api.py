"""The API as a script sees it, for every app's tests."""

from __future__ import annotations

from django.test import Client

from accounts.models import User
from accounts.services import api_token_create


def api_client(person: User) -> Client:
    """A test client that sends a fresh personal access token of `person` (no session)."""
    secret = api_token_create(user=person, name="tests").secret
    return Client(headers={"Authorization": f"Bearer {secret}"})
