"""core.bulk, the one bulk-insert helper (record imports, output imports): rows in the
database's own form, other columns at their defaults."""

from __future__ import annotations

import pytest
from django.utils import timezone

from capture.models import Entry, Record
from capture.tests.factories import make_study
from core import bulk
from outputs.models import Author
from outputs.services import AuthorIn
from outputs.tests.factories import make_output

pytestmark = pytest.mark.django_db


def test_inserted_rows_get_ids_in_order_and_defaults_for_columns_not_given(personas):
    study, site_a, site_b = make_study(personas)
    table = bulk.Table(Record, ("study", "study_site", "number", "label"))
    rows = [(study.pk, site.pk, n, f"{site.code}-{n}") for site in (site_b, site_a) for n in (2, 1)]
    ids = table.insert_with_ids(rows)
    assert [Record.objects.get(pk=pk).label for pk in ids] == ["BBB-2", "BBB-1", "AAA-2", "AAA-1"]
    record = Record.objects.get(pk=ids[0])
    assert (record.locked, record.signed, record.locked_at, record.created_by) == (
        False,
        False,
        None,
        None,
    )
    assert abs((timezone.now() - record.created_at).total_seconds()) < 60
    assert table.insert_with_ids([]) == []


def test_json_and_datetimes_are_stored_as_django_reads_them(personas):
    study, site_a, _ = make_study(personas)
    (record_id,) = bulk.Table(Record, ("study", "study_site", "number", "label")).insert_with_ids(
        [(study.pk, site_a.pk, 1, "AAA-1")]
    )
    entries = bulk.Table(Entry, ("record", "instrument", "instance", "data", "status"))
    data = {"age": "40", "modality": ["1", "3"], "comment": 'naïve "quoted"\nline'}
    entries.insert([(record_id, "baseline", 1, bulk.db_json(data), 2)])
    entry = Entry.objects.get(record_id=record_id)
    assert (entry.data, entry.status, entry.version, entry.locked) == (data, 2, 1, False)
    assert Entry.objects.filter(pk=entry.pk, data__age="40").exists()


def test_rows_without_ids_go_in_batches_and_read_back_as_the_model_has_them(personas):
    output = make_output(personas.trainee, authors=[AuthorIn(name="Someone Else")])
    Author.objects.filter(output=output).delete()
    table = bulk.Table(Author, ("output", "position", "name", "person", "family"))
    table.insert([(output.pk, n, f"Author {n}", None, f"Family {n}") for n in range(1, 4)])
    table.insert([])
    authors = list(Author.objects.filter(output=output).order_by("position"))
    assert [(a.position, a.name, a.family, a.given, a.person) for a in authors] == [
        (1, "Author 1", "Family 1", "", None),
        (2, "Author 2", "Family 2", "", None),
        (3, "Author 3", "Family 3", "", None),
    ]


def test_every_column_not_given_takes_its_default_once_for_all_rows(personas):
    table = bulk.Table(Author, ("output", "position", "name"))
    assert len(table.columns) == len(table.constants) + 3
    assert "given" not in [c.strip('"`') for c in table.columns[:3]]
