"""Benchmark of the ledger's Excel exchange at 100,000 rows, each figure beside its baseline in one run.

A script, not a test: it prints its figures (docs/benchmarks.md records them). On first use it
builds a province-shaped tree of ``--rows`` organizations (orgs.synthetic, root ``LEDBENCH``), opens
a cycle over it, and writes every organization's basic facts, grades and rectification entry in
bulk, with its plan of two problems and two measures (rectification's tables, in bulk: the benchmark
reads no tally). Then, each phase in a child process of its own so that its peak memory is its own:

* export: the Hunan ledger (附件二) of the whole tree through ``ledgers.layouts.write_hunan_ledger``
  (database read, the sample's sentences, the official layout) against the baseline of XlsxWriter
  alone writing the same cells (constant-memory mode, the values read back from the exported file
  and held in memory beforehand). Target ≤ 1.25×, peak memory < 300 MB.
* import: ``ledgers.importing.ledger_import_commit`` of that file (reading in its child process,
  matching, validation, the database writes of 100,000 facts, which are deleted first, and the
  comparison of every row's rectification columns with its plan, which stays: the plans are changed
  through rectification's services only where a cell differs, and here none does) against the baseline of a plain read of the same file with python-calamine (every cell
  into Python values). Target ≤ 4×, peak memory of the import and its reader < 1 GB.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_ledgers .venv/bin/python bench/ledgers_bench.py
    JINWEI_DATA_DIR=/tmp/jinwei-bench-ledgers .venv/bin/python bench/ledgers_bench.py          # SQLite
    .venv/bin/python bench/ledgers_bench.py --smoke    # a few seconds: 300 rows, a fresh SQLite file

The export and the import each run ``--repeat`` times (3), each run between two runs of its
baseline (the mean of the two is its baseline), and the median ratio is the figure: this machine's
speed drifts by a third within minutes. ``--smoke`` checks that every phase still runs; its figures say nothing of the targets.
"""

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")
os.environ.setdefault("JINWEI_DEBUG", "false")
os.environ.setdefault("JINWEI_SECRET_KEY", "jinwei-benchmark-key")  # production settings need a key of their own
SMOKE_FOLDER = None
if "--smoke" in sys.argv and not os.environ.get("DATABASE_URL") and not os.environ.get("JINWEI_DATA_DIR"):
    SMOKE_FOLDER = os.environ["JINWEI_DATA_DIR"] = tempfile.mkdtemp(prefix="jinwei-ledgers-smoke-")  # not the site's data

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
import random  # noqa: E402

import xlsxwriter  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from bench.common import ensure_database, machine  # noqa: E402
from cycles import services as cycle_services  # noqa: E402
from cycles.models import Cycle, Grading  # noqa: E402
from ledgers.importing import ledger_import_commit  # noqa: E402
from ledgers.layouts import write_hunan_ledger  # noqa: E402
from ledgers.printing import form_meta, level_ledger_rows  # noqa: E402
from ledgers.selectors import LedgerFilters  # noqa: E402
from orgs.choices import VenueStatus  # noqa: E402
from orgs.models import Organization, OrganizationFacts  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402
from rectification.models import Measure, Plan, Problem, Supporter  # noqa: E402

ROOT_CODE = os.environ.setdefault("JINWEI_BENCH_ROOT", "LEDSMOKE" if "--smoke" in sys.argv else "LEDBENCH")
YEAR = 2026
GRADES = ["advanced", "average", "lagging"]


