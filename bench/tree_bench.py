"""Benchmark of the organization tree at national scale: load, counts, listings, pages, search.

A script, not a test: it prints its figures (docs/benchmarks.md records them). It works on the
database the settings give (``DATABASE_URL`` for PostgreSQL, ``JINWEI_DATA_DIR`` for the SQLite
file): run ``manage.py migrate`` there first, and use a database of its own — it writes a
synthetic tree of ``--count`` organizations under the root code ``BENCH`` (kept afterwards, and
reused by the next run, which then skips the load), plus a superuser ``bench_admin`` and a county
administrator ``bench_county``.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench .venv/bin/python bench/tree_bench.py
    JINWEI_DATA_DIR=/tmp/jinwei-bench .venv/bin/python bench/tree_bench.py
    .venv/bin/python bench/tree_bench.py --smoke    # seconds: 2,000 organizations under BENCHSMOKE, 3 runs a figure

Targets (DESIGN.md "Scale we build for"): children listing and subtree count under 50 ms at
1,000,000 organizations on PostgreSQL; loading 1,000,000 in under 2 minutes.

The import section (issue 22) writes a province's organization list of ``--import-count``
organizations (100,000 by default) as .xlsx, then measures in the same run a plain read of that file
(core.workbooks, the limited reader, every row), the import's check (read and plan) and its commit
(read, plan, write, audit; rolled back afterwards, so that runs repeat), with their ratios to the
plain read: the commit should take at most 4× the plain read. ``--import-only`` skips the tree figures.

    .venv/bin/python bench/tree_bench.py --import-only --import-count 1000000    # a million: the reader's limits
"""

import argparse
import contextlib
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")
# Production runs without DEBUG; with it Django also keeps every query's SQL.
os.environ.setdefault("JINWEI_DEBUG", "false")
os.environ.setdefault("JINWEI_SECRET_KEY", "jinwei-benchmark-key")  # production settings need a key of their own

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import machine  # noqa: E402
from core.workbooks import workbook_read  # noqa: E402
from core.xlsx import new_workbook  # noqa: E402
from orgs import selectors, services  # noqa: E402
from orgs.choices import OrganizationKind, Role, Sector  # noqa: E402
from orgs.importing.planning import tree_import_plan  # noqa: E402
from orgs.importing.reading import LIMITS, read_rows  # noqa: E402
from orgs.importing.writing import tree_import_commit  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import organization_counts_recount, synthetic_tree_create  # noqa: E402

ROOT_CODE = "BENCHSMOKE" if "--smoke" in sys.argv else "BENCH"  # a smoke run never reuses the real tree
TARGET_MS = 50.0
IMPORT_CODE = "BENCHIMPSMOKE" if "--smoke" in sys.argv else "BENCHIMP"
IMPORT_TARGET = 4.0  # the commit at most 4× a plain read of the same file


def timed(function, runs: int) -> tuple[float, float, float, object]:
    """(first, median, max) in milliseconds over ``runs`` calls, and the last result."""
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times), max(times), result


def row(label: str, figures: tuple[float, float, float, object], note: str = "", target: float | None = None) -> None:
    first, median, worst, _result = figures
    verdict = ""
    if target is not None:
        verdict = "  ok" if median < target else f"  MISSES {target:.0f} ms"
    print(f"  {label:<58} median {median:8.1f} ms  first {first:8.1f}  max {worst:8.1f}{verdict}  {note}")


