from __future__ import annotations

from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from network.models import Role, Site, TrainingScheme
from network.services import membership_grant

Named = TypeVar("Named", Site, TrainingScheme)


class Command(BaseCommand):
    help = "Give a person a role (the way to make the first administrator). Audited as 'system'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--site", help="Site name, for site roles")
        parser.add_argument("--scheme", help="Training scheme name")
        parser.add_argument("--reason", default="Granted from the command line")

    def handle(
        self,
        *args: str,
        email: str,
        role: str,
        site: str | None,
        scheme: str | None,
        reason: str,
        **options: object,
    ) -> None:
        person = get_user_model().objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(f"No account uses {email}.")
        found_site = self._find(Site, site, "site")
        found_scheme = self._find(TrainingScheme, scheme, "training scheme")
        try:
            membership = membership_grant(
                actor=None,
                person=person,
                role=role,
                site=found_site,
                scheme=found_scheme,
                reason=reason,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"{membership} granted."))

    @staticmethod
    def _find(model: type[Named], name: str | None, label: str) -> Named | None:
        if not name:
            return None
        found = model.objects.filter(name__iexact=name).first()
        if found is None:
            raise CommandError(f"No {label} is called “{name}”.")
        return found
