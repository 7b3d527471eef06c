"""Record-id values typed into the entry form are replaced by the record's own id.

Before issue 13 the entry form showed the record-id field as an editable box, so a name or
a date of birth could be saved there. RadCollab gives the record id; the form now shows it
and the save writes it. This replaces any other value already stored in that field with the
record's id, with an audit row per entry that does not repeat the value it replaces (it may
be a patient identifier). A blank value is left as it is: the next save fills it in.
"""

import csv
import io

from django.db import migrations
from django.utils import timezone

REASON = (
    "The record ID is given by RadCollab: a value typed in its place was replaced "
    "(not repeated here, as it may identify a patient)."
)


def _record_id_field(csv_text):
    """The dictionary's first field and its form: REDCap's record-id field."""
    rows = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    next(rows, None)
    first = next(rows, None)
    return (first[0].strip(), first[1].strip()) if first and len(first) > 1 else (None, None)


def replace_typed_record_ids(apps, schema_editor):
    Study = apps.get_model("capture", "Study")
    Entry = apps.get_model("capture", "Entry")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for study in Study.objects.all():
        version = study.versions.filter(state="applied").order_by("-number").first()
        if version is None:
            continue
        name, form = _record_id_field(version.csv)
        entries = Entry.objects.filter(record__study=study, instrument=form).select_related(
            "record__study_site__site"
        )
        for entry in entries.iterator():
            record = entry.record
            typed = entry.data.get(name)
            if typed in (None, "", record.label):
                continue
            entry.data = {**entry.data, name: record.label}
            entry.version += 1
            entry.save(update_fields=["data", "version"])
            suffix = f" #{entry.instance}" if entry.instance > 1 else ""
            site = record.study_site.site
            AuditEvent.objects.create(
                at=timezone.now(),
                action="entry.update",
                actor_id=None,
                actor_label="system",
                object_type="capture.entry",
                object_id=str(entry.pk),
                object_label=f"{record.label} {entry.instrument}{suffix}"[:300],
                site_id=site.pk,
                site_label=str(site.name)[:300],
                changes={name: ["(replaced)", record.label]},
                reason=REASON,
                scope=f"study:{study.pk}",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("capture", "0003_dictionary_versions"),
        ("audit", "0003_audit_scope"),
    ]

    operations = [
        migrations.RunPython(replace_typed_record_ids, migrations.RunPython.noop),
    ]
