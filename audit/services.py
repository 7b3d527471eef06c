"""The one way to write the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from audit.models import AuditEvent

if TYPE_CHECKING:
    from core.types import JSONValue, User

# Each changed field's (old, new) values, as a service knows them: the trail keeps a
# JSON-safe copy of each (`_plain`).
Changes = dict[str, tuple[object, object]]


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: Mapping[str, tuple[object, object]] | None = None,
    reason: str = "",
    site: models.Model | None = None,
    scope: str = "",
) -> AuditEvent:
    """Record that `actor` did `action` to `obj`, with each changed field's old and new value.

    Call it inside the service's transaction so the change and its record commit together.
    `actor` is a user or None for the system (a task, a command).
    """
    event = unsaved_event(
        actor=actor, action=action, obj=obj, changes=changes, reason=reason, site=site, scope=scope
    )
    event.save()
    return event


def unsaved_event(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: Mapping[str, tuple[object, object]] | None = None,
    reason: str = "",
    site: models.Model | None = None,
    scope: str = "",
) -> AuditEvent:
    """The row `audit_record` writes, unsaved: bulk writers (imports) save many at once."""
    person = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        at=timezone.now(),
        action=action,
        actor_id=person.pk if person is not None else None,
        actor_label=_label(person) if person is not None else "system",
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=_label(obj),
        site_id=site.pk if site is not None else None,
        site_label=_label(site) if site is not None else "",
        changes={
            field: [_plain(old), _plain(new)] for field, (old, new) in (changes or {}).items()
        },
        reason=reason,
        scope=scope,
    )


def diff_fields(before: Mapping[str, object], after: Mapping[str, object]) -> Changes:
    """The fields whose value differs between two snapshots, as (old, new) pairs."""
    return {
        key: (before.get(key), value) for key, value in after.items() if before.get(key) != value
    }


def _label(thing: object) -> str:
    return str(thing)[:300]


def _plain(value: object) -> JSONValue:
    """A JSON-safe copy of a value: model instances become their label and id."""
    if value is None or isinstance(value, str | int | float | bool):
        return value  # already plain: the common case, and imports write hundreds of thousands
    if isinstance(value, list | tuple):
        texts: list[JSONValue] = [item for item in value if isinstance(item, str)]
        if len(texts) == len(value):
            return texts
    if isinstance(value, models.Model):
        return {"id": value.pk, "label": _label(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
