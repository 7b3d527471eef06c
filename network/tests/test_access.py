from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from core.testing.mfa import enable_totp
from network import access
from network.access import Action, TwoFactorRequired
from network.models import Role

pytestmark = pytest.mark.django_db


def test_a_trainee_may_see_the_directory_but_not_manage_it(personas):
    assert access.can(personas.trainee, Action.VIEW_DIRECTORY, personas.site_b)
    assert not access.can(personas.trainee, Action.MANAGE_MEMBERSHIPS, personas.site_a)


def test_a_site_lead_manages_memberships_at_their_own_site_only(personas):
    lead = personas.site_lead_a
    assert access.can(lead, Action.MANAGE_MEMBERSHIPS, personas.site_a)
    assert not access.can(lead, Action.MANAGE_MEMBERSHIPS, personas.site_b)
    assert access.can(lead, Action.MANAGE_MEMBERSHIPS)  # somewhere: the navigation shows it


def test_a_site_lead_may_not_act_on_what_belongs_to_no_site(personas):
    assert not access.can(personas.site_lead_a, Action.MANAGE_MEMBERSHIPS, None)
    assert access.can(personas.committee, Action.MANAGE_MEMBERSHIPS, None)


def test_an_outsider_may_do_nothing(personas):
    for action in Action:
        assert not access.can(personas.outsider, action)


def test_anonymous_visitors_may_do_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert not access.can(AnonymousUser(), Action.VIEW_DIRECTORY)


def test_sites_for_a_site_lead_are_their_own_and_for_the_committee_all(personas):
    assert list(access.sites_for(personas.site_lead_a, Action.MANAGE_MEMBERSHIPS)) == [
        personas.site_a
    ]
    assert set(access.sites_for(personas.committee, Action.MANAGE_MEMBERSHIPS)) == {
        personas.site_a,
        personas.site_b,
    }
    assert not access.sites_for(personas.trainee, Action.MANAGE_MEMBERSHIPS).exists()


def test_grantable_roles_follow_the_role_and_the_site(personas):
    assert access.grantable_roles(personas.site_lead_a, personas.site_a) == [
        Role.TRAINEE,
        Role.MENTOR,
    ]
    assert access.grantable_roles(personas.site_lead_a, personas.site_b) == []
    assert Role.ADMIN not in access.grantable_roles(personas.committee, personas.site_b)
    assert Role.ADMIN in access.grantable_roles(personas.admin, None)
    assert access.grantable_roles(personas.trainee, personas.site_a) == []


@pytest.mark.parametrize("who", ["site_lead_a", "committee", "statistician", "admin"])
def test_roles_near_study_data_need_two_factor_until_it_is_on(personas, who):
    person = personas.people[who]
    assert access.needs_two_factor(person)
    enable_totp(person)
    access.forget_memberships(person)
    assert not access.needs_two_factor(person)


@pytest.mark.parametrize("who", ["trainee", "mentor", "outsider"])
def test_other_roles_are_not_asked_for_two_factor(personas, who):
    assert not access.needs_two_factor(personas.people[who])


# The study-data gate, as a matrix: who passes at their own and at another site,
# without two-factor and with it. "2fa" means TwoFactorRequired; "no" means refused.
STUDY_DATA_GATE = {
    "trainee": (("no", "no"), ("no", "no")),
    "mentor": (("no", "no"), ("no", "no")),
    "site_lead_a": (("2fa", "no"), ("ok", "no")),
    "site_lead_b": (("2fa", "no"), ("ok", "no")),
    "committee": (("2fa", "2fa"), ("ok", "ok")),
    "statistician": (("2fa", "2fa"), ("ok", "ok")),
    "admin": (("no", "no"), ("no", "no")),
    "outsider": (("no", "no"), ("no", "no")),
}


def _gate(person, site) -> str:
    try:
        access.require_study_data(person, site)
    except TwoFactorRequired:
        return "2fa"
    except PermissionDenied:
        return "no"
    return "ok"


@pytest.mark.parametrize("who", list(STUDY_DATA_GATE))
def test_the_study_data_gate_checks_role_site_and_two_factor(personas, who):
    from core.testing.matrix import other_site, own_site

    person = personas.people[who]
    sites = (own_site(personas, who), other_site(personas, who))
    without, with_2fa = STUDY_DATA_GATE[who]
    assert tuple(_gate(person, site) for site in sites) == without
    enable_totp(person)
    assert tuple(_gate(person, site) for site in sites) == with_2fa


def test_the_gate_sends_a_web_visitor_to_set_up_two_factor(personas, rf):
    from django.contrib.messages.storage.fallback import FallbackStorage

    from core.middleware import TwoFactorRequiredMiddleware

    request = rf.get("/capture/studies/1/records/")
    request.user = personas.committee
    request.session = {}
    request._messages = FallbackStorage(request)
    middleware = TwoFactorRequiredMiddleware(lambda r: HttpResponse())
    try:
        access.require_study_data(request.user, personas.site_a)
    except TwoFactorRequired as refused:
        response = middleware.process_exception(request, refused)
    assert response is not None
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/accounts/2fa/totp/activate/?next=%2Fcapture%2Fstudies%2F1%2Frecords%2F"
    )


def _outcome(person, action) -> str:
    try:
        access.require(person, action)
    except TwoFactorRequired:
        return "2fa"
    except PermissionDenied:
        return "no"
    return "ok"


@pytest.mark.parametrize("action", sorted(access.PRIVILEGED))
def test_every_privileged_action_asks_for_two_factor_after_the_role(personas, action):
    holders = {who for who, person in personas.people.items() if access.can(person, action)}
    assert holders, f"no persona may {action}"
    without = {who: _outcome(person, action) for who, person in personas.people.items()}
    personas.with_two_factor()
    with_it = {who: _outcome(person, action) for who, person in personas.people.items()}
    for who in personas.names:
        wanted = ("2fa", "ok") if who in holders else ("no", "no")
        assert (without[who], with_it[who]) == wanted, who


def test_the_committee_grants_roles_and_edits_sites_only_with_two_factor(personas):
    assert {
        Role.SITE_LEAD,
        Role.COMMITTEE,
        Role.STATISTICIAN,
        Role.ADMIN,
    } == access.TWO_FACTOR_ROLES
    assert {
        Action.MANAGE_MEMBERSHIPS,
        Action.MANAGE_NETWORK,
        Action.VIEW_AUDIT,
        Action.CREATE_STUDY,
        Action.CURATE,
    } <= access.PRIVILEGED
    with pytest.raises(TwoFactorRequired, match="Granting and ending roles needs two-factor"):
        access.require_membership_grant(personas.committee, Role.TRAINEE, personas.site_a)
    enable_totp(personas.committee)
    access.require_membership_grant(personas.committee, Role.TRAINEE, personas.site_a)


def test_the_directory_asks_for_no_two_factor(personas):
    for person in personas.people.values():
        if access.can(person, Action.VIEW_DIRECTORY):
            access.require(person, Action.VIEW_DIRECTORY)


def test_staff_are_asked_for_two_factor_and_use_the_admin_only_with_it(personas):
    person = personas.trainee
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    assert access.needs_two_factor(person)
    assert not access.may_use_admin(person)
    with pytest.raises(TwoFactorRequired):
        access.require_admin(person)
    enable_totp(person)
    assert access.may_use_admin(person)
    assert not access.may_use_admin(personas.committee)  # a role is not staff status
