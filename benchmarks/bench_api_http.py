"""The API benchmarks' clients: a load generator and concurrent posting uploads (httpx async)."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

UPLOAD_COLUMNS = (
    "city_reference",
    "employer_id",
    "employer_name_zh",
    "title_zh",
    "industry_code",
    "positions",
    "wage_yuan_month",
    "required_skill_codes",
    "required_certificate_codes",
    "min_age",
    "max_age",
    "housing",
    "meals",
    "earmarked_prefecture_codes",
    "period",
    "status",
    "description_zh",
)


@dataclass(frozen=True)
class LoadFigures:
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    # CPU time per request in the timed window of the server's processes, of the database
    # server's backends serving them and of this load generator: what the machine pays,
    # whatever else runs on it.
    server_cpu_ms: float
    database_cpu_ms: float
    client_cpu_ms: float
    # The machine's 1-minute load average at the window's start and end.
    load_average: tuple[float, float]


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    return text[text.rindex(")") + 2 :].split()


def process_tree_cpu(root: int) -> float:
    """User + system seconds of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def processes_cpu(pids: Iterable[int]) -> dict[int, float]:
    """User + system seconds of each process still running."""
    seconds = {}
    for pid in pids:
        if fields := _stat_fields(pid):
            seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


@dataclass
class CpuClock:
    """CPU seconds spent since `start()` by a server's process tree, by database backends
    (whichever `backends()` names at the end; one that started meanwhile counts whole) and
    by this process."""

    server_pid: int
    backends: Callable[[], list[int]]
    _at_start: tuple[float, dict[int, float], float] = (0.0, {}, 0.0)

    def start(self) -> None:
        self._at_start = (
            process_tree_cpu(self.server_pid),
            processes_cpu(self.backends()),
            time.process_time(),
        )

    def read(self) -> tuple[float, float, float]:
        server, backends, client = self._at_start
        now = processes_cpu(self.backends())
        database = sum(spent - backends.get(pid, 0.0) for pid, spent in now.items())
        return (
            process_tree_cpu(self.server_pid) - server,
            database,
            time.process_time() - client,
        )


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    answer = await client.post("/auth/token", data={"username": username, "password": password})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


class Connection:
    """One keep-alive HTTP/1.1 connection that sends GETs and reads whole answers.

    A few lines of asyncio instead of a full client: the generator shares the machine's
    two cores with the server, so every millisecond it spends per request is one the
    server does not get.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base_url: str) -> Connection:
        url = httpx.URL(base_url)
        reader, writer = await asyncio.open_connection(url.host, url.port)
        return cls(reader, writer)

    async def get(self, request: bytes) -> int:
        """Send a prepared request; the answer's status (its body is read and dropped)."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def prepared_get(base_url: str, path: str, headers: dict[str, str]) -> bytes:
    url = httpx.URL(base_url)
    lines = [f"GET {path} HTTP/1.1", f"Host: {url.host}:{url.port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _hammer(
    base_url: str,
    requests: itertools.cycle[bytes],
    window: tuple[float, float],
    latencies: list[float],
    errors: list[int],
) -> None:
    """One connection's loop: requests until the window ends, timing those inside it."""
    start, end = window
    connection = await Connection.open(base_url)
    try:
        while (now := time.perf_counter()) < end:
            status = await connection.get(next(requests))
            took = time.perf_counter() - now
            if now >= start:
                latencies.append(took)
                if status != 200:
                    errors.append(status)
    finally:
        connection.close()


async def _clock_window(clock: CpuClock, window: tuple[float, float]) -> tuple[float, ...]:
    """The CPU clock and load average read at the window's start and end."""
    start, end = window
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    load_at_start = os.getloadavg()[0]
    clock.start()
    await asyncio.sleep(max(0.0, end - time.perf_counter()))
    return (*clock.read(), load_at_start, os.getloadavg()[0])


async def load(
    base_url: str,
    path: str,
    tokens: Sequence[dict[str, str]],
    concurrency: int,
    seconds: float,
    warmup: float,
    clock: CpuClock,
) -> LoadFigures:
    """`concurrency` keep-alive connections for `warmup + seconds`; figures of the last part.

    Each connection sends its next request when the last answer is in (a closed loop), so
    the rate is what the server sustains with that many clients waiting. CPU times are
    divided by the requests that started within the window.
    """
    latencies: list[float] = []
    errors: list[int] = []
    requests = itertools.cycle([prepared_get(base_url, path, token) for token in tokens])
    start = time.perf_counter() + warmup
    window = (start, start + seconds)
    clocked = asyncio.create_task(_clock_window(clock, window))
    await asyncio.gather(
        *(_hammer(base_url, requests, window, latencies, errors) for _ in range(concurrency))
    )
    server_cpu, database_cpu, client_cpu, load_start, load_end = await clocked
    done = np.array(latencies) * 1000
    return LoadFigures(
        requests=len(done),
        errors=len(errors),
        seconds=seconds,
        per_second=len(done) / seconds,
        p50_ms=float(np.percentile(done, 50)),
        p95_ms=float(np.percentile(done, 95)),
        p99_ms=float(np.percentile(done, 99)),
        max_ms=float(done.max()),
        server_cpu_ms=1000 * server_cpu / len(done),
        database_cpu_ms=1000 * database_cpu / len(done),
        client_cpu_ms=1000 * client_cpu / len(done),
        load_average=(round(load_start, 2), round(load_end, 2)),
    )


def posting_file(tag: str, number: int, rows: int, sample: Sequence[dict[str, Any]]) -> bytes:
    """A CSV upload of `rows` postings with references unique to (tag, number, row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=UPLOAD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in range(rows):
        template = sample[(number * rows + row) % len(sample)]
        writer.writerow(
            {
                **{key: template.get(key, "") for key in UPLOAD_COLUMNS},
                "city_reference": f"{tag}-{number:02d}-{row:03d}",
                "housing": int(bool(template["housing"])),
                "meals": int(bool(template["meals"])),
                "status": "open",
            }
        )
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class UploadFigures:
    uploads: int
    rows_each: int
    seconds: float
    statuses: dict[int, int]
    slowest_s: float


async def _upload(
    client: httpx.AsyncClient, headers: dict[str, str], city: str, content: bytes, name: str
) -> tuple[int, float, str]:
    started = time.perf_counter()
    answer = await client.post(
        "/postings/upload",
        params={"partner_city_code": city},
        headers=headers,
        files={"file": (name, content, "text/csv")},
    )
    return answer.status_code, time.perf_counter() - started, answer.text[:300]


async def upload_all(
    base_url: str, headers: dict[str, str], files: Sequence[tuple[str, bytes]], rows_each: int
) -> tuple[UploadFigures, list[str]]:
    """Every file at once; the figures and the bodies of the answers that were not 200."""
    async with httpx.AsyncClient(base_url=base_url, timeout=300) as client:
        started = time.perf_counter()
        answers = await asyncio.gather(
            *(
                _upload(client, headers, city, content, f"bench-{number:02d}.csv")
                for number, (city, content) in enumerate(files)
            )
        )
        seconds = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for status, _, _ in answers:
        statuses[status] = statuses.get(status, 0) + 1
    failures = [body for status, _, body in answers if status != 200]
    slowest = max(took for _, took, _ in answers)
    return UploadFigures(len(files), rows_each, seconds, statuses, slowest), failures


async def upload_route_exists(base_url: str, headers: dict[str, str]) -> bool:
    """A POST without a file: 422 when the route is there, 404 when it is not."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        answer = await client.post("/postings/upload", headers=headers)
    return answer.status_code != 404
