from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditEvent
from matching.core.fit import CRITERIA
from matching.models import (
    Decision,
    Match,
    MenteeRequest,
    MentorOffer,
    Preference,
    Round,
    Scheme,
)
from matching.tests.factories import add_mentee, add_mentor, make_round, terms
from people.models import MentorProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_with_people():
    round_ = make_round()
    mentors = [add_mentor(round_, interests=["Neuroradiology"]), add_mentor(round_)]
    mentees = [add_mentee(round_, interests=["Neuroradiology"]) for _ in range(3)]
    return round_, mentors, mentees


def test_the_committee_runs_and_sees_pairs_with_reasons(client, two_factor, round_with_people):
    round_, _, mentees = round_with_people
    client.force_login(two_factor.committee)
    response = client.post(reverse("matching:run", args=[round_.pk]), follow=True)
    page = response.content.decode()
    assert "Draft match run: 3 pairs, 0 left out." in page
    assert "Shared subspecialties" in page
    assert escape(str(mentees[0].mentee)) in page, "names as HTML writes them (O'Brien)"
    assert "Publish and email everyone" in page


def test_forbidding_from_the_table_and_rerunning(client, two_factor, round_with_people):
    round_, _, _ = round_with_people
    client.force_login(two_factor.committee)
    client.post(reverse("matching:run", args=[round_.pk]))
    match = Match.objects.first()
    assert match is not None
    response = client.post(
        reverse("matching:decide", args=[round_.pk]),
        {"request": match.request_id, "offer": match.offer_id, "kind": "forbid"},
        follow=True,
    )
    assert "Forbidden:" in response.content.decode()
    client.post(reverse("matching:run", args=[round_.pk]))
    assert not Match.objects.filter(request=match.request_id, offer=match.offer_id).exists()
    assert Decision.objects.get().kind == "forbid"


def test_a_bad_decision_is_a_message_not_an_error(client, two_factor, round_with_people):
    round_, _, _ = round_with_people
    client.force_login(two_factor.committee)
    response = client.post(
        reverse("matching:decide", args=[round_.pk]), {"kind": "marry"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose a mentee, a mentor and pin, forbid or clear." in response.content.decode()


def test_a_mentee_never_sees_other_mentees_answers(client, two_factor, round_with_people):
    round_, mentors, mentees = round_with_people
    Preference.objects.create(request=mentees[1], offer=mentors[0], rank=1)
    client.force_login(two_factor.committee)
    client.post(reverse("matching:run", args=[round_.pk]))
    client.force_login(mentees[0].mentee)
    page = client.get(reverse("matching:round", args=[round_.pk])).content.decode()
    assert str(mentees[1].mentee) not in page
    assert "Committee" not in page
    assert "The committee is matching this round" in page


def test_a_mentee_sees_the_explanation_and_accepts(client, two_factor, round_with_people):
    round_, _, mentees = round_with_people
    client.force_login(two_factor.committee)
    client.post(reverse("matching:run", args=[round_.pk]))
    client.post(reverse("matching:publish", args=[round_.pk]))
    match = Match.objects.get(request=mentees[0])
    client.force_login(mentees[0].mentee)
    round_page = client.get(reverse("matching:round", args=[round_.pk])).content.decode()
    assert f"You have been matched with <strong>{match.offer.mentor}</strong>" in round_page
    page = client.get(reverse("matching:my_match", args=[match.pk])).content.decode()
    assert "Why this mentor" in page
    assert "Shared subspecialties" in page
    response = client.post(reverse("matching:accept", args=[match.pk]), follow=True)
    assert "You accepted" in response.content.decode()
    match.refresh_from_db()
    assert match.state == Match.State.ACCEPTED


def test_the_call_for_mentees_saves_ranks_and_people_to_avoid(client, personas):
    round_ = make_round()
    first, avoided = add_mentor(round_), add_mentor(round_)
    client.force_login(personas.trainee)
    url = reverse("matching:request", args=[round_.pk])
    assert "Leave it to the match" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "goals": ["first_paper", "grant"],
            "goals_text": "My first paper in neuro MRI.",
            "interests": [t.pk for t in terms("MRI", "Neuroradiology")],
            "meeting_frequency": "monthly",
            "mode": "remote",
            "languages": "English, Welsh",
            "choice_1": first.pk,
            "avoid": [avoided.mentor.pk],
        },
    )
    assert response.status_code == 302
    saved = MenteeRequest.objects.get(mentee=personas.trainee)
    assert [p.offer for p in saved.ranked.all()] == [first]
    assert list(saved.avoid.all()) == [avoided.mentor]
    assert saved.language_set() == {"English", "Welsh"}
    assert AuditEvent.objects.filter(action="matching_request.create").exists()


