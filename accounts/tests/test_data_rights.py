"""A person downloads everything held about them, and may delete their account: study
data stays under a pseudonym, audit rows keep the id but lose the name and email."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from accounts import data_rights
from accounts.models import ApiToken, User
from accounts.services import api_token_create, profile_update
from accounts.tests.factories import PASSWORD
from audit.models import AuditEvent
from core.testing.matrix import Route, check_matrix, expect
from network.models import Membership

pytestmark = pytest.mark.django_db


def test_the_archive_holds_profile_roles_tokens_and_audit_rows_but_no_secret(personas):
    person = personas.site_lead_a
    profile_update(
        user=person, version=person.version, full_name="Ada Lead", time_zone="Europe/London"
    )
    api_token_create(user=person, name="script")
    archive = zipfile.ZipFile(io.BytesIO(data_rights.person_archive(person)))
    data = json.loads(archive.read("radcollab-data.json"))
    assert data["accounts.user"][0]["email"] == person.email
    assert "password" not in data["accounts.user"][0]
    assert any(m["role"] == "site_lead" for m in data["network.membership (person)"])
    token = data["accounts.apitoken (user)"][0]
    assert token["name"] == "script"
    assert "digest" not in token
    assert {"user.update", "api_token.create"} <= {e["action"] for e in data["audit.auditevent"]}
    names = set(archive.namelist())
    assert {"csv/accounts-user.csv", "csv/network-membership-person.csv"} <= names
    assert "Ada Lead" in archive.read("csv/accounts-user.csv").decode()


def test_the_download_is_a_zip_from_the_account_page(personas):
    client = Client()
    client.force_login(personas.trainee)
    page = client.get(reverse("accounts:my_data"))
    assert "network.membership (person)" in page.content.decode()
    response = client.post(reverse("accounts:my_data"))
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None


def test_deleting_needs_the_password_and_changes_nothing_without_it(personas):
    with pytest.raises(ValidationError, match="not your password"):
        data_rights.account_delete(user=personas.trainee, password="wrong")
    assert User.objects.get(pk=personas.trainee.pk).is_active


def test_deleting_pseudonymises_the_account_and_its_audit_rows(personas):
    person = personas.site_lead_a
    email, pk = person.email, person.pk
    profile_update(
        user=person, version=person.version, full_name="Ada Lead", time_zone="Europe/Paris"
    )
    api_token_create(user=person, name="script")
    data_rights.account_delete(user=person, password=PASSWORD)
    person.refresh_from_db()
    assert person.full_name == f"Former member #{pk}"
    assert email not in person.email
    assert not person.is_active
    assert not person.has_usable_password()
    assert not ApiToken.objects.filter(user=person).exists()
    assert not Membership.objects.active().filter(person=person).exists()
    rows = AuditEvent.objects.filter(actor_id=pk)
    assert rows.filter(action="user.delete").exists()
    assert set(rows.values_list("actor_label", flat=True)) == {f"Former member #{pk}"}
    about = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(pk))
    for event in about:
        assert "Ada Lead" not in json.dumps(event.changes)
        assert event.object_label == f"Former member #{pk}"


def test_the_database_still_refuses_any_other_change_to_an_audit_row(personas):
    from django.db import models

    profile_update(
        user=personas.trainee,
        version=personas.trainee.version,
        full_name="T",
        time_zone="Europe/London",
    )
    event = AuditEvent.objects.filter(actor_id=personas.trainee.pk).first()
    assert event is not None
    # A bare QuerySet, past the model's manager (subscripting QuerySet in an expression
    # confuses the django-stubs plugin on a cold cache, so it stays untyped).
    plain: Any = models.QuerySet(model=AuditEvent).filter(pk=event.pk)
    for change in ({"action": "forged"}, {"actor_label": "Someone else"}, {"reason": "x"}):
        with pytest.raises(DatabaseError), transaction.atomic():
            plain.update(**change)


def test_the_account_page_deletes_and_signs_out(personas):
    client = Client()
    client.force_login(personas.mentor)
    page = client.get(reverse("accounts:delete"))
    assert f"Former member #{personas.mentor.pk}" in page.content.decode()
    refused = client.post(reverse("accounts:delete"), {"password": "nope"})
    assert refused.status_code == 400
    done = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert done.status_code == 302
    assert client.get("/dashboard/").status_code == 302


# Everyone signed in has their own data and account; signed out is asked to sign in.
@pytest.mark.parametrize(
    "route",
    [
        Route("my data page", lambda p, w, pl: reverse("accounts:my_data")),
        Route("my data download", lambda p, w, pl: reverse("accounts:my_data"), method="post"),
        Route("delete account page", lambda p, w, pl: reverse("accounts:delete")),
    ],
    ids=lambda r: r.label,
)
def test_data_rights_access_matrix(personas, route):
    check_matrix(personas, route, expect((200, 200)))


def test_a_wrong_password_on_the_delete_route_is_400_for_everyone(personas):
    route = Route(
        "delete account with a wrong password",
        lambda p, w, pl: reverse("accounts:delete"),
        method="post",
        data=lambda p, w, pl: {"password": "wrong"},
    )
    check_matrix(personas, route, expect((400, 400)))
