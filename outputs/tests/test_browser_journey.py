"""Issue 5's import journey in Chromium: a BibTeX file with a duplicate and a broken entry."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from outputs.models import Output

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PAPER = "Diffusion-weighted MRI in stroke mimics: a two-centre retrospective study"
GOOD = r"""
@article{okafor2025dwi,
  author  = {Okafor, Amara and Marsh, Helen},
  title   = {Diffusion-weighted {MRI} in stroke mimics: a two-centre retrospective study},
  journal = {Clinical Radiology},
  year    = {2025},
  pmid    = {39999999}
}

@inproceedings{okafor2024ich,
  author    = {Okafor, Amara and Sm{\o}rgrav, {\O}ystein and M{\"u}ller, J{\"o}rg},
  title     = {Haemorrhage on non-contrast {CT}: what trainees miss at night},
  booktitle = {British Society of Neuroradiologists Annual Meeting},
  year      = {2024}
}
"""
BROKEN = r"""
@article{broken2023,
  author  = {Okafor, Amara
  title   = {An entry whose author field never closes},
  year    = {2023}
}
"""


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill("radcollab-demo")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()


def upload(page, text: str) -> None:
    page.get_by_role("heading", name="Import outputs").wait_for()
    page.get_by_label("Format").select_option(label="BibTeX (.bib)")
    page.get_by_label("File").set_input_files(
        files=[{"name": "mine.bib", "mimeType": "text/x-bibtex", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Import preview").wait_for()


def test_a_trainee_imports_bibtex_sees_the_duplicate_and_the_broken_entry_then_imports(
    browser, live_server
):
    call_command("seed_demo", stdout=StringIO())
    before = Output.objects.count()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, "trainee@demo.radcollab.org")
    page.get_by_role("link", name="Outputs", exact=True).click()
    page.get_by_role("heading", name="My outputs").wait_for()
    page.get_by_role("link", name="Import from a file").click()

    upload(page, GOOD + BROKEN)
    problems = page.get_by_role("alert")
    problems.get_by_text("The file cannot be imported").wait_for()
    broken = re.compile(r"entry 3 \(key broken2023, line 17\): it is not valid BibTeX")
    assert problems.get_by_text(broken).is_visible()
    duplicates = page.get_by_role("region", name="Duplicates (1)")
    assert duplicates.get_by_text(f"already recorded as “{DEMO_PAPER}”").is_visible()
    assert duplicates.get_by_text("will fill pmid").is_visible()
    assert page.get_by_role("button", name=re.compile("^Import")).count() == 0
    assert Output.objects.count() == before

    page.get_by_role("link", name="Upload a corrected file").click()
    upload(page, GOOD)
    page.get_by_role("button", name="Import 1 new and merge 1").click()
    page.get_by_text("Imported: 1 new, 1 merged into existing outputs, 0 refused.").wait_for()
    page.get_by_role("link", name=re.compile("Haemorrhage on non-contrast CT")).wait_for()
    assert page.get_by_text("Øystein Smørgrav").is_visible()
    assert Output.objects.count() == before + 1
    assert Output.objects.get(title=DEMO_PAPER).pmid == "39999999"
    context.close()
