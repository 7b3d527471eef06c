"""The completeness counts: kept by every write, equal to a direct count, and site-scoped."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from capture import completeness, imports, services
from capture.imports import commit as import_commit_module
from capture.models import DataQuery, Entry, Record, SiteCompleteness
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    study, site_a, site_b = make_study(personas)
    grants = [
        (personas.trainee, "collaborator", site_a),
        (personas.site_lead_a, "site_lead", site_a),
        (personas.site_lead_b, "site_lead", site_b),
        (personas.mentor, "validator", None),
    ]
    for person, role, site in grants:
        services.study_grant_role(
            actor=personas.committee, study=study, person=person, role=role, study_site=site
        )
    for person in (personas.trainee, personas.committee, personas.mentor):
        enable_totp(person)
    return study


def direct_counts(study):
    """What the dashboard must show, counted from the data without the kept counts."""
    found = {}
    for site in study.study_sites.all():
        found[site.code] = (
            Record.objects.filter(study_site=site).count(),
            Entry.objects.filter(record__study_site=site, status=Entry.Status.COMPLETE).count(),
            DataQuery.objects.filter(
                entry__record__study_site=site, state=DataQuery.State.OPEN
            ).count(),
        )
    return found


def kept_counts(study):
    return {
        row.study_site.code: (row.records, row.complete, row.open_queries)
        for row in SiteCompleteness.objects.filter(study_site__study=study).select_related(
            "study_site"
        )
    }


def save(personas, record, status, instrument="baseline", **values):
    return services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument=instrument,
        values=values or {"age": "40"},
        status=status,
        confirmed=True,
    )


def test_a_new_site_starts_at_zero(personas, study):
    assert kept_counts(study) == {"AAA": (0, 0, 0), "BBB": (0, 0, 0)}


def test_saves_count_records_and_complete_instruments_both_ways(personas, study):
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    assert kept_counts(study)["AAA"] == (1, 0, 0)
    save(personas, record, Entry.Status.COMPLETE)
    save(personas, record, Entry.Status.COMPLETE, instrument="reading", lesions="2")
    assert kept_counts(study)["AAA"] == (1, 2, 0)
    save(personas, record, Entry.Status.COMPLETE, age="41")  # still complete: no change
    assert kept_counts(study)["AAA"] == (1, 2, 0)
    save(personas, record, Entry.Status.UNVERIFIED, age="42")
    assert kept_counts(study)["AAA"] == (1, 1, 0)
    assert kept_counts(study) == direct_counts(study)


def test_queries_count_while_open_and_again_when_reopened(personas, study):
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    entry = save(personas, record, Entry.Status.COMPLETE).entry
    query = services.query_raise(actor=personas.mentor, entry=entry, field_name="age", text="?")
    assert kept_counts(study)["AAA"][2] == 1
    services.query_answer(actor=personas.trainee, query=query, text="Checked.")
    assert kept_counts(study)["AAA"][2] == 0
    services.query_close(actor=personas.mentor, query=query)
    services.query_reopen(actor=personas.mentor, query=query, text="Not quite.")
    assert kept_counts(study)["AAA"][2] == 1
    assert kept_counts(study) == direct_counts(study)


def test_locking_and_unlocking_change_no_count(personas, study):
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    save(personas, record, Entry.Status.COMPLETE)
    before = kept_counts(study)
    services.record_lock(actor=personas.committee, record=record)
    services.record_unlock(actor=personas.committee, record=record, reason="A correction.")
    assert kept_counts(study) == before == direct_counts(study)


HEADER = "record_id,redcap_data_access_group,age,baseline_complete,lesions,reading_complete\n"


def test_an_import_counts_new_records_and_status_changes_of_existing_ones(personas, study):
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    save(personas, record, Entry.Status.COMPLETE)
    text = HEADER + "AAA-1,aaa,50,0,,\nAAA-2,aaa,51,2,3,2\nAAA-3,aaa,52,1,,\nBBB-1,bbb,53,2,,\n"
    imports.import_commit(actor=personas.committee, study=study, text=text)
    # AAA-1's baseline went from complete to incomplete; AAA-2 brings two complete forms.
    assert kept_counts(study) == {"AAA": (3, 2, 0), "BBB": (1, 1, 0)}
    assert kept_counts(study) == direct_counts(study)


def test_a_bad_row_after_batches_were_written_leaves_nothing_not_even_counts(
    personas, study, monkeypatch
):
    monkeypatch.setattr(import_commit_module, "BATCH", 2)  # where import_commit reads it
    good = "".join(f"AAA-{n},aaa,40,2,,\n" for n in range(1, 8))
    text = HEADER + good + "AAA-8,aaa,forty,2,,\n"
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_commit(actor=personas.committee, study=study, text=text)
    assert [(f.row, f.column) for f in refused.value.check.errors] == [(9, "age")]
    assert not Record.objects.exists()
    assert not Entry.objects.exists()
    assert kept_counts(study) == {"AAA": (0, 0, 0), "BBB": (0, 0, 0)}
    assert study.study_sites.get(code="AAA").next_number == 1


def test_a_clean_import_in_many_batches_writes_every_record_its_audit_and_numbers(
    personas, study, monkeypatch
):
    from audit.models import AuditEvent

    monkeypatch.setattr(import_commit_module, "BATCH", 2)  # where import_commit reads it
    text = HEADER + "".join(f"AAA-{n},aaa,{30 + n},2,{n},1\n" for n in range(1, 8))
    check = imports.import_commit(actor=personas.committee, study=study, text=text)
    assert (check.records, check.new_records) == (7, 7)
    entry = Entry.objects.get(record__label="AAA-7", instrument="reading")
    assert (entry.data, entry.status, entry.version) == ({"lesions": "7", "size_cm": ""}, 1, 1)
    events = AuditEvent.objects.filter(action="record.import", object_label="AAA-7")
    assert [e.changes for e in events] == [{"age": [None, "37"], "lesions": [None, "7"]}]
    assert events[0].site_id == personas.site_a.pk
    assert str(events[0].object_id) == str(entry.record_id)
    assert study.study_sites.get(code="AAA").next_number == 8
    assert kept_counts(study) == direct_counts(study) == {"AAA": (7, 7, 0), "BBB": (0, 0, 0)}


def test_recount_repairs_counts_after_a_change_made_outside_the_services(personas, study):
    site_a = study.study_sites.get(code="AAA")
    for _ in range(3):
        record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
        save(personas, record, Entry.Status.COMPLETE)
    record.delete()  # no service deletes records; a shell or the admin could
    assert kept_counts(study)["AAA"] == (3, 3, 0)
    call_command("recount_completeness", study=study.pk, stdout=None)
    assert kept_counts(study) == direct_counts(study) == {"AAA": (2, 2, 0), "BBB": (0, 0, 0)}


def test_a_missing_count_row_is_counted_from_the_data_at_the_next_change(personas, study):
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    save(personas, record, Entry.Status.COMPLETE)
    SiteCompleteness.objects.filter(study_site=site_a).delete()
    services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    assert kept_counts(study)["AAA"] == (2, 1, 0) == direct_counts(study)["AAA"]


def page_rows(client, person, study):
    client.force_login(person)
    response = client.get(reverse("capture:study", args=[study.pk]))
    assert response.status_code == 200
    shown = response.context["completeness"]
    return {row.site.code: (row.records, row.complete, row.open_queries) for row in shown}, shown


def test_the_page_shows_the_direct_counts_of_the_sites_a_person_may_see(client, personas, study):
    site_a, site_b = study.study_sites.get(code="AAA"), study.study_sites.get(code="BBB")
    text = HEADER + "AAA-1,aaa,50,2,1,2\nAAA-2,aaa,51,0,,\nBBB-1,bbb,53,2,,\n"
    imports.import_commit(actor=personas.committee, study=study, text=text)
    entry = Entry.objects.get(record__label="BBB-1", instrument="baseline")
    services.query_raise(actor=personas.mentor, entry=entry, field_name="age", text="?")
    direct = direct_counts(study)

    rows, shown = page_rows(client, personas.committee, study)
    assert rows == direct
    assert shown.every_site
    assert (shown.total.records, shown.total.complete, shown.total.open_queries) == (3, 3, 1)
    rows, shown = page_rows(client, personas.site_lead_a, study)
    assert rows == {"AAA": direct["AAA"]}
    assert not shown.every_site
    rows, _ = page_rows(client, personas.site_lead_b, study)
    assert rows == {"BBB": direct["BBB"]}
    assert site_a.pk != site_b.pk
    # A site lead's page never carries another site's figures, even in the totals.
    client.force_login(personas.site_lead_a)
    page = client.get(reverse("capture:study", args=[study.pk])).content.decode()
    assert "BBB" not in page


def test_completeness_rows_follow_access_sites(personas, study):
    rows = completeness.site_rows(personas.trainee, study)
    assert [getattr(row.site, "code", None) for row in rows] == ["AAA"]
    assert len(completeness.site_rows(personas.mentor, study)) == 2
