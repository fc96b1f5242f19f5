"""``manage.py restore FOLDER``: restore a backup of ``manage.py backup`` into a new database and data folder."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup made by manage.py backup into the configured database and data folder, which "
            "must be new (or --force to replace them); checks every table's row count afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the folder manage.py backup wrote")
        parser.add_argument("--force", action="store_true", help="replace a database and uploaded files that exist")

    def handle(self, *args, folder: str, force: bool, **options):
        try:
            manifest = backup_restore(folder, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if settings.TASKS_DATABASE_SEPARATE:  # SQLite: the queue's own file is made anew, empty
            call_command("migrate", database=settings.TASKS_DATABASE, verbosity=0)
        self.stdout.write(self.style.SUCCESS(
            f"Restored {len(manifest['tables'])} tables ({sum(manifest['tables'].values())} rows, every count as "
            f"saved on {manifest['created_at']}) and the uploaded files."))
        if manifest["key_differs"]:
            self.stderr.write(self.style.WARNING(
                "JINWEI_SECRET_KEY is not the key this backup was made with. Every ballot code not yet used is "
                "void (the codes' hashes are keyed by it) and everyone must sign in again. Set the old key and "
                "restart, or issue new codes for the sessions still open."))
