"""Benchmark of casting ballots through the real HTTP stack, beside the old voting entry in the same sitting.

A script, not a test: it prints its figures (docs/benchmarks.md records them). Two sides, served in
turn by the production app server (gunicorn, sync workers, DEBUG off, persistent database
connections) on a free local port, against the same database, and driven by the same load
generator, ``wrk`` (Debian package ``wrk``), from the same machine:

- *this checkout*: ``jinwei.wsgi``, Django's own WSGI handler;
- *the entry*: the code of ``--baseline`` (by default the last commit that has ``ballots/wsgi.py``,
  the voting entry in front of Django), exported with ``git archive`` into a temporary folder and
  served from there; nothing of it needs to be committed on this branch.

Each run is a fresh satisfaction survey with its own one-time codes, a second of page requests to
warm the workers, then ``--seconds`` of casts: each request ``POST /v/<key>/`` with its own code
and an answer, as a phone sends it. The sides alternate, ``--rounds`` times. After each run the
database is checked: ballots stored = codes used, at least as many as casts answered 200, and no
request refused. It prints each run, the median casts/s of each side, their ratio, this checkout's
worst p99, and the CPU a cast takes in the app server, PostgreSQL and wrk: on a machine that runs
other work too, casts/s swing from run to run, the CPU a cast takes much less.

    apt-get install wrk   # once
    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_ballots .venv/bin/python bench/ballots_bench.py
    .venv/bin/python bench/ballots_bench.py --smoke   # a few seconds, SQLite (a temporary file) or DATABASE_URL

Target (issue 16): this checkout at least 0.8× the entry's casts/s, p99 under 200 ms, on PostgreSQL.
"""

import argparse
import io
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO, TARGET_P99_MS = 0.8, 200.0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="of casting per run")
    parser.add_argument("--rounds", type=int, default=4, help="runs of each side, alternating")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--codes", type=int, help="codes per run (default: 2,500 per second of casting)")
    parser.add_argument("--baseline", help="the git revision of the entry (default: the last commit with ballots/wsgi.py)")
    parser.add_argument("--smoke", action="store_true",
                        help="one short round on two workers, to check the script runs (its figures mean nothing)")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.rounds, args.workers, args.connections = 2, 1, 2, 4
    args.codes = args.codes or 2500 * args.seconds
    return args


ARGS = arguments()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")
os.environ.setdefault("JINWEI_SECRET_KEY", "jinwei-ballots-benchmark-key")  # both sides hash codes with it
os.environ["JINWEI_DEBUG"] = "false"
os.environ["JINWEI_ALLOWED_HOSTS"] = "127.0.0.1"
SCRATCH = tempfile.TemporaryDirectory(prefix="jinwei-ballots-bench-")
if ARGS.smoke and not os.environ.get("DATABASE_URL"):
    os.environ["JINWEI_DATA_DIR"] = SCRATCH.name  # a SQLite file of its own, for both sides

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from ballots import services  # noqa: E402
from ballots.models import Ballot, BallotCode, BallotSession  # noqa: E402
from bench.common import ensure_database, machine  # noqa: E402
from orgs.choices import Role  # noqa: E402
from orgs.testing import make_org, make_user  # noqa: E402

LUA = """
-- Each wrk thread takes its own slice of the codes; each request spends the next code.
local codes = {}
local index = 0
local threads_total = %(threads)d
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  local n = 0
  for line in io.lines("%(codes)s") do
    if n %% threads_total == id then table.insert(codes, line) end
    n = n + 1
  end
end
request = function()
  index = index + 1
  local code = codes[index] or "XXXXXXXXXX"
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/x-www-form-urlencoded"},
                    "code=" .. code .. "&answer=satisfied")
end
"""


def git(*command: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *command], capture_output=True, text=True, check=True).stdout.strip()


