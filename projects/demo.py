"""Demo projects for the demo network: a board worth browsing and a workspace in full swing.

Every project is keyed on its title, so a second run finds what the first made and
adds nothing. Called by `seed_demo` after the network, people and mentors exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from network.demo import DEMO_DOMAIN
from network.models import Site
from people.models import MentorProfile, Term, TraineeProfile
from projects import services, workspace
from projects.models import Application, Member, Project, ProjectRole, StatusChange, Task


def _demo(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _term(kind: str, name: str) -> Term | None:
    return Term.objects.filter(kind=kind, name=name).first()


@dataclass
class Advert:
    title: str
    summary: str
    research_type: str
    subspecialty: str
    modality: str
    roles: list[tuple[str, int, int, str]]
    timing: str = "retrospective"
    centres: str = "single"
    primary_outcome: str = ""
    approvals: tuple[str, str, str] = ("to_apply", "not_needed", "to_apply")
    effort: tuple[int, int, int] = (0, 0, 0)
    status: str = "planning"
    extra: dict[str, Any] = field(default_factory=dict)


ADVERTS = [
    Advert(
        "Diffusion MRI in suspected stroke mimics: a diagnostic-accuracy study",
        "We re-read 300 emergency MRI scans of patients admitted as suspected stroke and "
        "measure how often diffusion-weighted imaging correctly separates stroke from mimics.",
        "diagnostic",
        "Neuroradiology",
        "MRI",
        [
            ("collection", 3, 16, "Extract clinical follow-up from the records."),
            ("reading", 2, 12, "Blinded second reads with the consultant."),
        ],
        primary_outcome="Sensitivity of DWI for acute infarction against final diagnosis",
        approvals=("granted", "not_needed", "granted"),
        effort=(300, 6, 5),
        status="data_collection",
    ),
    Advert(
        "Re-audit of CT head turnaround times in the emergency department",
        "A two-cycle audit against the national standard of reporting CT head scans within "
        "an hour of request for patients on anticoagulants, across the collaborative's sites.",
        "qi",
        "Emergency",
        "CT",
        [
            ("collection", 2, 8, "Pull request and report times from RIS at your site."),
            ("writing", 2, 6, ""),
        ],
        centres="multi",
        primary_outcome="Share of CT heads reported within one hour",
        approvals=("not_needed", "granted", "not_needed"),
        effort=(400, 3, 0),
        status="data_collection",
    ),
    Advert(
        "Deep-learning triage of chest radiographs: external validation",
        "We validate a commercial triage algorithm on 2,000 consecutive radiographs and "
        "compare its flagging with the final consultant report.",
        "ai",
        "Chest / thoracic",
        "Radiography",
        [
            ("post_processing", 4, 20, "Python, DICOM anonymisation."),
            ("statistics", 2, 10, "ROC analysis with DeLong intervals."),
        ],
        primary_outcome="AUC of the algorithm for urgent findings",
        approvals=("submitted", "not_needed", "granted"),
        effort=(2000, 1, 1),
        status="approvals",
    ),
    Advert(
        "Teaching trainees to report CT colonography: a randomised study",
        "Does structured feedback on the first 50 CT colonography cases improve polyp "
        "detection? Trainees are randomised to feedback or none.",
        "education",
        "Gastrointestinal / abdominal",
        "CT",
        [("design", 2, 8, ""), ("recruitment", 3, 24, "Recruit trainees at your scheme.")],
        timing="prospective",
        centres="multi",
        approvals=("to_apply", "not_needed", "to_apply"),
        status="idea",
    ),
    Advert(
        "Contrast-enhanced mammography versus MRI: a systematic review",
        "A PROSPERO-registered systematic review and meta-analysis of diagnostic accuracy "
        "in women with dense breasts.",
        "review",
        "Breast",
        "Mammography",
        [
            ("searching", 3, 10, "Search strategy with the librarian."),
            ("reading", 2, 12, "Second screener for titles and abstracts."),
        ],
        primary_outcome="Pooled sensitivity and specificity",
        approvals=("not_needed", "not_needed", "not_needed"),
        effort=(0, 0, 0),
        status="planning",
    ),
    Advert(
        "Ultrasound elastography in paediatric liver disease",
        "Shear-wave elastography against biopsy in children referred for liver assessment.",
        "clinical",
        "Paediatric",
        "Ultrasound",
        [("collection", 4, 26, ""), ("protocol", 2, 6, "Standardise the acquisition.")],
        timing="prospective",
        approvals=("to_apply", "not_needed", "to_apply"),
        effort=(120, 30, 10),
        status="planning",
    ),
    Advert(
        "PET-CT response assessment in lymphoma: inter-reader agreement",
        "Four readers score 150 interim PET-CT scans with the Deauville scale; we measure "
        "agreement and its effect on treatment decisions.",
        "diagnostic",
        "Nuclear medicine / molecular",
        "PET",
        [("reading", 2, 10, "Deauville scoring after a short training set.")],
        primary_outcome="Fleiss' kappa of Deauville scores",
        approvals=("granted", "not_needed", "granted"),
        effort=(150, 2, 8),
        status="data_collection",
    ),
    Advert(
        "MSK ultrasound-guided injections: outcomes at six months",
        "A service evaluation of pain and function after image-guided injections.",
        "qi",
        "Musculoskeletal",
        "Ultrasound",
        [("collection", 2, 12, "Telephone follow-up scores.")],
        primary_outcome="Change in pain score at six months",
        approvals=("not_needed", "granted", "not_needed"),
        effort=(200, 10, 0),
        status="data_collection",
    ),
]
# Who posts each advert: (lead, supervising mentor, sites), by demo login or mentor index.
POSTERS: list[tuple[str | int, str | int, list[str]]] = [
    ("mentor", "mentor", ["St Thomas' Hospital"]),
    ("sitelead.a", "mentor", ["St Thomas' Hospital", "Manchester Royal Infirmary"]),
    (0, 0, []),
    ("committee", 1, ["Leeds General Infirmary", "Royal Infirmary of Edinburgh"]),
    (2, 2, []),
    (3, 3, []),
    (4, 4, []),
    (5, 5, []),
]


def _person(key: str | int, mentors: list[User]) -> User:
    return _demo(key) if isinstance(key, str) else mentors[key % len(mentors)]


def _post(advert: Advert, lead: User, mentor: User, sites: list[Site]) -> Project | None:
    if Project.objects.filter(title=advert.title).exists():
        return None
    cases, collect, read = advert.effort
    ethics, audit, data = advert.approvals
    project = services.project_create(
        actor=lead,
        sites=sites,
        roles=[
            {"kind": k, "hours_per_week": h, "duration_weeks": w, "description": d}
            for k, h, w, d in advert.roles
        ],
        title=advert.title,
        summary=advert.summary,
        research_type=advert.research_type,
        subspecialty=_term(Term.Kind.SUBSPECIALTY, advert.subspecialty),
        modality=_term(Term.Kind.MODALITY, advert.modality),
        timing=advert.timing,
        centres=advert.centres,
        mentor=mentor,
        primary_outcome=advert.primary_outcome,
        ethics=ethics,
        audit_registration=audit,
        data_protection=data,
        cases=cases,
        minutes_collection=collect,
        minutes_reading=read,
    )
    if project.pending_mentor is not None:  # the demo's mentors have agreed to supervise
        project = services.mentor_confirm(actor=project.pending_mentor, project=project)
    for status in ("planning", "approvals", "data_collection"):
        if project.status == advert.status:
            break
        project = services.project_status_change(actor=lead, project=project, status=status)
    return project


@transaction.atomic
def seed() -> None:
    mentors = [
        m.person
        for m in MentorProfile.objects.select_related("person")
        .exclude(person__email__endswith=f"mentor@{DEMO_DOMAIN}")
        .order_by("person__email")
    ]
    made: dict[int, Project] = {}
    for index, (advert, (lead_key, mentor_key, site_names)) in enumerate(
        zip(ADVERTS, POSTERS, strict=True)
    ):
        lead = _person(lead_key, mentors)
        mentor = _person(mentor_key, mentors)
        sites = list(Site.objects.filter(name__in=site_names))
        if not sites:
            profile = MentorProfile.objects.filter(person=mentor).select_related("site").first()
            sites = [profile.site] if profile is not None and profile.site else []
        project = _post(advert, lead, mentor, sites)
        if project is not None:
            made[index] = project
    if 0 in made:
        _workspace(made[0])
    if 1 in made:
        _audit_team(made[1])
    if 2 in made:
        _pending_application(made[2])
    if 3 in made:
        _committee_application(made[3])
    for index, project in made.items():
        _spread_in_time(project, POSTED_DAYS_AGO[index])


# Days before the demo is seeded when each advert was posted: the board's "newest" order
# and each timeline read like two years of a network, not one afternoon.
POSTED_DAYS_AGO = [610, 470, 330, 45, 200, 150, 520, 260]


def _spread_in_time(project: Project, days_ago: int) -> None:
    """Date the project's posting, its status steps and its applications over `days_ago`.

    The services stamp everything with the time of the seed; a history written in one
    afternoon is what the demo must not look like. Only the rows' dates change (the
    audit trail keeps the real time of writing).
    """
    now = timezone.now()
    posted = now - dt.timedelta(days=days_ago, hours=project.pk % 7 + 2)
    steps = list(project.timeline.order_by("at", "pk"))
    gap = (now - posted) / (len(steps) + 1)
    Project.objects.filter(pk=project.pk).update(created_at=posted)
    for k, step in enumerate(steps):
        at = posted + gap * k + dt.timedelta(hours=3 * k)
        StatusChange.objects.filter(pk=step.pk).update(at=at)
    last = posted + gap * max(len(steps) - 1, 0)
    applications = list(Application.objects.filter(role__project=project).order_by("pk"))
    for k, application in enumerate(applications):
        sent = last + gap * (k + 1) / (len(applications) + 1)
        decided = sent + dt.timedelta(days=2, hours=5) if application.decided_at else None
        Application.objects.filter(pk=application.pk).update(created_at=sent, decided_at=decided)
        Member.objects.filter(project=project, person=application.applicant_id).update(
            created_at=decided or sent
        )
    Member.objects.filter(project=project, person=project.lead_id).update(created_at=posted)


def _accept(project: Project, person: User, kind: str, note: str) -> None:
    role = ProjectRole.objects.get(project=project, kind=kind)
    application = services.application_submit(applicant=person, role=role, note=note)
    services.application_decide(
        actor=project.lead, application=application, action="accept", reply="Welcome aboard."
    )


def _workspace(project: Project) -> None:
    """The mentor's stroke-mimic study, in data collection, with the demo trainee on the team."""
    trainee, mentor, statistician = _demo("trainee"), project.lead, _demo("statistician")
    _join_the_team(project, mentor, trainee, statistician)
    today = timezone.now().date()
    _plan_the_work(project, mentor, trainee, statistician, today)
    _meet_and_file(project, mentor, trainee, today)
    _agree_the_credit(project, mentor, trainee, statistician)
    _waiting_for_the_mentor(project, trainee)


