"""The task worker outlives any task's failure, even when recording it fails at first."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@task()
def breaks() -> None:
    raise RuntimeError("the task broke")


@task()
def works() -> str:
    return "fine"


def run_worker() -> None:
    call_command("run_worker", "--batch", "--no-startup-delay", "--interval", "0")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_goes_on_when_a_failure_cannot_be_recorded(monkeypatch, caplog):
    broken, later = breaks.enqueue(), works.enqueue()
    record = DBTaskResult.set_failed

    def locked_once(result: DBTaskResult, error: BaseException) -> None:
        # What SQLite answers when the database stays locked past the busy timeout.
        monkeypatch.setattr(DBTaskResult, "set_failed", record)
        raise OperationalError("database is locked")

    monkeypatch.setattr(DBTaskResult, "set_failed", locked_once)
    with caplog.at_level(logging.ERROR, logger="core.worker"):
        run_worker()
    assert DBTaskResult.objects.get(id=later.id).status == "SUCCESSFUL"
    failed = DBTaskResult.objects.get(id=broken.id)
    assert failed.status == "FAILED"
    assert failed.exception_class_path == "builtins.RuntimeError"
    assert "the task broke" in failed.traceback
    assert "database is locked" in failed.traceback
    logged = [r for r in caplog.records if r.name == "core.worker"]
    assert logged
    assert logged[0].exc_info is not None  # logged with its traceback


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_failing_task_is_recorded_and_the_next_one_runs():
    broken, later = breaks.enqueue(), works.enqueue()
    run_worker()
    assert DBTaskResult.objects.get(id=broken.id).status == "FAILED"
    assert DBTaskResult.objects.get(id=later.id).status == "SUCCESSFUL"
