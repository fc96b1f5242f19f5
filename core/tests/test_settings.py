"""Settings read from the environment, as production sets them (a process of its own for each)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_in(environment: dict) -> dict:
    script = ("import json, django; django.setup(); from django.conf import settings; "
              "print(json.dumps([getattr(settings, 'SECURE_PROXY_SSL_HEADER', None), settings.SECURE_HSTS_SECONDS]))")
    output = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "jinwei.settings", **environment})
    header, hsts = json.loads(output.stdout.strip().splitlines()[-1])
    return {"header": header, "hsts": hsts}


def test_behind_a_proxy_that_ends_https_its_header_makes_a_request_secure():
    assert settings_in({"JINWEI_HTTPS_PROXY_HEADER": "X-Forwarded-Proto", "JINWEI_HSTS_SECONDS": "31536000"}) == {
        "header": ["HTTP_X_FORWARDED_PROTO", "https"], "hsts": 31536000}


def test_without_a_proxy_no_header_is_trusted_and_no_hsts_is_sent():
    assert settings_in({"JINWEI_HTTPS_PROXY_HEADER": "", "JINWEI_HSTS_SECONDS": "0"}) == {"header": None, "hsts": 0}


def run_in(environment: dict, *args: str) -> subprocess.CompletedProcess:
    """manage.py with these environment variables, and no secret key unless they give one."""
    # The embedded SQLite of JINWEI_DATA_DIR, never the PostgreSQL database a test run was given.
    base = {name: value for name, value in os.environ.items() if name not in ("JINWEI_SECRET_KEY", "DATABASE_URL")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**base, "DJANGO_SETTINGS_MODULE": "jinwei.settings", **environment})


PRODUCTION = {  # the README's production settings
    "JINWEI_DEBUG": "false", "JINWEI_SECRET_KEY": "a-production-key-" + "x" * 50, "JINWEI_ALLOWED_HOSTS": "jinwei.example",
    "JINWEI_SECURE_COOKIES": "true", "JINWEI_HSTS_SECONDS": "31536000", "JINWEI_SSL_REDIRECT": "true",
}


def test_production_without_a_secret_key_refuses_to_start():
    result = run_in({"JINWEI_DEBUG": "false"}, "check")
    assert result.returncode != 0
    assert "JINWEI_SECRET_KEY is not set" in result.stderr


def test_the_development_key_is_used_only_with_debug():
    result = run_in({"JINWEI_DEBUG": "true"}, "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)")
    assert result.returncode == 0 and "development-key" in result.stdout


def test_the_readme_production_settings_pass_the_deployment_check():
    result = run_in(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_demo_is_not_loaded_into_production_unless_forced(tmp_path):
    environment = {**PRODUCTION, "JINWEI_DATA_DIR": str(tmp_path)}
    assert run_in(environment, "migrate", "--verbosity", "0").returncode == 0
    refused = run_in(environment, "load_demo")
    assert refused.returncode != 0 and "--force" in refused.stderr
    assert "admin" not in run_in(environment, "shell", "-c",
                                 "from django.contrib.auth.models import User; print(list(User.objects.values_list('username', flat=True)))").stdout
    forced = run_in(environment, "load_demo", "--force")
    assert forced.returncode == 0, forced.stderr