def _join_the_team(project: Project, mentor: User, trainee: User, statistician: User) -> None:
    """The trainee is accepted to collect; the mentor adds a statistics role, filled at once."""
    _accept(
        project,
        trainee,
        "collection",
        (
            "ST3 with a neuroradiology interest and four hours a week on Wednesdays; I have "
            "extracted follow-up from the records for an audit and can start this month."
        ),
    )
    services.role_add(
        actor=mentor,
        project=project,
        kind="statistics",
        hours_per_week=1,
        duration_weeks=8,
        description="Accuracy with confidence intervals.",
    )
    role = ProjectRole.objects.get(project=project, kind="statistics")
    application = services.application_submit(
        applicant=statistician,
        role=role,
        note=(
            "Happy to run the accuracy analysis: sensitivity and specificity with exact intervals, "
            "one hour a week over the next two months, starting once the first 100 cases are in."
        ),
    )
    services.application_decide(actor=mentor, application=application, action="accept")


def _plan_the_work(
    project: Project, mentor: User, trainee: User, statistician: User, today: dt.date
) -> None:
    """A milestone met; four tasks toward the next: one done, one late and under way, two to do."""
    protocol = workspace.milestone_create(
        actor=mentor, project=project, title="Protocol signed off", due_on=today - dt.timedelta(30)
    )
    workspace.milestone_done(actor=mentor, milestone=protocol, version=protocol.version)
    collected = workspace.milestone_create(
        actor=mentor, project=project, title="All cases collected", due_on=today + dt.timedelta(45)
    )
    for title, owner, due, state in [
        ("Extract follow-up for cases 1 to 100", trainee, -5, Task.State.DOING),
        ("Build the REDCap form", trainee, -20, Task.State.DONE),
        ("Second reads, batch 1", mentor, 14, Task.State.TODO),
        ("Draft the statistical analysis plan", statistician, 21, Task.State.TODO),
    ]:
        task = workspace.task_create(
            actor=mentor,
            project=project,
            title=title,
            owner=owner,
            due_on=today + dt.timedelta(due),
            milestone=collected,
        )
        if state != Task.State.TODO:
            workspace.task_update(actor=mentor, task=task, version=task.version, state=state)


