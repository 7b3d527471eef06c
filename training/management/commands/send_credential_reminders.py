"""Email reminders for credentials expiring in 60 or 14 days; run it once a day."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.services import credential_reminders_send


class Command(BaseCommand):
    help = (
        "Queue reminder emails for credentials expiring within 60 and 14 days. Each reminder "
        "is recorded, so running it more than once a day never sends one twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Act as if today were this date (YYYY-MM-DD), to catch up or test."
        )

    def handle(self, *args: str, date: str | None, **options: object) -> None:
        on = None
        if date:
            try:
                on = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD (got {date!r}).") from None
        sent = credential_reminders_send(on=on)
        for reminder in sent:
            self.stdout.write(
                f"  {reminder.credential.person.email}: {reminder.credential.label} expires "
                f"{reminder.expires_on:%Y-%m-%d} ({reminder.days_before}-day reminder)"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder(s) queued."))
