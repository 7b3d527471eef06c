from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from core.exceptions import EditConflict
from projects import services
from projects.models import Application, Member, Project, ProjectRole, Status, Task
from projects.tests.factories import join, make_project, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    return make_project(personas.mentor, sites=[personas.site_a])


def test_posting_a_project_makes_the_author_its_lead_and_lists_it(personas, project):
    assert project.lead == personas.mentor
    assert list(project.members.values_list("responsibility", flat=True)) == ["Lead"]
    assert project.min_open_hours == 2
    assert Project.objects.open_for_help().filter(pk=project.pk).exists()
    assert project.timeline.get().after == Status.IDEA
    assert AuditEvent.objects.filter(action="project.create", object_id=str(project.pk)).exists()


def test_the_supervising_mentor_joins_the_team(personas):
    project = make_project(personas.site_lead_a, mentor=personas.mentor)
    assert set(project.members.values_list("person__email", flat=True)) == {
        personas.site_lead_a.email,
        personas.mentor.email,
    }


def test_a_bad_role_names_the_row_and_field_and_writes_nothing(personas):
    bad = [{"kind": "collection", "hours_per_week": 0, "duration_weeks": 4}]
    with pytest.raises(ValidationError) as error:
        make_project(personas.mentor, roles=bad)
    assert "roles.0.hours_per_week" in error.value.message_dict
    assert not Project.objects.exists()


def test_a_status_change_is_audited_and_on_the_timeline(personas, project):
    services.project_status_change(
        actor=personas.mentor, project=project, status="planning", note="Protocol started"
    )
    steps = list(project.timeline.values_list("before", "after", "note"))
    assert steps[-1] == ("idea", "planning", "Protocol started")
    event = AuditEvent.objects.get(action="project.status")
    assert event.changes == {"status": ["idea", "planning"]}


def test_only_the_lead_changes_the_status(personas, project):
    join(project, personas.trainee)
    with pytest.raises(PermissionDenied):
        services.project_status_change(actor=personas.trainee, project=project, status="planning")
    with pytest.raises(ValidationError, match="already"):
        services.project_status_change(actor=personas.mentor, project=project, status="idea")


