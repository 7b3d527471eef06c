from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from matching import services, workflow
from matching.models import Decision, Match, Preference, Round, Scheme
from matching.tests.factories import add_mentee, add_mentor, make_round, terms
from mentors.models import Supervision
from network.access import TwoFactorRequired
from network.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(two_factor):
    return two_factor.committee


def pairs(round_: Round) -> set[tuple[str, str]]:
    return {
        (m.request.mentee.full_name, m.offer.mentor.full_name)
        for m in round_.matches.select_related("request__mentee", "offer__mentor")
    }


def test_a_run_pairs_by_fit_and_never_at_the_same_site(committee):
    round_ = make_round()
    site = SiteFactory.create()
    neuro = add_mentor(round_, site=site, interests=["Neuroradiology"])
    add_mentor(round_, interests=["Breast"])
    add_mentee(round_, site=site, interests=["Neuroradiology"])  # same site as neuro
    far = add_mentee(round_, interests=["Neuroradiology"])
    services.round_run(actor=committee, round_=round_)
    match = Match.objects.get(request=far)
    assert match.offer == neuro
    assert match.parts[0]["criterion"] == "subspecialties"
    assert match.parts[0]["points"] == 30
    assert round_.matches.count() == 2
    assert AuditEvent.objects.filter(action="matching_round.run").count() == 1


def test_an_infeasible_round_names_who_is_unmatched_and_why(committee):
    round_ = make_round()
    site = SiteFactory.create()
    add_mentor(round_, site=site, capacity=1)
    add_mentee(round_)
    add_mentee(round_)
    stuck = add_mentee(round_, site=site)
    round_ = services.round_run(actor=committee, round_=round_)
    reasons = {u["name"]: u["reason"] for u in round_.unmatched}
    assert len(reasons) == 2
    assert reasons[str(stuck.mentee)] == "every mentor is excluded (1 at the same site)"
    assert any("more mentor places are needed" in r for r in reasons.values())


def test_avoided_mentors_supervisors_and_ineligible_grades_are_left_out(committee):
    round_ = make_round(min_grade="st2", max_grade="st4")
    offer = add_mentor(round_, capacity=5)
    avoiding = add_mentee(round_)
    avoiding.avoid.add(offer.mentor)
    supervised = add_mentee(round_)
    Supervision.objects.create(
        mentor=offer.mentor, trainee=supervised.mentee, topic="Audit", started_on="2026-01-01"
    )
    junior = add_mentee(round_, grade="st1")
    round_ = services.round_run(actor=committee, round_=round_)
    reasons = {u["name"]: u["reason"] for u in round_.unmatched}
    assert reasons[str(avoiding.mentee)] == "every mentor is excluded (1 asked to avoid)"
    assert reasons[str(supervised.mentee)] == "every mentor is excluded (1 already supervises them)"
    assert reasons[str(junior.mentee)].startswith("not eligible: grade ST1")
    assert round_.matches.count() == 0


def test_forbidding_and_pinning_change_the_rerun(committee):
    round_ = make_round()
    best = add_mentor(round_, interests=["Neuroradiology"], capacity=1)
    other = add_mentor(round_, capacity=1)
    mentee = add_mentee(round_, interests=["Neuroradiology"])
    second = add_mentee(round_)
    services.round_run(actor=committee, round_=round_)
    assert Match.objects.get(request=mentee).offer == best
    services.decision_set(actor=committee, round_=round_, request=mentee, offer=best, kind="forbid")
    services.round_run(actor=committee, round_=round_)
    assert Match.objects.get(request=mentee).offer == other
    services.decision_set(actor=committee, round_=round_, request=second, offer=other, kind="pin")
    services.round_run(actor=committee, round_=round_)
    pinned = Match.objects.get(request=second)
    assert pinned.offer == other
    assert pinned.pinned
    assert not Match.objects.filter(request=mentee).exists()  # best is forbidden, other full
    services.decision_set(actor=committee, round_=round_, request=mentee, offer=best, kind="clear")
    assert not Decision.objects.filter(request=mentee).exists()
    assert AuditEvent.objects.filter(action__startswith="matching_decision.").count() == 3