def baseline_tree(revision: str | None, folder: Path) -> str:
    """Export the entry's code into ``folder``; return its short commit."""
    if revision is None:
        deleted = git("log", "-1", "--diff-filter=D", "--format=%H", "--", "ballots/wsgi.py")
        revision = f"{deleted}^" if deleted else "HEAD"
    commit = git("rev-parse", "--short", f"{revision}^{{commit}}")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    if not (folder / "ballots" / "wsgi.py").exists():
        sys.exit(f"{commit} has no voting entry (ballots/wsgi.py): give --baseline")
    return commit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_session(codes: int) -> tuple[BallotSession, list[str]]:
    """A fresh satisfaction survey, open now, with ``codes`` codes."""
    stamp = f"{time.time_ns() % 10**12}"
    organization = make_org(None, name=f"测评基准{stamp}", code=f"BALBENCH{stamp}")
    admin = make_user(f"ballot_bench_{stamp}", roles=[(organization, Role.ADMIN)])
    second = make_user(f"ballot_bench_second_{stamp}", roles=[(organization, Role.ADMIN)])  # opens it
    now = timezone.now()
    session = services.session_create(actor=admin, organization=organization, purpose="satisfaction",
                                       opens_at=now - datetime.timedelta(minutes=1),
                                       closes_at=now + datetime.timedelta(hours=2), quorum=1, voters=codes)
    issued: list[str] = []
    while len(issued) < codes:
        issued += services.codes_generate(actor=admin, session=session, count=min(services.MAX_CODES, codes - len(issued)))
    session = services.session_open(actor=second, session=session)
    return session, issued


