"""Benchmark of the yearly cycle: opening it over a million organizations, reading any level's counts,
approving a list of 500, and a county of 3,000 organizations through a whole cycle.

A script, not a test: it prints its figures (docs/benchmarks.md records them). Two parts:

* ``million`` (PostgreSQL only): a synthetic tree of ``--count`` organizations (orgs.synthetic,
  root code ``CYCBENCH``, generated on first use and reused), plus a level ``CYCW500`` with 500
  direct subordinates created through ``orgs.services`` under the tree's first county. Measures
  (a) ``cycle_open`` over the whole tree, (b) ``selectors.level_summary`` for the root, a city, a
  county and a town, median and p95 of many reads (target < 20 ms), after a mid-cycle state is
  written into the county (bulk UPDATE plus ``tallies.apply``), and (c) the real
  ``services.level_list_approve`` of the 500 (target < 2 s), after they are pushed to "decided"
  the same way. The cycle tables are emptied first (TRUNCATE): use a database of its own.
* ``county``: a county of ``--county-size`` organizations (``CYC3K``, built through
  ``orgs.services.organization_create`` on first use) through a whole cycle, every step through
  the services: open; every organization records its four own steps and submits; every superior
  determines; every level submits its list; every list below the owner is approved bottom-up (the
  owner's, once submitted, is the cycle's result). Prints the total and
  per-operation rates, and checks ``tallies.stored == tallies.recount`` at the end. The steps are
  recorded by the county administrator (who may, as administrator above every branch), each
  determination and list by the reviewer of the level concerned.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_cycles .venv/bin/python bench/cycles_bench.py
    JINWEI_DATA_DIR=/tmp/jinwei-bench-cycles .venv/bin/python bench/cycles_bench.py          # SQLite: county only
    .venv/bin/python bench/cycles_bench.py --smoke    # seconds: 3,000 and 60 organizations (other root codes)

The PostgreSQL database is created on first use; both databases are migrated by the script.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import ensure_database, machine  # noqa: E402
from cycles import selectors, services, tallies  # noqa: E402
from cycles.choices import GradingState, ListState  # noqa: E402
from cycles.models import (  # noqa: E402
    Cycle,
    CycleAttachment,
    CycleStandard,
    DeadlineExtension,
    DepartmentInput,
    Grading,
    LevelList,
    StepRecord,
    SurveyAnswer,
    Tally,
)
from orgs import paths  # noqa: E402
from orgs import services as org_services  # noqa: E402
from orgs.choices import OrganizationKind, Role, Sector  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402

SMOKE = "--smoke" in sys.argv  # a smoke run never reuses the real trees
ROOT_CODE = "CYCSMOKE" if SMOKE else "CYCBENCH"
WIDE_CODE = "CYCWSMOKE" if SMOKE else "CYCW500"
COUNTY_CODE = "CYCCSMOKE" if SMOKE else "CYC3K"
YEAR = 2026
SUMMARY_TARGET_MS = 20.0
APPROVE_TARGET_S = 2.0
GRADES = ("advanced", "average", "lagging")


# Shared ---------------------------------------------------------------------------------------


def user(username: str, *, superuser: bool = False, roles=()):
    """A login for the benchmark (no usable password: hashing one costs more than the figures measured)."""
    User = get_user_model()
    found = User.objects.filter(username=username).first()
    if found is None:
        found = User.objects.create_user(username=username, password=None, is_superuser=superuser, is_staff=superuser)
        for organization, role in roles:
            org_services.role_assignment_create(actor=superuser_actor(), user=found, organization=organization, role=role)
    return found


def superuser_actor():
    return user("cycbench_system", superuser=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed_reads(function, runs: int) -> tuple[float, float, float, object]:
    """(median, p95, max) in milliseconds over ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95), max(times), result


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def subtree_state_counts(cycle, organization) -> dict[str, int]:
    """A level's gradings by state counted from the detail rows (a range scan), to check the tallies."""
    rows = Grading.objects.filter(cycle=cycle, organization__path__gt=organization.path,
                                  organization__path__lt=paths.successor(organization.path)).values("state").annotate(
        n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def push(cycle, rows, *, actor) -> None:
    """Move gradings from "preparing" to the given states in bulk: one UPDATE per (state, grade, stars),
    the tallies through ``tallies.apply`` as the services keep them. ``rows``: (id, path, sector, state, grade, stars)."""
    groups = defaultdict(list)
    for pk, _path, _sector, state, grade, stars in rows:
        groups[(state, grade, stars)].append(pk)
    now = timezone.now()
    with transaction.atomic():
        for (state, grade, stars), ids in groups.items():
            decided = state in (GradingState.DECIDED, GradingState.APPROVED)
            for start in range(0, len(ids), 5000):
                Grading.objects.filter(pk__in=ids[start:start + 5000]).update(
                    state=state, declared_grade=grade, final_grade=grade if decided else "",
                    final_stars=stars if decided else None, decided_by=actor if decided else None,
                    decided_at=now if decided else None, approved_by=actor if state == GradingState.APPROVED else None,
                    approved_at=now if state == GradingState.APPROVED else None, updated_at=now)
        tallies.apply(cycle=cycle, changes=[
            (path, tallies.contribution(state=GradingState.PREPARING, sector=sector, final_grade="", final_stars=None),
             tallies.contribution(state=state, sector=sector, final_grade=grade if state in (
                 GradingState.DECIDED, GradingState.APPROVED) else "", final_stars=stars))
            for _pk, path, sector, state, grade, stars in rows])


def stars_of(grade: str, rng: random.Random) -> int:
    return {"advanced": rng.choice((4, 5)), "average": rng.choice((1, 2, 3)), "lagging": 0}[grade]


# Part 1: a million organizations --------------------------------------------------------------


def truncate_cycles() -> None:
    """Empty the cycle tables (a benchmark database of its own), so each run opens the same cycle from scratch."""
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in (
        Tally, StepRecord, DepartmentInput, DeadlineExtension, LevelList, SurveyAnswer, CycleAttachment, CycleStandard,
        Grading, Cycle))
    with connection.cursor() as cursor:
        # CASCADE: later apps' tables (ballots_ballotsession, ...) reference cycles_grading.
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def million_tree(count: int, seed: int) -> Organization:
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        print(f"\n== tree: generating {count:,} organizations (orgs.synthetic, seed {seed})")
        result = synthetic_tree_create(count=count, seed=seed, root_code=ROOT_CODE, actor=superuser_actor())
        print(f"  generated and written in {result.seconds:.1f} s; per depth {result.levels}")
        root = Organization.objects.get(pk=result.root_id)
    else:
        print(f"\n== tree: reusing {ROOT_CODE} ({root.descendants_count + 1:,} organizations)")
    return root


