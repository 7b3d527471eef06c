"""Every date and date-time in every form survives being saved unchanged.

A browser's date control shows nothing for a value that is not ISO 8601 (en-GB's
09/03/2026) and posts nothing, so an edit form saved without changes erased its date.
These tests find every form with a date in the project, check that its controls are
given ISO values, and open every edit page with a saved value, post back what a browser
would post, and check that nothing changed, for a person whose zone is not UTC.
"""

from __future__ import annotations

import datetime as dt
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from core.forms import MonthInput
from core.testing.forms import ACCEPTED, form_with
from core.testing.mfa import enable_totp
from core.testing.personas import Personas

DAY = dt.date(2027, 3, 9)
LATER = dt.date(2027, 9, 30)
# 01:30 on the night the UK's clocks go forward: no such time in London, a fine one in
# Chicago. A Chicago deadline at that time must round-trip for a viewer in London.
GAP = dt.datetime(2027, 3, 28, 1, 30)  # noqa: DTZ001 (a wall-clock time, placed below)
CHICAGO = "America/Chicago"
VIEWER_ZONE = "Europe/London"
TEMPORAL = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


# Every form class of the project with a date or date-time field -------------------------


def _forms_modules() -> Iterator[Any]:
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # The README's commands put .venv inside the project: its apps are not ours.
        if base not in path.parents or "site-packages" in path.parts:
            continue
        for found in pkgutil.iter_modules([str(path)]):
            if found.name == "forms" or found.name.startswith("forms_"):
                yield import_module(f"{config.name}.{found.name}")


def _date_fields(form_class: type[forms.BaseForm]) -> list[str]:
    fields = form_class.base_fields.items()  # type: ignore[attr-defined]
    return [name for name, field in fields if isinstance(field, TEMPORAL)]


def forms_with_dates() -> dict[type[forms.BaseForm], list[str]]:
    found = {}
    for module in _forms_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            ours = issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
            if ours and (names := _date_fields(cls)):
                found[cls] = names
    return found


DATE_FORMS = forms_with_dates()


