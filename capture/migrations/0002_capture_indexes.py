# The completeness dashboard's counts per study site, kept by the services that change
# them (capture/completeness.py), and counted here once for the data already entered.
from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def count_existing(apps: Any, schema_editor: Any) -> None:
    study_site_model = apps.get_model("capture", "StudySite")
    counts_model = apps.get_model("capture", "SiteCompleteness")
    record_model = apps.get_model("capture", "Record")
    entry_model = apps.get_model("capture", "Entry")
    query_model = apps.get_model("capture", "DataQuery")

    def grouped(queryset: Any, site: str) -> dict[int, int]:
        rows = queryset.order_by().values(site).annotate(n=Count("pk")).values_list(site, "n")
        return dict(rows)

    records = grouped(record_model.objects.all(), "study_site")
    complete = grouped(entry_model.objects.filter(status=2), "record__study_site")
    open_queries = grouped(query_model.objects.filter(state="open"), "entry__record__study_site")
    counts_model.objects.bulk_create(
        counts_model(
            study_site_id=pk,
            records=records.get(pk, 0),
            complete=complete.get(pk, 0),
            open_queries=open_queries.get(pk, 0),
        )
        for pk in study_site_model.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("capture", "0001_studies_records_exports_imports")]

    operations = [
        migrations.CreateModel(
            name="SiteCompleteness",
            fields=[
                (
                    "study_site",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="completeness",
                        serialize=False,
                        to="capture.studysite",
                    ),
                ),
                ("records", models.IntegerField(default=0)),
                (
                    "complete",
                    models.IntegerField(default=0, help_text="Entries whose status is complete."),
                ),
                ("open_queries", models.IntegerField(default=0)),
            ],
            options={"verbose_name_plural": "site completeness"},
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
