"""The operator's backup and restore, on the demo: ``manage.py backup`` while the site runs, ``manage.py
restore`` into a new database and data folder, and the restored site has every table's rows and serves
the same evidence file, byte for byte. SQLite through its online backup; PostgreSQL through pg_dump."""

import json
import secrets
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core.backups import table_counts
from core.testing import WebServer, site_environment


def restored_environment(tmp_path: Path):
    """The environment of a new site: its own data folder and a new, empty database; and how to drop it."""
    data = tmp_path / "restored"
    data.mkdir()
    env = site_environment(data)
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{data / 'jinwei.sqlite3'}"
        return env, lambda: None
    database = connection.settings_dict
    name = f"{database['NAME']}_restored_{secrets.token_hex(3)}"
    server = dict(host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432, user=database["USER"],
                  password=database["PASSWORD"], dbname="postgres", autocommit=True)
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"

    def drop():
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return env, drop


def manage(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300)


def download(url: str, path: str, *, session: str) -> bytes:
    """A file as a person downloads it, signed in with the session cookie ``session``."""
    request = urllib.request.Request(f"{url}{path}", headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request) as response:
        assert response.url == f"{url}{path}", response.url  # not sent to the login page
        return response.read()


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL's client tools are not installed")
def test_the_demo_backed_up_and_restored_into_a_new_site_is_the_same(transactional_db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "site" / "media"
    call_command("load_demo", force=True, stdout=open(tmp_path / "demo.log", "w"))
    with connection.cursor() as cursor:  # by its table: core knows no app above it
        cursor.execute("SELECT id, file FROM rectification_evidence ORDER BY id")
        evidence_pk, evidence_file = cursor.fetchone()
    saved = (settings.MEDIA_ROOT / evidence_file).read_bytes()
    client.force_login(get_user_model().objects.get(username="admin"))  # a session the backup keeps, as a person's
    call_command("backup", str(tmp_path / "backup"), stdout=open(tmp_path / "backup.log", "w"))
    before = table_counts()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"] == before and settings.SECRET_KEY not in json.dumps(manifest)

    env, drop = restored_environment(tmp_path)
    server = None
    try:
        restored = manage(env, "restore", str(tmp_path / "backup"))
        assert restored.returncode == 0, restored.stderr
        assert "JINWEI_SECRET_KEY" not in restored.stderr  # the same key: no warning
        counted = manage(env, "shell", "-c", "import json; from core.backups import table_counts; "
                                             "print(json.dumps(table_counts()))")
        assert json.loads(counted.stdout.strip().splitlines()[-1]) == before
        again = manage(env, "restore", str(tmp_path / "backup"))  # a second restore refuses to overwrite
        assert again.returncode != 0 and "not empty" in again.stderr

        server = WebServer(data_dir=tmp_path / "restored", env=env).start()
        assert download(server.url, reverse("rectification:evidence", args=[evidence_pk]), session=client.cookies["sessionid"].value) == saved

        other_key = manage(env | {"JINWEI_SECRET_KEY": "another-key"}, "restore", "--force", str(tmp_path / "backup"))
        assert other_key.returncode == 0 and "ballot code not yet used is void" in other_key.stderr
    finally:
        if server is not None:
            server.stop()
        drop()
