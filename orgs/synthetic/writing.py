"""Writing the generated rows: COPY on PostgreSQL, executemany in one transaction on SQLite."""

import datetime
import gc
import random
import time
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.services import audit_record
from orgs import paths
from orgs.models import Organization
from orgs.synthetic.generator import ROOT_CODE_PATTERN, GenerateResult, _Generator

# Columns the generator fills, in the order of the tuples it emits.
GENERATED_COLUMNS = ("id", "name", "short_name", "code", "kind", "sector", "parent_id", "path", "depth", "secretary",
                     "first_secretary", "children_count", "descendants_count")


def _constant_columns() -> tuple[list[str], tuple]:
    """The other columns of the table and the one value each takes on every generated row.

    Read from the model so that a field added later is filled from its default (or refused
    loudly), instead of breaking the bulk insert.
    """
    now = timezone.now()
    names, values = [], []
    for model_field in Organization._meta.concrete_fields:
        if model_field.column in GENERATED_COLUMNS:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            value = now
        elif model_field.has_default():
            value = model_field.get_default()
        elif model_field.null:
            value = None
        else:
            raise RuntimeError(f"synthetic_tree_create does not know how to fill {model_field.name}")
        names.append(model_field.column)
        values.append(model_field.get_db_prep_save(value, connection))
    return names, tuple(values)


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format (the generated text never needs escaping)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


CHUNK_ROWS = 20_000


def _write_postgresql(table: str, columns: list[str], constants: tuple, produce: Callable[[Callable], None]) -> None:
    """Stream rows through COPY FROM STDIN, a few megabytes per write."""
    quote = connection.ops.quote_name
    tail = "".join("\t" + _copy_text(value) for value in constants) + "\n"
    lines: list[str] = []

    with connection.cursor() as cursor:
        sql = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:

            def sink(row: tuple) -> None:
                if row[6] is None:  # only a top-level root has no parent; every other value is an int or a str
                    row = (*row[:6], "\\N", *row[7:])
                lines.append("\t".join(map(str, row)) + tail)
                if len(lines) >= CHUNK_ROWS:
                    copy.write("".join(lines))
                    lines.clear()

            produce(sink)
            if lines:
                copy.write("".join(lines))


def _write_sqlite(table: str, columns: list[str], constants: tuple, produce: Callable[[Callable], None]) -> None:
    """executemany in chunks, inside the caller's (one) transaction, with a large page cache.

    The cache holds the index pages being filled (the name and parent indexes receive keys in
    random order); with SQLite's 2 MB default most inserts would re-read pages from the OS.
    """
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous_cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, for this connection only
        try:

            def sink(row: tuple) -> None:
                rows.append(row + constants)
                if len(rows) >= CHUNK_ROWS:
                    cursor.executemany(sql, rows)
                    rows.clear()

            produce(sink)
            if rows:
                cursor.executemany(sql, rows)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")


def synthetic_tree_create(
    *,
    count: int,
    seed: int = 0,
    root_code: str = "SIM",
    parent: Organization | None = None,
    actor=None,
    analyze: bool = True,
) -> GenerateResult:
    """Generate a province-shaped tree of ``count`` organizations and write it in bulk.

    The root (a province committee) is a new top-level organization, or a child of ``parent``, whose
    ancestors' kept-current counts then grow by ``count``. Codes are ``root_code`` followed by
    ``-NN`` per level, so the whole tree is one code prefix. Ids continue from the table's
    largest id, and the id sequence is moved past them afterwards so the services keep working.
    Runs in one transaction; ``analyze`` refreshes the planner's statistics afterwards.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not ROOT_CODE_PATTERN.match(root_code):
        raise ValueError("root_code: 1–20 letters, digits, '_' or '.', starting with a letter or digit")
    if Organization.objects.filter(code=root_code).exists() or Organization.objects.filter(
        code__startswith=f"{root_code}-"
    ).exists():
        raise ValueError(f"root_code: organizations with code {root_code} or {root_code}-… exist already")

    table = Organization._meta.db_table
    vendor = connection.vendor
    constant_names, constants = _constant_columns()
    columns = [*GENERATED_COLUMNS, *constant_names]
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                # Ids come from max(id)+1, not from the sequence: keep other writers out until
                # the sequence has been moved past them (SQLite's IMMEDIATE transaction already
                # holds the database's write lock).
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            first_id = cursor.fetchone()[0] + 1
        if first_id + count - 1 > paths.MAX_ID:
            raise ValueError("the ids would not fit the tree path segments")
        if parent is not None:
            parent = Organization.objects.select_for_update().get(pk=parent.pk)
            if not parent.is_active:
                raise ValueError(f"{parent.name} is dissolved and cannot receive subordinates")

        generator = _Generator(rng=random.Random(seed), first_id=first_id, sink=lambda row: None)
        root: dict[str, object] = {}

        def produce(sink: Callable[[tuple], None]) -> None:
            generator.sink = sink
            root["pk"], root["path"] = generator.province(
                budget=count, code=root_code, parent_id=parent.pk if parent else None,
                parent_path=parent.path if parent else "", depth=parent.depth + 1 if parent else 0)

        writer = _write_postgresql if vendor == "postgresql" else _write_sqlite
        # A million short-lived tuples set off generational collections that find nothing (the
        # rows hold no cycles) and cost a third of the Python time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            writer(table, columns, constants, produce)
        finally:
            if collecting:
                gc.enable()
        written = time.perf_counter()

        if vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [Organization]):
                    cursor.execute(statement)
        if parent is not None:
            Organization.objects.filter(path__in=paths.ancestor_paths(str(root["path"]))).update(
                descendants_count=F("descendants_count") + count
            )
            Organization.objects.filter(pk=parent.pk).update(children_count=F("children_count") + 1)
        root_org = Organization.objects.get(pk=root["pk"])
        audit_record(actor=actor, obj=root_org, organization=root_org, action="organization.generate",
                     after={"count": count, "seed": seed, "root_code": root_code,
                            "parent": parent.pk if parent else None})
    committed = time.perf_counter()
    if analyze:
        _refresh_statistics(table)
    finished = time.perf_counter()
    return GenerateResult(root_id=int(root["pk"]), root_path=str(root["path"]), count=count, first_id=first_id,
                          seconds_write=written - started, seconds_commit=committed - written,
                          seconds_statistics=finished - committed, levels=dict(sorted(generator.levels.items())))


def _refresh_statistics(table: str) -> None:
    """Give the planner fresh statistics after a bulk load (and, on PostgreSQL, a visibility map).

    A subtree COUNT on PostgreSQL is an index-only scan only where the visibility map says the
    pages are all-visible, which only VACUUM records; it cannot run inside a transaction, so
    inside one (tests) only ANALYZE runs and autovacuum does the rest later.
    """
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {quoted}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {quoted}")
        elif connection.vendor == "sqlite":
            # A sampled ANALYZE: a full one reads every index of a million rows for little gain.
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute(f"ANALYZE {quoted}")