def admin():
    user, created = get_user_model().objects.get_or_create(username="ledger_bench", defaults={"is_superuser": True})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def build(rows: int) -> Cycle:
    """The tree, its cycle, facts, grades and plans (once; reused by later runs)."""
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        started = time.perf_counter()
        synthetic_tree_create(count=rows, root_code=ROOT_CODE)
        print(f"tree of {rows} organizations generated in {time.perf_counter() - started:.1f} s")
        root = Organization.objects.get(code=ROOT_CODE)
    cycle = Cycle.objects.filter(owner=root, year=YEAR).first()
    if cycle is not None:
        return cycle
    started = time.perf_counter()
    actor = admin()
    cycle = cycle_services.cycle_open(actor=actor, owner=root, year=YEAR, name="台账基准", preset="hunan")
    rng = random.Random(7)
    with transaction.atomic():
        ids = list(Grading.objects.filter(cycle=cycle).values_list("organization_id", flat=True))
        facts, plans = [], []
        for pk in ids:
            total = rng.randint(5, 120)
            facts.append(OrganizationFacts(
                organization_id=pk, year=YEAR, members_total=total, probationary_members=rng.randint(0, total // 10),
                female_members=rng.randint(0, total // 3), members_under_35=rng.randint(0, total // 4),
                college_members=rng.randint(0, total // 4), leadership_size=rng.randint(3, 7),
                mobile_members=rng.randint(0, 12), venue_status=VenueStatus.BUILT,
                main_features="1、班子团结，制度健全；\n2、活动阵地建设好。", problems="1、党员年龄偏大；\n2、发展党员不足。"))
            plans.append(Plan(cycle=cycle, organization_id=pk, target_grade=rng.choice(GRADES[:2])))
        OrganizationFacts.objects.bulk_create(facts, batch_size=5000)
        Plan.objects.bulk_create(plans, batch_size=5000)
        unit = Supporter.objects.create(owner=root, kind="unit", name="县委统战部", created_by=actor)
        leader = Supporter.objects.create(owner=root, kind="leader", name="赵志坚", created_by=actor)
        plans = list(Plan.objects.filter(cycle=cycle))
        problems = Problem.objects.bulk_create(
            [Problem(plan=plan, position=number, title=title, source="survey", created_by=actor)
             for plan in plans for number, title in ((1, "党员年龄偏大"), (2, "发展党员不足"))], batch_size=5000)
        Measure.objects.bulk_create(
            [Measure(plan_id=problem.plan_id, problem=problem, text=text, responsible_person="廖仁旺",
                     deadline=datetime.date(YEAR, 12, 31), assisting_unit=unit, liaison_leader=leader)
             for problem, text in zip(problems, ["发展2名35岁以下的优秀青年入党", "进一步完善未来五年发展规划"] * len(plans),
                                      strict=True)], batch_size=5000)
        # Grades written straight into the rows (the kept-current tallies are not read by this benchmark).
        for grade in GRADES:
            Grading.objects.filter(cycle=cycle, organization_id__in=ids[GRADES.index(grade)::3]).update(
                declared_grade=grade, final_grade=grade)
    print(f"cycle, {len(ids)} facts, grades and plans written in {time.perf_counter() - started:.1f} s")
    return cycle


def phase_export(cycle: Cycle, path: str) -> dict:
    started = time.perf_counter()
    result = write_hunan_ledger(level_ledger_rows(cycle=cycle, level=cycle.owner, filters=LedgerFilters()),
                                form_meta(cycle=cycle, level=cycle.owner), path)
    return {"seconds": time.perf_counter() - started, "rows": getattr(result, "rows", None)}


def phase_export_baseline(path: str, out: str) -> dict:
    """The same cells (read back from the exported file beforehand) written by XlsxWriter alone."""
    values = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    started = time.perf_counter()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    for number, row in enumerate(values):
        sheet.write_row(number, 0, row)
    workbook.close()
    return {"seconds": time.perf_counter() - started, "rows": len(values)}


def phase_import(cycle: Cycle, path: str) -> dict:
    OrganizationFacts.objects.filter(organization__path__startswith=cycle.owner.path, year=YEAR).delete()
    if connection.vendor == "postgresql":  # else autovacuum cleans the deleted rows during the import
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {OrganizationFacts._meta.db_table}")
    content = Path(path).read_bytes()
    started = time.perf_counter()
    counts = ledger_import_commit(actor=admin(), cycle=cycle, level=cycle.owner, filename="ledger.xlsx", content=content)
    seconds = time.perf_counter() - started
    written = (OrganizationFacts.objects.filter(organization__path__startswith=cycle.owner.path, year=YEAR).count(),
               Plan.objects.filter(cycle=cycle).count())
    return {"seconds": seconds, "counts": counts, "written": written}


def phase_import_baseline(path: str) -> dict:
    content = Path(path).read_bytes()
    started = time.perf_counter()
    cells = 0
    for row in CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python():
        cells += len(row)
    return {"seconds": time.perf_counter() - started, "cells": cells}


def child(phase: str, folder: str) -> None:
    cycle = Cycle.objects.get(owner__code=ROOT_CODE, year=YEAR)
    exported, plain = str(Path(folder) / "ledger.xlsx"), str(Path(folder) / "plain.xlsx")
    result = {"export": lambda: phase_export(cycle, exported),
              "export_baseline": lambda: phase_export_baseline(exported, plain),
              "import": lambda: phase_import(cycle, exported),
              "import_baseline": lambda: phase_import_baseline(exported)}[phase]()
    # An import reads its workbook in a process of its own (core/workbook_reader.py): its peak is
    # added to this process's own, as if both peaked at once (they do not: the reader ends first).
    result["peak_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                         + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps(result, default=str))


def run_child(phase: str, folder: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", phase, "--folder", folder], capture_output=True,
                            text=True, env=os.environ.copy())
    if output.returncode:
        sys.exit(f"{phase} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def timed_between(run, baseline, repeat: int, first=None) -> list[tuple[dict, dict]]:
    """``repeat`` runs, each between two runs of its baseline, with the mean of those two; sorted by
    ratio. ``first`` runs once before them all (the export writes the file its baseline reads)."""
    if first is not None:
        first()
    baselines, pairs = [baseline()], []
    for _run in range(repeat):
        figures = run()
        baselines.append(baseline())
        pairs.append((figures, {"seconds": (baselines[-2]["seconds"] + baselines[-1]["seconds"]) / 2,
                                "peak_mb": max(baselines[-2]["peak_mb"], baselines[-1]["peak_mb"]),
                                "rows": baselines[-1].get("rows")}))
    return sorted(pairs, key=lambda pair: pair[0]["seconds"] / pair[1]["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child")
    parser.add_argument("--folder")
    parser.add_argument("--repeat", type=int, default=3,
                        help="imports, each between two runs of its baseline; the median ratio counts")
    parser.add_argument("--smoke", action="store_true", help="300 rows and one import: that every phase still runs")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder)
        return
    if args.smoke:
        args.rows, args.repeat = 300, 1
    if connection.vendor == "postgresql":
        ensure_database()
    call_command("migrate", verbosity=0)
    for line in machine():
        print(line)
    cycle = build(args.rows)
    print(f"ledger of {Grading.objects.filter(cycle=cycle).count()} gradings under {ROOT_CODE}")
    connection.close()
    with tempfile.TemporaryDirectory() as folder:
        # This machine's speed drifts by a third within minutes: each run is timed between two runs
        # of its baseline, against their mean, and the median ratio counts.
        exports = timed_between(lambda: run_child("export", folder), lambda: run_child("export_baseline", folder),
                                args.repeat, first=lambda: run_child("export", folder))
        size = Path(folder, "ledger.xlsx").stat().st_size
        pairs = timed_between(lambda: run_child("import", folder), lambda: run_child("import_baseline", folder),
                              args.repeat)
    export, export_baseline = exports[len(exports) // 2]
    imported, import_baseline = pairs[len(pairs) // 2]
    print(f"\nexported file: {size / 1e6:.1f} MB, {export_baseline['rows']} sheet rows; "
          f"import wrote {imported['written'][0]} facts and kept {imported['written'][1]} plans")
    print(f"{'phase':<46}{'seconds':>9}{'peak MB':>9}")
    for name, figures in (("export 附件二 (Jinwei)", export), ("  baseline: same cells, XlsxWriter alone", export_baseline),
                          ("import (Jinwei: read, checks, writes)", imported),
                          ("  baseline: plain read, python-calamine", import_baseline)):
        print(f"{name:<46}{figures['seconds']:>9.2f}{figures['peak_mb']:>9.0f}")
    export_ratio = export["seconds"] / export_baseline["seconds"]
    import_ratio = imported["seconds"] / import_baseline["seconds"]
    import_peak = max(run["peak_mb"] for run, _mean in pairs)
    for name, runs in (("exports", exports), ("imports", pairs)):
        print(f"\n{name} against the mean of the baselines around them, by ratio: " + ", ".join(
            f"{run['seconds']:.2f} / {baseline['seconds']:.2f} s = {run['seconds'] / baseline['seconds']:.2f}×"
            for run, baseline in runs))
    if args.smoke:
        print("\nsmoke run: every phase ran; figures at 300 rows say nothing of the targets")
        if SMOKE_FOLDER:
            shutil.rmtree(SMOKE_FOLDER)
        return

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    export_peak = max(run["peak_mb"] for run, _mean in exports)
    print(f"\nexport ratio {export_ratio:.2f}×, the median of {len(exports)} (target ≤ 1.25×: "
          f"{verdict(export_ratio <= 1.25)}); peak memory {export_peak:.0f} MB (target < 300 MB: "
          f"{verdict(export_peak < 300)})")
    print(f"import ratio {import_ratio:.2f}×, the median of {len(pairs)} (target ≤ 4×: {verdict(import_ratio <= 4)}); "
          f"peak memory of the import and its reader {import_peak:.0f} MB (target < 1024 MB: "
          f"{verdict(import_peak < 1024)})")


if __name__ == "__main__":
    main()
