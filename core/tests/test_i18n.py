"""The zh-hans catalogue is complete: every source string translated, none fuzzy, the .mo up to date."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Every project app (the ones with a folder here, the project package among them) and the shared templates.
SOURCE_DIRS = [app.split(".")[0] for app in settings.INSTALLED_APPS if (Path(settings.BASE_DIR) / app).is_dir()] + [
    "templates"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogue as makemessages would write it now, from a copy of the sources."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed: ./scripts/test installs it")
    root = tmp_path_factory.mktemp("i18n")
    for name in SOURCE_DIRS:
        shutil.copytree(Path(settings.BASE_DIR) / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copytree(Path(settings.BASE_DIR) / "locale", root / "locale")
    shutil.copy(Path(settings.BASE_DIR) / "manage.py", root / "manage.py")
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"],
                   cwd=root, check=True, capture_output=True)
    return polib.pofile(str(root / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_source_string_is_translated(extracted):
    missing = [entry.msgid for entry in extracted if not entry.translated() and not entry.obsolete]
    assert missing == [], f"{len(missing)} strings lack a zh-hans translation, e.g. {missing[:10]}"


def test_no_fuzzy_entries():
    fuzzy = [entry.msgid for entry in polib.pofile(str(PO)) if "fuzzy" in entry.flags]
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po():
    po = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.pofile(str(PO))
          if e.translated() and not e.obsolete}
    mo = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(PO.with_suffix(".mo")))
          if e.msgid}
    assert po == mo, "run: .venv/bin/python manage.py compilemessages"