def test_publishing_emails_everyone_and_freezes_the_round(
    committee, django_capture_on_commit_callbacks
):
    round_ = make_round()
    add_mentor(round_)
    add_mentee(round_)
    services.round_run(actor=committee, round_=round_)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_publish(actor=committee, round_=round_)
    assert Match.objects.get().state == Match.State.PUBLISHED
    assert sorted(m.subject for m in mail.outbox) == [
        "[RadCollab] Your mentee in Trainee mentoring",
        "[RadCollab] Your mentor in Trainee mentoring",
    ]
    with pytest.raises(ValidationError, match="published"):
        services.round_run(actor=committee, round_=round_)


def test_only_the_mentee_accepts_a_published_match(committee):
    round_ = make_round()
    add_mentor(round_)
    request = add_mentee(round_)
    services.round_run(actor=committee, round_=round_)
    match = Match.objects.get()
    with pytest.raises(ValidationError, match="not waiting"):
        workflow.match_accept(actor=request.mentee, match=match)
    services.round_publish(actor=committee, round_=round_)
    with pytest.raises(ValidationError, match="Only the mentee"):
        workflow.match_accept(actor=UserFactory.create(), match=match)
    workflow.match_accept(actor=request.mentee, match=match)
    match.refresh_from_db()
    assert match.state == Match.State.ACCEPTED
    assert AuditEvent.objects.filter(action="matching_match.accept").exists()


def test_the_stable_objective_follows_ranked_choices(committee):
    round_ = make_round(objective=Scheme.Objective.STABLE)
    first = add_mentor(round_, capacity=1)
    second = add_mentor(round_, capacity=1, interests=["Cardiac"])
    mentee = add_mentee(round_, interests=["Cardiac"])
    Preference.objects.create(request=mentee, offer=first, rank=1)
    services.round_run(actor=committee, round_=round_)
    assert Match.objects.get(request=mentee).offer == first
    assert second.matches.count() == 0


def test_only_the_committee_with_two_factor_runs_a_match(personas):
    round_ = make_round()
    with pytest.raises(PermissionDenied):
        services.round_run(actor=personas.trainee, round_=round_)
    with pytest.raises(TwoFactorRequired):
        services.round_run(actor=personas.committee, round_=round_)


def test_a_mentee_ranks_at_most_the_scheme_allows_and_only_this_rounds_mentors(personas):
    round_ = make_round(max_preferences=1)
    a, b = add_mentor(round_), add_mentor(round_)
    elsewhere = add_mentor(make_round(name="Other scheme"))
    answers: dict[str, Any] = {
        "goals": ["first_paper"],
        "goals_text": "Publish",
        "interests": terms("MRI"),
        "meeting_frequency": "monthly",
        "mode": "remote",
        "languages": "English",
        "avoid": [],
    }
    with pytest.raises(ValidationError) as refused:
        services.request_save(actor=personas.trainee, round_=round_, ranked=[a, b], **answers)
    assert "ranked" in refused.value.message_dict
    with pytest.raises(ValidationError, match="not a mentor in this round"):
        services.request_save(actor=personas.trainee, round_=round_, ranked=[elsewhere], **answers)
    saved = services.request_save(actor=personas.trainee, round_=round_, ranked=[a], **answers)
    assert [p.offer for p in saved.ranked.all()] == [a]


def test_a_mentor_needs_a_profile_to_offer(personas):
    round_ = make_round()
    with pytest.raises(ValidationError, match="mentor profile"):
        services.offer_save(
            actor=personas.trainee,
            round_=round_,
            capacity=2,
            interests=[],
            meeting_frequency="monthly",
            mode="either",
            languages="English",
            helped_with=[],
            completed_year=2010,
        )


def test_an_unknown_goal_is_refused_naming_the_field(personas):
    round_ = make_round()
    with pytest.raises(ValidationError) as refused:
        services.request_save(
            actor=personas.trainee,
            round_=round_,
            goals=["fame"],
            goals_text="Fame",
            interests=[],
            meeting_frequency="monthly",
            mode="remote",
            languages="English",
            ranked=[],
            avoid=[],
        )
    assert "goals" in refused.value.message_dict


