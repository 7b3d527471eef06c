"""Failures an operator can see: one log line per event, with the ids it concerns.

- `KeyValueFormatter` and `JsonFormatter` write each record on one line (settings'
  LOGGING, `RADCOLLAB_LOG_FORMAT`): the time, level, logger and message, then every
  field passed in `extra` (`export_id=12`, `ref=K7QX2M`), then the exception's type and
  its traceback with the line breaks escaped, so a traceback never splits into lines
  that a log search would read as separate events.
- `logged_task` wraps every background task: `task.start`, `task.end` (with how long it
  took) or `task.failed` (with the traceback and an error reference), naming the task
  and the ids it was given, whichever worker runs it (the database worker or RQ).
- `log_failure` logs the exception being handled with a new error reference and returns
  it; `failure_message` is what the person then reads: a short message and that
  reference, never the exception's own text, which may hold data or internals.
- `RequestReference` puts the 500 page's reference (`core.views.server_error`) on
  Django's own log line of that failure.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger("radcollab.tasks")

# Easy to read out over the phone: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6

# Attributes every LogRecord has; anything else on a record came through `extra`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def new_reference() -> str:
    """A short random error reference, such as `K7QX2M`."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def failure_message(reference: str, what: str = "it") -> str:
    """What the person reads when something failed on our side: what stopped, what to
    do, and the reference that finds the log line with the traceback."""
    return (
        f"Something went wrong: {what} stopped on an unexpected error. Try again; if it "
        f"fails again, tell the administrator the reference {reference}."
    )


def log_failure(log: logging.Logger, event: str, **ids: object) -> str:
    """Log the exception being handled, with its traceback, the ids it concerns and a
    new error reference; return the reference for the person's message."""
    reference = new_reference()
    log.error(event, exc_info=True, extra={**ids, "ref": reference})
    return reference


def _ids(kwargs: Mapping[str, object]) -> dict[str, object]:
    """The arguments that say what a task worked on: `*_id`, `*_ids` and `attempt`.

    Nothing else is logged: an email's subject, body and addresses stay out of the log.
    """
    return {
        name: value
        for name, value in kwargs.items()
        if name.endswith(("_id", "_ids")) or name == "attempt"
    }


def logged_task(function: Callable[P, R]) -> Callable[P, R]:
    """Log a task's start, end and failure (with traceback, ids and a reference).

    Put it under `@task()`: django-tasks then queues the logged function under the
    task's own name. A failure is logged and raised again, so the worker records it too.
    """
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        ids = _ids(kwargs)
        logger.info("task.start", extra={"task": name, **ids})
        started = time.perf_counter()
        try:
            result = function(*args, **kwargs)
        except Exception:
            seconds = round(time.perf_counter() - started, 3)
            log_failure(logger, "task.failed", task=name, seconds=seconds, **ids)
            raise
        seconds = round(time.perf_counter() - started, 3)
        outcome = result if isinstance(result, str | int | float | bool) else type(result).__name__
        logger.info("task.end", extra={"task": name, "seconds": seconds, "result": outcome, **ids})
        return result

    return run


class RequestReference(logging.Filter):
    """Copy the 500 page's error reference, kept on the request by
    `core.views.server_error`, onto Django's log line of the same failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        reference = getattr(request, "error_reference", None)
        if reference and not hasattr(record, "ref"):
            record.ref = reference
        return True


# A log line's field as it is written: a plain value, anything else by its str().
LogValue = str | int | float | bool | None


def _fields(record: logging.LogRecord) -> dict[str, LogValue]:
    when = datetime.fromtimestamp(record.created, tz=UTC)
    fields: dict[str, LogValue] = {
        "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": record.levelname,
        "logger": record.name,
        "event": record.getMessage(),
    }
    for key, value in record.__dict__.items():
        if key in _STANDARD or key.startswith("_"):
            continue
        if key == "request":  # Django's request loggers pass the request itself
            fields["method"] = getattr(value, "method", "")
            fields["path"] = getattr(value, "path", "")
            continue
        fields[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        fields["error"] = f"{type(error).__module__}.{type(error).__qualname__}"
        fields["traceback"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
    elif record.exc_text:
        fields["traceback"] = record.exc_text
    if record.stack_info:
        fields["stack"] = record.stack_info
    return fields


def _quoted(value: LogValue) -> str:
    if value is None:
        return "-"
    text = str(value)
    if text and not any(c in text for c in ' "=\\\n\r\t'):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


class KeyValueFormatter(logging.Formatter):
    """`time=… level=ERROR logger=capture.exports event="Export failed" export_id=12 ref=…`
    on one line: a traceback's line breaks are written as \\n."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{key}={_quoted(value)}" for key, value in _fields(record).items())


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector that reads JSON."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), default=str, ensure_ascii=False)
