"""The held-back evaluation of "for you" on the demo network (docs/matching.md).

For each demo trainee, the latest accepted request to a mentor and the latest accepted
application to a project are undone — the request deleted; the application, the place
on the team and the filled role put back as they were before the lead accepted — the
list is computed as it would have been then, and the place of the hidden mentor among
the mentors, and of the hidden project among the projects, is read. Each trainee's
changes run in a savepoint that is rolled back, so nothing is left behind.

The same candidates in a seeded random order give the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Min

from accounts.models import User
from mentors.models import ContactRequest
from projects.models import Application, Member, Project, ProjectRole
from recommend.core import TextBackend, TfidfBackend, position, random_order
from recommend.services import recommendations_compute

TOP = 5
ACCEPTED = (ContactRequest.State.ACCEPTED, ContactRequest.State.COMPLETED)


@dataclass
class Figures:
    trainees: int = 0
    hits: int = 0  # hidden items in the trainee's top 5 of their kind
    random_hits: int = 0
    items: int = 0
    places: list[int] = field(default_factory=list)
    per_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [hits, random, n]

    @property
    def share(self) -> float:
        return self.hits / self.items if self.items else 0.0

    @property
    def random_share(self) -> float:
        return self.random_hits / self.items if self.items else 0.0


def _undo_application(application: Application) -> str:
    role = application.role
    Member.objects.filter(project_id=role.project_id, person_id=application.applicant_id).delete()
    application.delete()
    ProjectRole.objects.filter(pk=role.pk).update(state=ProjectRole.State.OPEN)
    hours = ProjectRole.objects.filter(
        project_id=role.project_id, state=ProjectRole.State.OPEN
    ).aggregate(least=Min("hours_per_week"))["least"]
    Project.objects.filter(pk=role.project_id).update(min_open_hours=hours)
    return f"project:{role.project_id}"


def _hide(person: User) -> list[str]:
    hidden = []
    request = (
        ContactRequest.objects.filter(trainee=person, state__in=ACCEPTED)
        .order_by("-sent_at")
        .first()
    )
    if request is not None:
        hidden.append(f"mentor:{request.mentor_id}")
        request.delete()
    application = (
        Application.objects.filter(applicant=person, state=Application.State.ACCEPTED)
        .select_related("role")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if application is not None:
        hidden.append(_undo_application(application))
    return hidden


def evaluate(
    trainees: list[User], *, backend: TextBackend | None = None, seed: int = 18
) -> Figures:
    backend = backend or TfidfBackend()
    figures = Figures()
    for number, person in enumerate(trainees):
        with transaction.atomic():
            hidden = _hide(person)
            result = recommendations_compute(person, backend=backend, dismissed=frozenset())
            transaction.set_rollback(True)
        if result is None or not hidden:
            continue
        figures.trainees += 1
        for key in hidden:
            kind = key.partition(":")[0]
            keys = [item.key for item in result.of_kind(kind)]
            place = position(keys, key)
            by_chance = position(random_order(keys, seed * 1000 + number), key)
            hit = place is not None and place <= TOP
            random_hit = by_chance is not None and by_chance <= TOP
            figures.items += 1
            figures.hits += hit
            figures.random_hits += random_hit
            figures.places.append(place or 0)
            tally = figures.per_kind.setdefault(kind, [0, 0, 0])
            tally[0] += hit
            tally[1] += random_hit
            tally[2] += 1
    return figures
