from __future__ import annotations

from django.core.management.base import BaseCommand

from events.reminders import weekly_digest_send


class Command(BaseCommand):
    help = (
        "Email each person the deadlines and milestones of their next four weeks. "
        "Run weekly (cron, Monday morning); at most one digest per person per week."
    )

    def handle(self, *args: str, **options: object) -> None:
        sent = weekly_digest_send()
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} digests queued."))
