"""Sign-up, verification, log-in, throttling and password reset, through the real views."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMessage
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from accounts.services import invitation_create
from accounts.tests.factories import PASSWORD, UserFactory
from network.models import Membership, Role
from network.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Dr Nia Jones",
    "email": "nia.jones@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
    "hospital": "Leeds General Infirmary",
    "grade": "st3",
}


@pytest.fixture(autouse=True)
def hospital(db):
    return SiteFactory.create(name="Leeds General Infirmary")


def confirmation_link(message: EmailMessage, path: str = "confirm-email") -> str:
    """The link to `/accounts/<path>/<key>/` that a message from allauth carries."""
    found = re.search(rf"https?://\S+/accounts/{path}/\S+/", str(message.body))
    assert found is not None, message.body
    return found.group(0)


def test_signing_up_sends_a_verification_email_and_verifying_signs_in(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="nia.jones@example.org")
    assert user.full_name == "Dr Nia Jones"
    assert not EmailAddress.objects.get(user=user).verified
    link = confirmation_link(mail.outbox[-1])
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("dashboard")).status_code == 200


def test_an_unverified_person_cannot_sign_in(client):
    UserFactory.create(email="unverified@example.org", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "unverified@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_bad_sign_up_names_each_field_and_creates_no_one(client):
    bad = {**SIGNUP, "full_name": " ", "email": "not-an-email", "password2": "different"}
    response = client.post(reverse("account_signup"), bad)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"full_name", "email"} <= set(errors)
    assert not User.objects.exists()


def test_an_email_already_registered_makes_no_second_account_and_reveals_nothing(client):
    """Whoever signs up with a taken address sees the usual page; the owner gets a warning."""
    UserFactory.create(email="taken@example.org")
    client.post(reverse("account_signup"), {**SIGNUP, "email": "Taken@Example.org"})
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert mail.outbox[-1].to == ["taken@example.org"]
    assert "already" in mail.outbox[-1].body.lower()


@override_settings(RADCOLLAB_SIGNUP_MODE="invite")
def test_invitation_only_sign_up_refuses_strangers(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.exists()


@override_settings(RADCOLLAB_SIGNUP_MODE="invite")
@pytest.mark.usefixtures("two_factor")
def test_an_invited_person_signs_up_verified_and_with_the_role(client, personas):
    invitation = invitation_create(
        actor=personas.site_lead_a, email=SIGNUP["email"], role=Role.MENTOR, site=personas.site_a
    )
    response = client.get(reverse("accounts:invitation", args=[invitation.token]))
    assert response["Location"] == reverse("account_signup")
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert EmailAddress.objects.get(user=user).verified  # the link proved the mailbox
    assert Membership.objects.active().get(person=user).role == Role.MENTOR


@override_settings(RADCOLLAB_SIGNUP_MODE="invite")
@pytest.mark.usefixtures("two_factor")
def test_an_invitation_is_only_for_the_address_it_was_sent_to(client, personas):
    invitation = invitation_create(actor=personas.committee, email="invited@example.org")
    client.get(reverse("accounts:invitation", args=[invitation.token]))
    response = client.post(reverse("account_signup"), SIGNUP)
    assert "invited@example.org" in response.context["form"].errors["email"][0]
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_an_unknown_invitation_link_is_404(client):
    assert client.get(reverse("accounts:invitation", args=["nope"])).status_code == 404


def test_repeated_failed_logins_are_throttled(client, settings):
    UserFactory.create(email="target@example.org")
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}
    )
    assert (
        response.status_code == 429 or "Too many failed login attempts" in response.content.decode()
    )
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_wrong_password_is_reported_on_the_form(client):
    UserFactory.create(email="someone@example.org")
    response = client.post(
        reverse("account_login"), {"login": "someone@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    UserFactory.create(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    link = confirmation_link(mail.outbox[-1], "password/reset/key")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "brand-new-passphrase-42", "password2": "brand-new-passphrase-42"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="forgetful@example.org").check_password("brand-new-passphrase-42")


def test_signing_up_makes_a_pending_member_of_the_chosen_hospital_with_grade_and_scheme(
    client, hospital
):
    from network.tests.factories import TrainingSchemeFactory

    scheme = TrainingSchemeFactory.create(name="West Yorkshire radiology")
    client.post(reverse("account_signup"), {**SIGNUP, "scheme": scheme.pk})
    user = User.objects.get(email=SIGNUP["email"])
    asked = Membership.objects.get(person=user)
    assert (asked.role, asked.site, asked.status) == ("trainee", hospital, "pending")
    assert not Membership.objects.active().filter(person=user).exists()
    assert (user.trainee_profile.grade, user.trainee_profile.scheme) == ("st3", scheme)


def test_a_hospital_not_listed_goes_to_the_committee_as_a_request(client):
    data = {**SIGNUP, "hospital": "", "hospital_not_listed": "St Elsewhere, Harrogate"}
    client.post(reverse("account_signup"), data)
    asked = Membership.objects.get(person__email=SIGNUP["email"])
    assert asked.site is None
    assert asked.status == "pending"
    assert "St Elsewhere, Harrogate" in asked.request_note


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"hospital": "Hogwarts General"}, "hospital", "not one of the network's hospitals"),
        ({"hospital": ""}, "hospital", "Choose your hospital"),
        ({"hospital_not_listed": "Another one"}, "hospital_not_listed", "not both"),
        ({"grade": ""}, "grade", "required"),
    ],
)
def test_sign_up_refuses_an_unknown_or_missing_hospital_on_its_field(client, change, field, words):
    response = client.post(reverse("account_signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists()


@override_settings(RADCOLLAB_SIGNUP_MODE="invite")
@pytest.mark.usefixtures("two_factor")
def test_an_invitation_without_a_role_skips_the_queue(client, personas, hospital):
    invitation = invitation_create(actor=personas.committee, email=SIGNUP["email"])
    client.get(reverse("accounts:invitation", args=[invitation.token]))
    client.post(reverse("account_signup"), SIGNUP)
    held = Membership.objects.get(person__email=SIGNUP["email"])
    assert (held.site, held.status) == (hospital, "active")


@override_settings(RADCOLLAB_SIGNUP_MODE="invite")
@pytest.mark.usefixtures("two_factor")
def test_an_invitation_with_a_role_asks_no_hospital(client, personas):
    invitation = invitation_create(
        actor=personas.site_lead_a, email=SIGNUP["email"], role=Role.MENTOR, site=personas.site_a
    )
    client.get(reverse("accounts:invitation", args=[invitation.token]))
    form = client.get(reverse("account_signup")).context["form"]
    assert "hospital" not in form.fields
    assert "grade" not in form.fields
