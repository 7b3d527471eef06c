"""Background work for accounts: email leaves the request through the task queue."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def deliver_email(
    *, subject: str, body: str, from_email: str, to: list[str], html_body: str = ""
) -> int:
    """Send one email already rendered by the request that asked for it.

    The message is rendered before it is queued so that the worker needs no request
    and the arguments stay plain JSON.
    """
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
