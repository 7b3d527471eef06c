"""Email leaves through the task queue: the database worker, and RQ when Redis is there."""

from __future__ import annotations

import os
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from core.tasks import deliver_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def reset_backends() -> None:
    connections = getattr(task_backends, "_connections", None)
    for alias in list(getattr(connections, "__dict__", {})):
        delattr(connections, alias)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_worker_delivers_a_queued_email():
    result = deliver_email.enqueue(
        subject="Verify", body="Click", from_email="a@example.org", to=["b@example.org"]
    )
    assert mail.outbox == []
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert [m.subject for m in mail.outbox] == ["Verify"]
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_sign_up_queues_the_verification_email_for_the_worker(client):
    client.post(
        "/accounts/signup/",
        {
            "full_name": "Queued Person",
            "email": "queued@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "hospital_not_listed": "St Elsewhere, Harrogate",
            "grade": "st3",
        },
    )
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert mail.outbox[-1].to == ["queued@example.org"]
    assert "confirm-email" in mail.outbox[-1].body


def redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on REDIS_URL or 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=RQ_TASKS)
def test_the_rq_worker_delivers_a_queued_email():
    import django_rq

    queue = django_rq.get_queue("default")
    queue.empty()
    result = deliver_email.enqueue(
        subject="Via Redis", body="Hello", from_email="a@example.org", to=["c@example.org"]
    )
    assert result.status == "READY"
    call_command(
        "rqworker",
        "default",
        "--burst",
        "--worker-class",
        "rq.worker.SimpleWorker",
        "--job-class",
        "django_tasks_rq.Job",
    )
    assert [m.subject for m in mail.outbox] == ["Via Redis"]
    result.refresh()
    assert result.status == "SUCCESSFUL"


@pytest.mark.django_db
def test_account_email_can_be_sent_outside_a_request():
    """Commands and tasks send allauth's mails too; there is no request then."""
    from accounts.adapters import AccountAdapter
    from accounts.tests.factories import UserFactory

    user = UserFactory.create(email="no.request@example.org")
    AccountAdapter().send_mail(
        "account/email/password_reset_key", user.email, {"user": user, "password_reset_url": "x"}
    )
    assert mail.outbox[-1].to == ["no.request@example.org"]
