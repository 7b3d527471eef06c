"""Every email the site sends, in one shape: a plain-text part and an HTML part.

Apps write their message as plain text (what `deliver_email` is given); `compose` signs
it with the product's name and the site's address from settings (never the host a
request happened to name) and lays the same words out as HTML in the site's email
layout, links made clickable. A message that brings its own HTML keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

SIGNATURE_MARK = "\n-- \n"  # the standard signature separator: mail readers fold what follows


@dataclass(frozen=True)
class EmailSite:
    """What allauth's templates call `current_site`: the product's name and address."""

    name: str
    domain: str


def email_site() -> EmailSite:
    domain = urlsplit(settings.SITE_URL).netloc
    return EmailSite(name=settings.RADCOLLAB_PRODUCT_NAME, domain=domain)


def signature() -> str:
    return f"{SIGNATURE_MARK}{settings.RADCOLLAB_PRODUCT_NAME}\n{settings.SITE_URL}/\n"


def _paragraphs(text: str) -> list[SafeString]:
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return [
        mark_safe(urlize(escape(block)).replace("\n", "<br>"))  # noqa: S308 - escaped first # nosec B308 B703
        for block in blocks
        if block.strip()
    ]


def compose(*, subject: str, text: str, html: str = "") -> tuple[str, str]:
    """The signed plain text and the HTML part of one message."""
    body = text.rstrip() + "\n"
    if SIGNATURE_MARK not in body:
        body += signature()
    if not html:
        main = body.split(SIGNATURE_MARK, 1)[0]
        html = render_to_string(
            "email/message.html",
            {
                "subject": subject,
                "paragraphs": _paragraphs(main),
                "product_name": settings.RADCOLLAB_PRODUCT_NAME,
                "site_url": settings.SITE_URL,
                "site_domain": email_site().domain,
            },
        )
    return body, html
