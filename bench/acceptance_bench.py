"""Benchmark of the acceptance: any level's transition matrix and rates against its targets, from the kept-current
counts, compared with a recount of the same level from its detail rows in the same run.

A script, not a test: it prints its figures (docs/benchmarks.md records them). A synthetic tree of ``--count``
organizations (orgs.synthetic, root code ``ACCBENCH<count>``, made on first use) gets a cycle; its gradings are
given start-of-year grades in bulk, the round is opened through ``acceptance.services.acceptance_round_open``
(timed: it writes every row and every level's counts), then a random half is determined in bulk and the counts
are set to the recount. Then for the root, a city, a county and a town, ``selectors.transition_matrix`` (all four
kinds) plus ``selectors.target_rates`` are read many times (median, p95; target < 50 ms), against the baseline:
the same level's matrix counted from its subtree's acceptance rows (one GROUP BY), the ratio printed.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_accept .venv/bin/python bench/acceptance_bench.py
    .venv/bin/python bench/acceptance_bench.py --smoke    # seconds: 2,000 organizations (root ACCSMOKE)
"""

import argparse
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

import datetime  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from acceptance import selectors, services, tallies  # noqa: E402
from acceptance.models import Acceptance, AcceptanceSettings, TransitionTally  # noqa: E402
from bench.common import ensure_database, machine  # noqa: E402
from cycles import services as cycle_services  # noqa: E402
from cycles.models import Cycle, Grading  # noqa: E402
from orgs import paths  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402

YEAR = 2032
GRADES = ("advanced", "average", "lagging")


def _admin():
    User = get_user_model()
    return User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", password="bench-admin-pass")


def _tree(count: int, code: str) -> Organization:
    root = Organization.objects.filter(code=code).first()
    if root is None:
        synthetic_tree_create(count=count, root_code=code)
        root = Organization.objects.get(code=code)
    return root


def _round(admin, root: Organization) -> tuple[Cycle, float]:
    """A fresh cycle over the tree with start grades, its round opened through the service (timed)."""
    # Each run a year of its own: deleting a cycle of a large tree cascades through every row of it.
    year = max([YEAR - 1, *Cycle.objects.filter(owner=root).values_list("year", flat=True)]) + 1
    cycle = cycle_services.cycle_open(actor=admin, owner=root, year=year, name=f"验收基准{year}", preset="hunan")
    rng = random.Random(0)
    leaves = list(Grading.objects.filter(cycle=cycle, organization__children_count=0).values_list("pk", flat=True))
    rng.shuffle(leaves)
    with transaction.atomic():
        for number, (grade, stars) in enumerate((("advanced", 4), ("average", 2), ("lagging", 0))):
            Grading.objects.filter(pk__in=leaves[number::3]).update(state="decided", final_grade=grade,
                                                                   final_stars=stars)
    started = time.perf_counter()
    services.acceptance_round_open(actor=admin, cycle=cycle, self_check_due=datetime.date(year, 11, 30),
                                   decision_due=datetime.date(year, 12, 3))
    opened = time.perf_counter() - started
    services.targets_seed(actor=admin, cycle=cycle)
    with transaction.atomic():
        ids = list(Acceptance.objects.filter(cycle=cycle, grading__isnull=False).values_list("pk", flat=True))
        chosen = rng.sample(ids, len(ids) // 2)
        for number, grade in enumerate(GRADES):
            Acceptance.objects.filter(pk__in=chosen[number::3]).update(
                state="passed", accepted_grade=grade, accepted_stars=3 - number)
        TransitionTally.objects.filter(cycle=cycle).delete()
        TransitionTally.objects.bulk_create(
            [TransitionTally(cycle=cycle, organization_id=level, dimension=dimension, key=key, count=count)
             for (level, dimension, key), count in tallies.recount(cycle=cycle).items()], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(TransitionTally._meta.db_table)}")
    return cycle, opened


def _levels(root: Organization) -> list[tuple[str, Organization]]:
    """The root, and the first organization with children at each depth below it."""
    found = [("root", root)]
    for depth, name in ((root.depth + 1, "city"), (root.depth + 2, "county"), (root.depth + 3, "town")):
        level = Organization.objects.subtree(root.path).filter(depth=depth, children_count__gt=0).order_by("path").first()
        if level is not None:
            found.append((name, level))
    return found


def _read(cycle, level) -> None:
    for kind in selectors.MATRIX_KINDS:
        selectors.transition_matrix(cycle=cycle, organization=level, kind=kind)
    selectors.target_rates(cycle=cycle, organization=level)


def _recount(cycle, level) -> None:
    """The baseline: the level's grade matrix counted from its subtree's rows."""
    list(Acceptance.objects.filter(cycle=cycle, organization__path__gt=level.path,
                                   organization__path__lt=paths.successor(level.path))
         .values("start_grade", "accepted_grade", "state").annotate(n=Count("pk")).order_by())


def _timed(call, reads: int) -> tuple[float, float]:
    times = []
    for _read in range(reads):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[min(len(times) - 1, int(len(times) * 0.95))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="seconds: 2,000 organizations")
    args = parser.parse_args()
    code = f"ACCBENCH{args.count}"
    if args.smoke:
        args.count, args.reads, code = 2000, 5, "ACCSMOKE"
    if connection.vendor == "postgresql":
        ensure_database()
    call_command("migrate", verbosity=0)
    if "tasks" in settings.DATABASES:
        call_command("migrate", database="tasks", verbosity=0)
    admin = _admin()
    lines = machine()
    root = _tree(args.count, code)
    cycle, opened = _round(admin, root)
    rows = Acceptance.objects.filter(cycle=cycle).count()
    keys = TransitionTally.objects.filter(cycle=cycle).count()
    lines.append(f"round open (acceptance_round_open) over {rows:,} organizations: {opened:.1f} s; "
                 f"{keys:,} count rows written for every level")
    for name, level in _levels(root):
        below = level.descendants_count
        one = _timed(lambda level=level: selectors.transition_matrix(cycle=cycle, organization=level), args.reads)
        page = _timed(lambda level=level: _read(cycle, level), args.reads)
        recount = _timed(lambda level=level: _recount(cycle, level), max(3, args.reads // 10))
        lines.append(f"{name} ({below:,} below): grade matrix median {one[0]:.2f} ms, p95 {one[1]:.2f} ms; the page's "
                     f"four matrices + rates median {page[0]:.2f} ms, p95 {page[1]:.2f} ms (of {args.reads}); "
                     f"baseline, the grade matrix recounted from the rows: median {recount[0]:.2f} ms "
                     f"({recount[0] / one[0]:.1f}× the kept counts' time)")
    assert AcceptanceSettings.objects.filter(cycle=cycle).exists()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
