"""Every email: a plain-text part and an HTML part, signed with the product and SITE_URL."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.services import invitation_create
from accounts.tests.factories import UserFactory
from core.email import compose
from network.models import Role
from network.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

SITE = "https://research.example.org"


def html_of(message) -> str:
    parts = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(parts) == 1, "one HTML part beside the plain text"
    return str(parts[0])


def assert_signed(message) -> None:
    """Both parts carry the product's name and the site's address from settings."""
    assert message.body.rstrip().endswith(f"RadCollab\n{SITE}/"), message.body
    html = html_of(message)
    assert "RadCollab" in html
    assert f'href="{SITE}/"' in html
    assert "research.example.org" in html
    for part in (message.body, html):
        assert "testserver" not in part.split("http")[0], "no request host as the sender's name"
        assert "Hello from" not in part


@override_settings(SITE_URL=SITE)
def test_the_sign_up_email_names_the_product_and_its_address_not_the_request_host(client):
    SiteFactory.create(name="Leeds General Infirmary")
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Dr Nia Jones",
            "email": "nia.jones@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "hospital": "Leeds General Infirmary",
            "grade": "st3",
        },
    )
    message = mail.outbox[-1]
    assert message.subject.startswith("[RadCollab] ")
    assert message.body.startswith("Hello,")
    assert_signed(message)
    found = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(message.body))
    assert found is not None, message.body
    link = found.group(0)
    assert link.startswith(f"{SITE}/accounts/confirm-email/"), "the link is on SITE_URL too"
    assert f'href="{link}"' in html_of(message), "the HTML part's link is clickable"


@override_settings(SITE_URL=SITE)
def test_the_password_reset_email_has_both_parts(client):
    UserFactory.create(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    message = mail.outbox[-1]
    assert f"{SITE}/accounts/password/reset/key/" in message.body
    assert_signed(message)


@override_settings(SITE_URL=SITE)
@pytest.mark.usefixtures("two_factor")
def test_an_apps_plain_email_leaves_with_an_html_part(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            actor=personas.site_lead_a,
            email="new@example.org",
            role=Role.TRAINEE,
            site=personas.site_a,
        )
    message = mail.outbox[-1]
    assert_signed(message)
    assert f'href="{SITE}/account/invitations/' in html_of(message)


@override_settings(SITE_URL=SITE, RADCOLLAB_PRODUCT_NAME="NorthRad")
def test_compose_escapes_the_text_signs_it_once_and_keeps_html_it_is_given():
    text, html = compose(
        subject="Hi", text="Dr <b>Evil</b> & co\nsecond line\n\nSee https://x.org/a"
    )
    assert text.endswith(f"\n-- \nNorthRad\n{SITE}/\n")
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; co<br>second line" in html
    assert '<a href="https://x.org/a"' in html
    assert "NorthRad" in html
    again, _ = compose(subject="Hi", text=text)
    assert again == text, "a signed message is not signed twice"
    _, kept = compose(subject="Hi", text="plain", html="<p>own</p>")
    assert kept == "<p>own</p>"
