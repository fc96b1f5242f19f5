"""Benchmark of anonymous voting through the real HTTP stack: ballots cast per second and latency.

A script, not a test: it prints its figures (docs/benchmarks.md records them). It sets up a
ballot session with ``--codes`` one-time codes on PostgreSQL (an organization, a user, a
satisfaction survey open now), starts the production app server (gunicorn serving ``jinwei.wsgi``
with its voting entry, ``--workers`` sync workers, DEBUG off, persistent database connections) on
a free local port, and drives it with
``wrk`` (a C load generator, Debian package ``wrk``) from the same machine: each request is
``POST /v/<session>/`` with its own code and an answer, as a phone sends it. Two runs, side by
side: the phone's voting page (``GET /v/<session>/``, no database write: the baseline of what
the stack costs) and casting. Afterwards the database is checked: ballots stored = codes used =
requests answered 200, and no request failed.

    apt-get install wrk   # once
    DATABASE_URL=postgres://jinwei:jinwei@127.0.0.1:5432/jinwei_bench_ballots .venv/bin/python bench/ballots_bench.py

Target (issue 5): at least 500 ballots/s sustained, p99 < 200 ms, on this 2-core machine.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")
os.environ.setdefault("JINWEI_DEBUG", "false")
os.environ.setdefault("JINWEI_SECRET_KEY", "jinwei-ballots-benchmark-key")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from ballots import services  # noqa: E402
from ballots.models import Ballot, BallotCode, BallotSession  # noqa: E402
from bench.common import ensure_database, machine  # noqa: E402
from core.testing import make_org, make_user  # noqa: E402
from orgs.choices import Role  # noqa: E402

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
                    "code=" .. code .. "&answer=%(answer)s")
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_session(codes: int):
    """A fresh open satisfaction survey with ``codes`` codes; returns (session, codes)."""
    stamp = time.strftime("%H%M%S")
    organization = make_org(None, name=f"测评基准{stamp}", code=f"BALBENCH{stamp}")
    admin = make_user(f"ballot_bench_{stamp}", roles=[(organization, Role.ADMIN)])
    now = timezone.now()
    session = services.session_create(actor=admin, organization=organization, purpose="satisfaction",
                                       opens_at=now - datetime.timedelta(minutes=1),
                                       closes_at=now + datetime.timedelta(hours=2), quorum=0)
    issued: list[str] = []
    while len(issued) < codes:
        issued += services.codes_generate(actor=admin, session=session, count=min(services.MAX_CODES, codes - len(issued)))
    return session, issued


def wrk(url: str, *, seconds: int, threads: int, connections: int, script: str | None = None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    figures = {"command": " ".join(command + [url]), "output": output}
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: (.*)", output)
    figures["socket_errors"] = errors.group(1) if errors else "none"
    for percent in ("50", "75", "90", "99"):
        match = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)\b", output)
        value, unit = float(match.group(1)), match.group(2)
        figures[f"p{percent}"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-threads", type=int, default=1,
                        help="threads per gunicorn worker: more than 1 runs the gthread worker (keep-alive connections)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--codes", type=int, default=60000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://… (see the docstring).")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    ensure_database()
    call_command("migrate", verbosity=0)
    for line in machine():
        print(line)
    started = time.perf_counter()
    session, codes = setup_session(args.codes)
    print(f"session {session.pk}: {len(codes)} codes issued in {time.perf_counter() - started:.1f} s")
    connection.close()

    port = free_port()
    worker_class = ["--worker-class", "gthread", "--threads", str(args.worker_threads)] if args.worker_threads > 1 else []
    workers = (f"{args.workers} gthread workers × {args.worker_threads} threads" if worker_class
               else f"{args.workers} sync workers")
    environment = {**os.environ, "JINWEI_DEBUG": "false", "JINWEI_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "jinwei.wsgi", "--workers", str(args.workers), *worker_class,
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(ROOT)],
        env=environment, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"{base}/v/{session.pk}/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        print(f"gunicorn {workers} on {base}; wrk {args.threads} threads, {args.connections} connections, "
              f"{args.seconds} s per run")
        page = wrk(f"{base}/v/{session.pk}/", seconds=args.seconds, threads=args.threads, connections=args.connections)
        with tempfile.TemporaryDirectory() as folder:
            codes_file = Path(folder) / "codes.txt"
            codes_file.write_text("\n".join(codes) + "\n")
            script = Path(folder) / "cast.lua"
            script.write_text(LUA % {"threads": args.threads, "codes": codes_file, "path": f"/v/{session.pk}/",
                                     "answer": "satisfied"})
            cast = wrk(f"{base}/v/{session.pk}/", seconds=args.seconds, threads=args.threads,
                       connections=args.connections, script=str(script))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    stored = Ballot.objects.filter(session=session).count()
    used = BallotCode.objects.filter(session=session, used=True).count()
    print()
    print(f"{'run':<34}{'requests/s':>12}{'p50 ms':>9}{'p75 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, figures in (("voting page GET (baseline)", page), ("cast a ballot POST", cast)):
        print(f"{name:<34}{figures['rps']:>12.0f}{figures['p50']:>9.1f}{figures['p75']:>9.1f}{figures['p90']:>9.1f}"
              f"{figures['p99']:>9.1f}{figures['non2xx']:>9}")
    print(f"\ncasting / page throughput: {cast['rps'] / page['rps']:.2f}×; socket errors: page {page['socket_errors']}, "
          f"cast {cast['socket_errors']}")
    # wrk stops counting at the deadline; casts still in flight then may complete after it (at most one per connection).
    answered = cast["requests"] - cast["non2xx"]
    consistent = stored == used and answered <= stored <= answered + args.connections
    print(f"check: {answered} casts answered 200 by the deadline, {stored} ballots stored, {used} codes used "
          f"({'consistent' if consistent else 'NOT CONSISTENT'})")
    verdict = "met" if cast["rps"] >= 500 and cast["p99"] < 200 and cast["non2xx"] == 0 else "NOT met"
    print(f"target ≥ 500 ballots/s with p99 < 200 ms: {verdict}")
    print(f"command: {cast['command']}")
    BallotSession.objects.filter(pk=session.pk).update(closes_at=timezone.now())


if __name__ == "__main__":
    main()
