"""Benchmark of the pledges' kept-current counts per level (pledges.tallies), read at national scale.

A script, not a test: it prints its figures and their ratio to a baseline measured in the same run
(docs/benchmarks.md records them).

Every organization counts its own pledges and its members' (each level above it too), under a few keys of
kind × state and kind × result: 5.2 million organizations give some 20-30 million tally rows. On PostgreSQL,
``--levels`` organizations of a synthetic tree (orgs.synthetic, root PLGSYN, made on first use; PLGSMOKE in
``--smoke``) each get ``--keys`` tally rows in one INSERT … SELECT, then ``tallies.level_counts`` (what a
level's page reads) is timed for random levels, median and p95 (target < 20 ms). Baseline: the same read
while the table holds the rows of only 1,000 levels.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_pledges .venv/bin/python bench/pledges_bench.py
    .venv/bin/python bench/pledges_bench.py --smoke     # a few seconds, on whatever database is configured

The tree is kept for the next run; the benchmark's tally rows are deleted at the end.
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.common import ensure_database, machine  # noqa: E402
from cycles import services as cycle_services  # noqa: E402
from cycles.models import Cycle  # noqa: E402
from orgs import services as org_services  # noqa: E402
from orgs.choices import OrganizationKind, Sector  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402
from pledges import tallies  # noqa: E402
from pledges.choices import PledgeKind, PledgeResult, PledgeState  # noqa: E402
from pledges.models import PledgeTally  # noqa: E402

YEAR = 2032
KEYS = [(tallies.STATE, f"{kind}:{state}") for kind in PledgeKind.values for state in PledgeState.values] + [
    (tallies.RESULT, f"{kind}:{result}") for kind in PledgeKind.values for result in PledgeResult.values]


def _tree(code: str, levels: int) -> tuple[Organization, list[int]]:
    root = Organization.objects.filter(code=code).first()
    if root is None:
        started = time.perf_counter()
        synthetic_tree_create(count=levels, root_code=code)
        root = Organization.objects.get(code=code)
        print(f"synthetic tree of {levels:,} organizations: {time.perf_counter() - started:.0f} s")
    return root, list(Organization.objects.subtree(root.path).order_by("pk").values_list("pk", flat=True))


def _cycle(code: str) -> Cycle:
    """A cycle of a one-organization root: opening one over the synthetic tree would write a grading for each of
    its organizations, and the counts' read does not look at the tree."""
    admin = get_user_model().objects.filter(username="pledges_bench").first() or \
        get_user_model().objects.create_superuser("pledges_bench", password=None)
    owner = Organization.objects.filter(code=code).first() or org_services.organization_create(
        actor=admin, parent=None, name="承诺基准县委", code=code, kind=OrganizationKind.COMMITTEE,
        sector=Sector.REGIONAL)
    cycle = Cycle.objects.filter(owner=owner, year=YEAR).first()
    return cycle or cycle_services.cycle_open(actor=admin, owner=owner, year=YEAR, name=f"{YEAR} 承诺基准",
                                              preset="hunan")


def _fill(cycle: Cycle, ids: list[int], keys: int) -> float:
    """``keys`` tally rows for each level of ``ids`` in one INSERT … SELECT; returns the seconds it took."""
    chosen = KEYS[:keys]
    table = connection.ops.quote_name(PledgeTally._meta.db_table)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE cycle_id = %s", [cycle.pk])
        cursor.execute(
            f"INSERT INTO {table} (cycle_id, organization_id, dimension, key, count) "
            f"SELECT %s, o.id, k.dimension, k.key, 1 + (o.id * k.n) %% 50 "
            f"FROM unnest(%s::bigint[]) AS o(id), "
            f"unnest(%s::text[], %s::text[], %s::int[]) AS k(dimension, key, n)",
            [cycle.pk, ids, [d for d, _k in chosen], [k for _d, k in chosen], list(range(1, len(chosen) + 1))])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def _read_ms(cycle: Cycle, ids: list[int], reads: int) -> tuple[float, float]:
    rng = random.Random(0)
    times = []
    for _read in range(reads):
        level = Organization(pk=rng.choice(ids))
        started = time.perf_counter()
        counts = tallies.level_counts(cycle=cycle, organization=level)
        times.append(time.perf_counter() - started)
        assert counts[tallies.STATE], level.pk
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=20, choices=range(1, len(KEYS) + 1), metavar=f"1..{len(KEYS)}")
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--smoke", action="store_true", help="a few seconds: small sizes")
    args = parser.parse_args()
    code = "PLGSYN"
    if args.smoke:
        args.levels, args.reads, code = 2000, 50, "PLGSMOKE"
    if connection.vendor != "postgresql":
        print("\n".join([*machine(), "counts: PostgreSQL only (skipped)"]))
        return
    ensure_database()
    lines = machine()
    call_command("migrate", verbosity=0)
    _root, ids = _tree(code, args.levels)
    cycle = _cycle(f"{code}-OWNER")
    _fill(cycle, ids[:1000], args.keys)
    small = _read_ms(cycle, ids[:1000], args.reads)
    filled = _fill(cycle, ids, args.keys)
    rows = PledgeTally.objects.filter(cycle=cycle).count()
    _read_ms(cycle, ids, 20)  # warm up
    big = _read_ms(cycle, ids, args.reads)
    PledgeTally.objects.filter(cycle=cycle).delete()
    lines.append(f"{datetime.date.today()}: level_counts on {rows:,} tally rows ({len(ids):,} levels × {args.keys} keys, "
                 f"written in {filled:.0f} s): median {big[0]:.2f} ms, p95 {big[1]:.2f} ms of {args.reads}; baseline on "
                 f"{1000 * args.keys:,} rows: median {small[0]:.2f} ms, p95 {small[1]:.2f} ms; ratio "
                 f"{big[0] / small[0]:.2f}× (target < 20 ms)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
