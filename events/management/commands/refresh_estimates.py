from __future__ import annotations

from django.core.management.base import BaseCommand

from events.estimates import estimates_refresh


class Command(BaseCommand):
    help = (
        "Estimate the next deadline and meeting dates of every conference whose coming "
        "values are not yet published. Run daily after send_deadline_reminders."
    )

    def handle(self, *args: str, **options: object) -> None:
        made = estimates_refresh()
        self.stdout.write(self.style.SUCCESS(f"{len(made)} estimates added."))
