"""Issue 5's training journey in Chromium: certificate, goal, CV; a supervisor signs off."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils.timezone import localdate
from docx import Document

from accounts.tests.factories import PASSWORD, UserFactory
from outputs.services import AuthorIn, output_create
from training.models import ChecklistItem, Credential
from training.tests.factories import PDF, checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()


def test_a_trainee_records_gcp_sets_a_goal_exports_a_cv_and_is_signed_off(
    browser, live_server, tmp_path
):
    trainee = UserFactory.create(email="amara@example.org", full_name="Amara Okafor")
    supervisor = UserFactory.create(email="helen@example.org", full_name="Helen Marsh")
    output_create(
        actor=None,
        kind="article",
        title="Diffusion MRI in stroke mimics",
        venue="Neuroradiology",
        date=localdate() - dt.timedelta(days=30),
        authors=[AuthorIn(name="Okafor A", person=trainee), AuthorIn(name="Marsh H")],
    )
    started = checklist(trainee, supervisor, days_ago=20)
    base = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, trainee.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    page.get_by_role("link", name="Record a credential").click()
    page.get_by_label("Type").select_option(label="Good Clinical Practice — introduction")
    page.get_by_label("Completion date").fill((localdate() - dt.timedelta(days=60)).isoformat())
    page.get_by_label("Provider").fill("NIHR Learn")
    page.get_by_label("Certificate").set_input_files(
        files=[{"name": "gcp-certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Credential recorded.").wait_for()
    page.get_by_role("link", name="gcp-certificate.pdf").wait_for()
    assert Credential.objects.get(person=trainee).certificate_name == "gcp-certificate.pdf"

    page.get_by_role("link", name="Goals", exact=True).click()
    page.get_by_label("How many").fill("2")
    page.get_by_label("Of kind").select_option(label="Journal article")
    page.get_by_label("By:", exact=True).fill("2030-06-30")
    page.get_by_role("button", name="Set goal").click()
    page.get_by_text("Goal set").wait_for()
    assert page.locator("[data-goal-progress]").inner_text() == "1 of 2"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CV (Word)").click()
    saved = tmp_path / "cv.docx"
    download_info.value.save_as(saved)
    text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
    assert "Amara Okafor" in text
    assert "Diffusion MRI in stroke mimics" in text
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    sign_in(page, base, supervisor.email)
    page.get_by_role("link", name=re.compile("Amara Okafor — Associate principal")).click()
    page.get_by_role("link", name="Sign off Signing the study delegation log").click()
    page.get_by_label("Evidence").fill("Signed the delegation log at the initiation visit.")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign off").click()
    page.get_by_text("Signed: Signing the study delegation log.").wait_for()
    item = ChecklistItem.objects.get(checklist=started, position=1)
    assert item.is_signed
    assert item.signed_by == supervisor
    context.close()
