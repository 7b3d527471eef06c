"""`manage.py run_worker`: the database task worker that no task's failure stops.

The same options as django-tasks' `db_worker` (`--batch`, `--interval`, `--queue-name`,
...), with `core.worker.SurvivingWorker` in place of its worker.
"""

from __future__ import annotations

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.worker import SurvivingWorker


class Command(db_worker.Command):
    help = "Run the database task worker; a task that fails never stops it."

    def handle(  # the options of django-tasks' db_worker, which parses them
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: object,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SurvivingWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if not reload:
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
