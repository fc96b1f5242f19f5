"""What the benchmark scripts share: the machine they ran on, and their PostgreSQL database."""

import os
import platform
from pathlib import Path

import django
import psycopg
from django.db import connection


def machine() -> list[str]:
    """What the figures were measured on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kilobytes / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute("SHOW shared_buffers")
            database += f", shared_buffers {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]} (WAL), file {connection.settings_dict['NAME']}"
    return [
        f"machine: {cpu}, {os.cpu_count()} cores, {memory} RAM, {platform.system()} {platform.release()}",
        f"python {platform.python_version()}, Django {django.get_version()}, database: {database}",
    ]


def ensure_database() -> None:
    """Create the PostgreSQL benchmark database on first use (the role may create databases)."""
    settings_db = connection.settings_dict
    with psycopg.connect(host=settings_db["HOST"], port=settings_db["PORT"] or 5432, user=settings_db["USER"],
                         password=settings_db["PASSWORD"], dbname="postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings_db["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{settings_db["NAME"]}"')
