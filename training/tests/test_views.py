from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.timezone import localdate
from docx import Document

from accounts.tests.factories import PASSWORD, UserFactory
from network.models import Role
from network.tests.factories import MembershipFactory
from training.models import Checklist, ChecklistTemplate, Credential, Goal, RefreshInterval
from training.tests.factories import PDF, checklist, credential, output, pdf_upload, person_at

pytestmark = pytest.mark.django_db
TODAY = localdate()


@pytest.fixture
def me(client):
    person = UserFactory.create(full_name="Amara Okafor")
    client.force_login(person)
    return person


def test_a_trainee_uploads_a_certificate_and_downloads_it_again(client, me):
    response = client.post(
        reverse("training:credential_new"),
        {
            "kind": "gcp_intro",
            "completed_on": "2025-01-10",
            "provider": "NIHR Learn",
            "certificate": pdf_upload("gcp.pdf"),
        },
    )
    assert response.status_code == 302
    made = Credential.objects.get(person=me)
    download = client.get(reverse("training:credential_file", args=[made.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "gcp.pdf" in download["Content-Disposition"]


def test_a_bad_file_is_named_in_the_form_and_nothing_is_saved(client, me):
    response = client.post(
        reverse("training:credential_new"),
        {
            "kind": "gcp_intro",
            "completed_on": "2025-01-10",
            "provider": "NIHR",
            "certificate": SimpleUploadedFile("notes.docx", b"PK.."),
        },
    )
    assert response.status_code == 400
    assert "“notes.docx” is not a PDF, PNG or JPEG file." in response.content.decode()
    assert not Credential.objects.exists()


def test_a_stale_credential_edit_shows_the_saved_values(client, me):
    made = credential(me, provider="NIHR")
    edit = reverse("training:credential_edit", args=[made.pk])
    form = {"kind": "gcp_intro", "completed_on": made.completed_on.isoformat(), "version": 1}
    assert client.post(edit, {**form, "provider": "First"}).status_code == 302
    response = client.post(edit, {**form, "provider": "Second"})
    assert response.status_code == 409
    assert "Saved elsewhere while you were editing" in response.content.decode()
    assert Credential.objects.get().provider == "First"


def test_a_goal_set_on_the_page_shows_progress_from_outputs(client, me):
    output(me)
    response = client.post(
        reverse("training:goals"),
        {"target": 2, "kind": "article", "min_status": "", "due_on": "2030-01-01"},
    )
    assert response.status_code == 302
    page = client.get(reverse("training:goals")).content.decode()
    assert "1 of 2" in page
    assert "2 journal articles" in page
    assert Goal.objects.get().person == me


def test_the_dashboard_shows_credentials_goals_and_sign_offs(client, me):
    credential(me, days_ago=3 * 365 - 20)
    checklist(UserFactory.create(full_name="Ben Trainee"), me)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Due within 60 days" in page
    assert "expires in" in page
    assert "Awaiting my sign-off" in page
    assert "Ben Trainee" in page


def test_a_supervisor_signs_on_the_page_and_a_wrong_password_is_refused(client, me):
    started = checklist(UserFactory.create(), me)
    item = started.items.first()
    sign = reverse("training:item_sign", args=[started.pk, item.pk])
    form = {"signed_on": TODAY.isoformat(), "evidence": "Seen", "password": "wrong"}
    response = client.post(sign, form)
    assert response.status_code == 400
    assert "not your password" in response.content.decode()
    assert client.post(sign, {**form, "password": PASSWORD}).status_code == 302
    item.refresh_from_db()
    assert item.is_signed


def test_a_checklist_starts_with_the_supervisors_email(client, me):
    supervisor = UserFactory.create(email="boss@example.org")
    template = ChecklistTemplate.objects.get()
    response = client.post(
        reverse("training:checklist_new"),
        {
            "template": template.pk,
            "supervisor_email": "BOSS@example.org",
            "started_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Checklist.objects.get().supervisor == supervisor
    response = client.post(
        reverse("training:checklist_new"),
        {
            "template": template.pk,
            "supervisor_email": "nobody@example.org",
            "started_on": TODAY.isoformat(),
        },
    )
    assert "Nobody with the email nobody@example.org" in response.content.decode()


def test_a_site_lead_sees_their_sites_gcp_at_a_glance(client, personas):
    valid, missing = person_at(personas.site_a), person_at(personas.site_a)
    credential(valid)
    client.force_login(personas.site_lead_a)
    page = client.get(reverse("training:gcp_site", args=[personas.site_a.pk])).content.decode()
    assert escape(str(valid)) in page, "names as HTML writes them (O'Sullivan)"
    assert escape(str(missing)) in page
    assert "None recorded" in page
    assert "Valid" in page


def test_an_admin_overrides_an_interval(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("training:intervals"),
        {"credential_type": "gcp_refresher", "years": 2, "version": 0},
    )
    assert response.status_code == 302
    assert RefreshInterval.objects.get().years == 2


def test_cv_downloads_open(client, me):
    output(me)
    docx = client.get(reverse("training:cv", args=["docx"]))
    assert docx.status_code == 200
    assert Document(io.BytesIO(docx.content)).paragraphs[0].text == "Amara Okafor"
    assert client.get(reverse("training:cv", args=["pdf"])).content.startswith(b"%PDF")
    assert client.get(reverse("training:cv", args=["odt"])).status_code == 404


def test_evidence_is_added_on_the_tracker_page(client, me):
    client.post(reverse("training:tracker_start"), {"requirement_set": _set_id()})
    tracker = me.trackers.get()
    category = tracker.requirement_set.categories.get(name="Courses")
    response = client.post(
        reverse("training:tracker", args=[tracker.pk]),
        {
            "category": category.pk,
            "kind": "note",
            "title": "Stats course",
            "occurred_on": TODAY.isoformat(),
            "note": "Two days",
        },
    )
    assert response.status_code == 302
    assert "Stats course" in client.get(response["Location"]).content.decode()
    pack = client.get(reverse("training:tracker_pack", args=[tracker.pk]))
    assert pack["Content-Type"] == "application/pdf"


def _set_id():
    from training.tests.factories import certificate_set

    return certificate_set().pk


def test_site_roles_need_not_be_admin_to_be_refused_intervals(client):
    person = UserFactory.create()
    MembershipFactory.create(person=person, role=Role.COMMITTEE, site=None)
    client.force_login(person)
    assert client.get(reverse("training:intervals")).status_code == 403
