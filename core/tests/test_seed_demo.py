from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEvent
from core.testing.demo import demo_network
from network.models import Membership, Region, Role, Site, TrainingScheme

pytestmark = pytest.mark.django_db

# Every test starts from the network the command builds, restored from the copy kept per
# test process (core/testing/demo.py; core/tests/test_testing_demo.py proves it exact)
# instead of seeding it again (six seconds of CPU each). The first test runs the command
# once more over it: what it prints (the same on every run) and that the second run adds
# nothing are read off that one run (another run took 7 s on SQLite and 14 s on
# PostgreSQL).


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Region, Site, TrainingScheme, User, Membership, AuditEvent)
    )


def test_seed_demo_again_prints_every_role_s_login_and_duplicates_nothing():
    demo_network()
    first = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    assert Site.objects.count() >= 20
    assert set(Site.objects.values_list("region__country", flat=True)) == {"GB", "US"}
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    printed = out.getvalue()
    for role in ("Trainee", "Mentor", "Site lead", "Committee", "Statistician", "Administrator"):
        assert role in printed
    assert "radcollab-demo" in printed


def test_demo_logins_work(client):
    demo_network()
    response = client.post(
        "/accounts/login/",
        {"login": "sitelead.b@demo.radcollab.org", "password": "radcollab-demo"},
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_the_demo_reads_like_two_years_of_a_real_network():
    """Varied names and sites, dates spread over two years, no numbered placeholders."""
    import datetime as dt
    import re

    from django.utils import timezone

    from core.words import MIN_WORDS, word_count
    from mentors.models import ContactRequest, Supervision
    from outputs.models import Output
    from people.models import MentorProfile
    from projects.models import Application, Project, StatusChange

    demo_network()
    now = timezone.now()
    names = list(User.objects.values_list("full_name", flat=True))
    assert len(names) == len(set(names)), "every demo person has their own name"
    mentors = list(MentorProfile.objects.values_list("person__full_name", "site_id"))
    given = {name.split()[1] for name, _ in mentors}
    assert len(given) >= 0.8 * len(mentors), "mentors do not share five first names"
    assert len({site for _, site in mentors}) >= 10

    numbered = re.compile(r"\b\d+\.\d+\b")
    labels = [
        *Supervision.objects.values_list("topic", flat=True),
        *Output.objects.values_list("title", flat=True),
        *Project.objects.values_list("title", flat=True),
    ]
    assert not [label for label in labels if numbered.search(label)]
    assert not Supervision.objects.filter(topic__icontains="supervised project").exists()

    def spread(moments: list[dt.datetime]) -> tuple[float, dt.timedelta]:
        return len({m.date() for m in moments}) / len(moments), max(moments) - min(moments)

    two_years = dt.timedelta(days=750)
    for label, moments in [
        ("status changes", list(StatusChange.objects.values_list("at", flat=True))),
        ("requests sent", list(ContactRequest.objects.values_list("sent_at", flat=True))),
        ("people joining", list(User.objects.values_list("date_joined", flat=True))),
        ("memberships", list(Membership.objects.values_list("created_at", flat=True))),
        ("projects posted", list(Project.objects.values_list("created_at", flat=True))),
    ]:
        distinct, span = spread(moments)
        assert distinct >= 0.5, f"{label}: {distinct:.0%} on distinct days"
        assert dt.timedelta(days=300) < span, f"{label} span only {span.days} days"
        assert now - min(moments) < two_years, f"{label} older than two years"
        assert max(moments) <= now
    for step in StatusChange.objects.select_related("project"):
        assert step.at >= step.project.created_at
    for application in Application.objects.select_related("role__project"):
        assert application.created_at >= application.role.project.created_at

    letters = ContactRequest.objects.values_list("who_i_am", flat=True)
    assert len(set(letters)) >= 0.8 * len(letters)
    assert all(word_count(letter) >= MIN_WORDS for letter in letters)
