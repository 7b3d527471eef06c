"""A person's rights over their data: a copy of everything held about them, and erasure.

`person_data` finds every row that points at the person (each model with a foreign key
or one-to-one link to the user), plus the audit rows they acted in or that are about
them, and `person_archive` packs it as JSON and one CSV per kind of row in a zip.
Secrets (password hashes, token digests, two-factor keys, sessions) are never included.

`account_delete` erases the person: the account is closed and stripped of name, email
and password; their tokens, email addresses, two-factor devices and sessions
go; their roles end. Their trainee and mentor profiles stay under the pseudonym, as
other people's records (supervisions, applications, outputs) point at them. Study data
they entered stays (a study's records must stay whole),
attributed to the pseudonym "Former member #<id>", and the audit rows keep that id with
the pseudonym instead of their name or email.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record

# Never copied out: what would let someone act as the person.
SECRET_FIELDS = frozenset(
    {"password", "digest", "secret", "token", "key", "session_key", "session_data", "data"}
)
# Rows that are the account's own machinery, gone with it (the rest keep the pseudonym).
ERASED_WITH_ACCOUNT = ("account.EmailAddress", "mfa.Authenticator", "accounts.ApiToken")


def pseudonym(user_id: int) -> str:
    return f"Former member #{user_id}"


def _links_to_user() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    found = []
    for model in apps.get_models():
        if model is AuditEvent:
            continue
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if field.concrete and field.is_relation and related is User:
                found.append((model, cast("models.Field[Any, Any]", field)))
    return found


def _row(obj: models.Model) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = field.value_from_object(obj)
        row[field.attname] = (
            value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
        )
    return row


def person_data(user: User) -> dict[str, list[dict[str, Any]]]:
    """Every row held about `user`, by kind ("accounts.user", "network.membership", …)."""
    data: dict[str, list[dict[str, Any]]] = {"accounts.user": [_row(user)]}
    for model, field in _links_to_user():
        rows = list(model._default_manager.filter(**{field.name: user}).order_by("pk"))
        if rows:
            data[f"{model._meta.label_lower} ({field.name})"] = [_row(obj) for obj in rows]
    about = AuditEvent.objects.filter(
        models.Q(actor_id=user.pk) | models.Q(object_type="accounts.user", object_id=str(user.pk))
    ).order_by("at", "id")
    data["audit.auditevent"] = [_row(event) for event in about]
    return data


def person_archive(user: User) -> bytes:
    """A zip with `radcollab-data.json` (everything) and one CSV per kind of row."""
    data = person_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("radcollab-data.json", json.dumps(data, indent=2, default=str))
        for kind, rows in data.items():
            if not rows:
                continue
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
            name = kind.replace(" (", "-").replace(")", "").replace(".", "-")
            archive.writestr(f"csv/{name}.csv", text.getvalue())
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


@transaction.atomic
def account_delete(*, user: User, password: str) -> None:
    """Close and pseudonymise the account (see the module's docstring)."""
    if not password or not check_password(password, user.password):
        wrong = "That is not your password; nothing was deleted."
        raise ValidationError({"password": wrong})
    from network.models import Membership

    name = pseudonym(user.pk)
    audit_record(actor=user, action="user.delete", obj=user, reason="Deleted by its owner")
    now = timezone.now()
    Membership.objects.filter(person=user, ended_at__isnull=True).update(ended_at=now)
    for label in ERASED_WITH_ACCOUNT:
        apps.get_model(label).objects.filter(user=user).delete()
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    user.email = f"former-member-{user.pk}@deleted.invalid"
    user.full_name = name
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    _pseudonymise_audit(user.pk, name)


def _pseudonymise_audit(user_id: int, name: str) -> None:
    """The only change audit rows allow (audit migration 0004): the pseudonym for the
    name, and no values left of the person's own profile edits."""
    for event in AuditEvent.objects.filter(actor_id=user_id):
        _update(event.pk, actor_label=name)
    for event in AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user_id)):
        _update(event.pk, object_label=name, changes={})


def _update(pk: int, **values: Any) -> None:
    # The model refuses every update (AuditEvent.save, the queryset); this one goes to the
    # database, whose trigger allows exactly these columns to these values.
    models.QuerySet(model=AuditEvent).filter(pk=pk).update(**values)