def test_the_call_for_mentees_names_the_field_at_fault(client, personas):
    round_ = make_round()
    client.force_login(personas.trainee)
    response = client.post(
        reverse("matching:request", args=[round_.pk]),
        {"goals_text": "", "meeting_frequency": "hourly", "mode": "remote", "choice_1": 99999},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"goals_text", "meeting_frequency", "choice_1"} <= set(errors)


def test_the_call_for_mentors_saves_an_offer(client, personas):
    round_ = make_round()
    MentorProfile.objects.create(person=personas.mentor, title="consultant")
    client.force_login(personas.mentor)
    response = client.post(
        reverse("matching:offer", args=[round_.pk]),
        {
            "capacity": 3,
            "interests": [t.pk for t in terms("CT")],
            "meeting_frequency": "fortnightly",
            "mode": "either",
            "languages": "English",
            "helped_with": ["first_paper"],
            "completed_year": 2012,
        },
    )
    assert response.status_code == 302
    offer = MentorOffer.objects.get(mentor=personas.mentor)
    assert (offer.capacity, offer.helped_with) == (3, ["first_paper"])


def test_a_capacity_out_of_range_is_refused_naming_it(client, personas):
    round_ = make_round()
    MentorProfile.objects.create(person=personas.mentor, title="consultant")
    client.force_login(personas.mentor)
    response = client.post(
        reverse("matching:offer", args=[round_.pk]),
        {"capacity": 40, "meeting_frequency": "monthly", "mode": "either", "languages": "English"},
    )
    assert response.status_code == 400
    assert "capacity" in response.context["form"].errors


def test_the_committee_creates_a_scheme_and_opens_a_round(client, two_factor):
    client.force_login(two_factor.committee)
    fields = {
        "name": "Breast imaging mentoring",
        "exclusion": "region",
        "objective": "protect_worst_off",
        "max_preferences": 2,
        "min_grade": "st1",
        "max_grade": "st4",
        "mentor_min_years": 5,
        **{f"weight_{name}": 10 for name in CRITERIA},
    }
    response = client.post(reverse("matching:scheme_new"), fields)
    assert response.status_code == 302
    scheme = Scheme.objects.get(name="Breast imaging mentoring")
    assert scheme.weights["subspecialties"] == 10
    response = client.post(reverse("matching:round_new", args=[scheme.pk]), {"name": "Autumn"})
    made = Round.objects.get(scheme=scheme)
    assert response["Location"] == made.get_absolute_url()
    assert (
        AuditEvent.objects.filter(
            action__in=["matching_scheme.create", "matching_round.create"]
        ).count()
        == 2
    )


def test_a_scheme_with_a_grade_range_upside_down_is_refused(client, two_factor):
    client.force_login(two_factor.committee)
    fields = {
        "name": "Odd",
        "exclusion": "site",
        "objective": "fit",
        "max_preferences": 2,
        "min_grade": "st5",
        "max_grade": "st2",
        "mentor_min_years": 0,
        **{f"weight_{name}": 10 for name in CRITERIA},
        "weight_mode": -3,
    }
    response = client.post(reverse("matching:scheme_new"), fields)
    assert response.status_code == 400
    assert "weight_mode" in response.context["form"].errors
    fields["weight_mode"] = 3
    response = client.post(reverse("matching:scheme_new"), fields)
    assert response.status_code == 400
    assert "max_grade" in response.context["form"].errors


