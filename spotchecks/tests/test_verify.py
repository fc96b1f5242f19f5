"""Anyone can check a draw: the script of docs/spotchecks.md, run on the check's own workbook, gives the stored
sample; ``manage.py spotcheck_verify`` confirms an untouched draw and fails a tampered one."""

import csv
import io
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from orgs.choices import Role
from orgs.services import role_assignment_create
from orgs.testing import system_user
from spotchecks import exports, selectors
from spotchecks.choices import Stratification
from spotchecks.models import SampledOrganization
from spotchecks.tests.factories import drawn_check

pytestmark = pytest.mark.django_db
DOCS = Path(settings.BASE_DIR) / "docs" / "spotchecks.md"


def published_script() -> str:
    return re.search(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)


def test_the_published_script_recomputes_the_draw_from_the_workbook(world, tmp_path):
    spot_check = drawn_check(world, stratify_by=Stratification.SECTOR, sample_count=2, veto_weight=Decimal("3"))
    workbook = io.BytesIO()
    exports.write_spotcheck(spot_check, target=workbook, progress=lambda done, total: None)
    workbook.seek(0)
    rows = CalamineWorkbook.from_filelike(workbook).get_sheet_by_name("总体名单").to_python()[2:]
    population = tmp_path / "population.csv"
    with population.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([code, stratum, weight] for _n, code, stratum, weight in rows)
    script = tmp_path / "check.py"
    script.write_text(published_script(), encoding="utf-8")
    assert len(published_script().strip().splitlines()) <= 12
    sizes = [f"{stratum.label}={stratum.drawn}" for stratum in selectors.spotcheck_strata(spot_check=spot_check)]
    output = subprocess.run([sys.executable, str(script), str(population), spot_check.entropy, *sizes],
                            capture_output=True, text=True, check=True, encoding="utf-8").stdout.splitlines()
    assert output[0] == f"population hash {spot_check.population_hash}"
    labels = {stratum.key: stratum.label for stratum in selectors.spotcheck_strata(spot_check=spot_check)}
    stored = {}
    for row in SampledOrganization.objects.filter(spot_check=spot_check).order_by("stratum", "rank").select_related(
            "organization"):
        stored.setdefault(labels[row.stratum], []).append(row.organization.code)
    assert {line.split(" ", 1)[0]: line.split(" ", 1)[1].split() for line in output[1:]} == stored


def test_spotcheck_verify_confirms_a_draw_and_fails_a_tampered_one(world):
    spot_check = drawn_check(world, sample_share=Decimal("0.5"))
    out = io.StringIO()
    call_command("spotcheck_verify", str(spot_check.pk), stdout=out)
    assert "✗" not in out.getvalue() and spot_check.population_hash in out.getvalue()
    drawn = SampledOrganization.objects.filter(spot_check=spot_check).first()
    other = spot_check.population.exclude(organization__in=SampledOrganization.objects.filter(
        spot_check=spot_check).values("organization")).first()
    drawn.organization_id = other.organization_id
    drawn.save()
    with pytest.raises(CommandError):
        call_command("spotcheck_verify", str(spot_check.pk), stdout=io.StringIO())


def test_spotcheck_verify_warns_when_the_pool_s_roles_changed_since_the_draw(world):
    spot_check = drawn_check(world, sample_share=Decimal("1"))
    for assignment in spot_check.sample.get(organization=world.branch_b1).inspectors.all():
        role_assignment_create(actor=system_user(), user=assignment.inspector, organization=world.branch_b1,
                               role=Role.OBSERVER)
    out = io.StringIO()
    call_command("spotcheck_verify", str(spot_check.pk), stdout=out)  # the stored draw still holds
    assert "✗" not in out.getvalue() and world.branch_b1.code in out.getvalue()


def test_spotcheck_verify_refuses_an_unknown_or_undrawn_check(world):
    with pytest.raises(CommandError):
        call_command("spotcheck_verify", "999999", stdout=io.StringIO())
