"""`manage.py run_worker`: the database task worker that no task's failure stops.

The same options as django-tasks' `db_worker` (`--batch`, `--interval`, `--queue-name`,
...), with `core.worker.SurvivingWorker` in place of its worker.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.worker import SurvivingWorker


class Command(db_worker.Command):
    help = "Run the database task worker; a task that fails never stops it."

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        if options["reload"] and options["batch"]:
            options["reload"] = False
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SurvivingWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if not options["reload"]:
            worker.configure_signals()
            try:
                worker.run()
            finally:
                # A batch run returns: the process's own Ctrl+C works again afterwards.
                worker.reset_signals()
            return
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            worker.configure_signals()  # only the child process handles signals
        run_with_reloader(worker.run)