def _label(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_project_has_forms_with_dates_to_check():
    assert len(DATE_FORMS) >= 15, sorted(_label(c) for c in DATE_FORMS)


@pytest.mark.parametrize(
    ("form_class", "name"),
    [(cls, name) for cls, names in DATE_FORMS.items() for name in names],
    ids=lambda v: v.__qualname__ if isinstance(v, type) else v,
)
def test_every_date_control_is_given_an_iso_value(form_class, name):
    field = form_class.base_fields[name]
    value: dt.date = DAY
    kind, shown = "date", "2027-03-09"
    if isinstance(field.widget, MonthInput):
        kind, shown = "month", "2027-03"
    if isinstance(field, forms.DateTimeField):
        value = dt.datetime(2027, 3, 9, 14, 30)  # noqa: DTZ001 (as a form's initial)
        kind, shown = "datetime-local", "2027-03-09T14:30"
    html = field.widget.render(name, field.prepare_value(value))
    assert f'type="{kind}"' in html, f"{_label(form_class)}.{name} is not a {kind} control: {html}"
    assert f'value="{shown}"' in html, (
        f"{_label(form_class)}.{name} gives its {kind} control a value a browser refuses: {html}"
        " (use core.forms.DateInput / DateTimeInput / WallClockField)"
    )


# Every edit page, saved unchanged ------------------------------------------------------


@dataclass
class Saved:
    """What a case made: who edits it, where, and how to read back what is stored."""

    person: Any
    url: str
    row: models.Model


@dataclass(frozen=True)
class EditPage:
    name: str
    forms: tuple[str, ...]  # the form classes the page edits, "app.forms.Class"
    dates: tuple[str, ...]  # the date controls on the page
    build: Callable[[Personas], Saved]


def _project(personas: Personas) -> Any:
    from projects.tests.factories import make_project

    return make_project(personas.mentor)


def _milestone(personas: Personas) -> Saved:
    from projects.workspace import milestone_create

    project = _project(personas)
    row = milestone_create(actor=project.lead, project=project, title="Ethics", due_on=DAY)
    return Saved(project.lead, reverse("projects:milestone", args=[row.pk]), row)


def _task(personas: Personas) -> Saved:
    from projects.workspace import milestone_create, task_create

    project = _project(personas)
    stone = milestone_create(actor=project.lead, project=project, title="Ethics", due_on=LATER)
    row = task_create(
        actor=project.lead,
        project=project,
        title="Draft the protocol",
        owner=project.lead,
        due_on=DAY,
        milestone=stone,
    )
    return Saved(project.lead, reverse("projects:task", args=[row.pk]), row)


def _meeting(personas: Personas) -> Saved:
    from projects.workspace import meeting_record

    project = _project(personas)
    row = meeting_record(
        actor=project.lead, project=project, held_on=DAY, title="Kick-off", notes="We met."
    )
    return Saved(project.lead, reverse("projects:meeting", args=[row.pk]), row)


def _credential(personas: Personas) -> Saved:
    from training.tests.factories import credential

    row = credential(personas.trainee, days_ago=100)  # a completion date is never ahead
    return Saved(personas.trainee, reverse("training:credential_edit", args=[row.pk]), row)


def _goal(personas: Personas) -> Saved:
    from training.services import goal_create

    row = goal_create(person=personas.trainee, target=2, due_on=LATER)
    return Saved(personas.trainee, reverse("training:goal_edit", args=[row.pk]), row)


def _output(personas: Personas) -> Saved:
    from outputs.services import AuthorIn, output_create

    person = personas.trainee
    row = output_create(
        actor=person,
        kind="grant",
        title="Diffusion MRI in stroke mimics",
        authors=[AuthorIn(person.full_name, person)],
        venue="Radiology Research Trust",
        date=DAY,
        amount=Decimal("5000.00"),
        currency="GBP",
        ends_on=LATER,
    )
    return Saved(person, reverse("outputs:edit", args=[row.pk]), row)


def _trainee_profile(personas: Personas) -> Saved:
    from people.services import trainee_profile_save

    row = trainee_profile_save(
        person=personas.trainee,
        version=None,
        interests=[],
        skills=[],
        grade="st3",
        expected_completion=LATER,
    )
    return Saved(personas.trainee, reverse("people:trainee_edit"), row)


def _curator(personas: Personas) -> Any:
    enable_totp(personas.committee)
    return personas.committee


def _deadline(personas: Personas) -> Saved:
    from events.tests.factories import make_deadline
    from events.times import aware

    row = make_deadline(due_at=aware(GAP, CHICAGO), time_zone=CHICAGO, opens_on=DAY)
    return Saved(_curator(personas), reverse("events:deadline_edit", args=[row.pk]), row)


def _event(personas: Personas) -> Saved:
    from events.tests.factories import make_event
    from events.times import aware

    row = make_event(starts_at=aware(GAP, CHICAGO), hours=2, time_zone=CHICAGO)
    return Saved(_curator(personas), reverse("events:event_edit", args=[row.pk]), row)


def _opportunity(personas: Personas) -> Saved:
    from opportunities.services import opportunity_suggest

    row = opportunity_suggest(
        actor=_curator(personas),
        kind="fellowship",
        title="Research fellowship",
        funder="The Radiology Trust",
        summary="A year of research.",
        deadline_local=GAP,
        time_zone=CHICAGO,
    )
    return Saved(personas.committee, reverse("opportunities:edit", args=[row.pk]), row)


def _programme(personas: Personas) -> Saved:
    from opportunities.services import programme_save

    row = programme_save(
        actor=None,
        name="Neuroradiology fellowship",
        institution="St Elsewhere",
        opens_on=DAY,
        closes_on=LATER,
        research="encouraged",
    )
    url = reverse("opportunities:programme_edit", args=[row.pk])
    return Saved(_curator(personas), url, row)


EDIT_PAGES = [
    EditPage("milestone", ("projects.forms.MilestoneEditForm",), ("due_on",), _milestone),
    EditPage("task", ("projects.forms.TaskEditForm",), ("due_on",), _task),
    EditPage("meeting", ("projects.forms.MeetingEditForm",), ("held_on",), _meeting),
    EditPage("credential", ("training.forms.CredentialForm",), ("completed_on",), _credential),
    EditPage("goal", ("training.forms.GoalForm",), ("due_on",), _goal),
    EditPage("output", ("outputs.forms.OutputForm",), ("date", "ends_on"), _output),
    EditPage(
        "trainee profile",
        ("people.forms.TraineeProfileForm",),
        ("expected_completion",),
        _trainee_profile,
    ),
    EditPage("deadline", ("events.forms.DeadlineForm",), ("local", "opens_on"), _deadline),
    EditPage("event", ("events.forms.EventForm",), ("starts", "ends"), _event),
    EditPage(
        "opportunity", ("opportunities.forms.OpportunityForm",), ("deadline_local",), _opportunity
    ),
    EditPage(
        "programme",
        ("opportunities.forms.ProgrammeForm",),
        ("opens_on", "closes_on"),
        _programme,
    ),
]

# Forms that only ever add something: no saved value to lose. A re-render after an
# error shows what the person typed; their controls are still checked above.
CREATE_ONLY = {
    "projects.forms.MilestoneForm": "adds a milestone on the tasks page",
    "projects.forms.TaskForm": "adds a task; TaskEditForm edits one",
    "projects.forms.MeetingForm": "records a meeting; MeetingEditForm edits one",
    "projects.forms.ActionForm": "a meeting's new action items, which become tasks",
    "training.forms.EvidenceForm": "adds evidence to a tracker",
    "training.forms.ChecklistStartForm": "starts a checklist",
    "training.forms.SignForm": "signs an item once; a signed item cannot change",
    "training.forms.CompleteForm": "completes a checklist once",
    "matching.forms.RoundForm": "opens a mentoring round; a round is not edited after",
    "matching.forms.AgreementForm": (
        "records the first meeting's agreement; sent again unchanged it is the other "
        "side's confirmation (a new confirmation time, nothing else)"
    ),
    "credit.forms.RecruitmentMonthForm": "records a month's recruitment; again replaces it",
}


def test_every_form_with_a_date_has_its_edit_page_checked_or_only_adds():
    covered = {name for page in EDIT_PAGES for name in page.forms} | set(CREATE_ONLY)
    found = {_label(cls) for cls in DATE_FORMS}
    assert found - covered == set(), "add an EditPage (or a CREATE_ONLY reason) for these"
    assert covered - found == set(), "these no longer have a date field: remove them here"


# What a save may change without the person changing anything.
BOOKKEEPING = {"version", "updated_at", "updated_by"}


def _stored(row: models.Model) -> dict[str, Any]:
    row = type(row)._default_manager.get(pk=row.pk)
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.attname not in BOOKKEEPING
    }


@pytest.mark.parametrize("page", EDIT_PAGES, ids=lambda page: page.name)
def test_saving_an_edit_form_unchanged_changes_nothing(client, personas, page):
    for person in personas.people.values():
        person.time_zone = VIEWER_ZONE
        person.save(update_fields=["time_zone"])
    saved = page.build(personas)
    before = _stored(saved.row)
    client.force_login(saved.person)

    shown = client.get(saved.url)
    assert shown.status_code == 200
    form = form_with(shown.content.decode(), page.dates[0])
    for name in page.dates:
        control = form.control(name)
        assert ACCEPTED[control.type].fullmatch(control.value), (
            f"the {page.name} page gives its {name} control {control.value!r}, which a"
            " browser shows as empty"
        )
    response = client.post(form.action or saved.url, form.submission())

    assert response.status_code == 302, response.content.decode()
    assert _stored(saved.row) == before
