from __future__ import annotations

from django.core.management.base import BaseCommand

from events.seed import conferences_load


class Command(BaseCommand):
    help = (
        "Load the sourced radiology conferences (events/conference_data.py) and add the "
        "estimates for coming years. Idempotent; never overwrites a curator's correction."
    )

    def handle(self, *args: str, **options: object) -> None:
        count = conferences_load()
        self.stdout.write(self.style.SUCCESS(f"{count} conferences in the calendar."))