def test_accepting_an_application_adds_to_the_team_and_fills_the_role(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    role = project.roles.get(kind="reading")
    other = UserFactory()
    from network.tests.factories import MembershipFactory

    MembershipFactory(person=other, role="trainee", site=personas.site_a)
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.application_submit(applicant=personas.trainee, role=role, note="Hello")
        theirs = services.application_submit(applicant=other, role=role, note="Me too")
        services.application_decide(actor=personas.mentor, application=mine, action="accept")
    assert Member.objects.filter(project=project, person=personas.trainee).exists()
    role.refresh_from_db()
    theirs.refresh_from_db()
    project.refresh_from_db()
    assert role.state == ProjectRole.State.FILLED
    assert theirs.state == Application.State.DECLINED
    assert project.min_open_hours == 3
    subjects = [m.subject for m in mailoutbox]
    assert any("was accepted" in s for s in subjects)
    assert any("was declined" in s for s in subjects)


def test_only_the_lead_decides_and_only_the_applicant_withdraws(personas, project):
    role = project.roles.first()
    application = services.application_submit(applicant=personas.trainee, role=role, note="Hi")
    with pytest.raises(PermissionDenied):
        services.application_decide(
            actor=personas.trainee, application=application, action="accept"
        )
    with pytest.raises(PermissionDenied):
        services.application_decide(
            actor=personas.mentor, application=application, action="withdraw"
        )
    services.application_decide(actor=personas.trainee, application=application, action="withdraw")
    with pytest.raises(ValidationError, match="withdrawn"):
        services.application_decide(actor=personas.mentor, application=application, action="accept")


def test_a_trainee_on_three_projects_is_warned_with_their_load(personas):
    for n in range(3):
        join(make_project(personas.mentor, title=f"Project {n}"), personas.trainee)
    fourth = make_project(personas.mentor, title="Fourth")
    role = fourth.roles.first()
    with pytest.raises(services.Overcommitted) as warning:
        services.application_submit(applicant=personas.trainee, role=role, note="Please")
    assert "You already hold 3 active projects (Project 0; Project 1; Project 2)" in str(
        warning.value.message_dict["accept_load"]
    )
    assert not Application.objects.filter(role=role).exists()
    services.application_submit(
        applicant=personas.trainee, role=role, note="Please", accept_load=True
    )


def test_finished_projects_do_not_count_towards_the_load(personas):
    for n in range(3):
        done = make_project(personas.mentor, title=f"Project {n}")
        join(done, personas.trainee)
        services.project_status_change(actor=personas.mentor, project=done, status="closed")
    role = make_project(personas.mentor, title="Next").roles.first()
    services.application_submit(applicant=personas.trainee, role=role, note="Free now")


def _lines(project, positions):
    members = {m.person_id: m for m in project.members.all()}
    return [
        services.AgreementLine(members[person.pk].pk, position, {"investigation": "equal"})
        for person, position in positions
    ]


def test_the_agreement_is_confirmed_by_everyone_and_a_change_reopens_it(personas, project):
    join(project, personas.trainee)
    services.contributions_declare(
        actor=personas.trainee, project=project, declared={"data_curation": "lead"}
    )
    lines = _lines(project, [(personas.trainee, 1), (personas.mentor, 2)])
    services.agreement_save(actor=personas.mentor, project=project, version=0, lines=lines)
    project.refresh_from_db()
    assert project.agreement_version == 1
    services.agreement_confirm(actor=personas.trainee, project=project, version=1)
    assert set(project.members.values_list("confirmed_version", flat=True)) == {1}
    services.agreement_save(
        actor=personas.mentor,
        project=project,
        version=1,
        lines=_lines(project, [(personas.mentor, 1), (personas.trainee, 2)]),
    )
    trainee = project.members.get(person=personas.trainee)
    assert trainee.confirmed_version == 1  # must confirm version 2 again
    with pytest.raises(EditConflict, match="changed since you read it"):
        services.agreement_confirm(actor=personas.trainee, project=project, version=1)


def test_a_stale_agreement_save_is_refused_with_the_saved_agreement(personas, project):
    join(project, personas.trainee)
    lines = _lines(project, [(personas.mentor, 1)])
    services.agreement_save(actor=personas.mentor, project=project, version=0, lines=lines)
    with pytest.raises(EditConflict) as clash:
        services.agreement_save(actor=personas.mentor, project=project, version=0, lines=lines)
    assert clash.value.version == 1
    assert "author 1" in clash.value.current[str(personas.mentor)]


def test_author_positions_must_run_without_gaps_and_only_the_lead_saves(personas, project):
    join(project, personas.trainee)
    with pytest.raises(ValidationError, match="without gaps"):
        services.agreement_save(
            actor=personas.mentor,
            project=project,
            version=0,
            lines=_lines(project, [(personas.mentor, 1), (personas.trainee, 3)]),
        )
    with pytest.raises(PermissionDenied):
        services.agreement_save(
            actor=personas.trainee, project=project, version=0, lines=_lines(project, [])
        )


def test_a_stale_task_save_gets_a_conflict_not_a_silent_overwrite(personas, project):
    join(project, personas.trainee)
    task = services.task_create(actor=personas.mentor, project=project, title="Collect")
    services.task_update(actor=personas.trainee, task=task, version=1, state="doing")
    with pytest.raises(EditConflict) as clash:
        services.task_update(actor=personas.mentor, task=task, version=1, state="done")
    assert clash.value.current == {"state": "In progress"}
    task.refresh_from_db()
    assert (task.state, task.version) == ("doing", 2)


def test_a_task_owner_must_be_on_the_team(personas, project):
    with pytest.raises(ValidationError, match="not on the team"):
        services.task_create(
            actor=personas.mentor, project=project, title="X", owner=personas.outsider
        )


def test_a_meeting_turns_actions_into_tasks_and_emails_the_team(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    join(project, personas.trainee)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_record(
            actor=personas.mentor,
            project=project,
            held_on="2026-03-02",
            title="Kick-off",
            notes="We agreed the proforma.",
            actions=[services.ActionItem("Build the form", personas.trainee, None)],
        )
    assert Task.objects.get(meeting__title="Kick-off").owner == personas.trainee
    summary = mailoutbox[-1]
    assert set(summary.to) == {personas.mentor.email, personas.trainee.email}
    assert "Build the form (Trainee)" in summary.body


def test_every_upload_is_kept_as_a_version(personas, project):
    first = services.document_upload(
        actor=personas.mentor,
        project=project,
        folder="approvals",
        name="Protocol",
        upload=text_file(),
        note="v1",
    )
    second = services.document_upload(
        actor=personas.mentor,
        project=project,
        folder="approvals",
        name="Protocol",
        upload=text_file(content=b"protocol v2"),
        note="v2",
    )
    assert (first.number, second.number) == (1, 2)
    assert first.document_id == second.document_id
    assert first.file.read() == b"protocol v1"
    assert second.file.read() == b"protocol v2"


def test_a_disallowed_type_or_a_too_large_file_is_refused_and_keeps_earlier_versions(
    personas, project, settings
):
    services.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    with pytest.raises(ValidationError, match=r"type we do not keep \(\.exe\)"):
        services.document_upload(
            actor=personas.mentor,
            project=project,
            folder="data",
            name="Sheet",
            upload=text_file("tool.exe"),
        )
    settings.RADCOLLAB_UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationError, match="the limit is 1 MB"):
        services.document_upload(
            actor=personas.mentor,
            project=project,
            folder="data",
            name="Sheet",
            upload=text_file("big.csv", b"x" * (1024 * 1024 + 1)),
        )
    document = project.documents.get()
    assert list(document.versions.values_list("number", flat=True)) == [1]


def test_outsiders_to_the_team_cannot_upload_or_add_tasks(personas, project):
    with pytest.raises(PermissionDenied):
        services.document_upload(
            actor=personas.trainee, project=project, folder="data", upload=text_file()
        )
    with pytest.raises(PermissionDenied):
        services.task_create(actor=personas.trainee, project=project, title="Sneaky")


def test_the_team_edits_a_milestone_and_a_stale_save_gets_the_saved_values(personas, project):
    join(project, personas.trainee)
    milestone = services.milestone_create(
        actor=personas.mentor, project=project, title="Approvals in", due_on="2026-05-01"
    )
    services.milestone_update(
        actor=personas.trainee,
        milestone=milestone,
        version=1,
        title="Ethics approval in",
        due_on=date(2026, 6, 1),
    )
    with pytest.raises(EditConflict) as clash:
        services.milestone_update(
            actor=personas.mentor,
            milestone=milestone,
            version=1,
            title="Approvals in",
            due_on=date(2026, 7, 1),
        )
    assert clash.value.current == {"title": "Ethics approval in", "due on": "2026-06-01"}
    milestone.refresh_from_db()
    assert (milestone.title, milestone.version) == ("Ethics approval in", 2)
    event = AuditEvent.objects.get(action="project.milestone_update")
    assert event.changes["title"] == ["Approvals in", "Ethics approval in"]


def test_only_the_lead_deletes_a_milestone_and_its_tasks_stay(personas, project):
    join(project, personas.trainee)
    milestone = services.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on="2026-05-01"
    )
    task = services.task_create(
        actor=personas.trainee, project=project, title="Collect", milestone=milestone
    )
    with pytest.raises(PermissionDenied):
        services.milestone_delete(actor=personas.trainee, milestone=milestone, version=1)
    assert services.milestone_delete(actor=personas.mentor, milestone=milestone, version=1) == 1
    task.refresh_from_db()
    assert task.milestone is None
    assert AuditEvent.objects.filter(
        action="project.milestone_delete", object_id=str(milestone.pk)
    ).exists()


