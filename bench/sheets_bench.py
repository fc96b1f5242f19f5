"""Benchmark: re-score 1,000,000 score sheets after a standard is corrected (issue: standards, target < 60 s
on PostgreSQL), with the pure rules' throughput beside it.

Run (PostgreSQL; the database is created if missing and reused between runs):

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_sheets \
        .venv/bin/python bench/sheets_bench.py --sheets 1000000
    DATABASE_URL=… .venv/bin/python bench/sheets_bench.py --smoke   # seconds: 2,000 sheets under SHEETSMOKE

It generates a synthetic province of as many organizations as sheets (orgs.synthetic), one
self-assessment sheet per organization under a built-in standard, deductions on about 60% of
the sheets and veto marks on 2%, all written with COPY; then times ``standard_correct`` end to
end (re-pricing the deductions of the corrected items, re-scoring every sheet, the audit event)
and checks a sample of sheets against the pure rules one by one.
"""

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import ensure_database  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402
from standards import defaults, rules, selectors, services  # noqa: E402
from standards.models import Deduction, Item, ScoreSheet, Standard, VetoMark  # noqa: E402
from standards.structure import replace_item  # noqa: E402

ROOT_CODE = "SHEETSMOKE" if "--smoke" in sys.argv else "SHEETBENCH"  # a smoke run never reuses the real tree


