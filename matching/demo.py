"""The demo mentoring scheme: an open round with the demo network's mentors and trainees
already signed up, ready for the committee to run. Keyed on the scheme's name: idempotent."""

from __future__ import annotations

from django.db import transaction

from matching.models import Goal, MenteeRequest, MentorOffer, Mode, Preference, Round, Scheme
from opportunities.models import Opportunity
from people.models import INTEREST_KINDS, MentorProfile, TraineeProfile

NAME = "Network mentoring scheme (demo)"
MODES = (Mode.EITHER, Mode.REMOTE, Mode.IN_PERSON, Mode.EITHER)
FREQUENCIES = ("monthly", "fortnightly", "monthly", "quarterly")
LANGUAGES = ("English", "English", "English, Spanish", "English, Welsh", "English, Urdu")
GOALS = list(Goal.values)
MENTORS, MENTEES = 12, 30


@transaction.atomic
def seed() -> None:
    if Scheme.objects.filter(name=NAME).exists():
        return
    scheme = Scheme.objects.create(
        name=NAME,
        summary="Trainees are matched with a research mentor at another hospital for a year: "
        "a meeting a month, a first project, and help with the next step.",
        opportunity=Opportunity.objects.filter(kind="mentoring").order_by("pk").first(),
        exclusion=Scheme.Exclusion.SITE,
        max_preferences=3,
    )
    round_ = Round.objects.create(scheme=scheme, name="Spring round")
    offers = [_offer(round_, profile, i) for i, profile in enumerate(_mentors())]
    for i, profile in enumerate(_trainees()):
        _request(round_, profile, i, offers)


def _mentors() -> list[MentorProfile]:
    found = MentorProfile.objects.select_related("person").prefetch_related("expertise")
    return list(found.order_by("person__email")[:MENTORS])


def _trainees() -> list[TraineeProfile]:
    found = TraineeProfile.objects.select_related("person").prefetch_related("interests")
    return list(found.order_by("person__email")[:MENTEES])


def _offer(round_: Round, profile: MentorProfile, i: int) -> MentorOffer:
    offer = MentorOffer.objects.create(
        round=round_,
        mentor=profile.person,
        capacity=2 + i % 3,
        meeting_frequency=FREQUENCIES[i % 4],
        mode=MODES[i % 4],
        languages=LANGUAGES[i % 5],
        helped_with=GOALS[i % 6 : i % 6 + 3],
        completed_year=2000 + i,
    )
    offer.interests.set(profile.expertise.all())
    return offer


def _request(round_: Round, profile: TraineeProfile, i: int, offers: list[MentorOffer]) -> None:
    request = MenteeRequest.objects.create(
        round=round_,
        mentee=profile.person,
        goals=[GOALS[i % 6], GOALS[(i + 2) % 6]],
        goals_text=profile.career_goals or "Help with a first research project and a paper.",
        meeting_frequency=FREQUENCIES[(i + 1) % 4],
        mode=MODES[(i + 1) % 4],
        languages=LANGUAGES[(i + 2) % 5],
    )
    request.interests.set(profile.interests.filter(kind__in=INTEREST_KINDS))
    # A third of the mentees rank one or two mentors; the rest leave it to the match.
    if offers and i % 3 == 0:
        ranked = [offers[i % len(offers)], offers[(i + 5) % len(offers)]][: 1 + i % 2]
        Preference.objects.bulk_create(
            Preference(request=request, offer=offer, rank=rank)
            for rank, offer in enumerate(dict.fromkeys(ranked), start=1)
            if offer.mentor_id != profile.person_id
        )
