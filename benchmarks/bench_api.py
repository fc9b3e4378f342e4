"""Service benchmarks against a real server on 127.0.0.1 with PostgreSQL (on demand).

    python -m benchmarks.bench_api [load] [assignments] [uploads] [labour-run] \\
        [--server postgresql://postgres@127.0.0.1:5432] [--database bangfu_bench_api] \\
        [--data /work/datasets/province-1] [--seconds 20] [--concurrency 32] [--workers 1] \\
        [--repeat 1]

- load: a fresh database, `bangfu db load` of the province data set timed (target < 2 min),
  then the same directory again (idempotent: no row changes).
- assignments: `GET /me/assignments` by many experts for a fixed time through keep-alive
  connections (target >= 300 requests/s with p99 < 100 ms on 2 cores); with `--repeat N`,
  N windows in a row against the same server, each reported, then their median and min.
  Besides rates and latencies: CPU time per request of the server's processes and of the
  PostgreSQL backends serving them, and the load average at each window's start and end.
- uploads: 50 concurrent `POST /postings/upload` of 200 rows each, then the same 50 files
  again; every row must be stored exactly once.
- labour-run: a province labour run through the API (embedded worker, progress polled every
  second) against `bangfu match labour` on the same directory (target: within 1.5×), in a
  database of its own (`<database>_run`) loaded afresh, so earlier benchmarks' rows stay
  out of it. Not run unless named (it takes several minutes).

The server is `bangfu serve` in a subprocess (no embedded worker but for labour-run, no
access log); the load generator runs in this process, on the same machine. Results go to
benchmarks/results/api-latest.json (merged: a benchmark not run keeps its last figures).
Generate the data set first if it is missing:
`bangfu generate --scale province --seed 1 --out /work/datasets/province-1`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from api.database import make_engine
from api.database.models import Posting, Village
from benchmarks import bench_api_http as http
from benchmarks import bench_api_run as run_module
from benchmarks import bench_api_seed as seed_module

RESULTS = Path(__file__).with_name("results") / "api-latest.json"
ROOT = Path(__file__).resolve().parents[1]
UPLOADS, UPLOAD_ROWS = 50, 200
BENCHMARKS = ("load", "assignments", "uploads", "labour-run")
BY_DEFAULT = ("load", "assignments", "uploads")


def database_url(server: str, name: str) -> str:
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def recreate_database(server: str, name: str) -> None:
    admin = create_engine(database_url(server, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    admin.dispose()


def bangfu(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "api.cli", *arguments]
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)


def timed_load(url: str, data: Path) -> tuple[float, str]:
    """`bangfu db load` of the directory: seconds, and the loader's last line."""
    started = time.perf_counter()
    done = bangfu("db", "load", "--database-url", url, str(data))
    return round(time.perf_counter() - started, 1), done.stderr.strip().splitlines()[-1]


def bench_load(url: str, data: Path) -> dict[str, Any]:
    """The province data set into an empty database, then once more."""
    figures: dict[str, Any] = {}
    for label in ("first_load_s", "second_load_s"):
        figures[label], figures[label.replace("_s", "_report")] = timed_load(url, data)
    return figures


def is_loaded(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(select(func.count()).select_from(Village)))
    except Exception:  # no tables yet
        return False
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(
    url: str, workers: int, *, embedded_worker: bool = False, log: Path | None = None
) -> Iterator[tuple[str, int]]:
    """`bangfu serve` on a free port until the block ends; yields its base URL and pid.

    With `log`, the server's (and its worker's) output goes to that file.
    """
    port = _free_port()
    environment = {
        **os.environ,
        "BANGFU_EMBEDDED_WORKER": str(embedded_worker).lower(),
        "BANGFU_LOGIN_ATTEMPTS": "100000",
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    command += ["--database-url", url, "--workers", str(workers), "--no-access-log"]
    with ExitStack() as stack:
        output = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=output if log else None
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process)
            yield base, process.pid
        finally:
            process.terminate()
            process.wait(60)


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server ended before it answered")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 120 s")


async def _tokens(base: str, usernames: list[str]) -> list[dict[str, str]]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        return [await http.log_in(client, name, seed_module.PASSWORD) for name in usernames]


def database_backends(url: str) -> Callable[[], list[int]]:
    """A function naming the PostgreSQL backends connected to the URL's database (on this
    machine: their CPU time is read from /proc), the asking connection left out."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    query = text(
        "SELECT pid FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def backends() -> list[int]:
        with engine.connect() as connection:
            return [int(pid) for pid in connection.scalars(query)]

    return backends


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and min of the rates, and the medians and worst of the rest, over the runs."""

    def values(key: str) -> list[float]:
        return [float(run[key]) for run in runs]

    loads = [value for run in runs for value in run["load_average"]]
    return {
        "runs": len(runs),
        "per_second_median": round(statistics.median(values("per_second")), 1),
        "per_second_min": round(min(values("per_second")), 1),
        "per_second_all": [round(value, 1) for value in values("per_second")],
        "p99_ms_median": round(statistics.median(values("p99_ms")), 1),
        "p99_ms_max": round(max(values("p99_ms")), 1),
        "server_cpu_ms_median": round(statistics.median(values("server_cpu_ms")), 2),
        "database_cpu_ms_median": round(statistics.median(values("database_cpu_ms")), 2),
        "errors": sum(int(run["errors"]) for run in runs),
        "load_average_range": [min(loads), max(loads)],
    }


