"""Contributions counted from the work, and the services that set rules, names and the lock."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from capture import services as capture
from credit import selectors, services
from credit.models import NameConfirmation
from credit.tests.factories import make_world, record, set_rules
from network.models import Role
from network.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return make_world(personas)


def _by_name(people):
    return {p.family_name: p for p in people}


def test_contributions_are_counted_from_records_queries_and_roles(personas, world):
    people = _by_name(selectors.contributions(world.study))
    trainee = people["Trainee"]
    assert (trainee.records_entered, trainee.records_complete) == (3, 2)
    assert trainee.place.site == "Site A Hospital"
    assert people["A"].queries_answered == 1  # "Site Lead A"
    assert people["A"].site_lead
    assert people["Mentor"].validations == 2  # raised and closed
    assert people["B"].records_complete == 1
    committee = people["Committee"]  # study admin: holds a role, did none of the counted work
    assert (committee.records_entered, committee.site_lead, committee.place) == (0, False, None)


def test_a_network_site_lead_of_a_study_site_counts_as_site_lead(personas, world):
    MembershipFactory.create(person=personas.trainee, role=Role.SITE_LEAD, site=personas.site_a)
    people = _by_name(selectors.contributions(world.study))
    assert people["Trainee"].site_lead


def test_writing_committee_and_project_credit_roles_are_counted(personas, world):
    from projects.models import Contribution, Member
    from projects.tests.factories import make_project

    author_list = set_rules(personas, world, credit_roles_qualify=True)
    project = make_project(personas.committee)
    member = Member.objects.create(project=project, person=personas.mentor, responsibility="x")
    Contribution.objects.create(member=member, role="validation", agreed="lead")
    Contribution.objects.create(member=member, role="investigation", declared="lead")
    author_list.project = project
    author_list.save()
    services.writing_committee_add(
        actor=personas.committee, author_list=author_list, person=personas.committee, role="Chair"
    )
    people = _by_name(selectors.contributions(world.study, author_list))
    assert people["Mentor"].credit_roles == ("Validation",)  # only what the lead agreed
    assert people["Committee"].writing_committee == "Chair"
    assert people["Committee"].place is None


def test_one_person_alone_gets_the_same_counts(personas, world):
    mine = selectors.contribution_of(world.study, personas.trainee)
    everyone = _by_name(selectors.contributions(world.study))
    assert mine == everyone["Trainee"]
    assert selectors.contribution_of(world.study, personas.outsider) is None


def test_rules_are_saved_audited_and_refused_naming_the_field(personas, world):
    author_list = set_rules(personas, world)
    assert author_list.consortium_name == "CT Head Collaborative"
    assert AuditEvent.objects.filter(action="credit.rules").count() == 1
    with pytest.raises(ValidationError) as refused:
        set_rules(personas, world, consortium_name="", min_complete_records=0)
    assert set(refused.value.message_dict) == {"consortium_name", "min_complete_records"}


def test_the_computed_list_follows_the_rules(personas, world):
    listing = selectors.computed_list(set_rules(personas, world))
    names = {g.label: [p.family_name for p in g.people] for g in listing.groups}
    assert names == {"Site A Hospital": ["A", "Trainee"], "Site B Hospital": ["B"]}


def test_asking_for_confirmation_names_everyone_who_qualifies_once(personas, world):
    author_list = set_rules(personas, world)
    assert services.confirmations_request(actor=personas.committee, author_list=author_list) == 3
    assert services.confirmations_request(actor=personas.committee, author_list=author_list) == 0
    name = NameConfirmation.objects.get(person=personas.trainee)
    assert (name.given_names, name.family_name, name.state) == ("", "Trainee", "pending")
    assert name.affiliation.startswith("Site A Hospital")
    [link] = selectors.pending_links(personas.trainee)
    assert link.kind == "Collaborator name"
    assert "“Trainee”" in link.summary


def _asked(personas, world):
    author_list = set_rules(personas, world)
    services.confirmations_request(actor=personas.committee, author_list=author_list)
    return author_list, NameConfirmation.objects.get(person=personas.trainee)


def test_a_collaborator_confirms_their_own_name_with_orcid(personas, world):
    author_list, name = _asked(personas, world)
    values = {
        "given_names": "Tara",
        "family_name": "Trainee",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
        "affiliation": "Radiology, Site A Hospital",
    }
    services.name_confirm(actor=personas.trainee, name=name, values=values)
    name.refresh_from_db()
    assert (name.state, name.orcid) == ("confirmed", "0000-0002-1825-0097")
    assert selectors.pending_links(personas.trainee) == []
    people = _by_name(selectors.contributions(world.study, author_list))
    assert people["Trainee"].name == "Tara Trainee"
    assert people["Trainee"].confirmation == "confirmed"


def test_a_bad_orcid_or_missing_family_name_is_refused_by_field(personas, world):
    _, name = _asked(personas, world)
    with pytest.raises(ValidationError) as refused:
        services.name_confirm(
            actor=personas.trainee,
            name=name,
            values={"family_name": "", "orcid": "0000-0002-1825-0098"},
        )
    assert set(refused.value.message_dict) == {"family_name", "orcid"}


def test_nobody_confirms_for_someone_else(personas, world):
    _, name = _asked(personas, world)
    with pytest.raises(ValidationError):
        services.name_confirm(actor=personas.mentor, name=name, values={"family_name": "X"})


def test_a_collaborator_who_declines_is_left_off(personas, world):
    author_list, name = _asked(personas, world)
    services.name_decline(actor=personas.trainee, name=name)
    listing = selectors.computed_list(author_list)
    assert "Trainee" not in [p.family_name for g in listing.groups for p in g.people]


def test_the_lock_keeps_the_list_and_later_changes_need_the_committee(personas, world):
    author_list, name = _asked(personas, world)
    listing = services.list_lock(actor=personas.committee, author_list=author_list)
    author_list.refresh_from_db()
    assert author_list.is_locked
    assert listing.size == 3
    # New work after the lock does not change the submitted list.
    record(personas.site_lead_b, world.study, world.site_b, complete=True)
    record(personas.site_lead_b, world.study, world.site_b, complete=True)
    capture.study_grant_role(
        actor=personas.committee,
        study=world.study,
        person=personas.outsider,
        role="collaborator",
        study_site=world.site_b,
    )
    record(personas.outsider, world.study, world.site_b, complete=True)
    record(personas.outsider, world.study, world.site_b, complete=True)
    assert selectors.computed_list(author_list).size == 4
    set_count = selectors.current_list(author_list).size
    assert set_count == 3
    with pytest.raises(ValidationError, match="locked"):
        services.name_confirm(actor=personas.trainee, name=name, values={"family_name": "T"})
    with pytest.raises(ValidationError, match="locked"):
        set_rules(personas, world, min_complete_records=1)
    with pytest.raises(ValidationError) as refused:
        services.name_correct(
            actor=personas.committee, name=name, values={"family_name": "Trainée"}, reason=""
        )
    assert "reason" in refused.value.message_dict
    services.name_correct(
        actor=personas.committee,
        name=name,
        values={"given_names": "Tara", "family_name": "Trainée"},
        reason="Accent missing, journal proof",
    )
    author_list.refresh_from_db()
    published = selectors.current_list(author_list)
    assert published.size == set_count
    assert "Tara Trainée" in [p.name for g in published.groups for p in g.people]
    event = AuditEvent.objects.get(action="credit.name_correct")
    assert event.reason == "Accent missing, journal proof"
    assert event.changes["family_name"] == ["Trainee", "Trainée"]


def test_unlocking_needs_a_reason_and_is_audited(personas, world):
    author_list, _ = _asked(personas, world)
    services.list_lock(actor=personas.committee, author_list=author_list)
    with pytest.raises(ValidationError):
        services.list_unlock(actor=personas.committee, author_list=author_list, reason=" ")
    services.list_unlock(actor=personas.committee, author_list=author_list, reason="Journal asked")
    author_list.refresh_from_db()
    assert not author_list.is_locked
    assert AuditEvent.objects.filter(action="credit.unlock", reason="Journal asked").exists()


def test_an_empty_list_cannot_be_locked(personas, world):
    author_list = set_rules(personas, world, min_complete_records=50, site_leads_qualify=False)
    with pytest.raises(ValidationError, match="Nobody qualifies"):
        services.list_lock(actor=personas.committee, author_list=author_list)


def test_the_writing_committee_takes_each_person_once(personas, world):
    author_list = set_rules(personas, world)
    services.writing_committee_add(
        actor=personas.committee, author_list=author_list, person=personas.mentor
    )
    with pytest.raises(ValidationError) as refused:
        services.writing_committee_add(
            actor=personas.committee, author_list=author_list, person=personas.mentor
        )
    assert "person" in refused.value.message_dict
