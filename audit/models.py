"""The audit trail: one immutable row per change, readable after its subject is gone.

Rows hold copies of ids and names (actor, object, site) instead of foreign keys so
that deleting a person, a site or a record never deletes or blanks its history.
Nothing in the app updates or deletes a row: the model and queryset refuse it,
and the database refuses UPDATE with a trigger (see the migration).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from django.db import models
from django.db.models.base import ModelBase


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    object_label = models.CharField(max_length=300, blank=True)
    site_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    site_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    # Rows about study data name their study ("study:12"): only the study's own audit
    # log shows them, behind the study's access rules, never the network audit page.
    scope = models.CharField(max_length=40, blank=True, default="", db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"

    def save(
        self,
        *,
        force_insert: bool | tuple[ModelBase, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit events cannot be changed.")
        super().save(
            force_insert=force_insert,
            force_update=force_update,
            using=using,
            update_fields=update_fields,
        )

    def delete(self, using: str | None = None, keep_parents: bool = False) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be deleted.")
