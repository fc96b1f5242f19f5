"""Benchmark of spot checks: drawing 5 % of each sector of a province of 500,000 organizations.

A script, not a test: it prints its figures and their ratios to a baseline measured in the same run
(docs/benchmarks.md records them).

A synthetic province (orgs.synthetic, root ``SPOTB``; ``SPOTS`` for --smoke) is built on first use and kept, with
a cycle of its own and three inspectors at its root. Then, through the services, as a user would: a check by
the root over its whole subtree, stratified by sector, 5 % of each stratum, two inspectors each —
``spotcheck_freeze`` (the population read, kept and hashed) and ``spotcheck_draw`` (every organization's digest
and key, the lowest of each stratum, the inspectors with recusal, all written with the audit; target < 5 s on
PostgreSQL), then ``manage.py spotcheck_verify``. Baseline: ``rules.draw`` alone on the same population in memory,
the hashing and sorting any draw must do.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_spot .venv/bin/python bench/spotchecks_bench.py
    .venv/bin/python bench/spotchecks_bench.py --smoke     # a few seconds, on whatever database is configured

The PostgreSQL database is created on first use and migrated by the script; use a database of its own.
"""

import argparse
import io
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")
os.environ.setdefault("JINWEI_DEBUG", "false")
os.environ.setdefault("JINWEI_SECRET_KEY", "jinwei-benchmark-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.common import ensure_database, machine  # noqa: E402
from cycles.models import Cycle  # noqa: E402
from orgs import services as org_services  # noqa: E402
from orgs.choices import Role  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402
from spotchecks import rules, services  # noqa: E402
from spotchecks.choices import Stratification  # noqa: E402
from spotchecks.models import SpotCheck  # noqa: E402

YEAR = 2032


def _admin():
    User = get_user_model()
    return User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", password="bench-admin-pass")


def _province(admin, code: str, size: int) -> tuple[Organization, Cycle, list]:
    """The synthetic province with its cycle and pool, built on first use."""
    root = Organization.objects.filter(code=code).first()
    if root is None:
        started = time.perf_counter()
        synthetic_tree_create(count=size, root_code=code, actor=admin)
        root = Organization.objects.get(code=code)
        print(f"built {root.descendants_count + 1:,} organizations in {time.perf_counter() - started:.1f} s", flush=True)
    # A cycle row of the bench's own: opening a real one grades every organization, which this does not measure.
    cycle = Cycle.objects.filter(owner=root, year=YEAR).first() or Cycle.objects.create(
        owner=root, year=YEAR, name=f"{YEAR}抽查基准", steps=["self_assessment"], opened_by=admin)
    User = get_user_model()
    pool = []
    for number in range(1, 4):
        user = User.objects.filter(username=f"{code.lower()}-inspector{number}").first()
        if user is None:
            user = User.objects.create_user(f"{code.lower()}-inspector{number}", password="bench-inspector-pass")
            org_services.role_assignment_create(actor=admin, user=user, organization=root, role=Role.OBSERVER)
        pool.append(user)
    return root, cycle, pool


def run(admin, code: str, size: int) -> list[str]:
    root, cycle, pool = _province(admin, code, size)
    SpotCheck.objects.filter(level=root).delete()
    spot_check = services.spotcheck_create(actor=admin, cycle=cycle, level=root, title="全省抽查基准",
                                           stratify_by=Stratification.SECTOR, sample_share=Decimal("0.05"), pool=pool)
    started = time.perf_counter()
    spot_check = services.spotcheck_freeze(actor=admin, spot_check=spot_check)
    freeze = time.perf_counter() - started
    spot_check = services.spotcheck_enter_entropy(actor=admin, spot_check=spot_check, entropy="福彩3D 2032001期 417")
    started = time.perf_counter()
    spot_check = services.spotcheck_draw(actor=admin, spot_check=spot_check)
    draw = time.perf_counter() - started
    sample = spot_check.sample.count()
    strata = spot_check.sample.values("stratum").distinct().count()
    started = time.perf_counter()
    call_command("spotcheck_verify", str(spot_check.pk), stdout=io.StringIO())
    verify = time.perf_counter() - started

    candidates = [rules.Candidate(code=c, stratum=s, weight=w)
                  for c, s, w in spot_check.population.values_list("code", "stratum", "weight")]
    counts: dict[str, int] = {}
    for candidate in candidates:
        counts[candidate.stratum] = counts.get(candidate.stratum, 0) + 1
    sizes = rules.sample_sizes(counts, count=None, share=Decimal("0.05"))
    started = time.perf_counter()
    rules.draw(candidates, population=spot_check.population_hash, entropy=spot_check.entropy, sizes=sizes)
    baseline = time.perf_counter() - started
    return [
        f"population {spot_check.population_size:,} organizations in {strata} strata (by sector); "
        f"sample {sample:,} (5 % of each stratum), 2 inspectors each from a pool of {len(pool)}",
        f"freeze (read, keep and hash the population): {freeze:.2f} s",
        f"draw (spotcheck_draw: ranking, strata, inspectors with recusal, written with the audit): {draw:.2f} s "
        f"(target < 5 s)",
        f"spotcheck_verify: {verify:.2f} s",
        f"baseline: rules.draw alone in memory on the same population: {baseline:.2f} s; "
        f"draw / baseline {draw / baseline:.2f}×",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=500_000)
    parser.add_argument("--smoke", action="store_true", help="a few seconds: 2,000 organizations, root SPOTS")
    args = parser.parse_args()
    code = "SPOTS" if args.smoke else "SPOTB"
    if args.smoke:
        args.organizations = 2_000
    if connection.vendor == "postgresql":
        ensure_database()
    call_command("migrate", verbosity=0)
    if "tasks" in settings.DATABASES:
        call_command("migrate", database="tasks", verbosity=0)
    lines = machine() + run(_admin(), code, args.organizations)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
