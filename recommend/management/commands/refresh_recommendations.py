from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from recommend.services import recommendations_refresh, recommendations_refresh_all


class Command(BaseCommand):
    help = "Recompute and store every trainee's “for you” list (or one person's, by email)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="Only this trainee.")

    def handle(self, *args: str, **options: object) -> None:
        from accounts.models import User

        email = options["email"]  # --email: text, or None when not given
        if email:
            person = User.objects.filter(email__iexact=email).first()
            if person is None:
                self.stderr.write(f"No account with the email {email}.")
                raise SystemExit(1)
            stored = recommendations_refresh(person_id=person.pk)
            if stored is None:
                self.stderr.write(f"{person.email} has no trainee profile: nothing to suggest.")
                raise SystemExit(1)
            self.stdout.write(f"Stored {len(stored.items)} suggestions for {person.email}.")
            return
        count = recommendations_refresh_all()
        self.stdout.write(f"Stored the lists of {count} trainees.")