def explain(queryset) -> str:
    """The engine's plan for a queryset (with actual times on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return queryset.explain(analyze=True, buffers=True)
    return queryset.explain()


def pick_nodes(root: Organization) -> dict[str, Organization]:
    """The root, a county of typical size, and the unit with the most direct subordinates."""
    counties = list(
        Organization.objects.subtree(root.path).filter(depth=root.depth + 2, sector="regional").order_by("code")
    )
    mean = statistics.mean(county.descendants_count for county in counties)
    county = min(counties, key=lambda county: abs(county.descendants_count - mean))
    widest = Organization.objects.subtree(root.path).order_by("-children_count", "code").first()
    return {"root": root, "county": county, "widest unit": widest}


def users(county: Organization):
    User = get_user_model()
    admin = User.objects.filter(username="bench_admin").first() or User.objects.create_superuser(
        "bench_admin", password="bench-admin-pass-1"
    )
    scoped = User.objects.filter(username="bench_county").first()
    if scoped is None and county is not None:
        scoped = services.user_create(actor=admin, username="bench_county", password="Tree-bench-7f3q-Lk")
        services.role_assignment_create(actor=admin, user=scoped, organization=county, role=Role.ADMIN)
    return admin, scoped


def search_figures(searches, runs: int) -> None:
    """The search selector's time, and its code and name queries' times apart (as the selector builds them)."""
    for label, user, query in searches:
        figures = timed(lambda user=user, query=query: selectors.organization_search(user=user, query=query), runs)
        visible = Organization.objects.visible_to(user)
        by_code = timed(lambda visible=visible, query=query: list(
            visible.filter(code__startswith=query).order_by("code")[:50]), runs)
        by_name = timed(lambda visible=visible, query=query: list(
            visible.filter(Q(name__contains=query) | Q(short_name__contains=query)).order_by("path")[:50]), runs)
        row(label, figures, f"{len(figures[3])} found; code query {by_code[1]:.1f} ms, name query {by_name[1]:.1f} ms")


@contextlib.contextmanager
def proposed_search_indexes():
    """Indexes that would make search indexed, created for the measurement and dropped afterwards.

    PostgreSQL: trigram GIN indexes (pg_trgm) on name and short_name serve ``LIKE '%…%'`` for
    queries of three characters or more (the code prefix already has Django's varchar_pattern_ops
    index). SQLite: its LIKE is case-insensitive, so a prefix LIKE can use only an index with the
    NOCASE collation on code; names stay a full scan (that would need FTS5 and another query).
    """
    table = connection.ops.quote_name(Organization._meta.db_table)
    if connection.vendor == "postgresql":
        created = ["bench_whatif_name_trgm", "bench_whatif_short_name_trgm"]
        statements = [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX bench_whatif_name_trgm ON {table} USING gin (name gin_trgm_ops)",
            f"CREATE INDEX bench_whatif_short_name_trgm ON {table} USING gin (short_name gin_trgm_ops)",
            f"ANALYZE {table}",
        ]
        described = "pg_trgm GIN indexes on name and short_name"
    else:
        created = ["bench_whatif_code_nocase"]
        statements = [f"CREATE INDEX bench_whatif_code_nocase ON {table} (code COLLATE NOCASE)", f"ANALYZE {table}"]
        described = "an index on code COLLATE NOCASE"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    print(f"  (built in {time.perf_counter() - started:.1f} s)")
    try:
        yield described
    finally:
        with connection.cursor() as cursor:
            for name in created:
                cursor.execute(f"DROP INDEX {name}")


def province_file(path: str, count: int, prefix: str) -> None:
    """A province's organization list of ``count`` rows as .xlsx: 13 cities, 10 counties each, 20 towns
    each, the rest branches under the towns, each row after its parent, parents by code."""
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet("组织")
    sheet.write_string(0, 0, "某省基层党组织名册")
    for column, header in enumerate(("组织代码", "党组织名称", "党组织类别", "所属领域", "上级组织代码", "书记")):
        sheet.write_string(1, column, header)
    rows, towns = [], []
    for city in range(13):
        city_code = f"{prefix}C{city:02d}"
        rows.append((city_code, f"第{city + 1}市委", "党委", "地方", prefix))
        for county in range(10):
            county_code = f"{city_code}X{county:02d}"
            rows.append((county_code, f"第{city + 1}市第{county + 1}县委", "党委", "地方", city_code))
            for town in range(20):
                towns.append(f"{county_code}Z{town:02d}")
                rows.append((towns[-1], f"第{city + 1}市第{county + 1}县第{town + 1}镇党委", "党委", "乡镇", county_code))
    rows = rows[:count]
    for number in range(count - len(rows)):
        town = towns[number % len(towns)]
        rows.append((f"{town}B{number:07d}", f"{town}第{number + 1}村党支部", "党支部", "村", town))
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values):
            sheet.write_string(number, column, value)
        sheet.write_string(number, 5, f"书记{number}")
    workbook.close()


def plain_read(path: str) -> int:
    """Every row of the file through the limited reader, nothing else: the baseline."""
    rows = 0
    with workbook_read(path, filename="province.xlsx", limits=LIMITS) as workbook:
        for sheet in workbook.sheets:
            for _row in sheet.rows():
                rows += 1
    return rows


class RolledBack(Exception):
    pass


def import_figures(count: int, admin) -> None:
    print(f"\n== import of a province's organization list: {count:,} organizations (.xlsx), "
          f"target commit ≤ {IMPORT_TARGET:.0f}× a plain read")
    level = Organization.objects.filter(code=IMPORT_CODE).first() or services.organization_create(
        actor=admin, parent=None, name="基准测试省委", code=IMPORT_CODE, kind=OrganizationKind.COMMITTEE,
        sector=Sector.REGIONAL)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "province.xlsx")
        started = time.perf_counter()
        province_file(path, count, IMPORT_CODE)
        size = os.path.getsize(path)
        print(f"  file written          {time.perf_counter() - started:7.1f} s  ({size / 1024 / 1024:.1f} MB)")
        with open(path, "rb") as handle:
            content = handle.read()

        started = time.perf_counter()
        rows = plain_read(path)
        read = time.perf_counter() - started
        reader_memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  plain read            {read:7.1f} s  ({rows:,} rows; the reader process peaked at "
              f"{reader_memory:,.0f} MB of {LIMITS.memory_bytes / 1024**3:.0f} GB, {LIMITS.seconds} s allowed)")

        started = time.perf_counter()
        plan = tree_import_plan(level=level, reading=read_rows("province.xlsx", content))
        check = time.perf_counter() - started
        problems = plan.problems[:3]
        print(f"  check (read + plan)   {check:7.1f} s  {check / read:5.1f}× the plain read  "
              f"({plan.counts['created']:,} to create, {len(plan.problems)} problems{': ' if problems else ''}"
              f"{'; '.join(p.message for p in problems)})")

        started = time.perf_counter()
        try:
            with transaction.atomic():
                counts = tree_import_commit(actor=admin, level=level, filename="province.xlsx", content=content)
                written = time.perf_counter() - started
                raise RolledBack
        except RolledBack:
            pass
        verdict = "ok" if written / read <= IMPORT_TARGET else f"MISSES {IMPORT_TARGET:.0f}×"
        print(f"  commit (read + plan + write + audit)  {written:7.1f} s  {written / read:5.1f}× the plain read  "
              f"{verdict}  ({counts['created']:,} created; rolled back afterwards)")
        print(f"  this process peaked at {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=9, help="runs per figure; the median is reported")
    parser.add_argument("--explain", action="store_true", help="print the query plans behind the figures")
    parser.add_argument("--what-if", action="store_true",
                        help="measure search again with the indexes proposed in docs/benchmarks.md, then drop them")
    parser.add_argument("--import-count", type=int, default=100_000,
                        help="organizations in the province file of the import figures")
    parser.add_argument("--import-only", action="store_true", help="only the import figures")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: that every figure still runs")
    options = parser.parse_args()
    if options.smoke:
        options.count, options.runs, options.import_count = 2_000, 3, 2_000
    call_command("migrate", verbosity=0)

    print("== Jinwei tree benchmark")
    for line in machine():
        print(line)
    if options.import_only:
        admin, _scoped = users(None)
        import_figures(options.import_count, admin)
        return

    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        print(f"\n== load: {options.count:,} organizations (generate_tree, seed {options.seed})")
        result = synthetic_tree_create(count=options.count, seed=options.seed, root_code=ROOT_CODE)
        print(f"  generate and write    {result.seconds_write:7.1f} s")
        print(f"  commit (FK checks…)   {result.seconds_commit:7.1f} s")
        print(f"  statistics            {result.seconds_statistics:7.1f} s")
        verdict = "ok" if result.seconds < 120 else "MISSES 120 s"
        print(f"  total                 {result.seconds:7.1f} s  {verdict}  ({result.seconds / result.count * 1e6:.1f} µs "
              f"per organization; per depth {result.levels})")
        root = Organization.objects.get(pk=result.root_id)
    else:
        print(f"\n== load: skipped, reusing {ROOT_CODE} ({root.descendants_count + 1:,} organizations)")
    total = Organization.objects.count()
    print(f"  organizations in the table: {total:,}")

    recount = organization_counts_recount()
    print(f"\n== integrity: recount of every children_count/descendants_count with SQL: {recount.seconds:.1f} s, "
          f"{recount.mismatched} mismatched, {recount.shape_problems} depth/path problems")

    nodes = pick_nodes(root)
    admin, scoped = users(nodes["county"])
    runs = options.runs
    print("\n== nodes")
    for label, node in nodes.items():
        print(f"  {label:<12} {node.code:<22} {node.name}  depth {node.depth}, {node.children_count:,} children, "
              f"{node.descendants_count:,} below")

    print(f"\n== subtree count (target < {TARGET_MS:.0f} ms on PostgreSQL)")
    for label, node in nodes.items():
        if label == "widest unit":
            continue
        row(f"{label}: kept-current column (selector)", timed(
            lambda node=node: selectors.organization_subtree_count(
                organization=Organization.objects.only("descendants_count", "dissolved_on").get(pk=node.pk)), runs),
            target=TARGET_MS)
        figures = timed(lambda node=node: Organization.objects.subtree(node.path).count(), runs)
        row(f"{label}: indexed range COUNT(*)", figures, f"= {figures[3]:,}")
        figures = timed(lambda node=node: Organization.objects.subtree(node.path).active().count(), runs)
        row(f"{label}: range COUNT(*) of active ones", figures, f"= {figures[3]:,}")

    print(f"\n== children listing, first page of {selectors.settings.TREE_CHILDREN_PAGE} by code")
    for label, node in nodes.items():
        figures = timed(lambda node=node: selectors.organization_children(user=admin, parent=node, limit=200), runs)
        row(f"{label}", figures, f"{len(figures[3])} rows", target=TARGET_MS)

    print("\n== pages (test Client, logged in as a superuser; whole request incl. session and template)")
    client = Client()
    client.force_login(admin)
    pages = [("/orgs/ (tree)", "/orgs/")]
    for label, node in nodes.items():
        pages += [(f"/orgs/<{label}>/children/", f"/orgs/{node.pk}/children/"),
                  (f"/orgs/<{label}>/ (detail)", f"/orgs/{node.pk}/")]
    for label, url in pages:
        queries = []
        # Counted with a wrapper: the request_started signal empties connection.queries.
        with connection.execute_wrapper(
            lambda execute, sql, *args, queries=queries: queries.append(sql) or execute(sql, *args)
        ):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        row(label, timed(lambda url=url: client.get(url), runs), f"{len(queries)} queries")

    county = nodes["county"]
    sample = Organization.objects.subtree(county.path).filter(depth=county.depth + 2).order_by("code")[7]
    searches = [
        ("superuser, code prefix of the county", admin, county.code),
        ("superuser, code prefix of one branch", admin, sample.code),
        (f"superuser, name part {sample.name[:3]!r}", admin, sample.name[:3]),
        (f"superuser, two characters {sample.name[:2]!r}", admin, sample.name[:2]),
        (f"superuser, whole name {sample.name!r}", admin, sample.name),
        ("superuser, a name nobody has", admin, "无此组织名称"),
        (f"county admin, name part {sample.name[:3]!r}", scoped, sample.name[:3]),
        ("county admin, a name nobody has", scoped, "无此组织名称"),
    ]
    print("\n== search: selector organization_search (code prefix, then name contains; 50 results), "
          "and its two queries apart")
    search_figures(searches, runs)
    figures = timed(lambda: client.get("/orgs/search/", {"q": sample.name[:3]}), runs)
    row(f"page /orgs/search/?q={sample.name[:3]}", figures)

    if options.what_if:
        with proposed_search_indexes() as described:
            print(f"\n== search again, with {described} (dropped afterwards)")
            search_figures(searches, runs)

    import_figures(options.import_count, admin)

    if options.explain:
        print("\n== plans")
        visible = Organization.objects.visible_to(admin)
        plans = {
            "subtree COUNT (county)": Organization.objects.subtree(county.path),
            "children of the widest unit": Organization.objects.filter(
                parent=nodes["widest unit"], dissolved_on__isnull=True).order_by("code")[:201],
            "search by code prefix": visible.filter(code__startswith=county.code).order_by("code")[:50],
            "search by name (superuser)": visible.filter(name__contains="无此组织名称").order_by("path")[:50],
            "search by name (county admin)": Organization.objects.visible_to(scoped).filter(
                name__contains="无此组织名称").order_by("path")[:50],
        }
        for label, queryset in plans.items():
            print(f"-- {label}\n{explain(queryset)}\n")


if __name__ == "__main__":
    main()