def test_only_the_lead_deletes_a_task_and_never_one_changed_meanwhile(personas, project):
    join(project, personas.trainee)
    task = services.task_create(actor=personas.mentor, project=project, title="Collect")
    with pytest.raises(PermissionDenied):
        services.task_delete(actor=personas.trainee, task=task, version=1)
    services.task_update(actor=personas.trainee, task=task, version=1, state="doing")
    with pytest.raises(EditConflict) as clash:
        services.task_delete(actor=personas.mentor, task=task, version=1)
    assert clash.value.current["state"] == "In progress"
    assert Task.objects.filter(pk=task.pk).exists()
    services.task_delete(actor=personas.mentor, task=task, version=2)
    assert not Task.objects.filter(pk=task.pk).exists()
    event = AuditEvent.objects.get(action="project.task_delete")
    assert event.changes == {"title": ["Collect", None], "state": ["doing", None]}


def test_a_task_edit_changes_only_what_it_names(personas, project):
    task = services.task_create(
        actor=personas.mentor, project=project, title="Collect", due_on=date(2026, 1, 5)
    )
    services.task_update(actor=personas.mentor, task=task, version=1, title="  Collect all  ")
    task.refresh_from_db()
    assert (task.title, task.due_on, task.version) == ("Collect all", date(2026, 1, 5), 2)


def _meeting(project, actor):
    return services.meeting_record(
        actor=actor,
        project=project,
        held_on=date(2026, 3, 2),
        title="Kick-off",
        notes="We agreed the proforma.",
        actions=[services.ActionItem("Build the form", None, None)],
    )


