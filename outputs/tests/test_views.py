from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.testing.api import api_client
from core.testing.demo import demo_network
from outputs.models import Output, OutputImport
from outputs.services import AuthorIn
from outputs.tests.factories import BIBTEX_WITH_DUPLICATE_AND_BROKEN, GOOD_BIBTEX, make_output
from people.models import Term

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "kind": "article",
        "title": "Ultrasound of the appendix",
        "authors": "Trainee\nAmélie Dupré | 0000-0002-1825-0097",
        "venue": "Clinical Radiology",
        "date": "2024-05-01",
        "date_precision": "month",
        "status": "published",
        "doi": "",
        "pmid": "",
        "abstract": "",
        "currency": "",
    }
    data.update(changes)
    return data


def test_a_person_adds_filters_and_edits_their_outputs(client, personas):
    client.force_login(personas.trainee)
    theme = Term.objects.get(name="MRI")
    response = client.post(reverse("outputs:create"), form_data(themes=[theme.pk]))
    output = Output.objects.get()
    assert response.status_code == 302
    assert response["Location"] == output.get_absolute_url()
    assert output.date_display == "May 2024"
    last = output.authors.last()
    assert last is not None
    assert last.orcid == "0000-0002-1825-0097"
    listed = client.get(reverse("outputs:mine"), {"theme": theme.pk, "kind": "article"})
    assert list(listed.context["outputs"]) == [output]
    assert not list(client.get(reverse("outputs:mine"), {"kind": "poster"}).context["outputs"])
    edit = reverse("outputs:edit", args=[output.pk])
    assert client.post(edit, form_data(venue="Radiology", version=1)).status_code == 302
    stale = client.post(edit, form_data(venue="European Radiology", version=1))
    assert stale.status_code == 409
    assert "Saved elsewhere while you were editing" in stale.content.decode()
    output.refresh_from_db()
    assert output.venue == "Radiology"


