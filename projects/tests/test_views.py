from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import Term
from people.tests.test_services import save_trainee
from projects import services, workspace
from projects.models import DocumentVersion, Member, Project, Task
from projects.tests.factories import NOTE, join, make_project, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    project = make_project(personas.mentor, sites=[personas.site_a])
    join(project, personas.trainee)
    return project


def test_the_board_shows_why_a_project_fits(client, personas):
    make_project(
        personas.mentor, subspecialty=Term.objects.get(kind="subspecialty", name="Neuroradiology")
    )
    profile = save_trainee(personas.trainee, hours_per_week=4)
    profile.interests.set(Term.objects.filter(name="Neuroradiology"))
    client.force_login(personas.trainee)
    page = client.get(reverse("projects:board"))
    assert "Neuroradiology is one of your interests" in page.content.decode()
    fragment = client.get(reverse("projects:board"), {"q": "mimics"}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<section id="results"')


def test_bad_filters_are_named(client, personas):
    client.force_login(personas.trainee)
    response = client.get(reverse("projects:board"), {"max_hours": "0"})
    assert response.status_code == 400
    assert "max_hours" in response.context["form"].errors


def _new_project_data(**changes):
    return {
        "title": "CT head audit",
        "summary": "Turnaround times.",
        "research_type": "qi",
        "timing": "retrospective",
        "centres": "single",
        "ethics": "not_needed",
        "audit_registration": "granted",
        "data_protection": "not_needed",
        "cases": "100",
        "minutes_collection": "3",
        "minutes_reading": "0",
        "roles-TOTAL_FORMS": "3",
        "roles-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_mentor_posts_a_project_with_two_roles(client, personas):
    client.force_login(personas.mentor)
    data = _new_project_data(
        **{
            "roles-0-kind": "collection",
            "roles-0-hours_per_week": "2",
            "roles-0-duration_weeks": "6",
            "roles-1-kind": "writing",
            "roles-1-hours_per_week": "3",
            "roles-1-duration_weeks": "4",
        }
    )
    response = client.post(reverse("projects:new"), data)
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert sorted(project.roles.values_list("kind", flat=True)) == ["collection", "writing"]


def test_an_incomplete_project_names_the_missing_fields_and_creates_nothing(client, personas):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("projects:new"), {"roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 400
    assert {"title", "summary", "research_type"} <= set(response.context["form"].errors)
    assert not Project.objects.exists()


def test_the_apply_page_warns_with_the_current_load(client, personas):
    for n in range(3):
        join(make_project(personas.mentor, title=f"Busy {n}"), personas.trainee)
    role = make_project(personas.mentor, title="One more").roles.all()[0]
    client.force_login(personas.trainee)
    page = client.get(reverse("projects:apply", args=[role.pk]))
    assert "You already hold 3 active projects" in page.content.decode()
    refused = client.post(reverse("projects:apply", args=[role.pk]), {"note": NOTE})
    assert refused.status_code == 400
    assert "accept_load" in refused.context["form"].errors
    sent = client.post(
        reverse("projects:apply", args=[role.pk]), {"note": NOTE, "accept_load": "on"}
    )
    assert sent.status_code == 302


def test_the_lead_accepts_from_the_project_page(client, personas):
    project = make_project(personas.mentor)
    application = services.application_submit(
        applicant=personas.trainee, role=project.roles.all()[0], note=NOTE
    )
    client.force_login(personas.mentor)
    page = client.get(project.get_absolute_url())
    assert "Accept Trainee" in page.content.decode()
    client.post(reverse("projects:application", args=[application.pk, "accept"]), {"reply": "Yes"})
    assert Member.objects.filter(project=project, person=personas.trainee).exists()


def test_the_effort_fragment_recalculates_at_the_hours_asked(client, personas, project):
    client.force_login(personas.trainee)
    response = client.get(project.get_absolute_url(), {"hours": "10"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="effort"')
    assert "<strong>3 weeks</strong> at 10 h a week" in body


def test_a_stale_project_edit_shows_the_saved_values(client, personas, project):
    client.force_login(personas.mentor)
    form = client.get(reverse("projects:edit", args=[project.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "sites"}
    data.update(title="Renamed", mentor="", subspecialty="", modality="")
    services.project_update(
        actor=personas.mentor,
        project=project,
        version=project.version,
        sites=[],
        **{f: getattr(project, f) for f in ("title", "summary", "research_type")},
        primary_outcome="Changed meanwhile",
    )
    response = client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 409
    assert response.context["conflict"].current["primary outcome"] == "Changed meanwhile"
    project.refresh_from_db()
    assert project.title != "Renamed"


def test_a_stale_task_move_is_refused_with_a_message(client, personas, project):
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    workspace.task_update(actor=personas.mentor, task=task, version=1, title="Collect all")
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:task_move", args=[task.pk]),
        {"state": "done", "version": "1"},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    task.refresh_from_db()
    assert task.state == Task.State.TODO


def test_the_team_agrees_the_authorship_through_the_pages(client, personas, project):
    mentor_member = project.members.get(person=personas.mentor)
    trainee_member = project.members.get(person=personas.trainee)
    client.force_login(personas.trainee)
    client.post(reverse("projects:declare", args=[project.pk]), {"data_curation": "lead"})
    client.force_login(personas.mentor)
    page = client.get(reverse("projects:team", args=[project.pk]))
    assert page.context["agreement_form"][f"m{trainee_member.pk}_data_curation"].initial == "lead"
    response = client.post(
        reverse("projects:agreement", args=[project.pk]),
        {
            "version": "0",
            f"m{trainee_member.pk}_position": "1",
            f"m{trainee_member.pk}_data_curation": "lead",
            f"m{mentor_member.pk}_position": "2",
            f"m{mentor_member.pk}_supervision": "lead",
        },
    )
    assert response.status_code == 302
    stale = client.post(reverse("projects:agreement", args=[project.pk]), {"version": "0"})
    assert stale.status_code == 409
    client.force_login(personas.trainee)
    client.post(reverse("projects:confirm", args=[project.pk]), {"version": "1"})
    page = client.get(reverse("projects:team", args=[project.pk]))
    assert page.context["agreement"].agreed


def test_meeting_notes_with_actions(client, personas, project):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("projects:meetings", args=[project.pk]),
        {
            "held_on": "2026-02-01",
            "title": "Kick-off",
            "notes": "Agreed the proforma.",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-0-text": "Build the form",
            "actions-0-owner": str(personas.trainee.pk),
            "actions-0-due_on": "2026-02-15",
        },
    )
    assert response.status_code == 302
    assert Task.objects.get(meeting__title="Kick-off").owner == personas.trainee


def test_upload_refusal_is_shown_and_downloads_are_attachments(client, personas, project, settings):
    client.force_login(personas.trainee)
    url = reverse("projects:documents", args=[project.pk])
    ok = client.post(
        url,
        {"folder": "approvals", "name": "Protocol", "file": SimpleUploadedFile("p.pdf", b"%PDF")},
    )
    assert ok.status_code == 302
    settings.RADCOLLAB_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("p.pdf", b"x" * (2 * 1024 * 1024))
    refused = client.post(url, {"folder": "approvals", "name": "Protocol", "file": big})
    assert refused.status_code == 400
    assert "the limit is 1 MB" in refused.content.decode()
    version = DocumentVersion.objects.get()
    download = client.get(version.get_absolute_url())
    assert download["Content-Disposition"] == 'attachment; filename="p.pdf"'
    assert b"".join(download.streaming_content) == b"%PDF"


def test_the_dashboard_shows_the_projects_panel(client, personas, project):
    workspace.task_create(
        actor=personas.mentor, project=project, title="Overdue thing", due_on=date(2020, 1, 1)
    )
    client.force_login(personas.trainee)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Overdue tasks" in body
    assert "Overdue thing" in body


def test_htmx_moves_a_task_and_answers_with_the_board_alone(client, personas, project):
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:task_move", args=[task.pk]),
        {"state": "doing", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="task-board"')
    assert "“Collect” is now in progress." in body
    assert "In progress (1)" in body
    task.refresh_from_db()
    assert (task.state, task.version) == ("doing", 2)
    # The outcome is in the fragment, not left behind for the next full page.
    page = client.get(reverse("projects:tasks", args=[project.pk]))
    assert "is now in progress" not in page.content.decode()


def test_a_stale_htmx_move_shows_the_saved_values_in_the_board(client, personas, project):
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    workspace.task_update(actor=personas.mentor, task=task, version=1, state="done")
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:task_move", args=[task.pk]),
        {"state": "doing", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "changed by someone else" in body
    assert "Saved now: state: Done." in body
    assert 'role="alert"' in body
    task.refresh_from_db()
    assert task.state == "done"


def test_without_javascript_a_move_reloads_the_page_with_the_outcome(client, personas, project):
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:task_move", args=[task.pk]),
        {"state": "done", "version": "1"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("projects:tasks", args=[project.pk]), 302)]
    assert "“Collect” is now done." in response.content.decode()
    task.refresh_from_db()
    assert task.state == "done"


def test_a_stale_task_edit_page_shows_the_saved_values_to_merge(client, personas, project):
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    workspace.task_update(actor=personas.mentor, task=task, version=1, title="Collect 100 cases")
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:task", args=[task.pk]),
        {"title": "Collect 50 cases", "state": "todo", "version": "1"},
    )
    assert response.status_code == 409
    assert response.context["conflict"].current == {"title": "Collect 100 cases"}
    # The version saved now, as a browser posts it (core.conflicts.restamp, as every app).
    assert response.context["form"].data["version"] == "2"
    again = client.post(
        reverse("projects:task", args=[task.pk]),
        {"title": "Collect 50 cases", "state": "todo", "version": "2"},
    )
    assert again.status_code == 302
    task.refresh_from_db()
    assert task.title == "Collect 50 cases"


def test_the_lead_deletes_a_task_from_its_page(client, personas, project):
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    client.force_login(personas.trainee)
    assert (
        "Delete “Collect”"
        not in client.get(reverse("projects:task", args=[task.pk])).content.decode()
    )
    client.force_login(personas.mentor)
    page = client.get(reverse("projects:task", args=[task.pk])).content.decode()
    assert "Delete “Collect”" in page
    response = client.post(reverse("projects:task_delete", args=[task.pk]), {"version": "1"})
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_milestone_is_edited_and_deleted_through_its_page(client, personas, project):
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    client.force_login(personas.trainee)
    url = reverse("projects:milestone", args=[milestone.pk])
    saved = client.post(url, {"title": "All data in", "due_on": "2026-06-01", "version": "1"})
    assert saved.status_code == 302
    stale = client.post(url, {"title": "Data in", "due_on": "2026-05-01", "version": "1"})
    assert stale.status_code == 409
    assert "All data in" in stale.content.decode()
    refused = client.post(reverse("projects:milestone_delete", args=[milestone.pk]), {"version": 2})
    assert refused.status_code == 403
    client.force_login(personas.mentor)
    client.post(reverse("projects:milestone_delete", args=[milestone.pk]), {"version": "2"})
    assert not project.milestones.exists()


def test_meeting_notes_are_corrected_and_deleted_through_their_page(client, personas, project):
    meeting = workspace.meeting_record(
        actor=personas.mentor,
        project=project,
        held_on=date(2026, 2, 1),
        title="Kick-off",
        notes="A",
    )
    client.force_login(personas.trainee)
    listing = client.get(reverse("projects:meetings", args=[project.pk])).content.decode()
    assert reverse("projects:meeting", args=[meeting.pk]) in listing
    url = reverse("projects:meeting", args=[meeting.pk])
    data = {"held_on": "2026-02-01", "title": "Kick-off", "notes": "A and B", "version": "1"}
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.notes == "A and B"
    client.force_login(personas.mentor)
    client.post(reverse("projects:meeting_delete", args=[meeting.pk]), {"version": "2"})
    assert not project.meetings.exists()


def test_documents_are_renamed_archived_and_restored_through_the_pages(client, personas, project):
    version = workspace.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    document = version.document
    client.force_login(personas.trainee)
    url = reverse("projects:document", args=[document.pk])
    assert client.post(url, {"folder": "analysis", "name": "Clean sheet"}).status_code == 302
    client.force_login(personas.mentor)
    client.post(reverse("projects:document_archive", args=[document.pk]))
    page = client.get(reverse("projects:documents", args=[project.pk]))
    assert [d.name for d in page.context["archived"]] == ["Clean sheet"]
    assert all(not docs for _, _, docs in page.context["folders"])
    assert "Restore “Clean sheet” to Analysis" in page.content.decode()
    client.post(reverse("projects:document_archive", args=[document.pk]), {"archived": "0"})
    document.refresh_from_db()
    assert document.archived_at is None


NHS_NUMBER = "943 476 5919"  # modulus-11 valid


def _meeting_data(**changes):
    return {
        "held_on": "2026-02-01",
        "title": "Kick-off",
        "notes": "Agreed the proforma.",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        **changes,
    }


def test_meeting_notes_with_an_identifier_are_refused_on_the_field(client, personas, project):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("projects:meetings", args=[project.pk]),
        _meeting_data(notes="Images from john.smith@nhs.net", **{"actions-0-text": "Build"}),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "looks like an email address" in errors["notes"][0]
    assert "john.smith" not in errors["notes"][0]  # masked; the textarea keeps the text to fix
    assert not project.meetings.exists()
    assert not Task.objects.filter(project=project).exists()


def test_an_action_item_with_an_identifier_is_refused_on_its_own_row(client, personas, project):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("projects:meetings", args=[project.pk]),
        _meeting_data(
            **{"actions-0-text": "Build the form", "actions-2-text": f"Chase NHS {NHS_NUMBER}"}
        ),
    )
    assert response.status_code == 400
    rows = response.context["actions"].forms
    assert "NHS number" in rows[2].errors["text"][0]
    assert not rows[0].errors
    assert not rows[1].errors
    assert not response.context["form"].errors
    assert not project.meetings.exists()


def test_a_correction_with_an_identifier_is_refused_and_the_notes_stay(client, personas, project):
    meeting = workspace.meeting_record(
        actor=personas.mentor,
        project=project,
        held_on=date(2026, 2, 1),
        title="Kick-off",
        notes="A",
    )
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:meeting", args=[meeting.pk]),
        {
            "held_on": "2026-02-01",
            "title": "Kick-off",
            "notes": "Call 07700 900123",
            "version": "1",
        },
    )
    assert response.status_code == 400
    assert "looks like a phone number" in response.context["form"].errors["notes"][0]
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.version) == ("A", 1)


def test_an_upload_note_with_an_identifier_is_refused_on_the_field(client, personas, project):
    workspace.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:documents", args=[project.pk]),
        {
            "folder": "data",
            "name": "Sheet",
            "note": "Patient DOB 12/03/1985 added",
            "file": SimpleUploadedFile("sheet.csv", b"a,b"),
        },
    )
    assert response.status_code == 400
    assert "full date of birth" in response.context["form"].errors["note"][0]
    assert list(DocumentVersion.objects.values_list("number", flat=True)) == [1]


def test_a_milestone_title_with_an_identifier_is_refused_on_the_tasks_page(
    client, personas, project
):
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:milestone_add", args=[project.pk]),
        {"milestone-title": f"Case {NHS_NUMBER} reviewed", "milestone-due_on": "2026-05-01"},
    )
    assert response.status_code == 400
    assert "NHS number" in response.context["milestone_form"].errors["title"][0]
    assert "looks like an NHS number" in response.content.decode()
    assert not project.milestones.exists()


def test_a_stale_milestone_delete_is_refused_with_the_saved_values(client, personas, project):
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    client.force_login(personas.mentor)
    page = client.get(reverse("projects:milestone", args=[milestone.pk])).content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    workspace.milestone_update(
        actor=personas.trainee, milestone=milestone, version=1, title="All data in"
    )
    response = client.post(
        reverse("projects:milestone_delete", args=[milestone.pk]), {"version": "1"}, follow=True
    )
    body = response.content.decode()
    assert "changed by someone else since you saw it" in body
    assert "Saved now: title: All data in" in body
    assert project.milestones.filter(pk=milestone.pk).exists()


def test_a_stale_meeting_delete_is_refused_with_the_saved_values(client, personas, project):
    meeting = workspace.meeting_record(
        actor=personas.mentor,
        project=project,
        held_on=date(2026, 2, 1),
        title="Kick-off",
        notes="A",
    )
    client.force_login(personas.mentor)
    page = client.get(reverse("projects:meeting", args=[meeting.pk])).content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    workspace.meeting_update(actor=personas.trainee, meeting=meeting, version=1, notes="A and B")
    response = client.post(
        reverse("projects:meeting_delete", args=[meeting.pk]), {"version": "1"}, follow=True
    )
    body = response.content.decode()
    assert "changed by someone else since you saw it" in body
    assert "notes: A and B" in body
    assert project.meetings.filter(pk=meeting.pk).exists()
    missing = client.post(reverse("projects:meeting_delete", args=[meeting.pk]), follow=True)
    assert "changed by someone else" in missing.content.decode()
    assert project.meetings.filter(pk=meeting.pk).exists()


def test_a_new_project_with_an_identifier_is_refused_on_the_field_and_its_role_row(
    client, personas
):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("projects:new"),
        _new_project_data(
            summary=f"Turnaround times; start with NHS {NHS_NUMBER}.",
            **{
                "roles-1-kind": "collection",
                "roles-1-hours_per_week": "2",
                "roles-1-duration_weeks": "6",
                "roles-1-description": "Ask ward.sister@nhs.net for the list",
                "roles-2-kind": "writing",
                "roles-2-hours_per_week": "3",
                "roles-2-duration_weeks": "4",
            },
        ),
    )
    assert response.status_code == 400
    assert "looks like an NHS number" in response.context["form"].errors["summary"][0]
    rows = response.context["roles"].forms
    assert "looks like an email address" in rows[1].errors["description"][0]
    assert not rows[0].errors
    assert not rows[2].errors
    assert not response.context["form"].non_field_errors()
    assert not Project.objects.exists()


