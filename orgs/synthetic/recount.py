"""Integrity: the kept-current counts recomputed from scratch with portable SQL."""

import time
from dataclasses import dataclass

from django.db import connection, transaction

from orgs import paths
from orgs.models import Organization


@dataclass(frozen=True)
class CountMismatch:
    """One organization whose stored counts differ from the recount."""

    organization_id: int
    children_count: int
    children_recounted: int
    descendants_count: int
    descendants_recounted: int


@dataclass
class RecountResult:
    """The outcome of ``organization_counts_recount``: how many rows were checked, which differ, how long it took."""

    checked: int
    mismatched: int
    examples: list[CountMismatch]
    shape_problems: int
    fixed: bool
    seconds: float


RECOUNT_TABLE = "jinwei_recount"


def organization_counts_recount(*, fix: bool = False, example_limit: int = 100) -> RecountResult:
    """Recompute every organization's ``children_count`` and ``descendants_count`` with SQL and compare.

    The counts are computed in a temporary table, bottom-up by depth (a level's counts are its
    children's, which are final by then), with plain correlated subqueries that both SQLite and
    PostgreSQL run on an index. Definitions as the services keep them: ``children_count`` counts
    the active children, ``descendants_count`` the active organizations strictly below, and a
    dissolved organization passes on its own (still kept) descendants count. Also counted:
    ``shape_problems``, rows whose depth or path do not follow from their parent's. With ``fix``
    the differing rows are overwritten with the recount (and nothing else is touched).
    """
    started = time.perf_counter()
    table = connection.ops.quote_name(Organization._meta.db_table)
    recount = RECOUNT_TABLE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {recount}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {recount} (id BIGINT PRIMARY KEY, parent_id BIGINT, depth INTEGER NOT NULL, "
            "active INTEGER NOT NULL, children INTEGER NOT NULL, descendants INTEGER NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {recount} (id, parent_id, depth, active, children, descendants) "
            f"SELECT id, parent_id, depth, CASE WHEN dissolved_on IS NULL THEN 1 ELSE 0 END, 0, 0 FROM {table}"
        )
        cursor.execute(f"CREATE INDEX {recount}_parent ON {recount} (parent_id, active, descendants)")
        cursor.execute(f"CREATE INDEX {recount}_depth ON {recount} (depth)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {recount}")
        cursor.execute(f"SELECT COUNT(*), COALESCE(MAX(depth), -1) FROM {recount}")
        checked, max_depth = cursor.fetchone()
        for depth in range(max_depth - 1, -1, -1):
            cursor.execute(
                f"UPDATE {recount} SET "
                f"children = (SELECT COUNT(*) FROM {recount} c WHERE c.parent_id = {recount}.id AND c.active = 1), "
                f"descendants = (SELECT COALESCE(SUM(c.active + c.descendants), 0) FROM {recount} c "
                f"WHERE c.parent_id = {recount}.id) "
                "WHERE depth = %s",
                [depth],
            )
        differs = (f"FROM {table} o JOIN {recount} r ON r.id = o.id "
                   "WHERE o.children_count <> r.children OR o.descendants_count <> r.descendants")
        cursor.execute(f"SELECT COUNT(*) {differs}")
        mismatched = cursor.fetchone()[0]
        cursor.execute(f"SELECT o.id, o.children_count, r.children, o.descendants_count, r.descendants {differs} "
                       "ORDER BY o.id LIMIT %s", [example_limit])
        examples = [CountMismatch(*row) for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} c JOIN {table} p ON p.id = c.parent_id "
            f"WHERE c.depth <> p.depth + 1 OR LENGTH(c.path) <> LENGTH(p.path) + {paths.SEGMENT} "
            "OR SUBSTR(c.path, 1, LENGTH(p.path)) <> p.path"
        )
        shape_problems = cursor.fetchone()[0]
        if fix and mismatched:
            cursor.execute(
                f"UPDATE {table} SET "
                f"children_count = (SELECT r.children FROM {recount} r WHERE r.id = {table}.id), "
                f"descendants_count = (SELECT r.descendants FROM {recount} r WHERE r.id = {table}.id) "
                f"WHERE id IN (SELECT o.id {differs})"
            )
        cursor.execute(f"DROP TABLE {recount}")
    return RecountResult(checked=checked, mismatched=mismatched, examples=examples, shape_problems=shape_problems,
                         fixed=fix and bool(mismatched), seconds=time.perf_counter() - started)
