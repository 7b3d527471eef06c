"""Issue 5's import journey in Chromium: a BibTeX file with a duplicate and a broken entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.testing.demo import demo_network
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
    demo_network()
    before = Output.objects.count()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, "trainee@demo.radcollab.org")
    page.get_by_role("link", name="Outputs", exact=True).click()
    page.get_by_role("heading", name="My outputs").wait_for()
    page.get_by_role("link", name="Import from a file").click()

    upload(page, GOOD + BROKEN)
    refused = page.get_by_role("region", name="Refused (1)")
    broken = re.compile(r"entry 3 \(key broken2023, line 17\): it is not valid BibTeX")
    assert refused.get_by_text(broken).is_visible()
    duplicates = page.get_by_role("region", name="Already recorded (1)")
    assert duplicates.get_by_text("already recorded: the same title, year").is_visible()
    assert duplicates.get_by_text("will fill pmid").is_visible()
    page.get_by_role("button", name=re.compile("^Import the ticked entries")).click()
    page.get_by_text(
        "Imported: 1 new, 1 merged into existing outputs, 1 refused, 0 left out."
    ).wait_for()
    page.get_by_role("link", name=re.compile("Haemorrhage on non-contrast CT")).wait_for()
    assert page.get_by_text("Øystein Smørgrav").is_visible()
    assert Output.objects.count() == before + 1
    assert Output.objects.get(title=DEMO_PAPER).pmid == "39999999"
    context.close()


MANAGER_FILE = r"""
@ARTICLE{okafor2025dwi,
  AUTHOR = {Okafor, Amara and Marsh, Helen},
  TITLE = {Diffusion-weighted {MRI} in stroke mimics: a two-centre retrospective study},
  JOURNAL = {Clinical Radiology},
  YEAR = {2025},
  VOLUME = {80},
  NUMBER = {4},
  PAGES = {301--309}
}

@inproceedings{okafor2024dwi,
  author = {Okafor, Amara and Marsh, Helen},
  title = {Diffusion-weighted MRI in stroke mimics: a two-centre retrospective study},
  booktitle = {UK Imaging and Oncology Congress},
  year = {2024}
}

@ARTICLE{broken2023,
  AUTHOR = {Okafor, Amara
  TITLE = {An entry whose author field never closes},
  YEAR = {2023}
}

@ARTICLE{okafor2023ct,
  AUTHOR = {Okafor, Amara and Patel, Nisha},
  TITLE = {Night-time {CT} head reporting: p {\textless} 0.05},
  JOURNAL = {Emergency Radiology},
  YEAR = {2023},
  MONTH = {Jul-Aug},
  VOLUME = {30},
  NUMBER = {4},
  PAGES = {455--462}
}
"""


def test_a_reference_manager_file_is_imported_and_the_cv_cites_it_in_vancouver(
    browser, live_server
):
    """Issue 17: upper-case fields, a broken entry and the abstract of a known article;
    the good entries are imported and the CV cites them in Vancouver with volume and pages."""
    import io

    from docx import Document as Docx

    demo_network()
    before = Output.objects.count()
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "trainee@demo.radcollab.org")
    page.goto(f"{base}/outputs/import/")
    upload(page, MANAGER_FILE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    new = page.get_by_role("region", name="New (2)")
    assert new.get_by_text("Night-time CT head reporting: p < 0.05").is_visible()
    assert new.get_by_text(f"will be linked: this became “{DEMO_PAPER}”").is_visible()
    duplicates = page.get_by_role("region", name="Already recorded (1)")
    assert duplicates.get_by_text("will fill volume, issue, pages").is_visible()
    refused = page.get_by_role("region", name="Refused (1)")
    assert refused.get_by_text(re.compile(r"entry 3 \(key broken2023, line 19\)")).is_visible()
    page.get_by_role("button", name=re.compile("^Import the ticked entries")).click()
    page.get_by_text(re.compile("Imported: 2 new, 1 merged")).wait_for()
    assert Output.objects.count() == before + 2
    article = Output.objects.get(title=DEMO_PAPER, kind="article")
    assert (article.volume, article.issue, article.pages) == ("80", "4", "301-309")
    assert Output.objects.get(kind="abstract", title=DEMO_PAPER).became == article

    page.get_by_text("Download citations or a reference file").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Vancouver (ICMJE)").last.click()
    document = Docx(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Clinical Radiology. 2025 Mar 1;80(4):301\u20139." in text
    assert (
        "Night-time CT head reporting: p < 0.05. Emergency Radiology. 2023 Jul;30(4):455\u201362."
        in text
    )
    bold = {r.text for p in document.paragraphs for r in p.runs if r.bold}
    assert "Okafor A" in bold  # "Dr Amara Okafor" cited without her title
    context.close()
