"""Measured quality: held-back mentors and projects on the demo network (docs/matching.md).

For every demo trainee the latest accepted mentoring request and the latest accepted
project application are hidden (`heldout.py`), and the hidden mentor and project must
rank in the trainee's top 5 of their kind for at least 60% of the items; a seeded random
order of the same candidates is the baseline. Both figures are printed for the docs.
"""

from __future__ import annotations

import pytest

from core.testing.demo import demo_network
from mentors.models import ContactRequest
from projects.models import Application, Project
from recommend.core import TfidfBackend
from recommend.demo import PERSONA, demo_trainees, seed
from recommend.models import StoredList
from recommend.tests.heldout import TOP, evaluate

pytestmark = pytest.mark.django_db


def test_hidden_choices_rank_in_the_top_five_for_most_trainees():
    demo_network()
    trainees = demo_trainees()
    figures = evaluate(trainees, backend=TfidfBackend(), seed=18)

    assert figures.trainees >= 40, "nearly every demo trainee has both choices to hide"
    assert figures.items >= 2 * 40
    lines = [
        f"held-back evaluation: {figures.trainees} trainees, {figures.items} hidden items",
        f"  for you (TF-IDF + rules): {figures.share:.0%} in the top {TOP}",
        f"  random order (seeded):    {figures.random_share:.0%} in the top {TOP}",
    ]
    for kind, (hits, by_chance, count) in sorted(figures.per_kind.items()):
        lines.append(f"  {kind:<8} {hits}/{count} vs {by_chance}/{count} at random")
    print("\n" + "\n".join(lines))
    assert figures.share >= 0.6
    assert figures.share > figures.random_share
    for hits, _by_chance, count in figures.per_kind.values():
        assert hits / count >= 0.6, "each kind, not only the sum, clears the bar"


def test_the_demo_seeder_adds_nothing_the_second_time_and_stores_the_printed_trainees_list():
    demo_network()
    counts = (
        Project.objects.count(),
        ContactRequest.objects.count(),
        Application.objects.count(),
    )
    seed()
    assert counts == (
        Project.objects.count(),
        ContactRequest.objects.count(),
        Application.objects.count(),
    )
    assert list(StoredList.objects.values_list("person__email", flat=True)) == [PERSONA]
    assert Project.objects.open_for_help().count() >= 10, "the board still has room to join"
