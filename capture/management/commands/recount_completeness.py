"""Count the completeness dashboard's figures again from the data, for one study or all."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capture import completeness
from capture.models import Study


class Command(BaseCommand):
    help = (
        "Recount each study site's records, complete instruments and open queries from the "
        "data (the study page shows the counts kept as data changes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--study", type=int, help="the study's id (default: every study)")

    def handle(self, *args: object, study: int | None, **options: object) -> None:
        studies = Study.objects.order_by("pk")
        if study is not None:
            studies = studies.filter(pk=study)
            if not studies.exists():
                raise CommandError(f"No study with id {study}.")
        for found in studies:
            counted = completeness.recount(found)
            records = sum(row.records for row in counted)
            self.stdout.write(f"{found}: {len(counted)} sites, {records} records recounted")
