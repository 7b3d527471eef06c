"""A small study with contributions for credit tests, built through capture's services.

Site A (AAA): the trainee collaborates and enters 3 records, 2 complete; site_lead_a
leads it and answers a query. Site B (BBB): site_lead_b leads it and enters 1 complete
record. The mentor validates site A: raises one query and closes it. The committee
created the study (study admin); nobody else holds a role in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capture import services as capture
from capture.models import Study, StudySite
from capture.tests.factories import make_study
from credit import core, services
from credit.models import AuthorList

STUDY_ROLES = {
    "site_lead_a": ("site_lead", "a"),
    "site_lead_b": ("site_lead", "b"),
    "trainee": ("collaborator", "a"),
    "mentor": ("validator", "a"),
}


@dataclass
class World:
    study: Study
    site_a: StudySite
    site_b: StudySite


def record(person: Any, world_study: Study, site: StudySite, *, complete: bool) -> Any:
    """A record entered by `person` at `site`: both instruments, the first complete or not."""
    created = capture.record_create(actor=person, study=world_study, study_site=site)
    status = 2 if complete else 1
    capture.entry_save(
        actor=person, record=created, instrument="baseline", values={"age": "50"}, status=status
    )
    saved = capture.entry_save(
        actor=person, record=created, instrument="reading", values={"lesions": "1"}, status=2
    )
    return saved.entry


def make_world(personas: Any) -> World:
    study, site_a, site_b = make_study(personas)
    sites = {"a": site_a, "b": site_b}
    for who, (role, key) in STUDY_ROLES.items():
        capture.study_grant_role(
            actor=personas.committee,
            study=study,
            person=personas.people[who],
            role=role,
            study_site=sites[key],
        )
    entry = record(personas.trainee, study, site_a, complete=True)
    record(personas.trainee, study, site_a, complete=True)
    record(personas.trainee, study, site_a, complete=False)
    record(personas.site_lead_b, study, site_b, complete=True)
    query = capture.query_raise(
        actor=personas.mentor, entry=entry, field_name="lesions", text="Is it one?"
    )
    capture.query_answer(actor=personas.site_lead_a, query=query, text="Yes, one.")
    capture.query_close(actor=personas.mentor, query=query)
    return World(study, site_a, site_b)


def set_rules(personas: Any, world: World, **overrides: Any) -> AuthorList:
    rules = core.Rules(
        **{"consortium_name": "CT Head Collaborative", "min_complete_records": 2, **overrides}
    )
    return services.rules_save(actor=personas.committee, study=world.study, rules=rules)
