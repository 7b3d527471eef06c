from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.timezone import localdate

from accounts.tests.factories import UserFactory
from core.exceptions import EditConflict
from people.models import Term
from training import services
from training.selectors import describe_goal, goals_of
from training.tests.factories import output

pytestmark = pytest.mark.django_db
TODAY = localdate()


def goal(person, **conditions):
    conditions.setdefault("due_on", TODAY + dt.timedelta(days=365))
    return services.goal_create(person=person, **conditions)


def test_progress_counts_outputs_matching_every_condition():
    person = UserFactory.create()
    neuro = Term.objects.get(name="Neuroradiology")
    output(person, themes=[neuro])
    output(person, themes=[neuro], first=False)
    output(person, themes=[neuro], status="submitted")
    output(person, kind="poster", themes=[neuro])
    output(person)  # no theme
    output(person, themes=[neuro], date=TODAY + dt.timedelta(days=400))  # after the date
    goal(person, target=3, kind="article", min_status="accepted", theme=neuro, first_author=True)
    goal(person, target=2, kind="article")
    goal(person, target=1, kind="article", min_status="submitted")
    progress = {p.goal.target: p.achieved for p in goals_of(person)}
    assert progress == {3: 1, 2: 4, 1: 4}


def test_a_goal_reads_as_a_sentence():
    made = goal(
        UserFactory.create(), target=3, kind="article", min_status="published", first_author=True
    )
    assert describe_goal(made).startswith(
        "3 journal articles, at least published, as first author by"
    )


def test_bad_goals_are_refused_and_stale_edits_conflict():
    person = UserFactory.create()
    with pytest.raises(ValidationError, match="Unknown kind"):
        goal(person, target=1, kind="novel")
    made = goal(person, target=1)
    services.goal_update(actor=person, goal=made, version=1, target=2)
    with pytest.raises(EditConflict):
        services.goal_update(actor=person, goal=made, version=1, target=5)
