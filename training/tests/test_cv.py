from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document

from accounts.tests.factories import UserFactory
from outputs.services import AuthorIn, output_create
from people.models import Term, TraineeProfile
from training.cv import cv_docx, cv_for, cv_pdf
from training.tests.factories import credential, output

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    me = UserFactory.create(full_name="Amara Okafor")
    TraineeProfile.objects.create(person=me, grade="st3")
    neuro, msk = Term.objects.get(name="Neuroradiology"), Term.objects.get(name="Musculoskeletal")
    output(me, themes=[neuro])
    output(me, kind="poster", themes=[neuro])
    output(me, themes=[msk], first=False)
    output(me)
    consultant = UserFactory.create(full_name="Dr Consultant")
    output_create(
        actor=None,
        kind="article",
        title="Consultant-led",
        venue="Radiology",
        authors=[
            AuthorIn(name="Consultant D", person=consultant),
            AuthorIn(name="Okafor A", person=me),
        ],
    )
    output_create(
        actor=None,
        kind="grant",
        title="Pilot award",
        venue="RCR",
        amount=Decimal(5000),
        currency="GBP",
        authors=[AuthorIn(name="Okafor A", person=me)],
    )
    credential(me)
    return me


def test_outputs_are_grouped_by_theme_then_type_with_marks(person):
    cv = cv_for(person)
    assert [s.theme for s in cv.sections] == ["Musculoskeletal", "Neuroradiology", "Other research"]
    neuro = cv.sections[1]
    assert [kind for kind, _ in neuro.kinds] == ["Journal articles", "Posters"]
    entry = neuro.kinds[0][1][0]
    assert entry.first_author
    assert entry.trainee_led
    assert entry.marks == "*†"
    other = {e.title: e for _, entries in cv.sections[2].kinds for e in entries}
    assert not other["Consultant-led"].first_author
    assert not other["Consultant-led"].trainee_led
    assert cv.grants == ["Pilot award · RCR · GBP 5,000"]
    assert cv.training == ["ST3"]
    assert cv.credentials[0].startswith("Good Clinical Practice — introduction — NIHR Learn")


def test_the_docx_opens_and_holds_every_section(person):
    document = Document(io.BytesIO(cv_docx(cv_for(person))))
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in ("Training", "Credentials", "Grants", "Research outputs", "Neuroradiology"):
        assert heading in text
    assert "Pilot award" in text


def test_the_pdf_is_a_pdf_and_prints_non_latin_names():
    me = UserFactory.create(full_name="Zoë Ñúñez 王芳")
    output(me)
    pdf = cv_pdf(cv_for(me))
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
