"""Failures an operator can see (issue 21): one structured line per event, every task's
start, end and failure with its ids, and an error reference shared by the person's
message and the log line with the traceback — never the error's own text on a page."""

from __future__ import annotations

import importlib
import json
import logging
import re
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django_tasks.base import Task

from core.logging_tools import (
    REFERENCE_ALPHABET,
    JsonFormatter,
    KeyValueFormatter,
    RequestReference,
    failure_message,
    log_failure,
    logged_task,
    new_reference,
)

REFERENCE = re.compile(rf"[{REFERENCE_ALPHABET}]{{6}}")


@logged_task
def _sample(*, export_id: int, attempt: int, body: str, fail: bool = False) -> str:
    if fail:
        raise ValueError(f"cannot read {body}")
    return "done"


def field(record: logging.LogRecord, name: str) -> Any:
    """A field a log call passed in `extra` (set on the record, unknown to its type)."""
    return record.__dict__[name]


def _task_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "radcollab.tasks"]


def test_a_task_logs_its_start_and_end_with_the_ids_it_worked_on(caplog):
    caplog.set_level(logging.INFO, logger="radcollab.tasks")
    assert _sample(export_id=12, attempt=2, body="Dear Dr Okafor") == "done"
    start, end = _task_records(caplog)
    assert (start.getMessage(), end.getMessage()) == ("task.start", "task.end")
    for record in (start, end):
        assert field(record, "task") == f"{__name__}._sample"
        assert (field(record, "export_id"), field(record, "attempt")) == (12, 2)
        assert not hasattr(record, "body")  # only ids: an email's text stays out of the log
    assert field(end, "result") == "done"
    assert field(end, "seconds") >= 0


def test_a_failing_task_logs_the_traceback_and_a_reference_then_raises(caplog):
    caplog.set_level(logging.INFO, logger="radcollab.tasks")
    with pytest.raises(ValueError, match="cannot read"):
        _sample(export_id=12, attempt=1, body="x", fail=True)
    start, failed = _task_records(caplog)
    assert start.getMessage() == "task.start"
    assert failed.getMessage() == "task.failed"
    assert failed.levelno == logging.ERROR
    assert failed.exc_info is not None
    assert failed.exc_info[0] is ValueError
    assert field(failed, "export_id") == 12
    assert REFERENCE.fullmatch(field(failed, "ref"))


def test_every_background_task_of_every_app_is_logged():
    """Each django-tasks task found in an app's `tasks` module runs through `logged_task`."""
    logged_code = logged_task(lambda: None).__code__
    found = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, Task) and value.func.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value.func.__code__ is logged_code
    assert len(found) >= 7  # email, export, import, look-up, analysis, round, "for you"
    assert all(found.values()), [name for name, logged in found.items() if not logged]


def test_a_queued_task_logs_through_the_task_backend(caplog):
    """The real path: `enqueue` on the test backend runs the task at once."""
    from core.tasks import deliver_email

    caplog.set_level(logging.INFO, logger="radcollab.tasks")
    deliver_email.enqueue(subject="Hi", body="Private text", from_email="a@x.org", to=["b@x.org"])
    messages = [r.getMessage() for r in _task_records(caplog)]
    assert messages == ["task.start", "task.end"]
    assert "Private text" not in caplog.text


def test_the_reference_shown_to_the_person_is_the_one_in_the_log(caplog):
    log = logging.getLogger("capture.exports")
    try:
        raise OSError("disk full at /srv/media/exports/study-3.zip")
    except OSError:
        reference = log_failure(log, "export.failed", export_id=5, attempt=1)
    shown = failure_message(reference, "the export")
    record = caplog.records[-1]
    assert field(record, "ref") == reference
    assert f"reference {reference}." in shown
    assert shown.startswith("Something went wrong: the export stopped")
    assert "disk full" not in shown
    assert "/srv" not in shown
    assert "Traceback" not in shown
    line = KeyValueFormatter().format(record)
    assert f"ref={reference}" in line
    assert "export_id=5" in line


