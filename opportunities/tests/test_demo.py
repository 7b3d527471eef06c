"""The opportunities demo, on the demo network `seed_demo` builds (restored per test from
the copy core/testing/demo.py keeps, not seeded again).

Apart from test_services.py and test_shortlist.py, whose tests all start with the personas
(two-factor on): demo_network() must come before a test makes anything, or the first call
in a process would keep the personas in the copy every later test starts from.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from core.testing.demo import demo_network
from opportunities.models import Opportunity, Programme, ShortlistProfile
from opportunities.shortlist import services as shortlist

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_its_opportunities_though_its_committee_has_no_two_factor():
    demo_network()
    waiting = Opportunity.objects.filter(state=Opportunity.State.SUGGESTED)
    assert [o.title for o in waiting] == ["Imaging informatics summer school (suggested)"]
    assert Opportunity.objects.published().count() >= 3


def test_the_demo_seeds_invented_residencies_once_each_source_labelled_as_demo():
    demo_network()
    call_command("seed_demo", stdout=StringIO())  # the second run
    residencies = Programme.objects.filter(kind="residency")
    assert residencies.count() == 10
    for made in residencies:
        assert made.sources
        assert all(s["source"].startswith("Demo data, invented") for s in made.sources.values())
    newcomer = ShortlistProfile.objects.get(person__email__startswith="newcomer@")
    result = shortlist.shortlist_for(newcomer)
    assert result.chosen
    assert any("Visa:" in r for e in result.excluded for r in e.reasons)