def wide_level(county: Organization, width: int = 500) -> Organization:
    """A level with ``width`` direct subordinates under ``county``, created through the services once."""
    level = Organization.objects.filter(code=WIDE_CODE).first()
    if level is None:
        started = time.perf_counter()
        actor = superuser_actor()
        level = org_services.organization_create(actor=actor, parent=county, name="中共模拟非公有制经济组织综合委员会",
                                                 code=WIDE_CODE, kind=OrganizationKind.WORKING_COMMITTEE,
                                                 sector=Sector.NON_PUBLIC_ENTERPRISE)
        for number in range(1, width + 1):
            org_services.organization_create(actor=actor, parent=level, name=f"模拟企业{number:03d}党支部",
                                             code=f"{WIDE_CODE}-{number:03d}", kind=OrganizationKind.BRANCH,
                                             sector=Sector.NON_PUBLIC_ENTERPRISE)
        print(f"  created {WIDE_CODE} and its {width} branches through organization_create in "
              f"{time.perf_counter() - started:.1f} s")
        level.refresh_from_db()
    return level


def bench_county(root: Organization) -> Organization:
    """The first city's first county or district (not its organs' working committee nor a university)."""
    city = Organization.objects.filter(parent=root).order_by("code").first()
    return Organization.objects.filter(parent=city, sector=Sector.REGIONAL).order_by("code").first()


def pick_levels(root: Organization, wide: Organization) -> dict[str, Organization]:
    """The root, its first city, that city's first county (where the wide level sits) and its widest town."""
    county = bench_county(root)
    city = county.parent
    town = Organization.objects.filter(parent=county, code__startswith=f"{ROOT_CODE}-").order_by("-children_count", "code").first()
    return {"root": root, "city": city, "county": county, "town": town, "wide level": wide}