def test_an_edit_with_an_identifier_is_refused_on_the_field_and_the_project_stays(
    client, personas, project
):
    client.force_login(personas.mentor)
    form = client.get(reverse("projects:edit", args=[project.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "sites"}
    data.update(mentor="", subspecialty="", modality="", title="Stroke mimics, DOB 12/03/1985")
    response = client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 400
    assert "full date of birth" in response.context["form"].errors["title"][0]
    project.refresh_from_db()
    assert (project.title, project.version) == ("Diffusion MRI in stroke mimics", 1)


def test_an_application_note_with_an_identifier_is_refused_on_the_field(client, personas):
    role = make_project(personas.mentor).roles.all()[0]
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:apply", args=[role.pk]), {"note": "Call me on 07700 900123"}
    )
    assert response.status_code == 400
    assert "looks like a phone number" in response.context["form"].errors["note"][0]
    assert not role.applications.exists()


def test_a_status_note_with_an_identifier_comes_back_on_the_project_page(client, personas, project):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("projects:status", args=[project.pk]),
        {"status": "planning", "note": f"Blocked on NHS {NHS_NUMBER}"},
    )
    assert response.status_code == 400
    assert "looks like an NHS number" in response.context["status_form"].errors["note"][0]
    assert "looks like an NHS number" in response.content.decode()
    project.refresh_from_db()
    assert (project.status, project.timeline.count()) == ("idea", 1)
    moved = client.post(
        reverse("projects:status", args=[project.pk]), {"status": "planning", "note": "Go"}
    )
    assert moved.status_code == 302


