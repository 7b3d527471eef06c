from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from core.exceptions import EditConflict
from projects import services
from projects.models import Application, Member, Project, ProjectRole, Status
from projects.tests.factories import NOTE, join, make_project

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


def test_the_supervising_mentor_joins_the_team_once_they_confirm(personas):
    project = make_project(personas.site_lead_a, mentor=personas.mentor, mentor_confirms=False)
    assert (project.mentor, project.pending_mentor) == (None, personas.mentor)
    assert set(project.members.values_list("person__email", flat=True)) == {
        personas.site_lead_a.email
    }
    services.mentor_confirm(actor=personas.mentor, project=project)
    project.refresh_from_db()
    assert (project.mentor, project.pending_mentor) == (personas.mentor, None)
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
    other = UserFactory.create()
    from network.tests.factories import MembershipFactory

    MembershipFactory.create(person=other, role="trainee", site=personas.site_a)
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.application_submit(applicant=personas.trainee, role=role, note=NOTE)
        theirs = services.application_submit(applicant=other, role=role, note=NOTE)
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
    role = project.roles.all()[0]
    application = services.application_submit(applicant=personas.trainee, role=role, note=NOTE)
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
    role = fourth.roles.all()[0]
    with pytest.raises(services.Overcommitted) as warning:
        services.application_submit(applicant=personas.trainee, role=role, note=NOTE)
    assert "You already hold 3 active projects (Project 0; Project 1; Project 2)" in str(
        warning.value.message_dict["accept_load"]
    )
    assert not Application.objects.filter(role=role).exists()
    services.application_submit(applicant=personas.trainee, role=role, note=NOTE, accept_load=True)


def test_finished_projects_do_not_count_towards_the_load(personas):
    for n in range(3):
        done = make_project(personas.mentor, title=f"Project {n}")
        join(done, personas.trainee)
        services.project_status_change(actor=personas.mentor, project=done, status="closed")
    role = make_project(personas.mentor, title="Next").roles.all()[0]
    services.application_submit(applicant=personas.trainee, role=role, note=NOTE)


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
    described = clash.value.current[str(personas.mentor)]
    assert isinstance(described, str)
    assert "author 1" in described


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


NHS_NUMBER = "943 476 5919"  # modulus-11 valid


def _project_events():
    return AuditEvent.objects.filter(action__startswith="project.")


def test_a_project_whose_public_text_holds_an_identifier_is_not_posted(personas):
    roles = [
        {"kind": "collection", "hours_per_week": 2, "duration_weeks": 4, "description": "Notes"},
        {"kind": "reading", "hours_per_week": 1, "duration_weeks": 4, "description": "a@b.org"},
    ]
    with pytest.raises(ValidationError) as error:
        make_project(
            personas.mentor,
            title=f"Follow-up of NHS {NHS_NUMBER}",
            summary="Images of the patient born 3 March 1985.",
            primary_outcome="Results by phone, 07700 900123",
            roles=roles,
        )
    found = error.value.message_dict
    assert set(found) == {"title", "summary", "primary_outcome", "roles.1.description"}
    assert "looks like an NHS number" in found["title"][0]
    assert "full date of birth" in found["summary"][0]
    assert "refer to a case by its study record ID" in found["primary_outcome"][0]
    assert "a@b.org" not in found["roles.1.description"][0]
    assert not Project.objects.exists()
    assert not _project_events().exists()


def test_an_edit_whose_text_holds_an_identifier_is_refused_and_the_project_stays(personas, project):
    with pytest.raises(ValidationError) as error:
        services.project_update(
            actor=personas.mentor,
            project=project,
            version=1,
            sites=[personas.site_a],
            title=project.title,
            summary=f"{project.summary} Ask j.doe@nhs.net for the list.",
            research_type=project.research_type,
            primary_outcome="Agreement with the report, DOB 12/03/1985",
        )
    assert set(error.value.message_dict) == {"summary", "primary_outcome"}
    project.refresh_from_db()
    assert project.summary == "Re-reading emergency MRI to separate stroke from its mimics."
    assert (project.primary_outcome, project.version) == ("Sensitivity of DWI", 1)
    assert not AuditEvent.objects.filter(action="project.update").exists()


def test_a_role_description_with_an_identifier_is_refused(personas, project):
    added = AuditEvent.objects.filter(action="project.role_add").count()
    with pytest.raises(ValidationError) as error:
        services.role_add(
            actor=personas.mentor,
            project=project,
            kind="statistics",
            hours_per_week=1,
            duration_weeks=4,
            description=f"Re-check the case of NHS {NHS_NUMBER}",
        )
    assert list(error.value.message_dict) == ["description"]
    assert sorted(project.roles.values_list("kind", flat=True)) == ["collection", "reading"]
    assert AuditEvent.objects.filter(action="project.role_add").count() == added


def test_a_status_note_with_an_identifier_is_refused_and_the_status_stays(personas, project):
    with pytest.raises(ValidationError) as error:
        services.project_status_change(
            actor=personas.mentor,
            project=project,
            status="planning",
            note="Waiting for the patient on +44 20 7946 0958",
        )
    assert list(error.value.message_dict) == ["note"]
    project.refresh_from_db()
    assert project.status == Status.IDEA
    assert project.timeline.count() == 1
    assert not AuditEvent.objects.filter(action="project.status").exists()


def test_an_application_note_with_an_identifier_is_refused_and_the_lead_is_not_told(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    role = project.roles.all()[0]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.application_submit(
            applicant=personas.trainee, role=role, note=f"I saw NHS {NHS_NUMBER} in clinic."
        )
    assert list(error.value.message_dict) == ["note"]
    assert not Application.objects.exists()
    assert mailoutbox == []


def test_a_reply_with_an_identifier_is_refused_and_the_application_waits(
    personas, project, mailoutbox, django_capture_on_commit_callbacks
):
    application = services.application_submit(
        applicant=personas.trainee, role=project.roles.all()[0], note=NOTE
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.application_decide(
            actor=personas.mentor,
            application=application,
            action="accept",
            reply="Welcome; the list is with sister.ward@nhs.net",
        )
    assert list(error.value.message_dict) == ["reply"]
    application.refresh_from_db()
    assert (application.state, application.reply) == (Application.State.PENDING, "")
    assert not Member.objects.filter(project=project, person=personas.trainee).exists()
    assert mailoutbox == []
