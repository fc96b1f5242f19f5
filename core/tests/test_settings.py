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