def copy_rows(table: str, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def prepare(n: int, seed: int):
    actor = get_user_model().objects.filter(username="bench").first() or get_user_model().objects.create_superuser(
        "bench", password="bench-pass-123")
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        started = time.perf_counter()
        synthetic_tree_create(count=n, seed=seed, root_code=ROOT_CODE, actor=actor)
        print(f"generated {n:,} organizations in {time.perf_counter() - started:.1f} s")
        root = Organization.objects.get(code=ROOT_CODE)
    standard = Standard.objects.filter(issuer=root, sector="village", year=2026).order_by("-version").first()
    if standard is None or not standard.sheets.exists():
        with transaction.atomic():
            standard = services.standard_create_default(actor=actor, issuer=root, sector="village", year=2026)
            Standard.objects.filter(pk=standard.pk).update(frozen_at=timezone.now())
        rng = random.Random(seed)
        items = list(Item.objects.filter(indicator__standard=standard).values_list("pk", "deduction_kind",
                                                                                    "deduction_points", "max_points"))
        org_ids = list(Organization.objects.subtree(root.path).values_list("pk", flat=True)[:n])
        now = timezone.now()
        started = time.perf_counter()
        copy_rows(ScoreSheet._meta.db_table,
                  ["organization_id", "standard_id", "assessor_kind", "total", "grade", "stars", "vetoed", "updated_at"],
                  ((pk, standard.pk, "self", Decimal(100), "advanced", 5, False, now) for pk in org_ids))
        sheet_ids = list(ScoreSheet.objects.filter(standard=standard).values_list("pk", flat=True))

        def deductions():
            for sheet_id in sheet_ids:
                if rng.random() < 0.6:
                    for item_id, kind, points, max_points in rng.sample(items, rng.randint(1, 4)):
                        occurrences = rng.randint(1, 3) if kind == "per_occurrence" else 1
                        total = min(points * occurrences, max_points) if kind == "per_occurrence" else points
                        occurrences = int(total / points) if kind == "per_occurrence" else 1
                        yield sheet_id, item_id, occurrences, points * occurrences, "基准测试", "", actor.pk, now

        copy_rows(Deduction._meta.db_table, ["sheet_id", "item_id", "occurrences", "points", "reason", "evidence",
                                             "created_by_id", "created_at"], deductions())
        clause_id = standard.vetoes.order_by("position").values_list("pk", flat=True).first()
        copy_rows(VetoMark._meta.db_table, ["sheet_id", "clause_id", "evidence", "evidence_file", "automatic", "created_at"],
                  ((sheet_id, clause_id, "基准测试", "", False, now) for sheet_id in sheet_ids if rng.random() < 0.02))
        with connection.cursor() as cursor:
            for model in (ScoreSheet, Deduction, VetoMark):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        print(f"wrote {len(sheet_ids):,} sheets, {Deduction.objects.filter(sheet__standard=standard).count():,} deductions, "
              f"{VetoMark.objects.filter(sheet__standard=standard).count():,} veto marks in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        changed = services.sheets_rescore(standard=standard)
        print(f"first scoring: {changed:,} sheets changed in {time.perf_counter() - started:.1f} s")
    return actor, standard


def pure_throughput(n: int) -> tuple[float, float]:
    """Sheets per second through score_sheet (every item) and score_from_deductions (touched items only)."""
    rng = random.Random(1)
    maxima = {str(k): Decimal(v) for k, v in enumerate([5] * 20)}
    inputs = []
    for _ in range(n):
        taken = {key: Decimal(rng.randint(1, 8)) for key in rng.sample(list(maxima), rng.randint(0, 4))}
        inputs.append(taken)
    started = time.perf_counter()
    for taken in inputs:
        rules.score_sheet([rules.ItemInput(key, mx, (taken[key],) if key in taken else ()) for key, mx in maxima.items()],
                          scheme=defaults.THREE_GRADES, star_bands=defaults.STAR_BANDS)
    full = n / (time.perf_counter() - started)
    started = time.perf_counter()
    for taken in inputs:
        rules.score_from_deductions(maxima, taken, scheme=defaults.THREE_GRADES, star_bands=defaults.STAR_BANDS, vetoed=False)
    batch = n / (time.perf_counter() - started)
    return full, batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="a few seconds: that every phase still runs")
    args = parser.parse_args()
    if args.smoke:
        args.sheets = 2_000
    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    ensure_database()
    call_command("migrate", verbosity=0)
    actor, standard = prepare(args.sheets, args.seed)
    sheets = ScoreSheet.objects.filter(standard=standard).count()

    # The correction: item 1.1's deduction doubles (re-pricing its deductions), and two points move from 2.1 to 1.2.
    data = selectors.standard_structure(standard=standard)
    items = {item.code: item for item in data.items()}
    first, second, third = items["1.1"], items["1.2"], items["2.1"]
    step = Decimal("1.0") if (first.deduction_points * 2) > first.max_points else first.deduction_points
    corrected = replace_item(data, "1.1", deduction_points=min(first.deduction_points + step, first.max_points))
    corrected = replace_item(corrected, "1.2", max_points=second.max_points + 2)
    corrected = replace_item(corrected, "2.1", max_points=third.max_points - 2,
                             deduction_points=min(third.deduction_points, third.max_points - 2))
    started = time.perf_counter()
    changed = services.standard_correct(actor=actor, standard=standard, data=corrected, reason="基准测试：更正扣分标准")
    seconds = time.perf_counter() - started
    print(f"correct + re-score {sheets:,} sheets on PostgreSQL: {seconds:.1f} s ({changed:,} changed; target < 60 s)")

    # Undo, so the next run corrects again from the same state (timed too, as a second sample).
    started = time.perf_counter()
    services.standard_correct(actor=actor, standard=standard, data=data, reason="基准测试：恢复")
    print(f"second sample (the reverse correction): {time.perf_counter() - started:.1f} s")

    sample = list(ScoreSheet.objects.filter(standard=standard).order_by("?")[:200])
    for sheet in sample:
        explanation = selectors.sheet_explanation(user=actor, sheet=sheet)
        items_in = [rules.ItemInput(str(line.item.pk), line.item.max_points, tuple(d.points for d in line.deductions))
                    for indicator in explanation.indicators for line in indicator.items]
        result = rules.score_sheet(items_in, scheme=services.scheme_of(standard), star_bands=services.star_bands_of(standard),
                                   vetoes=("v",) if explanation.vetoes else ())
        assert (result.total, result.grade, result.stars) == (sheet.total, sheet.grade, sheet.stars), sheet.pk
    print(f"checked {len(sample)} random sheets against the pure rules one by one: all equal")

    full, batch = pure_throughput(2_000 if args.smoke else 200_000)
    print(f"pure rules: score_sheet {full:,.0f} sheets/s (20 items each); score_from_deductions {batch:,.0f} sheets/s")


if __name__ == "__main__":
    main()
