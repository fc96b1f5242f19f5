"""Benchmark of rectification: approving a level's 1,000 plans in one action, a level's overview at 3,000
direct subordinates, and a level's kept-current counts read from a large tally table.

A script, not a test: it prints its figures and their ratios to a baseline measured in the same run
(docs/benchmarks.md records them).

* ``approve``: a level ``RECA1000`` with ``--approve`` + 100 branches (orgs.services), each with a submitted
  plan of two problems and two measures (written in bulk, the tallies then set from a recount). Baseline:
  100 plans approved one by one with ``services.plan_approve``; then the remaining ``--approve`` in one
  ``services.plan_approve_many`` (target < 2 s for 1,000).
* ``overview``: a level ``RECO3000`` with ``--overview`` branches, plans in every state (bulk, as above);
  the level's page (``GET /rectification/cycles/…/levels/…/``, through Django's test client, template
  included), median of ``--reads`` (target < 300 ms at 3,000). Baseline: the same page at 300 subordinates.
* ``counts`` (PostgreSQL): ``--levels`` organizations of a synthetic tree (orgs.synthetic), each with 40 keys
  of tally rows written by one INSERT … SELECT
  (the rows 5.2 million organizations give are of this shape: each level a few plan and measure states and
  one row per open deadline), then ``tallies.level_counts`` for random levels, median and p95 (target
  < 20 ms). Baseline: the same read on a table of 1,000 levels.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_rect .venv/bin/python bench/rectification_bench.py
    .venv/bin/python bench/rectification_bench.py --smoke     # a few seconds, on whatever database is configured

The PostgreSQL database is created on first use and migrated by the script; the rectification tables are
emptied first (use a database of its own).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import ensure_database, machine  # noqa: E402
from cycles import services as cycle_services  # noqa: E402
from cycles.models import Cycle  # noqa: E402
from orgs import services as org_services  # noqa: E402
from orgs.choices import OrganizationKind, Sector  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402
from rectification import services, tallies  # noqa: E402
from rectification.models import Measure, Plan, PlanVersion, Problem, Tally  # noqa: E402

YEAR = 2031
STATES = ("draft", "submitted", "returned", "approved")


def _admin():
    User = get_user_model()
    return User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", password="bench-admin-pass")


def _level(admin, code: str, size: int) -> Organization:
    """A committee with ``size`` branches under a bench root (built through the services on first use)."""
    root = Organization.objects.filter(code="RECBENCH").first() or org_services.organization_create(
        actor=admin, parent=None, name="整改基准县委", code="RECBENCH", kind=OrganizationKind.COMMITTEE,
        sector=Sector.REGIONAL)
    level = Organization.objects.filter(code=code).first() or org_services.organization_create(
        actor=admin, parent=root, name=f"基准{code}", code=code, kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    have = level.children_count
    for number in range(have, size):
        org_services.organization_create(actor=admin, parent=level, name=f"{code}第{number + 1}支部",
                                         code=f"{code}-{number + 1:05d}", kind=OrganizationKind.BRANCH,
                                         sector=Sector.VILLAGE)
    return Organization.objects.get(pk=level.pk)


def _cycle(admin) -> Cycle:
    root = Organization.objects.get(code="RECBENCH")
    return Cycle.objects.filter(owner=root, year=YEAR).first() or cycle_services.cycle_open(
        actor=admin, owner=root, year=YEAR, name="整改基准", preset="hunan")


@transaction.atomic
def _bulk_plans(cycle, level, states) -> list[Plan]:
    """Plans of the level's branches in the given states, two problems and two measures each, written in
    bulk; the tallies are then set to the recount (what the services would have written one by one)."""
    branches = list(Organization.objects.filter(parent=level).order_by("code")[:len(states)])
    Plan.objects.filter(cycle=cycle, organization__in=branches).delete()
    now = timezone.now()
    plans = Plan.objects.bulk_create([Plan(cycle=cycle, organization=org, state=state, target_grade="advanced",
                                           approved_at=now if state == "approved" else None)
                                      for org, state in zip(branches, states, strict=True)], batch_size=1000)
    admin = _admin()
    problems = Problem.objects.bulk_create([Problem(plan=plan, position=n, title=f"问题{n}", created_by=admin)
                                            for plan in plans for n in (1, 2)], batch_size=2000)
    deadline = datetime.date(YEAR, 10, 31)
    Measure.objects.bulk_create([Measure(plan_id=problem.plan_id, problem=problem, text="措施", responsible_person="甲",
                                         deadline=deadline) for problem in problems], batch_size=2000)
    Tally.objects.filter(cycle=cycle).delete()
    Tally.objects.bulk_create([Tally(cycle=cycle, organization_id=level_id, dimension=dimension, key=key, count=count)
                               for (level_id, dimension, key), count in tallies.recount(cycle=cycle).items()],
                              batch_size=2000)
    return plans


def part_approve(admin, size: int) -> list[str]:
    level = _level(admin, "RECA1000", size + 100)
    cycle = _cycle(admin)
    plans = _bulk_plans(cycle, level, ["submitted"] * (size + 100))
    started = time.perf_counter()
    for plan in plans[:100]:
        services.plan_approve(actor=admin, plan=plan)
    one_by_one = (time.perf_counter() - started) / 100
    started = time.perf_counter()
    approved = services.plan_approve_many(actor=admin, cycle=cycle, level=level)
    at_once = time.perf_counter() - started
    assert approved == size and PlanVersion.objects.filter(plan__in=plans).count() == size + 100
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)
    return [f"approve: {size} plans in one plan_approve_many: {at_once * 1000:.0f} ms "
            f"({size / at_once:.0f} plans/s); baseline plan_approve one by one: {one_by_one * 1000:.1f} ms per plan "
            f"→ {one_by_one * size:.1f} s for {size}; ratio {one_by_one * size / at_once:.1f}×"]


def _page_ms(client, cycle, level, reads: int) -> float:
    url = f"/rectification/cycles/{cycle.pk}/levels/{level.pk}/"
    times = []
    for _read in range(reads):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times) * 1000


def part_overview(admin, size: int, reads: int) -> list[str]:
    cycle = _cycle(admin)
    small_size = max(1, size // 10)
    big = _level(admin, "RECO3000", size)
    small = _level(admin, "RECO300", small_size)
    rng = random.Random(18)
    _bulk_plans(cycle, big, [rng.choice(STATES) for _n in range(size)])
    _bulk_plans(cycle, small, [rng.choice(STATES) for _n in range(small_size)])
    client = Client()
    client.force_login(admin)
    _page_ms(client, cycle, big, 1)  # warm up
    big_ms, small_ms = _page_ms(client, cycle, big, reads), _page_ms(client, cycle, small, reads)
    return [f"overview: the level's page at {size} subordinates: median {big_ms:.0f} ms of {reads}; baseline at "
            f"{small_size}: {small_ms:.0f} ms; ratio {big_ms / small_ms:.1f}× for {size / small_size:.0f}× the rows"]


def _synthetic_levels(levels: int) -> list[int]:
    """Ids of ``levels`` organizations of a synthetic tree (orgs.synthetic, root RECSYN<n>, made on first use)."""
    code = f"RECSYN{levels}"
    root = Organization.objects.filter(code=code).first()
    if root is None:
        synthetic_tree_create(count=levels, root_code=code)
        root = Organization.objects.get(code=code)
    return list(Organization.objects.subtree(root.path).values_list("pk", flat=True))


def _fill_tallies(cycle, ids: list[int]) -> None:
    """40 keys of tally rows for each organization of ``ids``, one INSERT … SELECT (PostgreSQL)."""
    table = connection.ops.quote_name(Tally._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE cycle_id = %s", [cycle.pk])
        cursor.execute(
            f"INSERT INTO {table} (cycle_id, organization_id, dimension, key, count) "
            f"SELECT %s, o.id, CASE WHEN k < 4 THEN 'plan' WHEN k < 8 THEN 'measure' ELSE 'due' END, "
            f"CASE WHEN k < 4 THEN 's' || k WHEN k < 8 THEN 'm' || k ELSE to_char(DATE '2031-01-01' + k * 7, "
            f"'YYYY-MM-DD') END, 1 + (o.id * k) %% 50 FROM {connection.ops.quote_name(Organization._meta.db_table)} o, "
            f"generate_series(0, 39) k WHERE o.id = ANY(%s)", [cycle.pk, ids])
        cursor.execute(f"ANALYZE {table}")


def _read_ms(cycle, ids: list[int], reads: int) -> tuple[float, float]:
    rng = random.Random(0)
    today = datetime.date(YEAR, 6, 1)
    times = []
    for _read in range(reads):
        level = Organization(pk=rng.choice(ids))
        started = time.perf_counter()
        counts = tallies.level_counts(cycle=cycle, organization=level, today=today)
        times.append(time.perf_counter() - started)
        assert counts["plan"]
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def part_counts(admin, levels: int, reads: int) -> list[str]:
    if connection.vendor != "postgresql":
        return ["counts: PostgreSQL only (skipped)"]
    cycle = _cycle(admin)
    ids = _synthetic_levels(levels)
    with transaction.atomic():
        _fill_tallies(cycle, ids[:1000])
    small = _read_ms(cycle, ids[:1000], reads)
    with transaction.atomic():
        _fill_tallies(cycle, ids)
    big = _read_ms(cycle, ids, reads)
    with transaction.atomic():
        Tally.objects.filter(cycle=cycle).delete()
    return [f"counts: level_counts on {len(ids) * 40:,} tally rows ({len(ids):,} levels): median {big[0]:.2f} ms, "
            f"p95 {big[1]:.2f} ms of {reads}; baseline on 40,000 rows: median {small[0]:.2f} ms; ratio "
            f"{big[0] / small[0]:.2f}×"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["all", "approve", "overview", "counts"], default="all")
    parser.add_argument("--approve", type=int, default=1000)
    parser.add_argument("--overview", type=int, default=3000)
    parser.add_argument("--levels", type=int, default=130_000)
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="a few seconds: small sizes")
    args = parser.parse_args()
    if args.smoke:
        args.approve, args.overview, args.levels, args.reads = 50, 100, 2000, 3
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    if connection.vendor == "postgresql":
        ensure_database()
    call_command("migrate", verbosity=0)
    if "tasks" in settings.DATABASES:
        call_command("migrate", database="tasks", verbosity=0)
    admin = _admin()
    lines = machine()
    if args.part in ("all", "approve"):
        lines += part_approve(admin, args.approve)
    if args.part in ("all", "overview"):
        lines += part_overview(admin, args.overview, args.reads)
    if args.part in ("all", "counts"):
        lines += part_counts(admin, args.levels, args.reads * 25)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
