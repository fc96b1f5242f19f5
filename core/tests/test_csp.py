"""The Content-Security-Policy: every page is served with it, and no template needs what it forbids.

The browser tests (``*/tests/test_browser*.py``) fail on any console error, which is where
Chromium reports a CSP violation: they are the proof that the pages still work under it.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(p for p in Path(settings.BASE_DIR).glob("*/templates/**/*.html") if ".venv" not in p.parts)
PRINT_PAGE = Path(settings.BASE_DIR) / "ledgers/templates/ledgers/print/page.html"
INLINE = re.compile(r'<script(?![^>]*\bsrc=)[^>]*>|<style\b|\son[a-z]+=|\sstyle="', re.I)


@pytest.mark.django_db
def test_every_answer_carries_a_policy_without_inline_code(client):
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_style_or_handler():
    assert TEMPLATES
    found = [f"{p}: {m.group(0)}" for p in TEMPLATES for m in INLINE.finditer(p.read_text())]
    # The official forms' page keeps inline sizes only for its PDF, laid out by WeasyPrint in the worker.
    found = [f for f in found if not (f.startswith(str(PRINT_PAGE)) and f.endswith(' style="'))]
    assert found == []
