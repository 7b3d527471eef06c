from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.extensions import demo_seeders
from mentors.demo import seed_contact_requests, seed_track_records
from network.demo import DEMO_PASSWORD, seed_network
from people.demo import seed_people


class Command(BaseCommand):
    help = "Create a believable demo collaborative. Safe to run again: nothing is duplicated."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = seed_network()
        seed_people()
        # Track records first, so that the demo letters can name a mentor's own paper.
        seed_track_records()
        seed_contact_requests()
        for seed in demo_seeders():
            seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in as any of these:"))
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role:<18} {login.email:<{width}}  ({login.place})")
        self.stdout.write(f"  Password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(
            "  Site leads, committee, statistician and admin are asked to turn on "
            "two-factor before they reach study data or manage the network."
        )
