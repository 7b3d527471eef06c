"""The team's workspace: milestones, tasks, meetings and documents (`projects.workspace`)."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.exceptions import EditConflict
from projects import workspace
from projects.models import Task
from projects.tests.factories import join, make_project, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    return make_project(personas.mentor, sites=[personas.site_a])


def test_a_stale_task_save_gets_a_conflict_not_a_silent_overwrite(personas, project):
    join(project, personas.trainee)
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    workspace.task_update(actor=personas.trainee, task=task, version=1, state="doing")
    with pytest.raises(EditConflict) as clash:
        workspace.task_update(actor=personas.mentor, task=task, version=1, state="done")
    assert clash.value.current == {"state": "In progress"}
    task.refresh_from_db()
    assert (task.state, task.version) == ("doing", 2)


def test_a_task_owner_must_be_on_the_team(personas, project):
    with pytest.raises(ValidationError, match="not on the team"):
        workspace.task_create(
            actor=personas.mentor, project=project, title="X", owner=personas.outsider
        )


def test_a_meeting_turns_actions_into_tasks_and_emails_the_team(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    join(project, personas.trainee)
    with django_capture_on_commit_callbacks(execute=True):
        workspace.meeting_record(
            actor=personas.mentor,
            project=project,
            held_on=date(2026, 3, 2),
            title="Kick-off",
            notes="We agreed the proforma.",
            actions=[workspace.ActionItem("Build the form", personas.trainee, None)],
        )
    assert Task.objects.get(meeting__title="Kick-off").owner == personas.trainee
    summary = mailoutbox[-1]
    assert set(summary.to) == {personas.mentor.email, personas.trainee.email}
    assert "Build the form (Trainee)" in summary.body


def test_every_upload_is_kept_as_a_version(personas, project):
    first = workspace.document_upload(
        actor=personas.mentor,
        project=project,
        folder="approvals",
        name="Protocol",
        upload=text_file(),
        note="v1",
    )
    second = workspace.document_upload(
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
    workspace.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    with pytest.raises(ValidationError, match=r"type we do not keep \(\.exe\)"):
        workspace.document_upload(
            actor=personas.mentor,
            project=project,
            folder="data",
            name="Sheet",
            upload=text_file("tool.exe"),
        )
    settings.RADCOLLAB_UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationError, match="the limit is 1 MB"):
        workspace.document_upload(
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
        workspace.document_upload(
            actor=personas.trainee, project=project, folder="data", upload=text_file()
        )
    with pytest.raises(PermissionDenied):
        workspace.task_create(actor=personas.trainee, project=project, title="Sneaky")


def test_the_team_edits_a_milestone_and_a_stale_save_gets_the_saved_values(personas, project):
    join(project, personas.trainee)
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Approvals in", due_on=date(2026, 5, 1)
    )
    workspace.milestone_update(
        actor=personas.trainee,
        milestone=milestone,
        version=1,
        title="Ethics approval in",
        due_on=date(2026, 6, 1),
    )
    with pytest.raises(EditConflict) as clash:
        workspace.milestone_update(
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
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    task = workspace.task_create(
        actor=personas.trainee, project=project, title="Collect", milestone=milestone
    )
    with pytest.raises(PermissionDenied):
        workspace.milestone_delete(actor=personas.trainee, milestone=milestone, version=1)
    assert workspace.milestone_delete(actor=personas.mentor, milestone=milestone, version=1) == 1
    task.refresh_from_db()
    assert task.milestone is None
    assert AuditEvent.objects.filter(
        action="project.milestone_delete", object_id=str(milestone.pk)
    ).exists()


def test_only_the_lead_deletes_a_task_and_never_one_changed_meanwhile(personas, project):
    join(project, personas.trainee)
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    with pytest.raises(PermissionDenied):
        workspace.task_delete(actor=personas.trainee, task=task, version=1)
    workspace.task_update(actor=personas.trainee, task=task, version=1, state="doing")
    with pytest.raises(EditConflict) as clash:
        workspace.task_delete(actor=personas.mentor, task=task, version=1)
    assert clash.value.current["state"] == "In progress"
    assert Task.objects.filter(pk=task.pk).exists()
    workspace.task_delete(actor=personas.mentor, task=task, version=2)
    assert not Task.objects.filter(pk=task.pk).exists()
    event = AuditEvent.objects.get(action="project.task_delete")
    assert event.changes == {"title": ["Collect", None], "state": ["doing", None]}


def test_a_task_edit_changes_only_what_it_names(personas, project):
    task = workspace.task_create(
        actor=personas.mentor, project=project, title="Collect", due_on=date(2026, 1, 5)
    )
    workspace.task_update(actor=personas.mentor, task=task, version=1, title="  Collect all  ")
    task.refresh_from_db()
    assert (task.title, task.due_on, task.version) == ("Collect all", date(2026, 1, 5), 2)


def _meeting(project, actor):
    return workspace.meeting_record(
        actor=actor,
        project=project,
        held_on=date(2026, 3, 2),
        title="Kick-off",
        notes="We agreed the proforma.",
        actions=[workspace.ActionItem("Build the form", None, None)],
    )


def test_the_team_corrects_meeting_notes_without_a_second_email(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    join(project, personas.trainee)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(project, personas.mentor)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        workspace.meeting_update(
            actor=personas.trainee,
            meeting=meeting,
            version=1,
            held_on=date(2026, 3, 2),
            title="Kick-off",
            notes="We agreed the proforma and the sample size.",
        )
    assert len(mailoutbox) == sent
    with pytest.raises(EditConflict) as clash:
        workspace.meeting_update(
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
        workspace.meeting_delete(actor=personas.trainee, meeting=meeting, version=1)
    workspace.meeting_delete(actor=personas.mentor, meeting=meeting, version=1)
    assert not project.meetings.exists()
    assert Task.objects.get(project=project).title == "Build the form"
    assert AuditEvent.objects.filter(action="project.meeting_delete").exists()


def test_a_document_is_renamed_or_moved_but_never_onto_another(personas, project):
    join(project, personas.trainee)
    for name in ("Protocol", "Proforma"):
        workspace.document_upload(
            actor=personas.mentor,
            project=project,
            folder="approvals",
            name=name,
            upload=text_file(),
        )
    protocol = project.documents.get(name="Protocol")
    with pytest.raises(ValidationError, match="Approvals already holds a document called"):
        workspace.document_update(
            actor=personas.trainee, document=protocol, folder="approvals", name="Proforma"
        )
    workspace.document_update(
        actor=personas.trainee, document=protocol, folder="manuscript", name="Protocol v2"
    )
    protocol.refresh_from_db()
    assert (protocol.folder, protocol.name) == ("manuscript", "Protocol v2")
    assert protocol.versions.get().file.read() == b"protocol v1"
    with pytest.raises(ValidationError, match="standard folders"):
        workspace.document_update(
            actor=personas.trainee, document=protocol, folder="secret", name="Protocol"
        )


def test_the_lead_archives_a_document_with_every_version_kept(personas, project):
    join(project, personas.trainee)
    version = workspace.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    document = version.document
    with pytest.raises(PermissionDenied):
        workspace.document_archive(actor=personas.trainee, document=document)
    workspace.document_archive(actor=personas.mentor, document=document)
    document.refresh_from_db()
    assert document.archived_at is not None
    assert document.versions.count() == 1
    with pytest.raises(ValidationError, match="already archived"):
        workspace.document_archive(actor=personas.mentor, document=document)
    again = workspace.document_upload(
        actor=personas.trainee, project=project, folder="data", name="Sheet", upload=text_file()
    )
    document.refresh_from_db()
    assert (again.number, document.archived_at) == (2, None)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert "project.document_archive" in actions


def test_the_lead_never_deletes_a_milestone_changed_meanwhile(personas, project):
    join(project, personas.trainee)
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    workspace.milestone_update(
        actor=personas.trainee, milestone=milestone, version=1, due_on=date(2026, 6, 1)
    )
    with pytest.raises(EditConflict, match="changed by someone else since you saw it") as clash:
        workspace.milestone_delete(actor=personas.mentor, milestone=milestone, version=1)
    assert clash.value.version == 2
    assert clash.value.current == {"title": "Data in", "due on": "2026-06-01", "done on": "—"}
    assert project.milestones.filter(pk=milestone.pk).exists()
    assert not AuditEvent.objects.filter(action="project.milestone_delete").exists()
    workspace.milestone_delete(actor=personas.mentor, milestone=milestone, version=2)
    assert not project.milestones.exists()


def test_the_lead_never_deletes_meeting_notes_corrected_meanwhile(personas, project):
    join(project, personas.trainee)
    meeting = _meeting(project, personas.mentor)
    workspace.meeting_update(
        actor=personas.trainee, meeting=meeting, version=1, notes="We agreed the sample size."
    )
    with pytest.raises(EditConflict, match="look at it again before deleting it") as clash:
        workspace.meeting_delete(actor=personas.mentor, meeting=meeting, version=1)
    assert clash.value.current["notes"] == "We agreed the sample size."
    assert project.meetings.filter(pk=meeting.pk).exists()
    workspace.meeting_delete(actor=personas.mentor, meeting=meeting, version=2)
    assert not project.meetings.exists()


def test_a_partial_edit_keeps_the_fields_it_leaves_out(personas, project):
    meeting = _meeting(project, personas.mentor)
    workspace.meeting_update(actor=personas.mentor, meeting=meeting, version=1, title="Start")
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
        workspace.meeting_record(
            actor=personas.mentor,
            project=project,
            held_on=date(2026, 3, 2),
            title="Case review",
            notes="Discussed the patient, email john.smith@nhs.net for the images.",
            actions=[workspace.ActionItem("Build the form", None, None)],
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
        workspace.meeting_record(
            actor=personas.mentor,
            project=project,
            held_on=date(2026, 3, 2),
            title="Case review",
            notes="Agreed the proforma.",
            actions=[
                workspace.ActionItem("Build the form", None, None),
                workspace.ActionItem(f"Chase the report of NHS {NHS_NUMBER}", None, None),
            ],
        )
    assert list(error.value.message_dict) == ["actions.1.text"]
    assert "NHS number" in error.value.message_dict["actions.1.text"][0]
    assert not project.meetings.exists()
    assert not Task.objects.filter(project=project).exists()


def test_a_correction_with_an_identifier_is_refused_and_the_notes_stay(personas, project):
    meeting = _meeting(project, personas.mentor)
    with pytest.raises(ValidationError) as error:
        workspace.meeting_update(
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
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    with pytest.raises(ValidationError) as error:
        workspace.task_update(
            actor=personas.mentor, task=task, version=1, title="Collect a.patient@example.org"
        )
    assert "title" in error.value.message_dict
    task.refresh_from_db()
    assert (task.title, task.version) == ("Collect", 1)
    with pytest.raises(ValidationError, match="NHS number"):
        workspace.task_create(actor=personas.mentor, project=project, title=f"Chase {NHS_NUMBER}")
    with pytest.raises(ValidationError) as error:
        workspace.milestone_create(
            actor=personas.mentor,
            project=project,
            title="Scan of patient born 3 March 1985",
            due_on=date(2026, 5, 1),
        )
    assert "title" in error.value.message_dict
    assert list(project.tasks.values_list("title", flat=True)) == ["Collect"]
    assert not project.milestones.exists()


def test_an_upload_note_with_an_identifier_is_refused_and_earlier_versions_stay(personas, project):
    workspace.document_upload(
        actor=personas.mentor, project=project, folder="data", name="Sheet", upload=text_file()
    )
    with pytest.raises(ValidationError) as error:
        workspace.document_upload(
            actor=personas.mentor,
            project=project,
            folder="data",
            name="Sheet",
            upload=text_file(content=b"v2"),
            note=f"Added the case with NHS number {NHS_NUMBER}",
        )
    assert "NHS number" in error.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as error:
        workspace.document_upload(
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
        workspace.document_update(
            actor=personas.mentor, document=document, folder="data", name="j.doe@nhs.net list"
        )
    assert "name" in error.value.message_dict
    document.refresh_from_db()
    assert document.name == "Sheet"


def test_marking_a_milestone_reached_raises_its_version_so_stale_edits_are_refused(
    personas, project
):
    join(project, personas.trainee)
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    today = timezone.now().date()
    reached = workspace.milestone_done(actor=personas.trainee, milestone=milestone, version=1)
    assert (reached.done_on, reached.version) == (today, 2)
    event = AuditEvent.objects.get(action="project.milestone_done")
    assert event.changes == {"done_on": [None, today.isoformat()]}
    with pytest.raises(EditConflict, match="changed by someone else since you saw it") as clash:
        workspace.milestone_delete(actor=personas.mentor, milestone=milestone, version=1)
    assert clash.value.current["done on"] == str(today)
    with pytest.raises(EditConflict):
        workspace.milestone_update(
            actor=personas.mentor, milestone=milestone, version=1, title="All data in"
        )
    with pytest.raises(EditConflict):
        workspace.milestone_done(actor=personas.mentor, milestone=milestone, version=1)
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done_on, milestone.version) == ("Data in", today, 2)
    assert AuditEvent.objects.filter(action="project.milestone_done").count() == 1


def test_reopening_a_milestone_is_a_versioned_save_too(personas, project):
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=date(2026, 5, 1)
    )
    workspace.milestone_done(actor=personas.mentor, milestone=milestone, version=1)
    workspace.milestone_done(actor=personas.mentor, milestone=milestone, version=2, done=False)
    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.version) == (None, 3)
    with pytest.raises(PermissionDenied):
        workspace.milestone_done(actor=personas.trainee, milestone=milestone, version=3)
    workspace.milestone_delete(actor=personas.mentor, milestone=milestone, version=3)
    assert not project.milestones.exists()


class FullDiskStorage(FileSystemStorage):
    """A disk that fills up part-way through writing a file."""

    def _save(self, name: str, content: Any) -> str:
        partial = Path(self.path(name))
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"half a fi")
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_refuses_the_upload_clearly_and_earlier_versions_stay(
    personas, project, tmp_path
):
    def upload(content: bytes) -> Any:
        return workspace.document_upload(
            actor=personas.mentor,
            project=project,
            folder="approvals",
            name="Protocol",
            upload=text_file(content=content),
        )

    with mock.patch.object(workspace, "default_storage", FileSystemStorage(location=tmp_path)):
        first = upload(b"protocol v1")
    with (
        mock.patch.object(workspace, "default_storage", FullDiskStorage(location=tmp_path)),
        pytest.raises(ValidationError) as refused,
    ):
        upload(b"protocol v2")
    assert "disk is full" in refused.value.message_dict["file"][0]
    assert "earlier versions are as they were" in refused.value.message_dict["file"][0]
    assert list(first.document.versions.values_list("number", flat=True)) == [1]
    assert (tmp_path / first.file.name).read_bytes() == b"protocol v1"
    assert sorted(p.name for p in (tmp_path / first.file.name).parent.iterdir()) == ["v1.txt"]
    assert not AuditEvent.objects.filter(changes__version=[1, 2]).exists()


def test_a_full_disk_is_shown_on_the_upload_form_not_as_an_error_page(
    client, personas, project, tmp_path
):
    client.force_login(personas.mentor)
    with mock.patch.object(workspace, "default_storage", FullDiskStorage(location=tmp_path)):
        response = client.post(
            reverse("projects:documents", args=[project.pk]),
            {"folder": "approvals", "name": "Protocol", "file": text_file()},
        )
    assert response.status_code == 400
    assert "disk is full" in response.content.decode()
    assert not project.documents.exists()
