from __future__ import annotations

from django.core.management.base import BaseCommand

from core.extensions import demo_seeders


class Command(BaseCommand):
    help = "Create a believable demo collaborative. Safe to run again: nothing is duplicated."

    def handle(self, *args: str, **options: object) -> None:
        # Every app seeds its own demo, in INSTALLED_APPS order (the network first, then
        # people, outputs, mentors, ...): core imports none of them (core.extensions).
        printed: list[str] = []
        for seed in demo_seeders():
            printed.extend(seed() or [])
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for line in printed:
            self.stdout.write(line)
