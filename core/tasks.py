"""Background work every app shares: email leaves the request through the task queue.

Here, in core, so that every app may queue an email (the network's request decisions,
accounts' invitations, projects' commits) without importing a higher layer."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from core.email import compose
from core.logging_tools import logged_task


@task()
@logged_task
def deliver_email(
    *, subject: str, body: str, from_email: str, to: list[str], html_body: str = ""
) -> int:
    """Send one email already rendered by the request that asked for it.

    The message is rendered before it is queued so that the worker needs no request
    and the arguments stay plain JSON. Every message leaves with a plain-text part and an
    HTML part, signed with the product's name and the site's address (core.email).
    """
    text, html = compose(subject=subject, text=body, html=html_body)
    message = EmailMultiAlternatives(subject, text, from_email, to)
    message.attach_alternative(html, "text/html")
    return message.send()