def bench_assignments(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """`--repeat` timed windows against one server (the first after a warm-up), each with
    its figures; then their median and min."""
    seeded = seed_module.seed(url, experts=args.experts, per_expert=4)
    runs: list[dict[str, Any]] = []
    with server(url, args.workers) as (base, pid):
        tokens = asyncio.run(_tokens(base, seeded.experts))
        clock = http.CpuClock(pid, database_backends(url))
        for number in range(args.repeat):
            figures = asyncio.run(
                http.load(
                    base,
                    "/me/assignments",
                    tokens,
                    args.concurrency,
                    args.seconds,
                    warmup=3 if number == 0 else 0.5,
                    clock=clock,
                )
            )
            runs.append(asdict(figures))
            print(f"run {number + 1}:", _describe(figures), flush=True)
    return {
        "experts": len(seeded.experts),
        "concurrency": args.concurrency,
        "server_workers": args.workers,
        **(runs[0] if len(runs) == 1 else {"summary": _summary(runs), "each": runs}),
    }


def _describe(figures: http.LoadFigures) -> str:
    load_start, load_end = figures.load_average
    return (
        f"{figures.per_second:.0f} req/s, p50 {figures.p50_ms:.1f} ms, p99 {figures.p99_ms:.1f}"
        f" ms, server {figures.server_cpu_ms:.2f} ms CPU/request, PostgreSQL"
        f" {figures.database_cpu_ms:.2f} ms, errors {figures.errors},"
        f" load average {load_start:.1f} → {load_end:.1f}"
    )


def _sample_postings(url: str) -> list[dict[str, Any]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Posting).order_by(Posting.posting_id).limit(400))
        sample = [dict(row._mapping) for row in rows]
    engine.dispose()
    return sample


def _stored(url: str, tag: str) -> tuple[int, int]:
    """Postings with the run's references, and the most copies of any one reference."""
    engine = make_engine(url)
    mine = Posting.city_reference.like(f"{tag}-%")
    per_reference = (
        select(func.count().label("copies"))
        .where(mine)
        .group_by(Posting.partner_city_code, Posting.city_reference)
        .subquery()
    )
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).where(mine)) or 0
        most = connection.scalar(select(func.max(per_reference.c.copies))) or 0
    engine.dispose()
    return int(total), int(most)


def bench_uploads(url: str, args: argparse.Namespace) -> dict[str, Any]:
    seed_module.seed(url, experts=0, per_expert=0)
    tag = f"BENCH{int(time.time())}"
    sample = _sample_postings(url)
    cities = sorted({row["partner_city_code"] for row in sample})
    files = [
        (cities[n % len(cities)], http.posting_file(tag, n, UPLOAD_ROWS, sample))
        for n in range(UPLOADS)
    ]
    with server(url, args.workers) as (base, _pid):
        headers = asyncio.run(_tokens(base, [seed_module.PROVINCE]))[0]
        if not asyncio.run(http.upload_route_exists(base, headers)):
            print("uploads: skipped, POST /postings/upload answers 404 (not in this build)")
            return {"skipped": "POST /postings/upload answers 404"}
        first, failed = asyncio.run(http.upload_all(base, headers, files, UPLOAD_ROWS))
        stored_first = _stored(url, tag)
        again, failed_again = asyncio.run(http.upload_all(base, headers, files, UPLOAD_ROWS))
        stored_again = _stored(url, tag)
    expected = UPLOADS * UPLOAD_ROWS
    return {
        "first": asdict(first),
        "again": asdict(again),
        "expected_rows": expected,
        "stored_after_first": stored_first[0],
        "stored_after_again": stored_again[0],
        "most_copies_of_one_reference": max(stored_first[1], stored_again[1]),
        "exactly_once": stored_first == stored_again == (expected, 1),
        "failures": (failed + failed_again)[:5],
    }


def bench_labour_run(args: argparse.Namespace) -> dict[str, Any]:
    """A fresh database of its own with the data set, then the API run against the command."""
    name = f"{args.database}_run"
    url = database_url(args.server, name)
    recreate_database(args.server, name)
    load_s, _ = timed_load(url, args.data)
    log = RESULTS.with_name("api-labour-run-server.log")
    RESULTS.parent.mkdir(exist_ok=True)

    def serve(url: str, log: Path) -> AbstractContextManager[tuple[str, int]]:
        return server(url, 1, embedded_worker=True, log=log)

    figures = run_module.bench_labour_run(url, args.data, ROOT, serve, log)
    return {"database": name, "load_s": load_s, "server_log": str(log), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "benchmarks",
        nargs="*",
        metavar="BENCHMARK",
        help="load, assignments, uploads (the default), labour-run",
    )
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="bangfu_bench_api")
    parser.add_argument("--data", type=Path, default=Path("/work/datasets/province-1"))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--experts", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--repeat", type=int, default=1, help="assignments: timed windows (median and min)"
    )
    args = parser.parse_args()
    chosen = args.benchmarks or list(BY_DEFAULT)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    url = database_url(args.server, args.database)
    results: dict[str, Any] = {"machine": f"{os.cpu_count()} cores", "data": str(args.data)}
    if "load" in chosen or (set(chosen) & {"assignments", "uploads"} and not is_loaded(url)):
        recreate_database(args.server, args.database)
        results["load"] = bench_load(url, args.data)
        print("load:", json.dumps(results["load"], ensure_ascii=False))
    if "assignments" in chosen:
        results["assignments"] = bench_assignments(url, args)
        print("GET /me/assignments:", json.dumps(results["assignments"]))
    if "uploads" in chosen:
        results["uploads"] = bench_uploads(url, args)
        print("uploads:", json.dumps(results["uploads"], ensure_ascii=False))
    if "labour-run" in chosen:
        results["labour_run"] = bench_labour_run(args)
        print(run_module.describe(results["labour_run"]))
    RESULTS.parent.mkdir(exist_ok=True)
    earlier = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    merged = {**earlier, **results}
    RESULTS.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
