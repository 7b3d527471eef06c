"""The pages of import by identifier: the field names what is wrong, progress while the
look-up runs, then the same preview and confirmation as a file (recorded answers only)."""

from __future__ import annotations

import urllib.error

import pytest
from django.urls import reverse

from outputs import lookup
from outputs.models import Output, OutputImport
from outputs.tests.test_lookup import FakeNetwork

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(monkeypatch):
    fake = FakeNetwork()
    monkeypatch.setattr(lookup, "fetch", fake)
    monkeypatch.setattr(lookup, "sleep", lambda seconds: None)
    return fake


def test_the_import_page_offers_identifiers(client, personas):
    client.force_login(personas.trainee)
    page = client.get(reverse("outputs:import"))
    assert page.status_code == 200
    assert "Or add by DOI, PMID or ORCID iD" in page.content.decode()
    assert reverse("outputs:import_identifiers") in page.content.decode()


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("0000-0002-1825-0098", "“0000-0002-1825-0098” looks like an ORCID iD but its last"),
        ("10.1148", "“10.1148” is not a whole DOI"),
        ("31234567\nmy paper", "“my paper” is not a DOI"),
        ("", "This field is required."),
        (" ,; ", "Enter at least one DOI, PMID or ORCID iD."),
        ("\n".join(str(n) for n in range(1, 52)), "51 identifiers: at most 50 at a time"),
    ],
)
def test_a_malformed_identifier_is_refused_on_the_field(client, personas, typed, words):
    client.force_login(personas.trainee)
    response = client.post(reverse("outputs:import_identifiers"), {"identifiers": typed})
    assert response.status_code == 400
    errors = response.context["id_form"].errors["identifiers"]
    assert any(words in error for error in errors), errors
    assert 'aria-invalid="true"' in response.content.decode() or "error" in (
        response.content.decode()
    )
    assert not OutputImport.objects.exists()


def test_identifiers_are_looked_up_then_previewed_then_imported(client, personas, network):
    client.force_login(personas.trainee)
    response = client.post(
        reverse("outputs:import_identifiers"),
        {"identifiers": "10.1148/radiol.2021203656\n10.9999/missing"},
    )
    assert response.status_code == 302
    job = OutputImport.objects.get()
    assert response["Location"] == reverse("outputs:import_preview", args=[job.pk])
    waiting = client.get(response["Location"])
    assert waiting.status_code == 200
    assert "0 of 2 done" in waiting.content.decode()
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    polled = client.get(response["Location"], headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert "<h1>" not in polled.content.decode()  # only the progress fragment

    lookup.lookup_run(job.pk)
    ended = client.get(response["Location"], headers={"HX-Request": "true"})
    assert (ended.status_code, ended["HX-Refresh"]) == (204, "true")
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Pneumothorax Detection on Chest Radiographs" in text
    assert "DOI 10.1148/radiol.2021203656 · Journal article" in text  # named as it was asked
    assert "looked up at Crossref, PubMed and ORCID" in text
    assert "Not found or not kept (1)" in text
    assert "DOI 10.9999/missing: not found at Crossref" in text

    done = client.post(reverse("outputs:import_confirm", args=[job.pk]), {"entry": ["1"]})
    assert done.status_code == 302
    assert Output.objects.get().doi == "10.1148/radiol.2021203656"
    job.refresh_from_db()
    assert job.state == OutputImport.State.COMMITTED


def test_without_network_the_page_says_so_and_offers_file_import(client, personas, network):
    url = "https://api.crossref.org/works/10.1148/radiol.2021203656"
    network.fail = {url: [urllib.error.URLError(ConnectionRefusedError(111, "refused"))]}
    client.force_login(personas.trainee)
    response = client.post(
        reverse("outputs:import_identifiers"), {"identifiers": "10.1148/radiol.2021203656"}
    )
    lookup.lookup_run(OutputImport.objects.get().pk)
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 422
    assert "No connection to the services" in text
    assert "RadCollab could not reach the internet." in text
    assert "Import a file instead" in text
    assert reverse("outputs:import") in text


def test_someone_elses_look_up_is_not_found(client, personas, network):
    job = lookup.lookup_create(person=personas.mentor, text="33037401")
    client.force_login(personas.trainee)
    assert client.get(reverse("outputs:import_preview", args=[job.pk])).status_code == 404
    assert client.post(reverse("outputs:import_confirm", args=[job.pk])).status_code == 404


def test_a_look_up_still_running_cannot_be_confirmed(client, personas):
    client.force_login(personas.trainee)
    job = lookup.lookup_create(person=personas.trainee, text="33037401")
    response = client.post(reverse("outputs:import_confirm", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert "The look-up has not given anything to import yet." in response.content.decode()
    assert not Output.objects.exists()
