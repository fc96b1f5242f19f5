"""Which database each model is read from and written to (``DATABASE_ROUTERS``)."""

from django.conf import settings


class QueueRouter:
    """The task queue (django_tasks_db), the workers' heartbeats and the running jobs' progress are
    read and written through ``settings.TASKS_DATABASE``; on SQLite that is a file of its own, where
    they are migrated, and elsewhere the same database, where ``default`` migrates them."""

    @staticmethod
    def _queued(app_label: str, model_name: str | None) -> bool:
        return app_label == "django_tasks_db" or (app_label == "core" and model_name in ("worker", "jobrun"))

    def db_for_read(self, model, **hints):
        return settings.TASKS_DATABASE if self._queued(model._meta.app_label, model._meta.model_name) else None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if not settings.TASKS_DATABASE_SEPARATE:
            return db == "default"
        return (db == settings.TASKS_DATABASE) == self._queued(app_label, model_name)
