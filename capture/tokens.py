"""API tokens scoped to one study and one of the person's roles in it.

A personal token acts as its owner everywhere. A study token is the same kind of
token (`accounts.ApiToken`) with `scope = "study:<id>:<role>"`:

- `radcollab.api.TokenAuth` lets it call only the study routes of that study
  (`allows_path`), so a script given it cannot read the person's other studies,
  projects or profile;
- `capture.access.roles_in` narrows the person's roles to that one role, so a study
  admin can hand a script the statistician's view and nothing more;
- it never widens anything: when the person loses the role, the token can do nothing.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import ApiToken, User
from accounts.services import IssuedToken, api_token_create
from audit.services import audit_record
from capture import access
from capture.models import Study, StudyRole
from network import access as network_access

_STUDY_PATH = re.compile(r"studies(?:/(?P<study>\d+)(?:/.*)?)?/?")


def scope_of(study: Study, role: str) -> str:
    return f"{access.TOKEN_SCOPE_PREFIX}{study.pk}:{role}"


def allows_path(scope: str, api_path: str) -> bool:
    """May a token with this scope call `api_path` (relative to /api/v1/)?

    A study scope opens the study list (which then shows that one study) and the
    routes under that study's id; a scope no capability claims opens nothing.
    """
    if not scope.startswith(access.TOKEN_SCOPE_PREFIX):
        return False
    match = _STUDY_PATH.fullmatch(api_path)
    if match is None:
        return False
    study_id = match.group("study")
    parsed = access.parse_token_scope(scope)
    return parsed is not None and (study_id is None or parsed[0] == int(study_id))


def role_choices(user: User, study: Study) -> list[tuple[str, str]]:
    """The roles the person holds in the study, as choices for a token."""
    held = {role.role for role in access.roles_in(user, study)}
    return [(value, label) for value, label in StudyRole.Role.choices if value in held]


@transaction.atomic
def study_token_create(
    *, user: User, study: Study, role: str, name: str, expires_in_days: int = 0
) -> IssuedToken:
    """Issue a token that acts as `user` in `study` with `role` only."""
    if access.token_scope(user) is not None:
        raise PermissionDenied("A study token cannot create tokens.")
    if role not in dict(role_choices(user, study)):
        raise ValidationError({"role": "Choose one of the roles you hold in this study."})
    # The token reaches study data without a second factor at each call, so its owner
    # must have two-factor authentication set up, as for signing in to the data.
    network_access.require_two_factor(user)
    label = f"Study “{study.title}” as {StudyRole.Role(role).label.lower()}"
    # In REDCap's format, so that PyCap and REDCapR scripts take it unchanged.
    issued = api_token_create(
        user=user,
        name=name,
        scope=scope_of(study, role),
        scope_label=label,
        redcap=True,
        expires_in_days=expires_in_days,
    )
    audit_record(
        actor=user,
        action="study.token_create",
        obj=issued.token,
        changes={"role": (None, role), "name": (None, issued.token.name)},
        scope=f"study:{study.pk}",
    )
    return issued


def study_tokens(user: User, study: Study) -> list[ApiToken]:
    """The person's tokens for this study, newest first, revoked ones included."""
    prefix = f"{access.TOKEN_SCOPE_PREFIX}{study.pk}:"
    return list(ApiToken.objects.filter(user=user, scope__startswith=prefix))