def test_the_team_corrects_meeting_notes_without_a_second_email(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    join(project, personas.trainee)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(project, personas.mentor)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            actor=personas.trainee,
            meeting=meeting,
            version=1,
            held_on=date(2026, 3, 2),
            title="Kick-off",
            notes="We agreed the proforma and the sample size.",
        )
    assert len(mailoutbox) == sent
    with pytest.raises(EditConflict) as clash:
        services.meeting_update(
            actor=personas.mentor,
            meeting=meeting,
            version=1,
            held_on=date(2026, 3, 2),
            title="Kick-off",
            notes="We agreed the proforma.",
        )
    assert clash.value.current == {"notes": "We agreed the proforma and the sample size."}
    assert AuditEvent.objects.filter(action="project.meeting_update").count() == 1


def test_only_the_lead_deletes_a_meeting_and_its_actions_stay_as_tasks(personas, project):
    join(project, personas.trainee)
    meeting = _meeting(project, personas.mentor)
    with pytest.raises(PermissionDenied):
        services.meeting_delete(actor=personas.trainee, meeting=meeting, version=1)
    services.meeting_delete(actor=personas.mentor, meeting=meeting, version=1)
    assert not project.meetings.exists()
    assert Task.objects.get(project=project).title == "Build the form"
    assert AuditEvent.objects.filter(action="project.meeting_delete").exists()


def test_a_document_is_renamed_or_moved_but_never_onto_another(personas, project):
    join(project, personas.trainee)
    for name in ("Protocol", "Proforma"):
        services.document_upload(
            actor=personas.mentor,
            project=project,
            folder="approvals",
            name=name,
            upload=text_file(),
        )
    protocol = project.documents.get(name="Protocol")
    with pytest.raises(ValidationError, match="Approvals already holds a document called"):
        services.document_update(
            actor=personas.trainee, document=protocol, folder="approvals", name="Proforma"
        )
    services.document_update(
        actor=personas.trainee, document=protocol, folder="manuscript", name="Protocol v2"
    )
    protocol.refresh_from_db()
    assert (protocol.folder, protocol.name) == ("manuscript", "Protocol v2")
    assert protocol.versions.get().file.read() == b"protocol v1"
    with pytest.raises(ValidationError, match="standard folders"):
        services.document_update(
            actor=personas.trainee, document=protocol, folder="secret", name="Protocol"
        )


def test_the_lead_archives_a_document_with_every_version_kept(personas, project):
    join(project, personas.trainee)
    version = services.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    document = version.document
    with pytest.raises(PermissionDenied):
        services.document_archive(actor=personas.trainee, document=document)
    services.document_archive(actor=personas.mentor, document=document)
    document.refresh_from_db()
    assert document.archived_at is not None
    assert document.versions.count() == 1
    with pytest.raises(ValidationError, match="already archived"):
        services.document_archive(actor=personas.mentor, document=document)
    again = services.document_upload(
        actor=personas.trainee, project=project, folder="data", name="Sheet", upload=text_file()
    )
    document.refresh_from_db()
    assert (again.number, document.archived_at) == (2, None)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert "project.document_archive" in actions


def test_the_lead_never_deletes_a_milestone_changed_meanwhile(personas, project):
    join(project, personas.trainee)
    milestone = services.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    services.milestone_update(
        actor=personas.trainee, milestone=milestone, version=1, due_on=date(2026, 6, 1)
    )
    with pytest.raises(EditConflict, match="changed by someone else since you saw it") as clash:
        services.milestone_delete(actor=personas.mentor, milestone=milestone, version=1)
    assert clash.value.version == 2
    assert clash.value.current == {"title": "Data in", "due on": "2026-06-01"}
    assert project.milestones.filter(pk=milestone.pk).exists()
    assert not AuditEvent.objects.filter(action="project.milestone_delete").exists()
    services.milestone_delete(actor=personas.mentor, milestone=milestone, version=2)
    assert not project.milestones.exists()


def test_the_lead_never_deletes_meeting_notes_corrected_meanwhile(personas, project):
    join(project, personas.trainee)
    meeting = _meeting(project, personas.mentor)
    services.meeting_update(
        actor=personas.trainee, meeting=meeting, version=1, notes="We agreed the sample size."
    )
    with pytest.raises(EditConflict, match="look at it again before deleting it") as clash:
        services.meeting_delete(actor=personas.mentor, meeting=meeting, version=1)
    assert clash.value.current["notes"] == "We agreed the sample size."
    assert project.meetings.filter(pk=meeting.pk).exists()
    services.meeting_delete(actor=personas.mentor, meeting=meeting, version=2)
    assert not project.meetings.exists()


