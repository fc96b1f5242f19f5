"""What a load balancer asks of each app server: can it reach the database, are its migrations applied,
and does a worker serve each queue. No login, and nothing an outsider could use (no host, version or key)."""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.models import JobRun, Worker

logger = logging.getLogger(__name__)
_migrated: set[str] = set()  # databases seen fully migrated by this process: a deploy restarts it


def _database(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.error("health: database %s cannot be reached", alias, exc_info=True)
        return False


def _migrations(alias: str) -> bool:
    if alias not in _migrated:
        executor = MigrationExecutor(connections[alias])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            logger.error("health: database %s has migrations to apply (manage.py migrate)", alias)
            return False
        _migrated.add(alias)
    return True


def health_report() -> tuple[bool, dict]:
    """Whether this server can serve (database reachable and migrated, a worker heard from for every queue
    within JOB_WORKER_MISSING_SECONDS), and the figures behind it, for the health endpoint's JSON."""
    aliases = ["default"] + ([settings.TASKS_DATABASE] if settings.TASKS_DATABASE_SEPARATE else [])
    report = {"database": all(_database(alias) for alias in aliases)}
    report["migrations"] = report["database"] and all(_migrations(alias) for alias in aliases)
    report["workers"] = {}
    if report["database"]:
        now = timezone.now()
        heard = list(Worker.objects.filter(beat_at__gte=now - datetime.timedelta(
            seconds=settings.JOB_WORKER_MISSING_SECONDS)))
        report["workers"] = {queue: sum(1 for worker in heard if worker.serves(queue))
                             for queue in settings.TASKS["default"]["QUEUES"]}
        stale = now - datetime.timedelta(seconds=settings.JOB_WORKER_GONE_SECONDS)
        report["stuck_jobs"] = JobRun.objects.filter(updated_at__lt=stale).exclude(
            worker_id__in=[worker.id for worker in heard]).count()
    healthy = report["database"] and report["migrations"] and all(report["workers"].values()) and bool(report["workers"])
    return healthy, report
