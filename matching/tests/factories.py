"""Rounds with mentors and mentees at chosen sites, for the matching tests."""

from __future__ import annotations

from typing import Any

from accounts.tests.factories import UserFactory
from matching.models import MenteeRequest, MentorOffer, Round, Scheme
from network.models import Role
from network.tests.factories import MembershipFactory, SiteFactory
from people.models import MentorProfile, Term, TraineeProfile


def terms(*names: str) -> list[Term]:
    return list(Term.objects.filter(name__in=names))


def make_round(**scheme: Any) -> Round:
    made = Scheme.objects.create(name=scheme.pop("name", "Trainee mentoring"), **scheme)
    return Round.objects.create(scheme=made, name="Spring 2027")


def add_mentor(
    round_: Round, *, person=None, site=None, capacity: int = 2, interests=(), **fields
) -> MentorOffer:
    person = person or UserFactory.create()
    site = site or SiteFactory.create()
    MembershipFactory.create(person=person, role=Role.MENTOR, site=site)
    MentorProfile.objects.get_or_create(
        person=person, defaults={"title": "consultant", "site": site}
    )
    offer = MentorOffer.objects.create(round=round_, mentor=person, capacity=capacity, **fields)
    offer.interests.set(terms(*interests))
    return offer


def add_mentee(
    round_: Round, *, person=None, site=None, interests=(), grade: str = "st3", **fields
) -> MenteeRequest:
    person = person or UserFactory.create()
    site = site or SiteFactory.create()
    MembershipFactory.create(person=person, role=Role.TRAINEE, site=site)
    TraineeProfile.objects.get_or_create(person=person, defaults={"grade": grade})
    fields.setdefault("goals_text", "A first paper.")
    request = MenteeRequest.objects.create(round=round_, mentee=person, **fields)
    request.interests.set(terms(*interests))
    return request
