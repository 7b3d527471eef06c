"""The credit pages and API: the committee's journey, a collaborator's view, the exports."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_create
from credit import services
from credit.models import AuthorList, NameConfirmation
from credit.tests.factories import make_world, set_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(two_factor):
    return make_world(two_factor)


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def url(name, world, *extra):
    return reverse(f"credit:{name}", args=[world.study.pk, *extra])


RULES_POST = {
    "consortium_name": "CT Head Collaborative",
    "min_complete_records": "2",
    "site_leads_qualify": "on",
    "grouping": "site",
}


def test_the_committee_sets_rules_and_sees_why_each_person_qualifies(two_factor, world):
    committee = client_for(two_factor.committee)
    assert "Set the authorship rules" in committee.get(url("study", world)).content.decode()
    response = committee.post(url("rules", world), RULES_POST)
    assert response.status_code == 302
    page = committee.get(url("study", world)).content.decode()
    assert "2 complete records (at least 2 needed)" in page
    assert "No: 0 complete records; 2 needed; not a site lead" in page  # the mentor
    assert "Site A Hospital" in page


def test_bad_rules_come_back_with_the_field_named(two_factor, world):
    committee = client_for(two_factor.committee)
    bad = {**RULES_POST, "consortium_name": "", "min_complete_records": "0", "grouping": "city"}
    response = committee.post(url("rules", world), bad)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"consortium_name", "min_complete_records", "grouping"}
    no_route = {"consortium_name": "C", "grouping": "site"}
    response = committee.post(url("rules", world), no_route)
    assert response.status_code == 400
    assert "at least one way" in response.content.decode()
    unknown_project = {**RULES_POST, "project": "999999"}
    response = committee.post(url("rules", world), unknown_project)
    assert "There is no project number 999999" in response.content.decode()


def test_a_collaborator_sees_their_own_work_not_others_before_the_lock(two_factor, world):
    set_rules(two_factor, world)
    trainee = client_for(two_factor.trainee)
    page = trainee.get(url("study", world)).content.decode()
    assert "Entered 3 records, 2 of them complete" in page
    assert "You qualify for the collaborator list" in page
    assert "Site Lead B" not in page
    assert "once the committee locks it" in page


def _locked(personas, world) -> AuthorList:
    author_list = set_rules(personas, world)
    services.confirmations_request(actor=personas.committee, author_list=author_list)
    services.list_lock(actor=personas.committee, author_list=author_list)
    return author_list


def test_after_the_lock_a_collaborator_sees_the_list_and_gets_a_certificate(two_factor, world):
    _locked(two_factor, world)
    trainee = client_for(two_factor.trainee)
    page = trainee.get(url("study", world)).content.decode()
    assert "Site Lead B" in page
    certificate = trainee.get(url("export", world, "certificate"))
    assert certificate.status_code == 200
    assert certificate["Content-Type"] == "application/pdf"
    assert certificate.content.startswith(b"%PDF")
    # The mentor validated but is not on the list under these rules: no certificate.
    assert client_for(two_factor.mentor).get(url("export", world, "certificate")).status_code == 404


def test_a_collaborator_confirms_their_name_through_the_confirmation_page(two_factor, world):
    author_list = set_rules(two_factor, world)
    services.confirmations_request(actor=two_factor.committee, author_list=author_list)
    trainee = client_for(two_factor.trainee)
    waiting = trainee.get(reverse("confirm_links")).content.decode()
    assert "Collaborator name" in waiting
    bad = {"given_names": "Tara", "family_name": "", "orcid": "0000-0002-1825-0098"}
    response = trainee.post(url("confirm", world), bad)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"family_name", "orcid"}
    good = {**bad, "family_name": "Trainee", "orcid": "0000-0002-1825-0097", "affiliation": "A"}
    assert trainee.post(url("confirm", world), good).status_code == 302
    name = NameConfirmation.objects.get(person=two_factor.trainee)
    assert (name.state, name.given_names) == ("confirmed", "Tara")
    assert "Collaborator name" not in trainee.get(reverse("confirm_links")).content.decode()


def test_confirm_as_shown_and_decline_answer_from_the_confirmation_page(two_factor, world):
    author_list = set_rules(two_factor, world)
    services.confirmations_request(actor=two_factor.committee, author_list=author_list)
    response = client_for(two_factor.trainee).post(url("confirm_as_shown", world))
    assert response["Location"] == reverse("confirm_links")
    assert NameConfirmation.objects.get(person=two_factor.trainee).state == "confirmed"
    client_for(two_factor.site_lead_a).post(url("decline", world))
    assert NameConfirmation.objects.get(person=two_factor.site_lead_a).state == "declined"


def test_the_committee_exports_the_locked_list(two_factor, world):
    from docx import Document

    _locked(two_factor, world)
    committee = client_for(two_factor.committee)
    docx = committee.get(url("export", world, "docx"))
    assert docx.status_code == 200
    assert 'filename="collaborators.docx"' in docx["Content-Disposition"]
    texts = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Site A Hospital" in texts
    assert "Site B Hospital" in texts
    assert any(text.startswith("Site Lead B") for text in texts)
    csv = committee.get(url("export", world, "csv")).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("group,position,given_names,family_name")
    pubmed = committee.get(url("export", world, "pubmed")).content.decode()
    assert "CN  - CT Head Collaborative" in pubmed
    assert committee.get(url("export", world, "xls")).status_code == 404


def test_an_unlocked_list_exports_as_a_draft(two_factor, world):
    set_rules(two_factor, world)
    response = client_for(two_factor.committee).get(url("export", world, "csv"))
    assert 'filename="draft-collaborators.csv"' in response["Content-Disposition"]


def test_the_committee_corrects_a_locked_name_with_a_reason(two_factor, world):
    _locked(two_factor, world)
    name = NameConfirmation.objects.get(person=two_factor.trainee)
    committee = client_for(two_factor.committee)
    target = url("correct", world, name.pk)
    response = committee.post(target, {"family_name": "Trainée"})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    done = committee.post(target, {"family_name": "Trainée", "reason": "Proof correction"})
    assert done.status_code == 302
    assert "Trainée" in committee.get(url("export", world, "pubmed")).content.decode()


def test_lock_and_unlock_from_the_page(two_factor, world):
    set_rules(two_factor, world)
    committee = client_for(two_factor.committee)
    committee.post(url("lock", world))
    assert AuthorList.objects.get().is_locked
    assert committee.post(url("unlock", world), {"reason": ""}).status_code == 400
    committee.post(url("unlock", world), {"reason": "Reviewer asked for a site to be added"})
    assert not AuthorList.objects.get().is_locked


def test_the_writing_committee_is_named_by_email(two_factor, world):
    set_rules(two_factor, world)
    committee = client_for(two_factor.committee)
    response = committee.post(
        url("committee_add", world), {"email": "nobody@x.test", "role": "Chair"}
    )
    assert response.status_code == 400
    assert "Nobody has an account with the email nobody@x.test" in response.content.decode()
    committee.post(url("committee_add", world), {"email": "mentor@personas.test", "role": "Chair"})
    assert "writing committee (Chair)" in committee.get(url("study", world)).content.decode()


def test_my_credit_lists_my_studies_and_the_committee_sees_every_list(two_factor, world):
    page = client_for(two_factor.trainee).get(reverse("credit:mine")).content.decode()
    assert "3 records entered, 2 complete" in page
    assert "Author lists (committee)" not in page
    committee = client_for(two_factor.committee).get(reverse("credit:mine")).content.decode()
    assert "Author lists (committee)" in committee


# --- API ------------------------------------------------------------------------------


def api(person) -> Client:
    secret = api_token_create(user=person, name="test").secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def api_url(world, tail):
    return f"/api/v1/credit/studies/{world.study.pk}/{tail}"


def test_the_api_gives_the_committee_reasons_and_collaborators_the_published_list(
    two_factor, world
):
    set_rules(two_factor, world)
    full = api(two_factor.committee).get(api_url(world, "author-list")).json()
    assert full["locked"] is False
    assert {d["name"]: d["qualifies"] for d in full["decisions"]}["Mentor"] is False
    trainee = api(two_factor.trainee)
    assert trainee.get(api_url(world, "author-list")).status_code == 404
    me = trainee.get(api_url(world, "contributions/me")).json()
    assert (me["records_complete"], me["qualifies"]) == (2, True)
    services.list_lock(actor=two_factor.committee, author_list=AuthorList.objects.get())
    published = trainee.get(api_url(world, "author-list")).json()
    assert published["decisions"] is None
    assert published["size"] == 3


def test_the_api_sets_rules_and_names_the_field_at_fault(two_factor, world):
    committee = api(two_factor.committee)
    body = {"consortium_name": "", "min_complete_records": 0, "grouping": "site"}
    response = committee.put(
        api_url(world, "rules"), data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["detail"]}
    assert fields == {"consortium_name", "min_complete_records"}
    body = {"consortium_name": "C", "min_complete_records": 2}
    response = committee.put(
        api_url(world, "rules"), data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["size"] == 3
    trainee = api(two_factor.trainee).put(
        api_url(world, "rules"), data=json.dumps(body), content_type="application/json"
    )
    assert trainee.status_code == 403


def test_the_people_table_filters_and_names_a_bad_page(two_factor, world):
    set_rules(two_factor, world)
    committee = client_for(two_factor.committee)
    page = committee.get(url("study", world), {"show": "out"}).content.decode()
    assert "No: 0 complete records" in page
    assert "<strong>Yes</strong>" not in page
    found = committee.get(url("study", world), {"q": "trainee"}).content.decode()
    assert "2 of 3" in found
    assert "Nobody matches" in committee.get(url("study", world), {"q": "zzz"}).content.decode()
    bad = committee.get(url("study", world), {"page": "0", "show": "maybe"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Select a valid choice" in text
    assert "Ensure this value is greater than or equal to 1" in text
