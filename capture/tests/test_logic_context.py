"""What branching logic and calculations read besides the values (issue 15, wiring): the
record's name, its site as a data access group, the person and the study's today, on the
entry form's save and on an import alike."""

from __future__ import annotations

import pytest
from django.utils import timezone

from capture import imports, services
from capture.models import Entry
from core.testing.mfa import enable_totp
from formats.datadictionary.tests.builders import dictionary_csv, row

pytestmark = pytest.mark.django_db

CSV = dictionary_csv(
    row("record_id", label="Record ID", form="visit"),
    row("score", label="Score", form="visit", validation="integer"),
    row(
        "who", "calc", "Who", form="visit", choices="concat([record-name], '/', [record-dag-name])"
    ),
    row("by", "calc", "By", form="visit", choices="concat([user-name])"),
    row("days", "calc", "Days", form="visit", choices="datediff('2026-01-01', 'today', 'd')"),
    row("site_note", label="Only at STH", form="visit", logic="[record-dag-name] = 'sth'"),
)


@pytest.fixture
def study(personas):
    study, _ = services.study_create(actor=personas.committee, title="Context", dictionary_csv=CSV)
    site = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="STH"
    )
    services.study_go_live(actor=personas.committee, study=study)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site,
    )
    enable_totp(personas.trainee)
    return study, site


def test_a_save_reads_the_record_its_site_the_person_and_the_studys_today(personas, study):
    the_study, site = study
    record = services.record_create(actor=personas.trainee, study=the_study, study_site=site)
    services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="visit",
        values={"score": "3", "site_note": "kept"},
    )
    data = Entry.objects.get(record=record).data
    today = timezone.localdate()
    assert data["who"] == "STH-1/sth"
    assert data["by"] == personas.trainee.email.partition("@")[0]
    assert data["days"] == str((today - today.replace(month=1, day=1, year=2026)).days)
    assert data["site_note"] == "kept"  # shown: the record's group is sth


def test_an_import_reads_each_records_own_name(personas, study):
    the_study, _ = study
    text = "record_id,score,visit_complete\nSTH-4,1,0\nSTH-9,1,0\n"
    check = imports.import_preview(actor=personas.trainee, study=the_study, text=text)
    assert check.ok, check.errors
    imports.import_commit(actor=personas.trainee, study=the_study, text=text)
    who = dict(Entry.objects.values_list("record__label", "data__who"))
    assert who == {"STH-4": "STH-4/sth", "STH-9": "STH-9/sth"}


NOT_EVALUATED = dictionary_csv(
    row("record_id", label="Record ID", form="visit"),
    row("score", label="Score", form="visit", validation="integer"),
    row("elsewhere", "calc", "From another event", form="visit", choices="[event_1_arm_1][score]"),
)


def test_a_calculation_not_evaluated_here_keeps_its_imported_value_on_a_save(personas):
    study, _ = services.study_create(
        actor=personas.committee, title="Kept", dictionary_csv=NOT_EVALUATED
    )
    site = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="STH"
    )
    services.study_go_live(actor=personas.committee, study=study, acknowledged=True)
    enable_totp(personas.committee)
    text = "record_id,redcap_data_access_group,score,elsewhere,visit_complete\nSTH-1,sth,2,7,0\n"
    check = imports.import_preview(actor=personas.committee, study=study, text=text)
    assert check.ok, check.errors
    imports.import_commit(actor=personas.committee, study=study, text=text)
    entry = Entry.objects.get(record__label="STH-1")
    assert entry.data["elsewhere"] == "7"
    services.entry_save(
        actor=personas.committee, record=entry.record, instrument="visit", values={"score": "3"}
    )
    entry.refresh_from_db()
    assert (entry.data["score"], entry.data["elsewhere"]) == ("3", "7")
    assert site.code == "STH"
