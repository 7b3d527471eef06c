"""Issue 4's journey in Chromium: post, find, apply, accept, agree authorship, version, close."""

from __future__ import annotations

import re

import pytest

from core.testing.demo import demo_network
from projects.models import DocumentVersion, Member, Project, Task

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
TITLE = "Susceptibility-weighted MRI after mild head injury"


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill("radcollab-demo")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()


def post_project(page) -> None:
    page.get_by_role("link", name="Projects", exact=True).click()
    page.get_by_role("link", name="Post a project").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill("How often does SWI find microbleeds that CT missed?")
    page.get_by_label("Research type").select_option(label="Diagnostic accuracy")
    page.get_by_label("Subspecialty").select_option(label="Neuroradiology")
    page.get_by_label("Modality").select_option(label="MRI")
    page.get_by_label("Primary outcome").fill("Share of patients with microbleeds on SWI")
    page.get_by_label("Cases").fill("150")
    page.get_by_label("Minutes per case to collect").fill("8")
    page.get_by_label("Minutes per case to read").fill("6")
    first = page.get_by_role("group", name="Role 1")
    first.get_by_label("Help wanted").select_option(label="Data collection")
    first.get_by_label("Hours a week").fill("3")
    first.get_by_label("Duration in weeks").fill("12")
    second = page.get_by_role("group", name="Role 2")
    second.get_by_label("Help wanted").select_option(label="Image assessment / reading")
    second.get_by_label("Hours a week").fill("2")
    second.get_by_label("Duration in weeks").fill("8")
    page.get_by_role("button", name="Post the project").click()
    page.get_by_text(f"“{TITLE}” is posted.").wait_for()


def test_a_project_goes_from_advert_to_agreed_team_with_versions_and_a_closed_task(
    browser, live_server, tmp_path
):
    demo_network()
    base = live_server.url
    mentor = browser.new_context(viewport={"width": 1280, "height": 900})
    mentor.set_default_timeout(15_000)
    lead = mentor.new_page()
    sign_in(lead, base, "mentor@demo.radcollab.org")
    post_project(lead)

    trainee = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    trainee.set_default_timeout(15_000)
    page = trainee.new_page()
    sign_in(page, base, "trainee@demo.radcollab.org")
    page.goto(f"{base}/projects/")
    page.get_by_role("textbox", name="Search").fill("microbleeds SWI")
    page.wait_for_url(lambda url: "q=microbleeds" in url)
    results = page.locator("#results")
    results.get_by_text("Neuroradiology is one of your interests").first.wait_for()
    results.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Apply for Data collection").click()
    page.get_by_label("Why you, and what you bring").fill(
        "ST3 with four hours a week on Wednesdays, keen on SWI; I collected data for a "
        "head CT audit last year and can start next month."
    )
    page.get_by_role("button", name="Send application").click()
    page.get_by_text("Application sent.").wait_for()

    lead.goto(f"{base}/dashboard/")
    lead.get_by_role("link", name=re.compile("Dr Amara Okafor for data collection")).click()
    lead.get_by_role("button", name="Accept Dr Amara Okafor").click()
    lead.get_by_text("Application accepted.").wait_for()
    project = Project.objects.get(title=TITLE)
    assert Member.objects.filter(project=project, person__email__startswith="trainee@").exists()

    page.goto(f"{base}/projects/{project.pk}/team/")
    page.get_by_label("Data curation").select_option(label="Lead")
    page.get_by_label("Investigation").select_option(label="Equal")
    page.get_by_role("button", name="Declare my contribution").click()
    page.get_by_text("Your contribution is declared").wait_for()

    lead.goto(f"{base}/projects/{project.pk}/team/")
    lead.get_by_label("Author position of Dr Amara Okafor").fill("1")
    lead.get_by_label("Author position of Dr Helen Marsh").fill("2")
    lead.get_by_label("Supervision, Dr Helen Marsh").select_option(label="Lead")
    lead.get_by_role("button", name="Save the agreement").click()
    lead.get_by_text("Agreement saved").wait_for()

    page.reload()
    page.get_by_role("button", name="Confirm version 1 of the agreement").click()
    page.get_by_text("Version 1 is agreed by the whole team.").wait_for()

    protocol_v1 = tmp_path / "protocol-v1.pdf"
    protocol_v1.write_bytes(b"%PDF-1.4 protocol version one")
    lead.goto(f"{base}/projects/{project.pk}/documents/")
    lead.get_by_label("Folder").select_option(label="Approvals")
    lead.get_by_label("Document name").fill("Protocol")
    lead.get_by_label("File").set_input_files(str(protocol_v1))
    lead.get_by_role("button", name="Upload").click()
    lead.get_by_text("Saved Protocol as version 1.").wait_for()

    protocol_v2 = tmp_path / "protocol-v2.pdf"
    protocol_v2.write_bytes(b"%PDF-1.4 protocol version two, with the SWI sequence")
    page.goto(f"{base}/projects/{project.pk}/documents/")
    page.get_by_label("Folder").select_option(label="Approvals")
    page.get_by_label("Document name").fill("Protocol")
    page.get_by_label("File").set_input_files(str(protocol_v2))
    page.get_by_label("What changed").fill("Added the SWI sequence")
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("Saved Protocol as version 2.").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Protocol version 1").click()
    assert download.value.suggested_filename == "protocol-v1.pdf"

    lead.goto(f"{base}/projects/{project.pk}/tasks/")
    lead.get_by_role("textbox", name="Task").fill("Collect the first 50 cases")
    lead.get_by_label("Owner").select_option(label="Dr Amara Okafor")
    lead.get_by_role("button", name="Add task").click()
    lead.get_by_text("Task added.").wait_for()

    page.goto(f"{base}/projects/{project.pk}/tasks/")
    # The card moves by htmx: the board is swapped in place, the page is not reloaded.
    page.evaluate("window.boardMarker = 'same page'")
    page.get_by_role("button", name="Mark “Collect the first 50 cases” done").click()
    page.get_by_text("is now done").wait_for()
    assert page.evaluate("window.boardMarker") == "same page"
    page.get_by_role("heading", name="Done (1)").wait_for()

    versions = DocumentVersion.objects.filter(document__project=project).order_by("number")
    uploaders = [v.uploaded_by for v in versions]
    assert [u.email.split("@")[0] for u in uploaders if u is not None] == ["mentor", "trainee"]
    assert Task.objects.get(project=project).state == Task.State.DONE
    assert set(project.members.values_list("confirmed_version", flat=True)) == {1}
    mentor.close()
    trainee.close()
