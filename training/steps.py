"""GCP, as a step on a newcomer's dashboard (core.extensions.first_step)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from core.extensions import Step
from training.models import CredentialType
from training.selectors import has_valid_gcp

if TYPE_CHECKING:
    from accounts.models import User


def first_step(user: User) -> Step:
    """Done while the person's GCP certificate is in date: studies ask for it."""
    query = urlencode({"kind": CredentialType.GCP_INTRODUCTION.value})
    return Step(
        label="Add your GCP certificate",
        url=reverse("training:credential_new") + "?" + query,
        done=has_valid_gcp(user),
        hint="Good Clinical Practice: every study asks for it; we remind you before it expires.",
    )
