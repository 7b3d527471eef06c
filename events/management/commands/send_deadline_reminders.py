from __future__ import annotations

from django.core.management.base import BaseCommand

from events.reminders import deadline_reminders_send


class Command(BaseCommand):
    help = (
        "Email reminders 30, 7 and 1 days before followed deadlines and own milestones. "
        "Run daily (cron); safe to run again: nothing is sent twice."
    )

    def handle(self, *args: str, **options: object) -> None:
        sent = deadline_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminders queued."))
