from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from mentors.stats import mentor_stats_refresh


class Command(BaseCommand):
    help = (
        "Recount every mentor's track record. Services recount on each change; run this "
        "daily (cron) so that figures that age — the five-year window, overdue replies — move."
    )

    def handle(self, *args: str, **options: object) -> None:
        started = time.perf_counter()
        count = mentor_stats_refresh()
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Recounted {count} mentors in {seconds:.1f} s."))
