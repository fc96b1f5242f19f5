"""Backing up and restoring a Jinwei site: its database, the uploaded files under the data folder, and a
manifest that says what was saved (each table's row count, which secret key the site ran with).

SQLite is copied through its online backup API, so the site keeps running while it is saved; PostgreSQL
through pg_dump and pg_restore (custom format). The task queue's own SQLite file is not saved: it holds
only the queue and the workers' heartbeats, and ``manage.py migrate --database tasks`` makes it anew.
The secret key is never written to a backup: keep it beside the backups, apart from them (README).
"""

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

DATABASE_SQLITE = "database.sqlite3"
DATABASE_POSTGRES = "database.pgdump"
FILES = "files.tar"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


def key_fingerprint(key: str) -> str:
    """Which secret key a site ran with, without revealing it."""
    return hmac.new(key.encode(), b"jinwei-backup-key-fingerprint", hashlib.sha256).hexdigest()[:16]


def _counts(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def table_counts(alias: str = "default") -> dict[str, int]:
    """Every table of the database and how many rows it holds."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return _counts(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as database:
        cursor = database.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        counts = _counts(database.cursor(), [row[0] for row in cursor], lambda name: '"' + name.replace('"', '""') + '"')
    database.close()
    return counts


def _engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"the {vendor} database is not supported")
    return vendor


def _postgres_environment(alias: str = "default") -> dict:
    database = connections[alias].settings_dict
    return {**os.environ, "PGHOST": database["HOST"] or "127.0.0.1", "PGPORT": str(database["PORT"] or 5432),
            "PGUSER": database["USER"] or "", "PGPASSWORD": database["PASSWORD"] or "", "PGDATABASE": database["NAME"]}


def _run(command: list[str], alias: str = "default") -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, env=_postgres_environment(alias), capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def backup_create(folder: Path) -> dict:
    """Save the site into ``folder`` (new or empty) and return its manifest."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; give a new folder for each backup")
    folder.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    connection = connections["default"]
    # The counts are of what was saved, though the site writes meanwhile: the copy's own (SQLite), or the
    # snapshot pg_dump is given (PostgreSQL).
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / DATABASE_SQLITE) as target:
            connection.connection.backup(target)
        target.close()
        counts = _sqlite_counts(folder / DATABASE_SQLITE)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={folder / DATABASE_POSTGRES}"])
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / FILES, "w") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    manifest = {"format": 1, "created_at": timezone.now().isoformat(), "engine": engine, "tables": counts,
                "secret_key": key_fingerprint(settings.SECRET_KEY)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def backup_manifest(folder: Path) -> dict:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: {error}") from None


def _empty_database() -> bool:
    connection = connections["default"]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def backup_restore(folder: Path, *, force: bool = False) -> dict:
    """Restore the backup in ``folder`` into the configured database and data folder, both new (or
    replaced, with ``force``). Returns the manifest, with ``"key_differs"`` when the site's secret key
    is not the one the backup was made with. Raises BackupError when a table's count differs afterwards."""
    folder = Path(folder)
    manifest = backup_manifest(folder)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"the backup is of a {manifest['engine']} database; this site runs on {engine}")
    if not force and not _empty_database():
        raise BackupError("the database is not empty; restore into a new one (or give --force to replace it)")
    media = Path(settings.MEDIA_ROOT)
    if not force and media.exists() and any(media.iterdir()):
        raise BackupError(f"{media} is not empty; restore into a new data folder (or give --force to replace it)")
    connection = connections["default"]
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / DATABASE_SQLITE) as source:
            source.backup(connection.connection)
        source.close()
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              *(["--clean", "--if-exists"] if force else []), f"--dbname={connection.settings_dict['NAME']}",
              str(folder / DATABASE_POSTGRES)])
    connection.close()  # what this process knew of the database before it was replaced
    if force and media.exists():
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / FILES) as archive:
        members = [member for member in archive.getmembers() if member.name.startswith("media/")]
        for member in members:
            member.name = member.name.removeprefix("media/")
        archive.extractall(media, members=[member for member in members if member.name], filter="data")
    restored = table_counts()
    differing = sorted(table for table in set(restored) | set(manifest["tables"])
                       if restored.get(table) != manifest["tables"].get(table))
    if differing:
        raise BackupError(f"after the restore these tables' row counts differ from the backup's: {', '.join(differing)}")
    return {**manifest, "key_differs": manifest["secret_key"] != key_fingerprint(settings.SECRET_KEY)}
