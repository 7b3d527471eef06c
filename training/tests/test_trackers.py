from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.timezone import localdate

from accounts.tests.factories import UserFactory
from training import services
from training.models import Evidence, RequirementSet
from training.pack import evidence_pack_pdf
from training.selectors import tracker_progress, tracker_summary
from training.tests.factories import PNG, certificate_set, output, pdf_upload, tracker

pytestmark = pytest.mark.django_db
TODAY = localdate()


def category(name):
    return certificate_set().categories.get(name=name)


def test_the_shipped_certificate_has_six_categories_with_counts():
    categories = list(certificate_set().categories.all())
    assert [c.required_count for c in categories] == [6, 1, 1, 1, 1, 2]


def test_evidence_of_every_kind_counts_towards_its_category():
    person = UserFactory.create()
    started = tracker(person)
    paper = output(person)
    add = services.evidence_add
    add(actor=person, tracker=started, category=category("Publishing"), kind="output", output=paper)
    add(
        actor=person,
        tracker=started,
        category=category("Annual research day"),
        kind="event",
        title="Regional research day",
        occurred_on=TODAY,
    )
    add(
        actor=person,
        tracker=started,
        category=category("Courses"),
        kind="file",
        title="Statistics course",
        occurred_on=TODAY,
        file=pdf_upload("stats.pdf"),
    )
    add(
        actor=person,
        tracker=started,
        category=category("Courses"),
        kind="note",
        title="GCP course",
        occurred_on=TODAY,
        note="Online, four hours.",
    )
    progress = tracker_progress(started)
    assert tracker_summary(progress) == (3, 6)
    publishing = next(p for p in progress if p.category.name == "Publishing")
    assert publishing.evidence[0].title == paper.title


def test_it_refuses_evidence_that_is_not_the_persons_or_not_of_this_set():
    person = UserFactory.create()
    started = tracker(person)
    stranger_paper = output(UserFactory.create())
    with pytest.raises(ValidationError, match="not an author"):
        services.evidence_add(
            actor=person,
            tracker=started,
            category=category("Publishing"),
            kind="output",
            output=stranger_paper,
        )
    other_set = RequirementSet.objects.create(name="Other")
    foreign = other_set.categories.create(name="Foreign", required_count=1)
    with pytest.raises(ValidationError, match="not a category of this tracker"):
        services.evidence_add(
            actor=person,
            tracker=started,
            category=foreign,
            kind="note",
            title="x",
            occurred_on=TODAY,
            note="y",
        )
    with pytest.raises(ValidationError, match="Attach the file"):
        services.evidence_add(
            actor=person,
            tracker=started,
            category=category("Courses"),
            kind="file",
            title="x",
            occurred_on=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=UserFactory.create(),
            tracker=started,
            category=category("Courses"),
            kind="note",
            title="x",
            occurred_on=TODAY,
            note="y",
        )
    assert not Evidence.objects.exists()


def test_a_person_tracks_a_certificate_once():
    person = UserFactory.create()
    tracker(person)
    with pytest.raises(ValidationError, match="already track"):
        tracker(person)


def test_the_evidence_pack_is_one_pdf_with_images_and_embedded_files():
    person = UserFactory.create(full_name="Zoë Ñúñez-Ødegård")
    started = tracker(person)
    services.evidence_add(
        actor=person,
        tracker=started,
        category=category("Courses"),
        kind="file",
        title="Certificate scan",
        occurred_on=TODAY,
        file=SimpleUploadedFile("scan.png", PNG),
    )
    services.evidence_add(
        actor=person,
        tracker=started,
        category=category("Courses"),
        kind="file",
        title="Course PDF",
        occurred_on=TODAY,
        file=pdf_upload("course.pdf"),
    )
    pack = evidence_pack_pdf(started)
    assert pack.startswith(b"%PDF")
    assert b"/EmbeddedFile" in pack
    assert b"/Image" in pack
