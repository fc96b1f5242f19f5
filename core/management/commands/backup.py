"""``manage.py backup FOLDER``: save the database and the uploaded files into a new folder (core.backups)."""

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = ("Save the site into a new folder: the database (SQLite's online backup, or pg_dump), the uploaded "
            "files under the data folder, and a manifest of every table's row count. The secret key is not "
            "saved: keep it apart, beside the backups.")

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new (or empty) folder for this backup")

    def handle(self, *args, folder: str, **options):
        try:
            manifest = backup_create(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Saved {len(manifest['tables'])} tables ({sum(manifest['tables'].values())} rows) and the uploaded "
            f"files into {folder}. Keep JINWEI_SECRET_KEY apart from it: a restore needs the same key."))
