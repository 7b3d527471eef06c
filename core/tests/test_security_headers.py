"""The Content-Security-Policy and Permissions-Policy every page sends, and the rule that
keeps them workable: no template holds an inline script, style or event handler."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from core.middleware import permissions_policy
from core.tests.test_settings import ROOT, production_env

TEMPLATE_ROOTS = [p for p in ROOT.glob("*/templates") if ".venv" not in str(p)]
# Emails are read in mail programs, which need inline styles and obey no CSP.
EXEMPT = ("templates/email/",)
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")"),
    "a <style> element": re.compile(r"<style\b"),
    "a style attribute": re.compile(r"\sstyle=[\"']"),
    "an event handler attribute": re.compile(r"\son[a-z]+=[\"']"),
    "a javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "an hx-on attribute (evaluated as code)": re.compile(r"\shx-on"),
}


def templates() -> list[Path]:
    found = [p for root in TEMPLATE_ROOTS for p in root.rglob("*.html")]
    return [p for p in found if not any(part in str(p) for part in EXEMPT)]


def test_no_template_holds_an_inline_script_style_or_handler():
    assert len(templates()) > 50
    problems = []
    for path in templates():
        text = path.read_text()
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_page_sends_an_enforced_policy_without_inline_code():
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_the_api_and_error_pages_carry_the_headers_too():
    for path in ("/api/v1/nowhere", "/no-such-page/"):
        response = Client().get(path)
        assert "Content-Security-Policy" in response
        assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_permissions_policy_refuses_the_devices_no_page_uses():
    header = Client().get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


def test_permissions_policy_is_written_as_the_header_expects():
    policy = {"camera": [], "fullscreen": ["self"]}
    assert permissions_policy(policy) == "camera=(), fullscreen=(self)"


def settings_under(**env: str) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'enforced': getattr(settings, 'CONTENT_SECURITY_POLICY', None), "
        "'report_only': getattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(DJANGO_SETTINGS_MODULE="radcollab.settings", **env),
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_production_enforces_the_policy_and_report_only_is_a_switch():
    enforced = settings_under()
    assert enforced["enforced"]
    assert not enforced["report_only"]
    trial = settings_under(CSP_REPORT_ONLY="true", CSP_REPORT_URI="/csp-reports/")
    assert trial["report_only"]
    assert not trial["enforced"]
    assert trial["report_only"]["DIRECTIVES"]["report-uri"] == ["/csp-reports/"]  # type: ignore[index]


def test_a_deployments_own_tile_server_may_serve_map_images():
    tiles = settings_under(RADCOLLAB_MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    images = tiles["enforced"]["DIRECTIVES"]["img-src"]  # type: ignore[index]
    assert "https://*.tiles.example.org" in images


def test_a_malformed_rate_limit_stops_the_start_with_its_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(RATE_LIMIT_EXPORT="sixty"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "RATE_LIMIT_EXPORT must be requests/seconds" in result.stderr
