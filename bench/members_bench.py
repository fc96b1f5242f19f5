"""Benchmark of a roster's import and page, each figure beside its baseline in one run.

A script, not a test: it prints its figures (docs/benchmarks.md records them).

* import: ``members.importing.roster_import_commit`` of a ``--rows``-member .xlsx (read in its child
  process, every row checked, the members written and audited, all in one transaction that is rolled
  back) against the baseline of a plain read of the same file with python-calamine (every cell into
  Python values). Target ≤ 4× at 100,000 members. Each import runs between two baseline reads; the
  median ratio of ``--repeat`` runs is the figure.
* roster page: one page of a branch's roster (``members.selectors.member_list``, 100 rows) and its counts
  (``roster_counts``), the branch holding ``--rows`` members, against the baseline of reading one member
  by primary key. Target < 50 ms.
* national roster (PostgreSQL): ``--synthetic`` members (10 million) spread over the
  branches of a synthetic tree of ``--orgs`` organizations (orgs.synthetic, root MEMSYN, made on first use;
  MEMSMOKE and 20,000 members in ``--smoke``),
  written by COPY; then the roster page (``GET /members/orgs/<id>/``, template included, as the branch's
  superior sees it) of random branches, median and p95, against the same page of a branch in an otherwise
  empty tree (MEMBENCH). Target < 50 ms.

    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_members .venv/bin/python bench/members_bench.py
    .venv/bin/python bench/members_bench.py --smoke    # a few seconds: 1,000 rows, a fresh SQLite file

The 10-million-member roster takes minutes to write the first time; it is kept for the next runs.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")
os.environ.setdefault("JINWEI_DEBUG", "false")
os.environ.setdefault("JINWEI_SECRET_KEY", "jinwei-benchmark-key")
if not os.environ.get("DATABASE_URL") and not os.environ.get("JINWEI_DATA_DIR"):
    os.environ["JINWEI_DATA_DIR"] = tempfile.mkdtemp(prefix="jinwei-members-bench-")  # never the site's data

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from bench.common import ensure_database, machine  # noqa: E402
from members import importing, selectors  # noqa: E402
from members.models import Member  # noqa: E402
from orgs import services as org_services  # noqa: E402
from orgs.choices import OrganizationKind, Sector  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.synthetic import synthetic_tree_create  # noqa: E402

HEADER = ["姓名", "性别", "出生日期", "学历", "入党日期", "党员类别", "流动党员", "流动去向"]
EDUCATION = ["初中", "高中", "大专", "本科"]


def write_roster(path: str, rows: int) -> None:
    rng = random.Random(19)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for row in range(1, rows + 1):
        born = datetime.datetime(1940, 1, 1) + datetime.timedelta(days=row % 20000)
        sheet.write_string(row, 0, f"党员{row:06d}")
        sheet.write_string(row, 1, rng.choice("男女"))
        sheet.write_datetime(row, 2, born, dates)
        sheet.write_string(row, 3, rng.choice(EDUCATION))
        sheet.write_datetime(row, 4, born + datetime.timedelta(days=25 * 365), dates)
        sheet.write_string(row, 5, "预备" if row % 20 == 0 else "正式")
        mobile = row % 13 == 0
        sheet.write_string(row, 6, "是" if mobile else "否")
        sheet.write_string(row, 7, "广东省深圳市" if mobile else "")
    book.close()


def plain_read(path: str) -> float:
    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    assert rows
    return time.perf_counter() - started


class Rollback(Exception):
    pass


def one_import(actor, branch, path: str) -> float:
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = importing.roster_import_commit(actor=actor, organization=branch, path=path, filename="花名册.xlsx")
            assert result["added"] and not result.get("problems"), result
            raise Rollback
    except Rollback:
        pass
    return time.perf_counter() - started


def timed(call, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _copy_members(branches: list[int], total: int) -> None:
    """``total`` members, dealt round the branches in turn, through COPY (PostgreSQL)."""
    columns = ["organization_id", "name", "gender", "birth_date", "education", "joined_on", "probationary", "mobile",
               "mobile_where", "phone", "status", "created_at"]
    created = datetime.datetime.now(datetime.UTC).isoformat()
    educations = ["junior", "senior", "college", "bachelor"]
    epoch = datetime.date(1940, 1, 1)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(Member._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
        lines = []
        for number in range(total):
            born = epoch + datetime.timedelta(days=number % 20000)
            lines.append(f"{branches[number % len(branches)]}\t党员{number:08d}\t{'female' if number % 3 == 0 else 'male'}"
                         f"\t{born.isoformat()}\t{educations[number % 4]}\t{(born + datetime.timedelta(days=9131)).isoformat()}"
                         f"\t{'t' if number % 20 == 0 else 'f'}\tf\t\t\tactive\t{created}\n")
            if len(lines) == 50_000:
                copy.write("".join(lines))
                lines.clear()
        copy.write("".join(lines))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {quote(Member._meta.db_table)}")


def _page_ms(client, branch_ids: list[int], reads: int) -> tuple[float, float]:
    rng = random.Random(7)
    times = []
    for _read in range(reads):
        branch = rng.choice(branch_ids)
        started = time.perf_counter()
        response = client.get(f"/members/orgs/{branch}/")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def national_roster(actor, *, code: str, orgs: int, total: int, reads: int, baseline_branch) -> None:
    """The roster page of random branches among ``total`` members of a synthetic tree, against a lone branch's."""
    root = Organization.objects.filter(code=code).first()
    if root is None:
        started = time.perf_counter()
        synthetic_tree_create(count=orgs, root_code=code)
        root = Organization.objects.get(code=code)
        print(f"synthetic tree of {orgs:,} organizations: {time.perf_counter() - started:.0f} s")
    branches = list(Organization.objects.subtree(root.path).filter(kind=OrganizationKind.BRANCH)
                    .order_by("pk").values_list("pk", flat=True))
    present = Member.objects.filter(organization__path__startswith=root.path).count()
    if present < total:
        Member.objects.filter(organization__path__startswith=root.path).delete()
        started = time.perf_counter()
        with transaction.atomic():
            _copy_members(branches, total)
        print(f"{total:,} members over {len(branches):,} branches written by COPY: "
              f"{time.perf_counter() - started:.0f} s")
    client = Client()
    client.force_login(actor)
    _page_ms(client, branches, 3)  # warm up
    big = _page_ms(client, branches, reads)
    small = _page_ms(client, [baseline_branch.pk], reads)
    print(f"roster page (GET, template included) of random branches among {total:,} members in {len(branches):,} "
          f"branches: median {big[0]:.1f} ms, p95 {big[1]:.1f} ms of {reads}; baseline a branch of "
          f"{Member.objects.filter(organization=baseline_branch).count():,} in a tree of its own: median "
          f"{small[0]:.1f} ms; ratio {big[0] / small[0]:.2f}× (target < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=10_000_000, help="members of the national roster (0: skip)")
    parser.add_argument("--orgs", type=int, default=400_000, help="organizations of its synthetic tree")
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat, args.synthetic, args.orgs, args.reads = 1000, 1, 20_000, 300, 20
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    if connection.vendor == "postgresql":
        ensure_database()
    call_command("migrate", verbosity=0)
    for line in machine():
        print(line)
    actor = get_user_model().objects.filter(username="members_bench").first() or \
        get_user_model().objects.create_superuser("members_bench", password=None)
    root = Organization.objects.filter(code="MEMBENCH").first() or org_services.organization_create(
        actor=actor, parent=None, name="花名册基准", code="MEMBENCH", kind=OrganizationKind.COMMITTEE,
        sector=Sector.REGIONAL)
    empty = Organization.objects.filter(code="MEMBENCH-IMPORT").first() or org_services.organization_create(
        actor=actor, parent=root, name="导入支部", code="MEMBENCH-IMPORT", kind=OrganizationKind.BRANCH,
        sector=Sector.VILLAGE)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "花名册.xlsx")
        write_roster(path, args.rows)
        ratios = []
        for _ in range(args.repeat):
            before = plain_read(path)
            imported = one_import(actor, empty, path)
            after = plain_read(path)
            ratios.append(imported / ((before + after) / 2))
            print(f"import of {args.rows} members: {imported:.2f} s; plain read {before:.2f}/{after:.2f} s; "
                  f"ratio {ratios[-1]:.2f}×")
        print(f"import / plain read, median of {args.repeat}: {statistics.median(ratios):.2f}× (target ≤ 4×)")
    full = Organization.objects.filter(code="MEMBENCH-FULL").first()
    if full is None:
        full = org_services.organization_create(actor=actor, parent=root, name="满员支部", code="MEMBENCH-FULL",
                                                kind=OrganizationKind.BRANCH, sector=Sector.VILLAGE)
        Member.objects.bulk_create([Member(
            organization=full, name=f"党员{number:06d}", gender="male" if number % 3 else "female",
            birth_date=datetime.date(1940, 1, 1) + datetime.timedelta(days=number % 20000),
            joined_on=datetime.date(1940, 1, 1) + datetime.timedelta(days=number % 20000 + 25 * 365),
            education="junior", probationary=number % 20 == 0) for number in range(args.rows)], batch_size=5000)
    first = Member.objects.filter(organization=full).values_list("pk", flat=True).first()
    page = timed(lambda: list(selectors.member_list(organization=full)[:100]))
    counts = timed(lambda: selectors.roster_counts(organization=full))
    baseline = timed(lambda: Member.objects.get(pk=first))
    print(f"roster page of a branch of {args.rows}: first 100 rows {page * 1000:.1f} ms, counts {counts * 1000:.1f} ms; "
          f"baseline one member by key {baseline * 1000:.2f} ms (target < 50 ms)")
    if args.synthetic and connection.vendor == "postgresql":
        national_roster(actor, code="MEMSMOKE" if args.smoke else "MEMSYN", orgs=args.orgs, total=args.synthetic, reads=args.reads, baseline_branch=full)
    elif args.synthetic:
        print("national roster: PostgreSQL only (skipped)")


if __name__ == "__main__":
    main()
