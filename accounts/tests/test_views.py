from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once(client, personas):
    client.force_login(personas.trainee)
    response = client.post(reverse("accounts:tokens"), {"name": "my script"})
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    again = client.get(reverse("accounts:tokens"))
    assert secret not in again.content.decode()
    assert "my script" in again.content.decode()


def test_a_token_without_a_name_is_refused_next_to_the_field(client, personas):
    client.force_login(personas.trainee)
    response = client.post(reverse("accounts:tokens"), {"name": ""})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_duplicate_token_name_is_refused_next_to_the_field(client, personas):
    client.force_login(personas.trainee)
    client.post(reverse("accounts:tokens"), {"name": "twice"})
    response = client.post(reverse("accounts:tokens"), {"name": "twice"})
    assert response.status_code == 400
    assert "already" in response.context["form"].errors["name"][0]


def test_revoking_a_token_from_the_page(client, personas):
    client.force_login(personas.trainee)
    client.post(reverse("accounts:tokens"), {"name": "short-lived"})
    token = ApiToken.objects.get(name="short-lived")
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_profile_form_saves_and_refuses_bad_values(client, personas):
    client.force_login(personas.trainee)
    bad = client.post(reverse("accounts:profile"), {"full_name": "", "time_zone": "Nowhere/City"})
    assert bad.status_code == 400
    assert {"full_name", "time_zone"} <= set(bad.context["form"].errors)
    good = client.post(
        reverse("accounts:profile"),
        {"full_name": "Dr A. Trainee", "time_zone": "Europe/Dublin", "version": "1"},
    )
    assert good.status_code == 302
    personas.trainee.refresh_from_db()
    assert personas.trainee.time_zone == "Europe/Dublin"


def test_a_stale_profile_save_shows_the_saved_values_and_a_second_save_wins(client, personas):
    client.force_login(personas.trainee)
    page = client.get(reverse("accounts:profile"))
    assert page.context["form"]["version"].value() == 1
    first = {"full_name": "Dr Tab One", "time_zone": "Europe/Dublin", "version": "1"}
    assert client.post(reverse("accounts:profile"), first).status_code == 302
    second = {"full_name": "Dr Tab Two", "time_zone": "Europe/Dublin", "version": "1"}
    refused = client.post(reverse("accounts:profile"), second)
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "Saved elsewhere while you were editing" in text
    assert "Dr Tab One" in text  # the saved value, to merge
    assert 'value="Dr Tab Two"' in text  # their own, kept in the form
    assert 'name="version" value="2"' in text
    personas.trainee.refresh_from_db()
    assert personas.trainee.full_name == "Dr Tab One"
    again = client.post(reverse("accounts:profile"), {**second, "version": "2"})
    assert again.status_code == 302
    personas.trainee.refresh_from_db()
    assert (personas.trainee.full_name, personas.trainee.version) == ("Dr Tab Two", 3)


@pytest.mark.usefixtures("two_factor")
def test_a_site_lead_invites_with_the_roles_they_may_grant(client, personas):
    client.force_login(personas.site_lead_a)
    page = client.get(reverse("accounts:invitations"))
    offered = [value for value, _ in page.context["form"].fields["role"].choices]
    assert offered == ["", "trainee", "mentor"]
    sites = list(page.context["form"].fields["site"].queryset)
    assert sites == [personas.site_a]
    response = client.post(
        reverse("accounts:invitations"),
        {"email": "colleague@example.org", "role": "trainee", "site": personas.site_a.pk},
    )
    assert response.status_code == 302


@pytest.mark.usefixtures("two_factor")
def test_an_invitation_to_another_site_is_refused(client, personas):
    client.force_login(personas.site_lead_a)
    response = client.post(
        reverse("accounts:invitations"),
        {"email": "colleague@example.org", "role": "trainee", "site": personas.site_b.pk},
    )
    assert response.status_code == 400
    assert "site" in response.context["form"].errors
