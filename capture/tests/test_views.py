from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture import services
from capture.models import Entry, Record, Study
from capture.tests.factories import STUDY_CSV, make_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(personas):
    study, site_a, site_b = make_study(personas)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site_a,
    )
    enable_totp(personas.trainee)
    return study, site_a, site_b


def test_the_committee_creates_a_study_by_uploading_a_dictionary(client, personas):
    enable_totp(personas.committee)  # creating a study is a privileged network action
    client.force_login(personas.committee)
    upload = SimpleUploadedFile("dd.csv", ("\ufeff" + STUDY_CSV).encode(), "text/csv")
    response = client.post(
        reverse("capture:study_create"), {"title": "Audit", "dictionary": upload}
    )
    study = Study.objects.get()
    assert response.status_code == 302
    assert services.current_dictionary(study).instruments == ["baseline", "reading"]


def test_a_broken_dictionary_is_refused_on_the_form(client, personas):
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    upload = SimpleUploadedFile("dd.csv", b"not,a,dictionary\n1,2,3\n", "text/csv")
    response = client.post(
        reverse("capture:study_create"), {"title": "Audit", "dictionary": upload}
    )
    assert response.status_code == 400
    assert "Variable / Field Name" in response.content.decode()
    assert not Study.objects.exists()


def test_records_need_two_factor_but_the_study_page_does_not(client, personas, setup):
    study, _, _ = setup
    client.force_login(personas.mentor)
    services.study_grant_role(
        actor=personas.committee, study=study, person=personas.mentor, role="viewer"
    )
    assert client.get(reverse("capture:study", args=[study.pk])).status_code == 200
    response = client.get(reverse("capture:records", args=[study.pk]))
    assert response.status_code == 302
    assert "/2fa/totp/activate/" in response["Location"]


def test_a_collaborator_creates_a_record_at_their_site_and_saves_a_form(client, personas, setup):
    study, site_a, _site_b = setup
    client.force_login(personas.trainee)
    response = client.post(
        reverse("capture:record_create", args=[study.pk]), {"study_site": site_a.pk}
    )
    record = Record.objects.get()
    assert record.label == "AAA-1"
    entry_url = reverse("capture:entry", args=[study.pk, record.pk, "baseline"])
    assert response["Location"] == entry_url
    page = client.get(entry_url).content.decode()
    assert 'id="capture-logic"' in page
    assert 'data-field="mri_field"' in page
    saved = client.post(entry_url, {"age": "44", "modality": ["1", "2"], "mri_field": "2"})
    assert saved.status_code == 302
    assert Entry.objects.get().data["modality"] == ["1", "2"]


def test_a_collaborator_cannot_create_a_record_at_another_site(client, personas, setup):
    study, _, site_b = setup
    client.force_login(personas.trainee)
    response = client.post(
        reverse("capture:record_create", args=[study.pk]), {"study_site": site_b.pk}
    )
    assert response.status_code == 403
    assert not Record.objects.exists()


def test_errors_warnings_and_conflicts_are_shown_on_the_form(client, personas, setup):
    study, site_a, _ = setup
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    client.force_login(personas.trainee)
    entry_url = reverse("capture:entry", args=[study.pk, record.pk, "baseline"])
    bad = client.post(entry_url, {"age": "old"})
    assert bad.status_code == 400
    assert "integer" in bad.content.decode().lower()
    high = client.post(entry_url, {"age": "150"})
    assert high.status_code == 400
    assert "I have checked" in high.content.decode()
    assert client.post(entry_url, {"age": "150", "confirmed": "1"}).status_code == 302
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        values={"age": "60"},
        version=1,
    )
    stale = client.post(entry_url, {"age": "61", "version": "1"})
    assert stale.status_code == 400
    assert "Someone saved this form" in stale.content.decode()
    assert Entry.objects.get().data["age"] == "60"


def test_two_forms_opened_before_the_entry_existed_cannot_both_save(client, personas, setup):
    # Both pages were drawn with no version (no entry yet): the first save creates the
    # entry, the second finds it and is a conflict showing its values, not an overwrite.
    study, site_a, _ = setup
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    client.force_login(personas.trainee)
    entry_url = reverse("capture:entry", args=[study.pk, record.pk, "baseline"])
    assert 'name="version" value=""' in client.get(entry_url).content.decode()
    assert client.post(entry_url, {"age": "40", "version": ""}).status_code == 302
    second = client.post(entry_url, {"age": "41", "version": ""})
    assert second.status_code == 400
    assert "Someone saved this form" in second.content.decode()
    assert 'name="version" value="1"' in second.content.decode()
    assert Entry.objects.get().data["age"] == "40"
    again = client.post(entry_url, {"age": "41", "version": "1", "reason": "merged"})
    assert again.status_code == 302
    assert Entry.objects.get().data["age"] == "41"


def test_the_audit_trail_lists_changes_with_old_and_new_values(client, personas, setup):
    study, site_a, _ = setup
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
    )
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    page = client.get(reverse("capture:audit", args=[study.pk]), {"action": "entry"})
    assert "entry.create" in page.content.decode()
    assert "record.create" not in page.content.decode()


def test_the_api_saves_a_form_and_names_problems(personas, setup):
    from django.test import Client

    from accounts.services import api_token_create

    study, site_a, _ = setup
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    token = api_token_create(user=personas.trainee, name="script").secret
    client = Client(headers={"Authorization": f"Bearer {token}"})
    url = f"/api/v1/studies/{study.pk}/records/{record.pk}/baseline"

    def put(body):
        return client.put(url, data=body, content_type="application/json")

    assert put({"values": {"age": "x"}}).json()["detail"][0]["loc"] == ["body", "age"]
    assert put({"values": {"age": "130"}}).json()["warnings"].keys() == {"age"}
    saved = put({"values": {"age": "50"}})
    assert saved.status_code == 200
    assert saved.json()["version"] == 1
    put({"values": {"age": "51"}, "version": 1})
    stale = put({"values": {"age": "52"}, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["age"] == "51"


def test_the_study_admin_changes_settings_with_an_audit_row(client, personas, setup):
    from audit.models import AuditEvent

    study, _, _ = setup
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    response = client.post(
        reverse("capture:study_manage", args=[study.pk, "settings"]),
        {
            "protocol_summary": "Audit of CT head.",
            "pseudonymisation_rules": "No names.",
            "require_gcp": "on",
            "repeating_instruments": ["reading"],
        },
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.require_gcp
    assert study.repeating_instruments == ["reading"]
    event = AuditEvent.objects.get(action="study.settings")
    assert event.changes["repeating_instruments"] == [[], ["reading"]]