def mid_cycle_state(cycle, county: Organization, *, actor, seed: int) -> int:
    """Write a mid-cycle state into the county's subtree (not the wide level): every state, grades and stars."""
    rng = random.Random(seed)
    rows = []
    wide_path = Organization.objects.get(code=WIDE_CODE).path
    for pk, path, sector in Grading.objects.filter(
            cycle=cycle, organization__path__gt=county.path, organization__path__lt=paths.successor(county.path)).exclude(
            organization__path__startswith=wide_path).values_list("pk", "organization__path", "organization__sector"):
        state = rng.choices([GradingState.PREPARING, GradingState.SUBMITTED, GradingState.RETURNED, GradingState.DECIDED,
                             GradingState.APPROVED], [20, 15, 5, 35, 25])[0]
        if state == GradingState.PREPARING:
            continue
        grade = rng.choices(GRADES, [25, 65, 10])[0]
        rows.append((pk, path, sector, state, grade, stars_of(grade, rng)))
    push(cycle, rows, actor=actor)
    return len(rows)


def million(options) -> None:
    admin = superuser_actor()
    root = million_tree(options.count, options.seed)
    wide = wide_level(bench_county(root))
    root.refresh_from_db()  # the wide level's 501 organizations count too
    levels = pick_levels(root, wide)
    county_admin = user("cycbench_county", roles=[(levels["county"], Role.ADMIN)])
    total = root.descendants_count + 1
    print(f"  organizations under {ROOT_CODE}: {total:,}; table: {Organization.objects.count():,}")
    for name, node in levels.items():
        print(f"  {name:<11} {node.code:<22} {node.name}  depth {node.depth}, {node.children_count:,} children, "
              f"{node.descendants_count:,} below")

    truncate_cycles()
    print(f"\n== (a) cycle_open over {root.descendants_count:,} organizations (gradings and tallies in bulk SQL)")
    started = time.perf_counter()
    cycle = services.cycle_open(actor=admin, owner=root, year=YEAR, name="基准测试年度分类定级", preset="chenghua")
    seconds = time.perf_counter() - started
    gradings, tally_rows = Grading.objects.filter(cycle=cycle).count(), Tally.objects.filter(cycle=cycle).count()
    print(f"  cycle_open: {seconds:.1f} s  ({gradings:,} gradings, {tally_rows:,} tally rows; "
          f"{seconds / gradings * 1e6:.1f} µs per grading)")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Grading, Tally):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print(f"  ANALYZE of gradings and tallies afterwards (autovacuum would do it): {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    written = mid_cycle_state(cycle, levels["county"], actor=county_admin, seed=options.seed)
    print(f"\n== mid-cycle state: {written:,} gradings of the county moved to other states (bulk UPDATE + tallies.apply) "
          f"in {time.perf_counter() - started:.1f} s")

    print(f"\n== (b) a level's counts: selectors.level_summary, {options.reads} reads each (target < {SUMMARY_TARGET_MS:.0f} ms)")
    client = Client()
    client.force_login(admin)
    for name, node in levels.items():
        median, p95, worst, counts = timed_reads(
            lambda node=node: selectors.level_summary(user=admin, cycle=cycle, level=node), options.reads)
        verdict = "ok" if p95 < SUMMARY_TARGET_MS else f"MISSES {SUMMARY_TARGET_MS:.0f} ms"
        rows = sum(len(values) for values in counts.values())
        print(f"  {name:<11} median {median:6.2f} ms  p95 {p95:6.2f}  max {worst:6.2f}  {verdict}  "
              f"({rows} rows, {sum(counts['state'].values()):,} gradings)")
        url = f"/api/cycles/{cycle.pk}/levels/{node.pk}/summary"
        assert client.get(url).status_code == 200
        median, p95, worst, _response = timed_reads(lambda url=url: client.get(url), max(options.reads // 5, 20))
        print(f"  {'':<11} GET {url}: median {median:6.2f} ms  p95 {p95:6.2f}  (whole request, session auth)")
    if options.explain:
        print(explain(f"SELECT dimension, {connection.ops.quote_name('key')}, count FROM "
                      f"{Tally._meta.db_table} WHERE cycle_id = %s AND organization_id = %s AND count > 0",
                      [cycle.pk, root.pk]))

    print(f"\n== (c) level_list_approve of {wide.children_count} direct subordinates (target < {APPROVE_TARGET_S:.0f} s)")
    rng = random.Random(options.seed)
    children = list(Grading.objects.filter(cycle=cycle, organization__parent=wide).values_list(
        "pk", "organization__path", "organization__sector"))
    rows = []
    for index, (pk, path, sector) in enumerate(children):
        grade = "advanced" if index % 10 < 3 else "lagging" if index % 20 == 0 else "average"
        rows.append((pk, path, sector, GradingState.DECIDED, grade, stars_of(grade, rng)))
    push(cycle, rows, actor=county_admin)
    level_list = services.level_list_submit(actor=admin, cycle=cycle, level=wide, exception="基准测试")
    samples = []
    for sample in range(options.approvals):
        if sample:  # back to a submitted list of decided gradings, tallies included
            with transaction.atomic():
                Grading.objects.filter(pk__in=[row[0] for row in rows]).update(
                    state=GradingState.DECIDED, approved_by=None, approved_at=None)
                tallies.apply(cycle=cycle, changes=[
                    (path, tallies.contribution(state=GradingState.APPROVED, sector=sector, final_grade=grade, final_stars=stars),
                     tallies.contribution(state=GradingState.DECIDED, sector=sector, final_grade=grade, final_stars=stars))
                    for _pk, path, sector, _state, grade, stars in rows])
                LevelList.objects.filter(pk=level_list.pk).update(state=ListState.SUBMITTED)
        started = time.perf_counter()
        services.level_list_approve(actor=county_admin, level_list=level_list)
        samples.append(time.perf_counter() - started)
    verdict = "ok" if max(samples) < APPROVE_TARGET_S else f"MISSES {APPROVE_TARGET_S:.0f} s"
    print(f"  level_list_approve ({len(children)} gradings): median {statistics.median(samples) * 1000:.0f} ms, "
          f"max {max(samples) * 1000:.0f} ms over {len(samples)} runs  {verdict}")
    approved = Grading.objects.filter(cycle=cycle, organization__parent=wide, state=GradingState.APPROVED).count()
    assert approved == len(children), approved

    print("\n== tallies against the detail rows (state counts by a range scan per level)")
    for name, node in levels.items():
        stored = tallies.level_counts(cycle=cycle, organization=node)["state"]
        started = time.perf_counter()
        counted = subtree_state_counts(cycle, node)
        verdict = "equal" if stored == counted else f"DIFFER: stored {stored}, counted {counted}"
        print(f"  {name:<11} {verdict}  (the count took {(time.perf_counter() - started) * 1000:,.0f} ms; "
              f"{sum(counted.values()):,} gradings)")


# Part 2: a county through a whole cycle -------------------------------------------------------

# The county's towns, streets and system units: (name, kind, sector of the unit, sector of its branches, weight).
UNITS = (
    [(f"模拟第{n}镇", OrganizationKind.COMMITTEE, Sector.REGIONAL, Sector.VILLAGE, 1.0) for n in range(1, 14)]
    + [(f"模拟第{n}街道", OrganizationKind.WORKING_COMMITTEE, Sector.STREET_COMMITTEE, Sector.COMMUNITY, 0.8)
       for n in range(1, 5)]
    + [("县直机关工委", OrganizationKind.WORKING_COMMITTEE, Sector.AGENCY, Sector.AGENCY, 1.2),
       ("县教育局党委", OrganizationKind.COMMITTEE, Sector.PUBLIC_INSTITUTION, Sector.PUBLIC_INSTITUTION, 1.4),
       ("县卫生健康局党委", OrganizationKind.COMMITTEE, Sector.PUBLIC_INSTITUTION, Sector.PUBLIC_INSTITUTION, 0.7),
       ("县非公党工委", OrganizationKind.WORKING_COMMITTEE, Sector.NON_PUBLIC_ENTERPRISE, Sector.NON_PUBLIC_ENTERPRISE, 0.9),
       ("县社会组织党工委", OrganizationKind.WORKING_COMMITTEE, Sector.SOCIAL_ORG, Sector.SOCIAL_ORG, 0.4)])


def county_build(size: int, seed: int) -> Organization:
    """The county, its units and their branches (about 3% grouped under general branches), through the services."""
    county = Organization.objects.filter(code=COUNTY_CODE).first()
    if county is not None:
        print(f"\n== county: reusing {COUNTY_CODE} ({county.descendants_count + 1:,} organizations)")
        return county
    rng = random.Random(seed)
    actor = superuser_actor()
    started = time.perf_counter()
    with transaction.atomic():
        county = org_services.organization_create(actor=actor, parent=None, name="中共模拟县委员会（周期基准）",
                                                  code=COUNTY_CODE, kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
        budget = size - 1 - len(UNITS)
        weights = [unit[4] for unit in UNITS]
        sizes = [int(budget * weight / sum(weights)) for weight in weights]
        sizes[0] += budget - sum(sizes)
        for index, ((name, kind, sector, branch_sector, _weight), below) in enumerate(zip(UNITS, sizes, strict=True), 1):
            code = f"{COUNTY_CODE}-{index:03d}"
            unit = org_services.organization_create(actor=actor, parent=county, name=f"中共{name}委员会", code=code,
                                                    kind=kind, sector=sector)
            number = 0
            while below:
                number += 1
                group = rng.randint(6, 15) if below > 16 and rng.random() < 0.03 else 0
                branch = org_services.organization_create(
                    actor=actor, parent=unit, name=f"{name}第{number}{'党总支' if group else '党支部'}",
                    code=f"{code}-{number:04d}", kind=OrganizationKind.GENERAL_BRANCH if group else OrganizationKind.BRANCH,
                    sector=branch_sector)
                below -= 1
                for sub in range(1, group + 1):
                    org_services.organization_create(actor=actor, parent=branch, name=f"{name}第{number}党总支第{sub}党支部",
                                                     code=f"{code}-{number:04d}-{sub:02d}", kind=OrganizationKind.BRANCH,
                                                     sector=branch_sector)
                    below -= 1
    seconds = time.perf_counter() - started
    county.refresh_from_db()
    print(f"\n== county: built {county.descendants_count + 1:,} organizations through organization_create in {seconds:.1f} s "
          f"({(county.descendants_count + 1) / seconds:,.0f}/s)")
    return county


class Clock:
    """Time per operation kind."""

    def __init__(self):
        self.seconds: Counter = Counter()
        self.calls: Counter = Counter()

    def __call__(self, kind: str, function, **kwargs):
        started = time.perf_counter()
        result = function(**kwargs)
        self.seconds[kind] += time.perf_counter() - started
        self.calls[kind] += 1
        return result


def county_cycle(options) -> None:
    county = county_build(options.county_size, options.seed)
    admin = user("cyc3k_admin", roles=[(county, Role.ADMIN)])
    levels = list(Organization.objects.filter(path__gte=county.path, path__lt=paths.successor(county.path),
                                              children_count__gt=0).order_by("path"))
    reviewers = {level.pk: user(f"cyc3k_r{level.pk}", roles=[(level, Role.REVIEWER)]) for level in levels}
    reviewers[county.pk] = admin
    Cycle.objects.filter(owner=county).delete()
    print(f"  {len(levels)} levels with subordinates, each with its reviewer; depth {county.depth} to "
          f"{Organization.objects.filter(path__startswith=county.path).order_by('-depth').first().depth}")

    rng = random.Random(options.seed)
    clock = Clock()
    today = datetime.date.today()
    started = time.perf_counter()
    cycle = clock("cycle_open", services.cycle_open, actor=admin, owner=county, year=YEAR, name="模拟县年度分类定级",
                  preset="chenghua")
    gradings = list(Grading.objects.filter(cycle=cycle).select_related("organization").order_by("organization__path"))
    declared = {}
    for grading in gradings:
        grade = rng.choices(GRADES, [25, 65, 10])[0]
        declared[grading.pk] = grade
        people = rng.randint(15, 80)
        clock("step_record", services.step_record, actor=admin, grading=grading, step="public_rating", held_on=today,
              participants=people, votes={g: rng.randint(0, people // len(GRADES)) for g in GRADES})
        clock("step_record", services.step_record, actor=admin, grading=grading, step="member_review", held_on=today,
              participants=people // 2, grade=grade)
        clock("step_record", services.step_record, actor=admin, grading=grading, step="self_assessment", held_on=today,
              grade=grade)
        clock("step_record", services.step_record, actor=admin, grading=grading, step="meeting_review", held_on=today,
              participants=people, votes={"agree": people - 3, "disagree": 2, "abstain": 1})
        clock("grading_submit", services.grading_submit, actor=admin, grading=grading)
    for grading in gradings:
        grade = declared[grading.pk]
        if rng.random() < 0.1:
            grade = rng.choice([g for g in GRADES if g != grade])
        clock("grading_decide", services.grading_decide, actor=reviewers[grading.organization.parent_id], grading=grading,
              grade=grade, reason="" if grade == declared[grading.pk] else "实地核查后调整")
    for level in levels:
        clock("level_list_submit", services.level_list_submit, actor=reviewers[level.pk], cycle=cycle, level=level,
              exception="比例以实际评定为准（基准测试）")
    for level in sorted(levels, key=lambda level: -level.depth):
        if level.pk == county.pk:
            continue  # the owner's list is the cycle's result once submitted: no one above approves it
        level_list = LevelList.objects.get(cycle=cycle, organization=level)
        approver = admin if level.pk == county.pk else reviewers[level.parent_id]
        clock("level_list_approve", services.level_list_approve, actor=approver, level_list=level_list)
    total = time.perf_counter() - started

    print(f"\n== a county of {len(gradings) + 1:,} organizations through a whole cycle on {connection.vendor}: "
          f"{total:.1f} s in all")
    for kind in ("cycle_open", "step_record", "grading_submit", "grading_decide", "level_list_submit", "level_list_approve"):
        seconds, calls = clock.seconds[kind], clock.calls[kind]
        print(f"  {kind:<20} {calls:>6,} calls  {seconds:7.2f} s  {calls / seconds:8,.0f}/s  {seconds / calls * 1000:7.2f} ms each")
    operations = sum(clock.calls.values())
    print(f"  {'all':<20} {operations:>6,} calls  {sum(clock.seconds.values()):7.2f} s  "
          f"{operations / sum(clock.seconds.values()):8,.0f}/s")
    states = Counter(Grading.objects.filter(cycle=cycle).values_list("state", flat=True))
    started = time.perf_counter()
    stored, recounted = tallies.stored(cycle=cycle), tallies.recount(cycle=cycle)
    print(f"  gradings by state: {dict(states)}; lists: "
          f"{dict(Counter(LevelList.objects.filter(cycle=cycle).values_list('state', flat=True)))}")
    print(f"  tallies.stored == tallies.recount: {stored == recounted} ({len(stored):,} tally rows; "
          f"checked in {time.perf_counter() - started:.1f} s)")
    assert stored == recounted
    assert states == {GradingState.APPROVED: len(gradings)}, states


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["all", "million", "county"], default="all",
                        help="all: both on PostgreSQL, the county only on SQLite")
    parser.add_argument("--count", type=int, default=1_000_000, help="organizations in the synthetic tree")
    parser.add_argument("--county-size", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reads", type=int, default=1000, help="reads per level for (b)")
    parser.add_argument("--approvals", type=int, default=5, help="timed runs of (c)")
    parser.add_argument("--explain", action="store_true", help="print the plan of the summary query")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: that every part still runs")
    options = parser.parse_args()
    if options.smoke:
        options.count, options.county_size, options.reads, options.approvals = 3_000, 60, 20, 1

    if connection.vendor == "postgresql":
        ensure_database()
    call_command("migrate", verbosity=0)
    print("== Jinwei cycles benchmark")
    for line in machine():
        print(line)
    if options.part in ("all", "million"):
        if connection.vendor != "postgresql":
            if options.part == "million":
                sys.exit("The million part runs on PostgreSQL: set DATABASE_URL.")
        else:
            million(options)
    if options.part in ("all", "county"):
        county_cycle(options)


if __name__ == "__main__":
    main()