def test_a_run_that_breaks_shows_a_reference_that_its_log_line_carries(
    committee, monkeypatch, caplog
):
    from matching.models import RunState

    round_ = make_round()
    add_mentor(round_)
    add_mentee(round_)
    Round.objects.filter(pk=round_.pk).update(run_state=RunState.QUEUED)

    def broken(**kwargs):
        raise RuntimeError("solver internals: mentee 7 row 12")

    monkeypatch.setattr(services, "round_run", broken)
    assert services.round_run_execute(round_id=round_.pk, actor_id=committee.pk) == "failed"
    round_.refresh_from_db()
    assert round_.run_state == RunState.FAILED
    logged = [r for r in caplog.records if r.getMessage() == "round.failed"]
    assert len(logged) == 1
    assert (logged[0].__dict__["round_id"], logged[0].exc_info[0]) == (round_.pk, RuntimeError)
    assert f"reference {logged[0].__dict__['ref']}" in round_.run_error
    assert "solver internals" not in round_.run_error


def test_a_queued_run_blocks_another_and_a_failed_one_says_why(committee, monkeypatch):
    from matching.models import RunState

    round_ = make_round()
    add_mentor(round_)
    add_mentee(round_)
    monkeypatch.setattr(services, "_enqueue", lambda *args: None)  # no worker here
    monkeypatch.setattr(services, "BACKGROUND_PAIRS", 0)
    assert services.round_run_or_queue(actor=committee, round_=round_) is True
    with pytest.raises(ValidationError, match="background"):
        services.round_run_or_queue(actor=committee, round_=round_)
    with pytest.raises(ValidationError, match="background"):
        services.round_publish(actor=committee, round_=round_)
    Round.objects.filter(pk=round_.pk).update(state=Round.State.PUBLISHED)
    assert services.round_run_execute(round_id=round_.pk, actor_id=committee.pk) == "failed"
    round_.refresh_from_db()
    assert round_.run_state == RunState.FAILED
    assert "published" in round_.run_error
    assert services.round_run_execute(round_id=round_.pk, actor_id=committee.pk) == (
        "nothing to do"
    )


def scheme_fields(scheme: Scheme, **changes: object) -> dict[str, object]:
    fields = {name: getattr(scheme, name) for name in services.SCHEME_FIELDS}
    return {**fields, **changes}


def test_the_committee_changes_a_schemes_weights_and_the_change_is_audited(committee):
    scheme = make_round(name="Neuro mentoring").scheme
    weights = {**scheme.weights, "subspecialties": 40}
    saved = services.scheme_update(
        actor=committee,
        scheme_id=scheme.pk,
        version=scheme.version,
        weights=weights,
        **scheme_fields(scheme, exclusion="region"),
    )
    assert (saved.version, saved.exclusion, saved.weights["subspecialties"]) == (2, "region", 40)
    event = AuditEvent.objects.get(action="matching_scheme.update")
    assert set(event.changes) == {"exclusion", "weights"}


def test_a_stale_scheme_edit_is_refused_with_the_saved_values(committee):
    scheme = make_round(name="Neuro mentoring").scheme
    services.scheme_update(
        actor=committee,
        scheme_id=scheme.pk,
        version=1,
        weights=scheme.weights,
        **scheme_fields(scheme, max_preferences=5),
    )
    with pytest.raises(services.EditConflict) as clash:
        services.scheme_update(
            actor=committee,
            scheme_id=scheme.pk,
            version=1,
            weights=scheme.weights,
            **scheme_fields(scheme, max_preferences=2),
        )
    assert clash.value.version == 2
    assert clash.value.current == {"max preferences": "5"}
    assert Scheme.objects.get(pk=scheme.pk).max_preferences == 5


def test_a_scheme_edit_that_changes_nothing_writes_nothing(committee):
    scheme = make_round(name="Neuro mentoring").scheme
    saved = services.scheme_update(
        actor=committee,
        scheme_id=scheme.pk,
        version=1,
        weights=scheme.weights,
        **scheme_fields(scheme),
    )
    assert saved.version == 1
    assert not AuditEvent.objects.filter(action="matching_scheme.update").exists()


def test_only_the_committee_changes_a_scheme(personas):
    scheme = make_round(name="Neuro mentoring").scheme
    with pytest.raises(PermissionDenied):
        services.scheme_update(
            actor=personas.trainee,
            scheme_id=scheme.pk,
            version=1,
            weights=scheme.weights,
            **scheme_fields(scheme, max_preferences=5),
        )
