from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.timezone import localdate

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from core.exceptions import EditConflict
from network.models import Role
from network.tests.factories import MembershipFactory
from training import services
from training.models import Credential, CredentialType
from training.selectors import Status, credentials_of, gcp_status_for, has_valid_gcp
from training.tests.factories import PDF, PNG, credential, pdf_upload

pytestmark = pytest.mark.django_db
TODAY = localdate()


def test_it_records_a_credential_with_its_certificate_and_audits_it():
    person = UserFactory.create()
    made = credential(person, certificate=pdf_upload("My GCP.pdf"))
    assert made.certificate_name == "My GCP.pdf"
    assert made.certificate.read() == PDF
    assert AuditEvent.objects.filter(action="credential.create", object_id=str(made.pk)).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ...", "is not a PDF, PNG or JPEG"),
        ("fake.pdf", b"not a pdf at all", "does not contain what its name says"),
        ("photo.png", PDF, "does not contain what its name says"),
    ],
)
def test_it_refuses_files_that_are_not_certificates_and_saves_nothing(name, content, message):
    person = UserFactory.create()
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        credential(person, certificate=upload)
    assert message in str(error.value.message_dict["certificate"])
    assert name in str(error.value.message_dict["certificate"])
    assert not Credential.objects.exists()


def test_it_refuses_a_certificate_over_the_size_limit(settings):
    upload = SimpleUploadedFile("big.png", PNG + b"\0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="at most 10 MB"):
        credential(UserFactory.create(), certificate=upload)


def test_it_refuses_a_completion_date_in_the_future_and_other_without_a_name():
    person = UserFactory.create()
    with pytest.raises(ValidationError, match="future"):
        credential(person, days_ago=-3)
    with pytest.raises(ValidationError, match="Name the course"):
        credential(person, kind=CredentialType.OTHER)


@pytest.mark.parametrize(
    ("days_ago", "status"),
    [(100, Status.VALID), (3 * 365 - 30, Status.DUE), (3 * 365 + 5, Status.EXPIRED)],
)
def test_status_follows_the_three_year_default(days_ago, status):
    person = UserFactory.create()
    credential(person, days_ago=days_ago)
    assert credentials_of(person)[0].status == status


def test_the_organisation_setting_and_a_per_type_override_set_the_interval(settings):
    person = UserFactory.create()
    credential(person, days_ago=800)
    settings.RADCOLLAB_CREDENTIAL_REFRESH_YEARS = 2
    assert credentials_of(person)[0].status == Status.EXPIRED
    admin = UserFactory.create()
    MembershipFactory.create(person=admin, role=Role.ADMIN, site=None)
    services.refresh_interval_set(
        actor=admin, credential_type=CredentialType.GCP_INTRODUCTION, years=0, version=0
    )
    state = credentials_of(person)[0]
    assert (state.status, state.expires_on) == (Status.VALID, None)
    assert AuditEvent.objects.filter(action="refresh_interval.set").count() == 1


def test_only_administrators_change_intervals_and_stale_edits_conflict():
    admin = UserFactory.create()
    MembershipFactory.create(person=admin, role=Role.ADMIN, site=None)
    with pytest.raises(PermissionDenied):
        services.refresh_interval_set(
            actor=UserFactory.create(), credential_type="gcp_intro", years=2, version=0
        )
    services.refresh_interval_set(actor=admin, credential_type="gcp_intro", years=2, version=0)
    with pytest.raises(EditConflict):
        services.refresh_interval_set(actor=admin, credential_type="gcp_intro", years=5, version=0)


def test_gcp_status_for_many_people_takes_the_latest_and_marks_the_missing(
    django_assert_max_num_queries,
):
    renewed, lapsed, never = UserFactory.create(), UserFactory.create(), UserFactory.create()
    credential(renewed, days_ago=4 * 365)
    credential(renewed, days_ago=20, kind=CredentialType.GCP_REFRESHER)
    credential(lapsed, days_ago=4 * 365)
    with django_assert_max_num_queries(2):
        statuses = gcp_status_for([renewed, lapsed, never.pk])
    assert statuses == {
        renewed.pk: Status.VALID,
        lapsed.pk: Status.EXPIRED,
        never.pk: Status.MISSING,
    }
    assert has_valid_gcp(renewed)
    assert not has_valid_gcp(lapsed)
    assert not has_valid_gcp(never)


def test_an_update_from_a_stale_version_is_refused_with_the_saved_values():
    person = UserFactory.create()
    made = credential(person, provider="NIHR")
    values = {"kind": made.kind, "title": "", "completed_on": made.completed_on}
    services.credential_update(
        actor=person, credential=made, version=1, provider="NIHR Learn", **values
    )
    with pytest.raises(EditConflict) as clash:
        services.credential_update(
            actor=person, credential=made, version=1, provider="Trust", **values
        )
    assert clash.value.current == {"provider": "NIHR Learn"}
    assert Credential.objects.get().provider == "NIHR Learn"


def test_nobody_but_the_person_changes_a_credential():
    made = credential(UserFactory.create())
    with pytest.raises(PermissionDenied):
        services.credential_delete(actor=UserFactory.create(), credential=made)
    assert Credential.objects.exists()