def test_a_role_description_with_an_identifier_comes_back_on_the_project_page(
    client, personas, project
):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("projects:role_add", args=[project.pk]),
        {
            "kind": "statistics",
            "hours_per_week": "1",
            "duration_weeks": "4",
            "description": "Patient born 3 March 1985",
        },
    )
    assert response.status_code == 400
    assert "full date of birth" in response.context["role_form"].errors["description"][0]
    assert not project.roles.filter(kind="statistics").exists()
    bad_hours = client.post(
        reverse("projects:role_add", args=[project.pk]),
        {"kind": "statistics", "hours_per_week": "0", "duration_weeks": "4"},
    )
    assert bad_hours.status_code == 400
    assert "hours_per_week" in bad_hours.context["role_form"].errors


def test_a_reply_with_an_identifier_comes_back_beside_the_application(client, personas):
    project = make_project(personas.mentor)
    application = services.application_submit(
        applicant=personas.trainee, role=project.roles.all()[0], note=NOTE
    )
    client.force_login(personas.mentor)
    url = reverse("projects:application", args=[application.pk, "accept"])
    response = client.post(url, {"reply": "Welcome; the list is with ward.sister@nhs.net"})
    assert response.status_code == 400
    assert response.context["refused_application"] == application.pk
    assert "looks like an email address" in response.context["reply_form"].errors["reply"][0]
    body = response.content.decode()
    assert f'id="reply-{application.pk}-reply"' in body
    assert 'aria-invalid="true"' in body
    application.refresh_from_db()
    assert application.state == "pending"
    assert not Member.objects.filter(project=project, person=personas.trainee).exists()
    again = client.post(url, {"reply": "Welcome"})
    assert again.status_code == 302
    already = client.post(url, {"reply": "Welcome"})
    assert already.status_code == 400
    assert "cannot be accepted" in already.content.decode()


def test_the_milestone_toggle_carries_its_version_and_raises_it(client, personas, project):
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    client.force_login(personas.trainee)
    page = client.get(reverse("projects:tasks", args=[project.pk])).content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    done = reverse("projects:milestone_done", args=[milestone.pk])
    response = client.post(done, {"done": "1", "version": "1"}, follow=True)
    assert "Milestone updated." in response.content.decode()
    assert "Reopen" in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.done_on is not None, milestone.version) == (True, 2)
    client.force_login(personas.mentor)
    stale = client.post(
        reverse("projects:milestone_delete", args=[milestone.pk]), {"version": "1"}, follow=True
    )
    assert "changed by someone else since you saw it" in stale.content.decode()
    assert project.milestones.filter(pk=milestone.pk).exists()
    reopened = client.post(done, {"done": "0", "version": "1"}, follow=True)
    assert "changed by someone else" in reopened.content.decode()
    client.post(done, {"done": "0", "version": "2"})
    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.version) == (None, 3)
