"""Django's admin works under the enforced Content-Security-Policy: every page of it that
staff reach (the index, each model's list and add form, an object's change form) is
sent with the policy and holds no inline script, style or handler the policy refuses."""

from __future__ import annotations

import re
from pathlib import Path

import django
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.testing.mfa import enable_totp
from core.tests.test_security_headers import INLINE

pytestmark = pytest.mark.django_db

DJANGO_ADMIN_TEMPLATES = Path(django.__file__).parent / "contrib" / "admin" / "templates"
# Inline code in Django's own admin templates, and what keeps it off our pages.
KNOWN_INLINE = {
    "admin/change_list.html": "radcollab/templates/admin/change_list.html moves its style element "
    "into css/admin.css",
}

# Pages with inline code the policy refuses, not fixed yet: django-rq's queue pages
# (dashboard, job lists, stats) write style and script elements in 17 templates;
# under the policy they show unstyled and their bulk actions do nothing. A ratchet: no
# other admin page may join.
KNOWN_REFUSED_PREFIXES = ("/admin/django_rq/",)


@pytest.fixture
def staff_client() -> Client:
    staff = UserFactory.create(email="staff@example.org", is_staff=True, is_superuser=True)
    enable_totp(staff)
    client = Client()
    client.force_login(staff)
    return client


def inline_code(html: str) -> list[str]:
    # JSON in <script type="application/json"> is data, not code (the pattern allows it).
    return [f"{what}: {m.group(0)!r}" for what, p in INLINE.items() for m in p.finditer(html)]


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    return pages


def test_every_admin_list_and_form_is_sent_with_the_policy_and_no_inline_code(staff_client):
    pages = admin_pages()
    assert len(pages) > 20
    problems = []
    for path in pages:
        response = staff_client.get(path)
        if response.status_code == 403:  # an add form a model admin turns off
            continue
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        if path.startswith(KNOWN_REFUSED_PREFIXES):
            continue
        problems += [f"{path}: {found}" for found in inline_code(response.content.decode())]
    assert not problems, "\n".join(problems)


def test_an_objects_change_form_has_no_inline_code(staff_client):
    someone = UserFactory.create(email="someone@example.org")
    response = staff_client.get(reverse("admin:accounts_user_change", args=[someone.pk]))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert not inline_code(response.content.decode())


def test_a_list_without_actions_takes_its_rule_from_a_stylesheet(staff_client, monkeypatch):
    """Django writes a <style> element for a model admin that shows no actions."""
    model_admin = admin.site._registry[User]
    monkeypatch.setattr(model_admin, "actions_on_top", False)
    monkeypatch.setattr(model_admin, "actions_on_bottom", False)
    html = staff_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert not inline_code(html)
    assert "css/admin.css" in html
    assert re.search(r'<body class="[^"]*\bno-actions\b', html)


def test_djangos_admin_templates_hold_no_other_inline_code():
    """A Django upgrade that adds inline code to the admin fails here, naming the file."""
    problems = []
    for path in DJANGO_ADMIN_TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(DJANGO_ADMIN_TEMPLATES))
        text = path.read_text()
        if name in KNOWN_INLINE:
            continue
        problems += [f"{name}: {what}" for what, p in INLINE.items() if p.search(text)]
    assert not problems, "\n".join(problems)
    for name in KNOWN_INLINE:
        assert (DJANGO_ADMIN_TEMPLATES / name).exists(), f"{name} is gone: drop it here"