def _meet_and_file(project: Project, mentor: User, trainee: User, today: dt.date) -> None:
    """Last week's progress meeting with its action, and two documents in the folders."""
    workspace.meeting_record(
        actor=mentor,
        project=project,
        held_on=today - dt.timedelta(7),
        title="Fortnightly progress meeting",
        notes="Collection is at 80 of 300 cases. Reading starts once 100 are in.",
        actions=[
            workspace.ActionItem("Share the reading proforma", mentor, today + dt.timedelta(3)),
        ],
    )
    workspace.document_upload(
        actor=mentor,
        project=project,
        folder="approvals",
        name="Protocol",
        upload=ContentFile(
            b"Protocol v1: retrospective DWI accuracy study.\n", name="protocol.txt"
        ),
        note="First draft",
    )
    workspace.document_upload(
        actor=trainee,
        project=project,
        folder="data",
        name="Data dictionary",
        upload=ContentFile(b"field,label\nstudy_id,Study ID\n", name="dictionary.csv"),
        note="Fields for the REDCap form",
    )


def _agree_the_credit(project: Project, mentor: User, trainee: User, statistician: User) -> None:
    """The trainee declares a contribution; an authorship agreement the statistician confirms."""
    services.contributions_declare(
        actor=trainee,
        project=project,
        declared={"data_curation": "lead", "investigation": "equal"},
    )
    rows = {m.person_id: m for m in project.members.all()}
    lines = [
        services.AgreementLine(rows[trainee.pk].pk, 1, {"data_curation": "lead"}),
        services.AgreementLine(rows[statistician.pk].pk, 2, {"formal_analysis": "lead"}),
        services.AgreementLine(
            rows[mentor.pk].pk, 3, {"conceptualization": "lead", "supervision": "lead"}
        ),
    ]
    services.agreement_save(actor=mentor, project=project, version=0, lines=lines)
    services.agreement_confirm(actor=statistician, project=project, version=1)


