from __future__ import annotations

from people.models import MentorProfile, Term


def make_mentor(person, *, accepting: bool = True, site=None) -> MentorProfile:
    profile = MentorProfile.objects.create(
        person=person, title="consultant", site=site, accepting_trainees=accepting, capacity=3
    )
    profile.expertise.set(Term.objects.filter(name__in=["Neuroradiology", "MRI"]))
    return profile


ANSWERS = {
    "grade": "st3",
    "who_i_am": (
        "ST3 in London with an interest in neuro MRI. I want to learn how a "
        "diagnostic-accuracy study is run from protocol to paper, with your group."
    ),
    "what_i_read": "Your paper on DWI in stroke mimics.",
    "what_i_offer": "Four hours a week, Python, data collection.",
    "hours_per_week": 4,
}
