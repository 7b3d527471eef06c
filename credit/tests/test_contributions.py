"""Contribution records confirmed by the site lead, cited by training, and each
collaborator's group-authorship works as ORCID JSON, BibTeX and RIS."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.api import api_client
from credit import access, contributions, services
from credit.models import ContributionRecord
from credit.tests.factories import make_world, record, set_rules
from outputs.services import AuthorIn, output_create

pytestmark = pytest.mark.django_db
DOI = "10.1259/bjr.20260042"


@pytest.fixture
def world(personas):
    personas.with_two_factor()
    return make_world(personas)


def confirm(personas, world, actor, person):
    sites = access.get_study_to_confirm(personas.people[actor], world.study.pk)[1]
    return contributions.contribution_confirm(
        actor=personas.people[actor], study=world.study, person=personas.people[person], sites=sites
    )


def test_the_site_lead_confirms_what_a_collaborator_of_their_site_did(personas, world):
    made = confirm(personas, world, "site_lead_a", "trainee")
    assert (made.records_entered, made.records_complete) == (3, 2)
    assert made.site.name == "Site A Hospital"
    assert made.confirmed_by == personas.site_lead_a
    assert made.study_roles == ["Collaborator at Site A Hospital"]
    event = AuditEvent.objects.get(action="credit.contribution.confirm")
    assert event.changes["records_complete"] == [None, 2]


def test_confirming_again_replaces_the_counts_and_audits_the_change(personas, world):
    confirm(personas, world, "site_lead_a", "trainee")
    record(personas.trainee, world.study, world.site_a, complete=True)
    again = confirm(personas, world, "committee", "trainee")
    assert ContributionRecord.objects.count() == 1
    assert (again.records_complete, again.confirmed_by) == (3, personas.committee)
    latest = AuditEvent.objects.filter(action="credit.contribution.confirm").latest("pk")
    assert latest.changes["records_complete"] == [2, 3]


def test_a_site_lead_of_another_site_cannot_confirm(personas, world):
    with pytest.raises(ValidationError, match="site you do not lead"):
        confirm(personas, world, "site_lead_b", "trainee")
    assert not ContributionRecord.objects.exists()


def test_nobody_confirms_their_own_record(personas, world):
    with pytest.raises(ValidationError, match="Nobody confirms their own"):
        confirm(personas, world, "site_lead_a", "site_lead_a")
    with pytest.raises(ValidationError, match="Nobody confirms their own"):
        confirm(personas, world, "committee", "committee")


def test_someone_who_did_nothing_in_the_study_has_nothing_to_confirm(personas, world):
    with pytest.raises(ValidationError, match="Nothing is recorded"):
        confirm(personas, world, "committee", "outsider")


def test_people_who_confirm_nothing_are_told_the_study_does_not_exist(personas, world):
    from django.http import Http404

    for who in ("trainee", "mentor", "outsider", "statistician"):
        with pytest.raises(Http404):
            access.get_study_to_confirm(personas.people[who], world.study.pk)
    assert access.get_study_to_confirm(personas.site_lead_b, world.study.pk)[1] == {
        world.site_b.site_id
    }


def test_the_confirmers_page_lists_only_their_sites_people(personas, world, client):
    client.force_login(personas.site_lead_b)
    page = client.get(reverse("credit:contributions", args=[world.study.pk]))
    assert page.status_code == 200
    names = [row.contributor.name for row in page.context["rows"]]
    assert names == ["Site Lead B"]
    assert not page.context["rows"][0].may_confirm  # their own


def test_confirming_through_the_page(personas, world, client):
    client.force_login(personas.site_lead_a)
    url = reverse("credit:contribution_confirm", args=[world.study.pk, personas.trainee.pk])
    response = client.post(url, follow=True)
    assert "Contribution of Trainee confirmed" in response.content.decode()
    page = client.get(reverse("credit:contribution", args=[world.study.pk, personas.trainee.pk]))
    assert "Records entered" in page.content.decode()
    refused = client.post(
        reverse("credit:contribution_confirm", args=[world.study.pk, personas.site_lead_b.pk]),
        follow=True,
    )
    assert "site you do not lead" in refused.content.decode()


def test_training_evidence_cites_a_confirmed_contribution(personas, world):
    from training import services as training
    from training.tests.factories import certificate_set, tracker

    confirm(personas, world, "site_lead_a", "trainee")
    [citable] = training.citable_records(personas.trainee)
    started = tracker(personas.trainee)
    category = certificate_set().categories.first()
    assert category is not None
    evidence = training.evidence_add(
        actor=personas.trainee,
        tracker=started,
        category=category,
        kind="study",
        contribution=citable.key,
    )
    assert evidence.title == f"Contribution to {world.study.title}"
    assert "Confirmed by Site Lead A" in evidence.note
    assert evidence.cites_url == reverse(
        "credit:contribution", args=[world.study.pk, personas.trainee.pk]
    )
    # Someone else's record cannot be cited, nor none at all.
    confirm(personas, world, "site_lead_a", "mentor")
    [mentors] = training.citable_records(personas.mentor)
    for key in (mentors.key, ""):
        with pytest.raises(ValidationError) as error:
            training.evidence_add(
                actor=personas.trainee,
                tracker=started,
                category=category,
                kind="study",
                contribution=key,
            )
        assert "contribution" in error.value.message_dict


def test_the_evidence_form_offers_only_the_persons_confirmed_contributions(personas, world, client):
    from training.tests.factories import tracker

    confirm(personas, world, "site_lead_a", "trainee")
    started = tracker(personas.trainee)
    client.force_login(personas.trainee)
    page = client.get(reverse("training:tracker", args=[started.pk]))
    choices = dict(page.context["form"].fields["contribution"].choices)
    assert list(choices.values())[1:] == [f"Contribution to {world.study.title}"]


def _published(personas, world, *, doi=DOI):
    author_list = set_rules(personas, world)
    services.confirmations_request(actor=personas.committee, author_list=author_list)
    name = author_list.confirmations.get(person=personas.trainee)
    services.name_confirm(
        actor=personas.trainee,
        name=name,
        values={
            "given_names": "Tara",
            "family_name": "Trainee",
            "orcid": "0000-0002-1825-0097",
            "affiliation": "Radiology, Site A Hospital",
        },
    )
    services.list_lock(actor=personas.committee, author_list=author_list)
    author_list.refresh_from_db()
    output_create(
        actor=None,
        kind="article",
        title="Head CT in minor injury: a national audit",
        authors=[AuthorIn(name="CT Head Collaborative")],
        venue="Clinical Radiology",
        date=dt.date(2026, 5, 14),
        status="published",
        doi=doi,
        volume="81",
        pages="100-108",
    )
    return contributions.publication_link(
        actor=personas.committee, author_list=author_list, doi=f"https://doi.org/{doi}"
    )


def test_a_collaborators_works_as_orcid_json_with_the_group_author(personas, world):
    _published(personas, world)
    [work] = contributions.orcid_works(personas.trainee)["bulk"]
    work = work["work"]
    assert work["type"] == "journal-article"
    assert work["title"]["title"]["value"] == "Head CT in minor injury: a national audit"
    assert work["journal-title"]["value"] == "Clinical Radiology"
    [doi] = work["external-ids"]["external-id"]
    assert (doi["external-id-type"], doi["external-id-value"]) == ("doi", DOI)
    assert doi["external-id-relationship"] == "self"
    group, me = work["contributors"]["contributor"]
    assert group["credit-name"]["value"] == "CT Head Collaborative"
    assert group["contributor-attributes"]["contributor-sequence"] == "first"
    assert me["contributor-orcid"]["path"] == "0000-0002-1825-0097"
    assert me["credit-name"]["value"] == "Tara Trainee"
    assert work["publication-date"]["year"]["value"] == "2026"
    # Someone not on the locked list has no works.
    assert contributions.orcid_works(personas.outsider) == {"bulk": []}


def test_bibtex_and_ris_name_the_consortium_as_the_author(personas, world):
    _published(personas, world)
    bib = contributions.works_bibtex(personas.trainee)
    assert "author = {{CT Head Collaborative}}" in bib
    assert "doi = {10.1259/bjr.20260042}" in bib
    assert "pages = {100--108}" in bib
    ris = contributions.works_ris(personas.trainee)
    assert "TY  - JOUR" in ris
    assert "AU  - CT Head Collaborative," in ris
    assert "DO  - 10.1259/bjr.20260042" in ris


def test_the_works_page_and_downloads(personas, world, client):
    _published(personas, world)
    client.force_login(personas.trainee)
    page = client.get(reverse("credit:works"))
    assert "Head CT in minor injury" in page.content.decode()
    body = client.get(reverse("credit:works_export", args=["orcid.json"]))
    assert body["Content-Type"] == "application/json"
    assert json.loads(body.content)["bulk"][0]["work"]["type"] == "journal-article"
    assert client.get(reverse("credit:works_export", args=["bib"])).status_code == 200
    assert client.get(reverse("credit:works_export", args=["ris"])).status_code == 200
    assert client.get(reverse("credit:works_export", args=["xml"])).status_code == 404


def test_linking_a_publication_names_a_doi_that_is_not_an_output(personas, world):
    author_list = set_rules(personas, world)
    for doi, problem in (("", "Give the paper's DOI"), ("10.9999/none", "No output has")):
        with pytest.raises(ValidationError) as error:
            contributions.publication_link(
                actor=personas.committee, author_list=author_list, doi=doi
            )
        assert problem in error.value.message_dict["doi"][0]
    author_list.refresh_from_db()
    assert author_list.publication is None


def test_an_orcid_work_leaves_out_what_is_not_known():
    from types import SimpleNamespace

    from credit import core

    me = core.Contributor(person_id=1, given_names="Ana", family_name="Silva")
    output = SimpleNamespace(title="A paper", venue="", doi="", date=None, date_precision="day")
    work = contributions.orcid_work(
        contributions.Work(None, output, "RadCollab Group", me)  # type: ignore[arg-type]
    )
    assert "journal-title" not in work
    assert "publication-date" not in work
    assert "url" not in work
    assert work["external-ids"] == {"external-id": []}
    assert "contributor-orcid" not in work["contributors"]["contributor"][1]


def test_through_the_api_a_site_lead_lists_confirms_and_reads_a_record(personas, world):
    api = api_client(personas.site_lead_a)
    base = f"/api/v1/credit/studies/{world.study.pk}/contributions"
    rows = {row["person_id"]: row for row in api.get(base).json()}
    trainee = rows[personas.trainee.pk]
    assert (trainee["records_entered"], trainee["may_confirm"], trainee["confirmed"]) == (
        3,
        True,
        None,
    )
    assert rows[personas.site_lead_a.pk]["may_confirm"] is False  # never one's own

    made = api.post(f"{base}/{personas.trainee.pk}/confirm")
    assert made.status_code == 200
    assert made.json()["records_complete"] == 2
    assert made.json()["confirmed_by"] == str(personas.site_lead_a)
    assert AuditEvent.objects.filter(action="credit.contribution.confirm").count() == 1
    assert api.get(f"{base}/{personas.trainee.pk}").json()["summary"]

    own = api.post(f"{base}/{personas.site_lead_a.pk}/confirm")
    assert own.status_code == 422
    assert "Nobody confirms their own" in own.json()["detail"][0]["msg"]
    assert api.post(f"{base}/999999/confirm").status_code == 404