def wrk(url: str, *, seconds: int, script: str | None = None) -> dict:
    command = ["wrk", f"-t{ARGS.threads}", f"-c{ARGS.connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
               "requests": int(re.search(r"(\d+) requests in", output).group(1))}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: (.*)", output)
    figures["socket_errors"] = errors.group(1) if errors else ""
    for percent in ("50", "90", "99"):
        match = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)\b", output)
        value, unit = float(match.group(1)), match.group(2)
        figures[f"p{percent}"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return figures


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """The CPU time each process has used so far, user and system (Linux's /proc; none elsewhere)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """What the processes used in between; one that started in between (a new connection) counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def app_processes(master: int) -> list[int]:
    """gunicorn's master and its workers."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return pids


def database_processes() -> list[int]:
    """PostgreSQL's server processes for the app's connections to this database (none on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = [pid for (pid,) in cursor.fetchall()]
    connection.close()
    return pids


def run(tree: Path, folder: Path) -> dict:
    """One run of casting against the app served from ``tree``; the entry knew a session by its id, not its public key."""
    session, codes = open_session(ARGS.codes)
    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jinwei.wsgi", "--workers", str(ARGS.workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(tree)],
        cwd=tree, start_new_session=True)
    key = session.public_key if tree == ROOT else session.pk
    base, path = f"http://127.0.0.1:{port}", f"/v/{key}/"
    try:
        for _attempt in range(150):
            try:
                urllib.request.urlopen(base + path, timeout=1).read()
                break
            except urllib.error.HTTPError:
                break  # serving, if not this page: the run's answers will show it
            except OSError:
                if server.poll() is not None:
                    sys.exit(f"gunicorn serving {tree} stopped (status {server.returncode})")
                time.sleep(0.2)
        wrk(base + path, seconds=1)  # every worker has loaded its code, templates and connection
        codes_file, script = folder / "codes.txt", folder / "cast.lua"
        codes_file.write_text("\n".join(codes) + "\n")
        script.write_text(LUA % {"threads": ARGS.threads, "codes": codes_file, "path": path})
        before = (cpu_seconds(app_processes(server.pid)), cpu_seconds(database_processes()),
                  resource.getrusage(resource.RUSAGE_CHILDREN))
        figures = wrk(base + path, seconds=ARGS.seconds, script=str(script))
        after = (cpu_seconds(app_processes(server.pid)), cpu_seconds(database_processes()),
                 resource.getrusage(resource.RUSAGE_CHILDREN))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)
    # CPU per cast does not depend on what else the machine runs, as casts per second do.
    casts = max(1, figures["requests"])
    figures["app_ms"] = cpu_used(before[0], after[0]) / casts * 1000
    figures["db_ms"] = cpu_used(before[1], after[1]) / casts * 1000
    figures["wrk_ms"] = (after[2].ru_utime + after[2].ru_stime - before[2].ru_utime - before[2].ru_stime) / casts * 1000
    figures["stored"] = Ballot.objects.filter(session=session).count()
    figures["used"] = BallotCode.objects.filter(session=session, used=True).count()
    BallotSession.objects.filter(pk=session.pk).update(closes_at=timezone.now())
    # wrk stops counting at the deadline; casts in flight then may still be stored (at most one per connection).
    answered = figures["requests"] - figures["non2xx"]
    figures["consistent"] = (figures["stored"] == figures["used"] and figures["non2xx"] == 0
                             and answered <= figures["stored"] <= answered + ARGS.connections)
    figures["ran_out"] = figures["stored"] >= len(codes) - ARGS.connections
    return figures


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    if connection.vendor != "postgresql" and not ARGS.smoke:
        sys.exit("The target is measured on PostgreSQL: DATABASE_URL=postgres://… (or --smoke, on any database).")
    if connection.vendor == "postgresql":
        ensure_database()
    call_command("migrate", verbosity=0)
    folder = Path(SCRATCH.name)
    entry = folder / "entry"
    commit = baseline_tree(ARGS.baseline, entry)
    for line in machine():
        print(line)
    sides = {"the entry": entry, "Django's handler": ROOT}
    head = git("rev-parse", "--short", "HEAD") + (" + changes" if git("status", "--porcelain", "--", ".") else "")
    print(f"the entry: {commit} (git archive into {entry}); Django's handler: this checkout, {head}")
    print(f"gunicorn {ARGS.workers} sync workers; wrk {ARGS.threads} threads, {ARGS.connections} connections, "
          f"{ARGS.seconds} s per run, {ARGS.codes} codes per run, {ARGS.rounds} round(s)\n")
    print(f"{'':<20}{'':>36}{'CPU ms a cast':>27}")
    print(f"{'side':<20}{'casts/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'app':>9}{'db':>9}{'wrk':>9}"
          f"{'non-2xx':>9}{'stored':>9}  check")
    results: dict[str, list[dict]] = {name: [] for name in sides}
    for number in range(ARGS.rounds):
        order = list(sides) if number % 2 == 0 else list(reversed(sides))
        for name in order:
            f = run(sides[name], folder)
            results[name].append(f)
            check = "ok" if f["consistent"] else "NOT CONSISTENT"
            if f["ran_out"]:
                check += ", codes ran out: raise --codes"
            if f["socket_errors"]:
                check += f", socket errors: {f['socket_errors']}"
            print(f"{name:<20}{f['rps']:>9.0f}{f['p50']:>9.1f}{f['p90']:>9.1f}{f['p99']:>9.1f}{f['app_ms']:>9.2f}"
                  f"{f['db_ms']:>9.2f}{f['wrk_ms']:>9.2f}{f['non2xx']:>9}{f['stored']:>9}  {check}", flush=True)
    entry, django_ = results["the entry"], results["Django's handler"]
    rates = statistics.median(f["rps"] for f in entry), statistics.median(f["rps"] for f in django_)
    cpus = [statistics.median(f["app_ms"] + f["db_ms"] + f["wrk_ms"] for f in runs) for runs in (entry, django_)]
    worst_p99 = max(f["p99"] for f in django_)
    ratio = rates[1] / rates[0]
    print(f"\nmedian casts/s: the entry {rates[0]:.0f}, Django's handler {rates[1]:.0f}: ratio {ratio:.2f}×; "
          f"Django's handler's worst p99 {worst_p99:.1f} ms")
    print(f"median CPU a cast (app server, PostgreSQL, wrk): the entry {cpus[0]:.2f} ms, Django's handler {cpus[1]:.2f} ms: "
          f"casts per CPU second {cpus[0] / cpus[1]:.2f}× (what saturated cores give, whatever else the machine runs)")
    consistent = all(f["consistent"] for runs in results.values() for f in runs)
    if ARGS.smoke:
        print(f"smoke run on {connection.vendor}: {'every run consistent' if consistent else 'NOT CONSISTENT'} "
              "(the figures of a smoke run mean nothing)")
    else:
        met = ratio >= TARGET_RATIO and worst_p99 < TARGET_P99_MS and consistent
        print(f"target ≥ {TARGET_RATIO}× the entry with p99 < {TARGET_P99_MS:.0f} ms: {'met' if met else 'NOT met'}")
    sys.exit(0 if consistent else 1)


if __name__ == "__main__":
    main()