def test_the_list_answers_htmx_with_the_results_only(client, personas):
    make_output(personas.trainee)
    client.force_login(personas.trainee)
    response = client.get(reverse("outputs:mine"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "Diffusion-weighted MRI" in body


def test_bad_input_is_named_next_to_its_field(client, personas):
    client.force_login(personas.trainee)
    response = client.post(reverse("outputs:create"), form_data(doi="nope", authors=" | 0000"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Line 1 has an ORCID iD but no name." in errors["authors"]
    assert not Output.objects.exists()


def test_deleting_asks_then_deletes(client, personas):
    output = make_output(personas.trainee)
    client.force_login(personas.trainee)
    url = reverse("outputs:delete", args=[output.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Output.objects.exists()


def test_an_upload_is_previewed_then_committed(client, personas):
    make_output(
        personas.trainee,
        title="Out-of-hours CT head requests: an audit",
        date=dt.date(2023, 1, 1),
        authors=[AuthorIn("Test Trainee", person=personas.trainee)],
    )
    client.force_login(personas.trainee)
    upload = SimpleUploadedFile("mine.bib", GOOD_BIBTEX.encode())
    response = client.post(reverse("outputs:import"), {"format": "bibtex", "file": upload})
    draft = OutputImport.objects.get()
    assert response["Location"] == reverse("outputs:import_preview", args=[draft.pk])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Already recorded (2)" in body
    assert "Refused (1)" in body
    assert "New (0)" in body
    done = client.post(reverse("outputs:import_confirm", args=[draft.pk]), follow=True)
    assert "0 new, 1 merged into existing outputs, 1 refused" in done.content.decode()
    assert Output.objects.count() == 1
    draft.refresh_from_db()
    assert draft.state == "committed"


def test_a_broken_entry_is_refused_alone_and_the_ticked_entries_are_imported(client, personas):
    client.force_login(personas.trainee)
    client.post(reverse("outputs:import"), {"text": BIBTEX_WITH_DUPLICATE_AND_BROKEN})
    draft = OutputImport.objects.get()
    page = client.get(reverse("outputs:import_preview", args=[draft.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "entry 3 (key broken2024, line 17): it is not valid BibTeX" in body
    assert 'name="entry" value="1" checked' in body
    assert 'name="entry" value="3"' not in body
    done = client.post(
        reverse("outputs:import_confirm", args=[draft.pk]), {"entry": ["2"]}, follow=True
    )
    assert "1 new, 0 merged into existing outputs, 1 refused, 1 left out" in done.content.decode()
    assert list(Output.objects.values_list("title", flat=True)) == [
        "Out-of-hours CT head requests: an audit"
    ]


def test_a_file_that_is_no_bibliography_is_refused_with_its_reason(client, personas):
    client.force_login(personas.trainee)
    client.post(reverse("outputs:import"), {"text": "Dear colleague, my papers."})
    draft = OutputImport.objects.get()
    page = client.get(reverse("outputs:import_preview", args=[draft.pk]))
    assert page.status_code == 422
    assert "it is not a bibliography file" in page.content.decode()
    assert "Import the ticked" not in page.content.decode()
    client.post(reverse("outputs:import_confirm", args=[draft.pk]))
    assert not Output.objects.exists()


def test_an_import_form_without_content_or_with_bad_bytes_is_named(client, personas):
    client.force_login(personas.trainee)
    assert client.post(reverse("outputs:import"), {}).status_code == 400
    upload = SimpleUploadedFile("latin1.bib", "@article{a, title={Caf\xe9}}".encode("latin-1"))
    response = client.post(reverse("outputs:import"), {"file": upload})
    assert response.status_code == 302  # cp1252, as EndNote on Windows writes it
    assert "Café" in OutputImport.objects.get().text
    upload = SimpleUploadedFile("scan.bib", b"\x89PNG\r\n\x1a\n\x00\x00")
    response = client.post(reverse("outputs:import"), {"file": upload})
    assert "scan.bib cannot be imported: it is not a text file" in response.content.decode()


def test_the_api_lists_creates_updates_and_conflicts(personas):
    api = api_client(personas.trainee)
    payload = {"kind": "article", "title": "API paper", "authors": [{"name": "Someone Else"}]}
    created = api.post("/api/v1/outputs", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["authors"][0]["person_id"] is None
    listed = api.get("/api/v1/outputs").json()
    assert [o["title"] for o in listed] == ["API paper"]
    url = f"/api/v1/outputs/{body['id']}"
    update = {**payload, "venue": "Radiology", "version": 1}
    assert api.put(url, json.dumps(update), content_type="application/json").status_code == 200
    stale = api.put(url, json.dumps(update), content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    bad = api.post(
        "/api/v1/outputs", json.dumps({**payload, "doi": "x"}), content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "doi"]
    assert api.delete(url).status_code == 204


def test_the_api_import_previews_then_commits(personas):
    api = api_client(personas.trainee)
    body = json.dumps({"text": GOOD_BIBTEX, "format": "bibtex"})
    dry = api.post("/api/v1/outputs/import?dry_run=true", body, content_type="application/json")
    assert dry.status_code == 200
    assert (dry.json()["new"], dry.json()["duplicates"], dry.json()["refused"]) == (1, 1, 1)
    assert not Output.objects.exists()
    wet = api.post("/api/v1/outputs/import?dry_run=false", body, content_type="application/json")
    assert wet.status_code == 201
    assert wet.json()["import_id"] == OutputImport.objects.get().pk
    broken = json.dumps({"text": BIBTEX_WITH_DUPLICATE_AND_BROKEN, "chosen": [2]})
    partly = api.post(
        "/api/v1/outputs/import?dry_run=false", broken, content_type="application/json"
    )
    assert partly.status_code == 201
    states = [(e["index"], e["state"]) for e in partly.json()["entries"]]
    assert states == [(1, "new"), (2, "duplicate"), (3, "refused")]
    assert partly.json()["entries"][2]["entry"] == "entry 3 (key broken2024, line 17)"
    assert Output.objects.count() == 1  # entry 1 was not chosen; entry 2 merged
    letter = json.dumps({"text": "Dear colleague"})
    refused = api.post(
        "/api/v1/outputs/import?dry_run=false", letter, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["problems"][0].startswith("the file: it is not a bibliography file")


def test_the_command_imports_with_a_progress_bar_and_a_dry_run(personas, tmp_path):
    path = tmp_path / "mine.bib"
    path.write_text(GOOD_BIBTEX, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_outputs",
        str(path),
        person=personas.trainee.email,
        format="bibtex",
        dry_run=True,
        stdout=out,
    )
    assert "Dry run: nothing was written." in out.getvalue()
    assert not Output.objects.exists()
    out = StringIO()
    call_command("import_outputs", str(path), person=personas.trainee.email, stdout=out)
    assert "1 new, 0 merged, 1 refused" in out.getvalue()
    assert "Checking for duplicates" in out.getvalue()
    broken = tmp_path / "letter.txt"
    broken.write_text("Dear colleague", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "import_outputs", str(broken), person=personas.trainee.email, stdout=StringIO()
        )
    with pytest.raises(CommandError, match="No person with the email"):
        call_command("import_outputs", str(path), person="nobody@x.test", stdout=StringIO())


def test_the_demo_seeder_is_idempotent(db):
    demo_network()  # what `seed_demo` builds; then the second run
    first = Output.objects.filter(authors__person__email="trainee@demo.radcollab.org").count()
    call_command("seed_demo", stdout=StringIO())
    again = Output.objects.filter(authors__person__email="trainee@demo.radcollab.org").count()
    assert first == again >= 4
    assert Output.objects.filter(themes__name="Neuroradiology").exists()


def test_an_output_is_linked_to_one_of_my_projects_only(client, personas):
    from outputs.models import Output
    from projects.tests.factories import make_project

    mine = make_project(personas.mentor, title="Stroke mimics on MRI")
    theirs = make_project(personas.site_lead_b, title="Someone else's audit")
    client.force_login(personas.mentor)
    form = {
        "kind": "article",
        "title": "DWI in stroke mimics",
        "authors": "Helen Marsh",
        "date_precision": "day",
        "status": "published",
    }
    refused = client.post("/outputs/new/", {**form, "project": theirs.pk})
    assert refused.status_code == 400
    saved = client.post("/outputs/new/", {**form, "project": mine.pk})
    assert saved.status_code == 302
    output = Output.objects.get()
    assert output.project == mine
    assert "Stroke mimics on MRI" in client.get(output.get_absolute_url()).content.decode()


# --- a person named by someone else answers ------------------------------------------


@pytest.fixture
def naming_mentor(personas):
    from outputs.services import AuthorIn, output_create

    return output_create(
        actor=personas.trainee,
        kind="article",
        title="Stroke mimics on MRI",
        authors=[AuthorIn("Trainee", personas.trainee), AuthorIn("H. Mentor", personas.mentor)],
    )


def test_a_waiting_link_is_not_on_the_persons_outputs_page(client, personas, naming_mentor):
    client.force_login(personas.site_lead_a)
    page = client.get(reverse("outputs:person", args=[personas.mentor.pk])).content.decode()
    assert naming_mentor.title not in page
    detail = client.get(naming_mentor.get_absolute_url()).content.decode()
    assert "once they confirm" not in detail  # only the output's owners see whom it waits for
    client.force_login(personas.trainee)
    detail = client.get(naming_mentor.get_absolute_url()).content.decode()
    assert "(linked to Mentor once they confirm)" in detail


def test_the_person_named_confirms_from_the_confirmation_page(client, personas, naming_mentor):
    client.force_login(personas.mentor)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "1 record names you: confirm or decline" in dashboard
    page = client.get(reverse("confirm_links")).content.decode()
    assert naming_mentor.title in page
    assert "author 2 of 2 as “H. Mentor”" in page
    assert "Named by Trainee." in page
    confirm = reverse("outputs:authorship_confirm", args=[naming_mentor.pk])
    response = client.post(confirm)
    assert response.status_code == 302
    assert response["Location"] == reverse("confirm_links")
    mine = client.get(reverse("outputs:person", args=[personas.mentor.pk])).content.decode()
    assert naming_mentor.title in mine
    assert client.post(confirm).status_code == 404  # answered once


def test_the_person_named_declines_and_the_name_stays(client, personas, naming_mentor):
    client.force_login(personas.mentor)
    response = client.post(reverse("outputs:authorship_decline", args=[naming_mentor.pk]))
    assert response.status_code == 302
    author = naming_mentor.authors.get(position=2)
    assert (author.name, author.person, author.pending_person) == ("H. Mentor", None, None)
    assert "Nothing is waiting for you" in client.get(reverse("confirm_links")).content.decode()


def test_answering_needs_a_post(client, personas, naming_mentor):
    client.force_login(personas.mentor)
    url = reverse("outputs:authorship_confirm", args=[naming_mentor.pk])
    assert client.get(url).status_code == 405


def test_the_person_named_answers_through_the_api(personas, naming_mentor):
    mentor = api_client(personas.mentor)
    (waiting,) = mentor.get("/api/v1/outputs/authorships/waiting").json()
    assert waiting["output_id"] == naming_mentor.pk
    assert waiting["named_by"] == "Trainee"
    confirmed = mentor.post(f"/api/v1/outputs/{naming_mentor.pk}/authorship/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert [a["person_id"] for a in confirmed.json()["authors"]] == [
        personas.trainee.pk,
        personas.mentor.pk,
    ]
    assert mentor.get("/api/v1/outputs/authorships/waiting").json() == []
    assert mentor.post(f"/api/v1/outputs/{naming_mentor.pk}/authorship/decline").status_code == 404


def test_an_output_added_through_the_api_waits_for_the_person_named(personas):
    created = api_client(personas.trainee).post(
        "/api/v1/outputs",
        data=json.dumps(
            {
                "kind": "poster",
                "title": "Named by id",
                "authors": [{"name": "Trainee"}, {"name": "M", "person_id": personas.mentor.pk}],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert [a["person_id"] for a in created.json()["authors"]] == [personas.trainee.pk, None]
    output_id = created.json()["id"]
    declined = api_client(personas.mentor).post(f"/api/v1/outputs/{output_id}/authorship/decline")
    assert declined.status_code == 204