def test_references_are_short_and_differ():
    references = {new_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(REFERENCE.fullmatch(reference) for reference in references)


def _record_with_traceback() -> logging.LogRecord:
    try:
        raise RuntimeError('bad "value"\nsecond line')
    except RuntimeError:
        record = logging.getLogger("capture.imports").makeRecord(
            "capture.imports",
            logging.ERROR,
            __file__,
            1,
            "import %s failed",
            (7,),
            exc_info=__import__("sys").exc_info(),
            extra={"import_id": 7, "ref": "ABC234"},
        )
    return record


def test_the_key_value_line_is_one_line_with_the_traceback_escaped():
    line = KeyValueFormatter().format(_record_with_traceback())
    assert "\n" not in line
    assert line.startswith("time=")
    assert ' level=ERROR logger=capture.imports event="import 7 failed" ' in line
    assert "import_id=7 ref=ABC234 error=builtins.RuntimeError" in line
    assert 'traceback="Traceback (most recent call last):\\n' in line
    assert 'bad \\"value\\"\\nsecond line"' in line


def test_the_json_line_is_one_json_object():
    line = JsonFormatter().format(_record_with_traceback())
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["event"] == "import 7 failed"
    assert (fields["import_id"], fields["ref"]) == (7, "ABC234")
    assert fields["traceback"].startswith("Traceback")


def test_settings_log_one_line_per_event_to_stderr(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stderr"
    assert handler["formatter"] in ("keyvalue", "json")
    assert any(isinstance(h.formatter, KeyValueFormatter) for h in logging.getLogger().handlers)


# --- A page's unexpected error --------------------------------------------------------


@pytest.fixture
def quiet_client(personas) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(personas.trainee)
    return client


@pytest.mark.django_db
def test_a_500_page_shows_a_reference_that_the_log_line_with_the_traceback_has(
    quiet_client, caplog
):
    failure = ValueError("row 12 of patient 'Jane Doe' is broken")
    with mock.patch("core.views.dashboard_for", side_effect=failure):
        response = quiet_client.get(reverse("dashboard"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    reference = re.search(r"reference <strong>([A-Z0-9]{6})</strong>", page)
    assert reference is not None
    assert "Jane Doe" not in page
    assert "ValueError" not in page
    assert "Traceback" not in page
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelno >= 40]
    assert len(logged) == 1
    assert field(logged[0], "ref") == reference.group(1)
    assert logged[0].exc_info is not None
    assert logged[0].exc_info[1] is failure
    assert f"ref={reference.group(1)}" in KeyValueFormatter().format(logged[0])


@pytest.mark.django_db
def test_an_api_500_answers_json_with_the_reference(quiet_client, caplog):
    with mock.patch("accounts.api.access.memberships_of", side_effect=ValueError("secret")):
        response = quiet_client.get("/api/v1/accounts/me")
    assert response.status_code == 500
    body = response.json()
    assert REFERENCE.fullmatch(body["reference"])
    assert body["reference"] in body["detail"]
    assert "secret" not in body["detail"]
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelno >= 40]
    assert field(logged[-1], "ref") == body["reference"]


def test_the_request_filter_leaves_other_records_alone():
    record = logging.makeLogRecord({"msg": "Not Found: /x", "request": object()})
    assert RequestReference().filter(record)
    assert not hasattr(record, "ref")


def test_rq_workers_do_not_log_a_jobs_arguments(settings):
    """RQ would write `deliver_email(body='…', to=[…])` on every job; ours logs ids only."""
    from django_rq.workers import get_worker_class
    from redis import Redis

    worker_class = get_worker_class()
    worker = worker_class(["default"], connection=Redis.from_url("redis://127.0.0.1:6379/15"))
    assert worker.log_job_description is False
