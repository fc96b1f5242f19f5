"""``manage.py db_worker``: django-tasks-db's worker, which also writes its heartbeat (core.jobs).

The heartbeat lets a job's page say when no worker is running, and fails a job whose worker died.
Under ``--reload`` the command runs twice, a watcher and the worker it restarts: the worker beats.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from core.jobs import worker_heartbeat


class Command(db_worker.Command):
    help = db_worker.Command.help + "; it writes a heartbeat every few seconds while it runs"

    def handle(self, *args, **options):
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the watcher, which runs no task
        with worker_heartbeat(worker_id=options["worker_id"], queues=options["queue_name"]):
            return super().handle(*args, **options)