def published_match(two_factor):
    from matching import services

    round_ = make_round()
    add_mentor(round_, interests=["Neuroradiology"])
    add_mentee(round_, interests=["Neuroradiology"])
    services.round_run(actor=two_factor.committee, round_=round_)
    services.round_publish(actor=two_factor.committee, round_=round_)
    return Match.objects.get()


def test_both_sides_follow_a_match_to_its_certificate(client, two_factor):
    from django.utils import timezone

    match = published_match(two_factor)
    mentee, mentor = match.request.mentee, match.offer.mentor
    url = reverse("matching:my_match", args=[match.pk])
    client.force_login(mentor)
    assert "Waiting for" in client.get(url).content.decode()
    client.force_login(mentee)
    client.post(reverse("matching:accept", args=[match.pk]))
    agreement = {
        "first_met_on": timezone.localdate().isoformat(),
        "goals": "A first paper.",
        "meeting_frequency": "monthly",
    }
    page = client.post(reverse("matching:agreement", args=[match.pk]), agreement, follow=True)
    assert "asked to confirm" in page.content.decode()
    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert "Confirm this agreement" in page
    client.post(reverse("matching:agreement", args=[match.pk]), agreement)
    client.post(reverse("matching:feedback", args=[match.pk]), {"rating": "4", "comments": ""})
    certificate = reverse("matching:certificate", args=[match.pk])
    assert client.get(certificate).status_code == 302  # not yet: the mentee's feedback
    client.force_login(mentee)
    page = client.post(reverse("matching:feedback", args=[match.pk]), {"rating": "5"}, follow=True)
    assert "download your certificate" in page.content.decode()
    pdf = client.get(certificate)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_bad_agreement_is_shown_next_to_its_field(client, two_factor):
    match = published_match(two_factor)
    client.force_login(match.request.mentee)
    client.post(reverse("matching:accept", args=[match.pk]))
    page = client.post(
        reverse("matching:agreement", args=[match.pk]),
        {"first_met_on": "2999-01-01", "goals": "x", "meeting_frequency": "monthly"},
    )
    assert page.status_code == 400
    assert "cannot be in the future" in page.content.decode()
    assert not Match.objects.get().feedback.exists()


def test_asking_for_another_mentor_from_the_match_page(client, two_factor):
    match = published_match(two_factor)
    client.force_login(match.request.mentee)
    empty = client.post(reverse("matching:reassign", args=[match.pk]), {"reason": ""})
    assert empty.status_code == 400
    page = client.post(
        reverse("matching:reassign", args=[match.pk]), {"reason": "No time."}, follow=True
    )
    assert "No other mentor has a place" in page.content.decode()
    mine = client.get(reverse("matching:round", args=[match.round_id])).content.decode()
    assert "You have no mentor this round:" in mine
    client.force_login(two_factor.committee)
    round_page = client.get(reverse("matching:round", args=[match.round_id])).content.decode()
    assert "No time." in round_page


def test_the_committee_changes_a_schemes_rules_and_a_stale_form_shows_the_conflict(
    client, two_factor
):
    scheme = make_round(name="Neuro mentoring").scheme
    client.force_login(two_factor.committee)
    url = reverse("matching:scheme_edit", args=[scheme.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["version"].value() == 1
    fields = {
        "name": "Neuro mentoring",
        "exclusion": "region",
        "objective": "fit",
        "max_preferences": 4,
        "min_grade": "",
        "max_grade": "",
        "mentor_min_years": 0,
        "version": 1,
        **{f"weight_{name}": scheme.weights[name] for name in CRITERIA},
        "weight_language": 25,
    }
    assert client.post(url, fields).status_code == 302
    scheme.refresh_from_db()
    assert (scheme.exclusion, scheme.weights["language"], scheme.version) == ("region", 25, 2)

    stale = client.post(url, {**fields, "max_preferences": 1})
    assert stale.status_code == 409
    assert "Saved elsewhere while you were editing" in stale.content.decode()
    assert stale.context["form"].data["version"] == "2"
    assert Scheme.objects.get(pk=scheme.pk).max_preferences == 4
    # Saving again after reading the notice replaces the saved version.
    assert client.post(url, {**fields, "max_preferences": 1, "version": 2}).status_code == 302
    assert Scheme.objects.get(pk=scheme.pk).max_preferences == 1
