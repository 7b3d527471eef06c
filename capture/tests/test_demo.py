from __future__ import annotations

import pytest

from accounts.models import User
from capture import demo
from capture.dashboard import Panel, panel
from capture.models import DataQuery, Record, Study
from core.testing.mfa import enable_totp
from network.demo import DEMO_DOMAIN, seed_network

pytestmark = pytest.mark.django_db


def test_the_demo_study_has_records_a_query_and_a_signed_lock_and_seeds_once():
    seed_network()
    demo.seed()
    demo.seed()
    study = Study.objects.get()
    assert study.status == Study.Status.LIVE
    assert Record.objects.count() == 10
    assert Record.objects.filter(locked=True, signed=True).count() == 1
    assert DataQuery.objects.filter(state=DataQuery.State.OPEN).count() == 1


def shown(user: User) -> Panel:
    """The Studies panel of the person's dashboard (each of these people has one)."""
    found = panel(user)
    assert found is not None
    return found


def test_the_dashboard_panel_counts_open_queries_at_my_sites_only():
    from accounts.models import User

    seed_network()
    demo.seed()
    lead_a = User.objects.get(email=f"sitelead.a@{DEMO_DOMAIN}")
    lead_b = User.objects.get(email=f"sitelead.b@{DEMO_DOMAIN}")
    assert shown(lead_a).context["rows"][0]["open_queries"] is None  # no two-factor yet
    enable_totp(lead_a)
    enable_totp(lead_b)
    assert shown(lead_a).context["rows"][0]["open_queries"] == 1
    assert shown(lead_b).context["rows"][0]["open_queries"] == 0


def test_the_demo_follow_up_study_is_longitudinal_with_every_status_and_seeds_once():
    from capture.models import Entry

    seed_network()
    demo.seed_all()
    demo.seed_all()
    study = Study.objects.get(title=demo.FOLLOWUP_TITLE)
    assert [e.unique_name for e in study.events.order_by("order")] == [
        "baseline_arm_1",
        "week_6_arm_1",
    ]
    assert study.records.count() == 6
    week6 = Entry.objects.filter(record__study=study, event__unique_name="week_6_arm_1")
    assert sorted(set(week6.values_list("status", flat=True))) == [0, 1, 2]
    grown = week6.exclude(data__growth_mm="").values_list("data__growth_mm", flat=True)
    assert all(float(value) >= 0 for value in grown)
    assert grown