def _waiting_for_the_mentor(project: Project, trainee: User) -> None:
    """Another demo trainee applies to read images, so the mentor has one to decide."""
    other = (
        TraineeProfile.objects.exclude(person=trainee).select_related("person").order_by("pk")
    ).first()
    role = ProjectRole.objects.filter(project=project, kind="reading", state="open").first()
    if other is not None and role is not None:
        services.application_submit(
            applicant=other.person,
            role=role,
            note=(
                "ST4 with a neuroradiology block coming up in the spring; two hours a week "
                "for blinded reads, and I have done the department's stroke MRI teaching."
            ),
            accept_load=True,
        )


def _audit_team(project: Project) -> None:
    """The site lead's multi-centre audit: site B's lead collects there, one task late."""
    lead, other = project.lead, _demo("sitelead.b")
    _accept(
        project,
        other,
        "collection",
        (
            "I will collect at Manchester: our RIS exports request and report times, and two "
            "registrars have offered an afternoon each. We can start with the March data."
        ),
    )
    today = timezone.now().date()
    cycle = workspace.milestone_create(
        actor=lead, project=project, title="First cycle collected", due_on=today + dt.timedelta(21)
    )
    for title, owner, due in [
        ("Pull March request and report times from RIS", other, -3),
        ("Agree the data-collection proforma", lead, 7),
    ]:
        workspace.task_create(
            actor=lead,
            project=project,
            title=title,
            owner=owner,
            due_on=today + dt.timedelta(due),
            milestone=cycle,
        )
    workspace.meeting_record(
        actor=lead,
        project=project,
        held_on=today - dt.timedelta(10),
        title="Audit kick-off",
        notes="Standard agreed: CT head reported within one hour for anticoagulated patients.",
        actions=[workspace.ActionItem("Register the audit at Manchester", other, None)],
    )


def _pending_application(project: Project) -> None:
    trainee = _demo("trainee")
    role = ProjectRole.objects.filter(project=project, state="open").first()
    if role is not None and not Application.objects.filter(role=role, applicant=trainee).exists():
        services.application_submit(
            applicant=trainee,
            role=role,
            note=(
                "I code in Python, have anonymised DICOM for a teaching file and would like to "
                "learn how an external validation is run. Four hours a week from September."
            ),
        )


def _committee_application(project: Project) -> None:
    """A demo trainee offers to recruit for the committee's education study."""
    other = TraineeProfile.objects.select_related("person").order_by("-pk").first()
    role = ProjectRole.objects.filter(project=project, kind="recruitment", state="open").first()
    if other is not None and role is not None:
        services.application_submit(
            applicant=other.person,
            role=role,
            note=(
                "I run the ST2 teaching programme and can recruit at my scheme: twelve "
                "first-year trainees start CT colonography lists in the new year."
            ),
            accept_load=True,
        )
