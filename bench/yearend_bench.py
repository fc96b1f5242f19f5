"""Benchmark of the year's end: opening next year's cycle from this year's over the whole tree (it carries
every organization's accepted grade as the baseline), and the dashboard pages of any level.

A script, not a test: it prints its figures (docs/benchmarks.md records them). PostgreSQL; a synthetic tree
of ``--count`` organizations (orgs.synthetic, root code ``YEBENCH``, generated on first use and reused).

* (a) ``cycle_open`` of year N over the tree with no earlier cycle — the named baseline — then every
  grading of year N given a final grade in one bulk UPDATE, then (b) ``cycle_open`` of year N+1, which
  carries those grades as its baselines; the ratio (b)/(a) is the cost of carrying the baseline, and the
  carried baselines are counted against the final grades.
* (c) the dashboard page and each chart's JSON of the root, a city, a county and a town, whole requests
  through the test client (session auth, template included), median and p95 (target < 200 ms), against
  the cycles app's level summary endpoint in the same run (the named baseline).

The cycle tables are emptied first (TRUNCATE): use a database of its own.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_yearend .venv/bin/python bench/yearend_bench.py
    .venv/bin/python bench/yearend_bench.py --smoke    # seconds: 3,000 organizations (root code YESMOKE)
"""

import argparse
import os
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import ensure_database, machine  # noqa: E402
from cycles import services as cycle_services  # noqa: E402
from cycles.choices import GradingState  # noqa: E402
from cycles.models import Cycle, Grading, Tally  # noqa: E402
from orgs.choices import Sector  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402
from yearend.selectors import CHARTS  # noqa: E402

SMOKE = "--smoke" in sys.argv
ROOT_CODE = "YESMOKE" if SMOKE else "YEBENCH"
YEAR = 2030  # years of their own, beside other benchmarks' cycles
PAGE_TARGET_MS = 200.0


def superuser():
    User = get_user_model()
    found = User.objects.filter(username="yebench_system").first()
    return found or User.objects.create_user(username="yebench_system", password=None, is_superuser=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def tree(count: int, seed: int) -> Organization:
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        print(f"\n== tree: generating {count:,} organizations (orgs.synthetic, seed {seed})")
        result = synthetic_tree_create(count=count, seed=seed, root_code=ROOT_CODE, actor=superuser())
        print(f"  generated and written in {result.seconds:.1f} s")
        root = Organization.objects.get(pk=result.root_id)
    else:
        print(f"\n== tree: reusing {ROOT_CODE} ({root.descendants_count + 1:,} organizations)")
    return root


def levels_of(root: Organization) -> dict[str, Organization]:
    city = Organization.objects.filter(parent=root).order_by("code").first()
    county = Organization.objects.filter(parent=city, sector=Sector.REGIONAL).order_by("code").first()
    town = Organization.objects.filter(parent=county).order_by("-children_count", "code").first()
    return {"root": root, "city": city, "county": county, "town": town}


def empty_cycles() -> None:
    """The cycle tables emptied: later apps' tables reference them (CASCADE)."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Tally, Grading, Cycle))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def accept_all(cycle: Cycle) -> int:
    """Every grading of the cycle approved with a final grade (3 in 10 先进, 1 in 20 后进), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Grading._meta.db_table} SET state = %s, final_grade = CASE WHEN id %% 10 < 3 THEN 'advanced' "
            "WHEN id %% 20 = 0 THEN 'lagging' ELSE 'average' END, final_stars = 0 WHERE cycle_id = %s",
            [GradingState.APPROVED, cycle.pk])
        return cursor.rowcount


def analyze() -> None:
    with connection.cursor() as cursor:
        for model in (Grading, Tally):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5_200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reads", type=int, default=50, help="requests per page and level for (c)")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: that every part still runs")
    options = parser.parse_args()
    if options.smoke:
        options.count, options.reads = 3_000, 1
    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    ensure_database()
    call_command("migrate", verbosity=0)
    print("== Jinwei year-end benchmark")
    for line in machine():
        print(line)
    admin = superuser()
    root = tree(options.count, options.seed)
    levels = levels_of(root)
    for name, node in levels.items():
        print(f"  {name:<7} {node.code:<24} depth {node.depth}, {node.descendants_count:,} below")
    empty_cycles()

    print(f"\n== (a) baseline: cycle_open of {YEAR} over {root.descendants_count:,} organizations, no earlier cycle")
    started = time.perf_counter()
    first = cycle_services.cycle_open(actor=admin, owner=root, year=YEAR, name=f"{YEAR}年基准", preset="hunan")
    first_seconds = time.perf_counter() - started
    print(f"  {first_seconds:.1f} s")
    started = time.perf_counter()
    accepted = accept_all(first)
    analyze()
    print(f"  {accepted:,} gradings given their accepted grade in one UPDATE: {time.perf_counter() - started:.1f} s")

    print(f"\n== (b) cycle_open of {YEAR + 1} from {YEAR}'s, carrying every grade as the baseline")
    started = time.perf_counter()
    second = cycle_services.cycle_open(actor=admin, owner=root, year=YEAR + 1, name=f"{YEAR + 1}年基准",
                                       preset="hunan")
    second_seconds = time.perf_counter() - started
    analyze()
    carried = Grading.objects.filter(cycle=second, baseline_cycle=first).exclude(baseline_grade="").count()
    print(f"  {second_seconds:.1f} s  ({second_seconds / first_seconds:.2f}× the baseline); "
          f"baselines carried: {carried:,} of {accepted:,}  {'ok' if carried == accepted else 'MISSING'}")
    assert carried == accepted

    print(f"\n== (c) dashboard pages, {options.reads} requests each (target < {PAGE_TARGET_MS:.0f} ms)")
    client = Client()
    client.force_login(admin)
    for name, node in levels.items():
        pages = [("dashboard", f"/yearend/{second.pk}/{node.pk}/")] + [
            (f"chart {chart}", f"/yearend/{second.pk}/{node.pk}/charts/{chart}.json") for chart in CHARTS]
        baseline = f"/api/cycles/{second.pk}/levels/{node.pk}/summary"
        assert client.get(baseline).status_code == 200
        base_median, _base_p95 = timed(lambda url=baseline: client.get(url), options.reads)
        print(f"  {name}: baseline GET {baseline}: median {base_median:.1f} ms")
        for label, url in pages:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            median, p95 = timed(lambda url=url: client.get(url), options.reads)
            verdict = "ok" if p95 < PAGE_TARGET_MS else f"MISSES {PAGE_TARGET_MS:.0f} ms"
            print(f"    {label:<20} median {median:6.1f} ms  p95 {p95:6.1f}  ({median / base_median:.1f}× the "
                  f"baseline)  {verdict}")


if __name__ == "__main__":
    main()