def test_a_partial_edit_keeps_the_fields_it_leaves_out(personas, project):
    meeting = _meeting(project, personas.mentor)
    services.meeting_update(actor=personas.mentor, meeting=meeting, version=1, title="Start")
    meeting.refresh_from_db()
    assert (meeting.title, meeting.notes, meeting.version) == (
        "Start",
        "We agreed the proforma.",
        2,
    )


NHS_NUMBER = "943 476 5919"  # modulus-11 valid


def test_meeting_notes_with_a_patient_identifier_are_refused_and_nothing_is_sent(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=personas.mentor,
            project=project,
            held_on=date(2026, 3, 2),
            title="Case review",
            notes="Discussed the patient, email john.smith@nhs.net for the images.",
            actions=[services.ActionItem("Build the form", None, None)],
        )
    message = error.value.message_dict["notes"][0]
    assert "looks like an email address: j•••@•••.net" in message
    assert "john.smith" not in message
    assert not project.meetings.exists()
    assert not Task.objects.filter(project=project).exists()
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action="project.meeting_record").exists()


def test_an_action_item_with_an_identifier_names_the_item_and_saves_nothing(personas, project):
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=personas.mentor,
            project=project,
            held_on=date(2026, 3, 2),
            title="Case review",
            notes="Agreed the proforma.",
            actions=[
                services.ActionItem("Build the form", None, None),
                services.ActionItem(f"Chase the report of NHS {NHS_NUMBER}", None, None),
            ],
        )
    assert list(error.value.message_dict) == ["actions.1.text"]
    assert "NHS number" in error.value.message_dict["actions.1.text"][0]
    assert not project.meetings.exists()
    assert not Task.objects.filter(project=project).exists()


def test_a_correction_with_an_identifier_is_refused_and_the_notes_stay(personas, project):
    meeting = _meeting(project, personas.mentor)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            actor=personas.mentor,
            meeting=meeting,
            version=1,
            held_on=date(2026, 3, 2),
            title="Kick-off",
            notes="Ring the daughter on 07700 900123 about the DOB 12/03/1985.",
        )
    assert "looks like a phone number" in error.value.message_dict["notes"][0]
    assert "full date of birth" in error.value.message_dict["notes"][0]
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.version) == ("We agreed the proforma.", 1)
    assert not AuditEvent.objects.filter(action="project.meeting_update").exists()


def test_titles_of_tasks_and_milestones_are_screened_too(personas, project):
    task = services.task_create(actor=personas.mentor, project=project, title="Collect")
    with pytest.raises(ValidationError) as error:
        services.task_update(
            actor=personas.mentor, task=task, version=1, title="Collect a.patient@example.org"
        )
    assert "title" in error.value.message_dict
    task.refresh_from_db()
    assert (task.title, task.version) == ("Collect", 1)
    with pytest.raises(ValidationError, match="NHS number"):
        services.task_create(actor=personas.mentor, project=project, title=f"Chase {NHS_NUMBER}")
    with pytest.raises(ValidationError) as error:
        services.milestone_create(
            actor=personas.mentor,
            project=project,
            title="Scan of patient born 3 March 1985",
            due_on=date(2026, 5, 1),
        )
    assert "title" in error.value.message_dict
    assert list(project.tasks.values_list("title", flat=True)) == ["Collect"]
    assert not project.milestones.exists()


def test_an_upload_note_with_an_identifier_is_refused_and_earlier_versions_stay(personas, project):
    services.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    with pytest.raises(ValidationError) as error:
        services.document_upload(
            actor=personas.mentor,
            project=project,
            folder="data",
            name="Sheet",
            upload=text_file(content=b"v2"),
            note=f"Added the case with NHS number {NHS_NUMBER}",
        )
    assert "NHS number" in error.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as error:
        services.document_upload(
            actor=personas.mentor,
            project=project,
            folder="data",
            name="Sheet",
            upload=text_file("9434765919.csv"),
        )
    assert "file" in error.value.message_dict
    document = project.documents.get()
    assert list(document.versions.values_list("number", flat=True)) == [1]
    with pytest.raises(ValidationError) as error:
        services.document_update(
            actor=personas.mentor, document=document, folder="data", name="j.doe@nhs.net list"
        )
    assert "name" in error.value.message_dict
    document.refresh_from_db()
    assert document.name == "Sheet"
