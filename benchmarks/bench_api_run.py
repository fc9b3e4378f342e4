"""The `labour-run` API benchmark: a province labour run through the API against the command.

A fresh database holds the province data set; `bangfu serve` runs with its embedded
worker; a province account asks `POST /match-runs` for the province's labour market and
polls `GET /match-runs/{id}` every second until the run ends, keeping each answer's state
and progress. Then, with the server stopped, `bangfu match labour` matches the same data
directory under `/usr/bin/time -v`. Target (issue 10 §7): the API run's wall time, from
the request to `succeeded`, within 1.5× the command's, with progress visible while it runs.

The worker logs where its time went (`run N: times read …, match …, rows …, store …`);
the benchmark keeps the server's log and reads that line.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks import bench_api_seed as seed_module

TARGET_RATIO = 1.5
POLL_S = 1.0
RUN_TIMEOUT_S = 3600.0
MIN_PROGRESS_CHANGES = 3
ENDED = ("succeeded", "failed", "cancelled")
TIMES_LINE = re.compile(r"run (\d+): times (.*); (\d+) assignments")
# `bangfu serve` with its embedded worker on a database URL, its output to a log file;
# the block gets the server's base URL and pid.
Serve = Callable[[str, Path], AbstractContextManager[tuple[str, int]]]


@dataclass(frozen=True)
class Sample:
    """One poll of the run: seconds since the request, its state and progress."""

    t_s: float
    state: str
    phase: str | None
    fraction: float
    elapsed_s: float | None
    objective: float | None
    bound: float | None

    def progress(self) -> tuple[Any, ...]:
        return (self.phase, self.fraction, self.objective, self.bound)


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _children(parent: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent:
            found.append(int(entry.name))
    return found


def worker_pid(server_pid: int) -> int | None:
    """The embedded worker: the server's child process running `api.cli worker`."""
    for pid in _children(server_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in command:
            return pid
    return None


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return round(int(found.group(1)) / 1024, 1) if found else None


def process_cpu_s(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def engine_figures(solves: list[dict[str, Any]]) -> dict[str, float | None]:
    """Objective and bound summed over the solves, and the gap (as the service stores it)."""
    objectives = [s.get("objective") for s in solves]
    bounds = [s.get("bound") for s in solves]
    objective = sum(o for o in objectives if o is not None) if None not in objectives else None
    bound = sum(b for b in bounds if b is not None) if None not in bounds else None
    gap = None
    if objective is not None and bound is not None:
        gap = max(0.0, bound - objective) / max(1.0, abs(objective))
    return {"objective": objective, "bound": bound, "gap": gap}


def plan_figures(summary: dict[str, Any], solves: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures both sides report: placed, positions filled, objective, gap, status."""
    extra = summary.get("extra") or {}
    optimized = extra.get("optimized") or {}
    return {
        "workers_placed": summary.get("suppliers_assigned"),
        "workers": summary.get("suppliers"),
        "positions_filled": summary.get("places_filled"),
        "positions": summary.get("places"),
        "mean_predicted_retention": optimized.get("mean_predicted_retention"),
        "statuses": [s.get("status") for s in solves],
        **engine_figures(solves),
        "matcher_timings_s": summary.get("timings_s"),
    }


def _sample(run: dict[str, Any], since: float) -> Sample:
    progress = run.get("progress") or {}
    return Sample(
        t_s=round(time.perf_counter() - since, 1),
        state=run["state"],
        phase=progress.get("phase"),
        fraction=float(progress.get("fraction") or 0.0),
        elapsed_s=progress.get("elapsed_s"),
        objective=progress.get("objective"),
        bound=progress.get("bound"),
    )


def poll_run(
    base: str, headers: dict[str, str], server_pid: int
) -> tuple[dict[str, Any], list[Sample], float, dict[str, Any]]:
    """Request the run and poll it to its end: the final run, the samples, the wall time
    from the request to the answer that showed it ended, and the worker's figures."""
    body = {"market": "labour", "scope_kind": "province"}
    worker = worker_pid(server_pid)
    cpu_before = process_cpu_s(worker) if worker else None
    samples: list[Sample] = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        started = time.perf_counter()
        answer = client.post("/match-runs", json=body)
        answer.raise_for_status()
        run_id = answer.json()["id"]
        while True:
            run = client.get(f"/match-runs/{run_id}").raise_for_status().json()
            samples.append(_sample(run, started))
            if run["state"] in ENDED:
                wall = time.perf_counter() - started
                break
            if time.perf_counter() - started > RUN_TIMEOUT_S:
                raise SystemExit(f"labour-run: run {run_id} still {run['state']} after an hour")
            time.sleep(POLL_S)
    cpu_after = process_cpu_s(worker) if worker else None
    figures = {
        "pid": worker,
        "peak_rss_mib": peak_rss_mib(worker) if worker else None,
        "cpu_s": None
        if cpu_after is None or cpu_before is None
        else round(cpu_after - cpu_before, 1),
    }
    return run, samples, wall, figures


def progress_changes(samples: list[Sample]) -> int:
    """How often the progress a poll saw differed from the one before, while running."""
    running = [s.progress() for s in samples if s.state == "running"]
    return sum(1 for before, after in itertools.pairwise(running) if after != before)


def timeline(samples: list[Sample]) -> list[dict[str, Any]]:
    """The samples where state or phase changed, and the last one."""
    kept: list[Sample] = []
    for sample in samples:
        if not kept or (sample.state, sample.phase) != (kept[-1].state, kept[-1].phase):
            kept.append(sample)
    if samples and kept[-1] is not samples[-1]:
        kept.append(samples[-1])
    return [asdict(s) for s in kept]


def task_times(log_path: Path, run_id: int) -> dict[str, float]:
    """The worker's `run N: times read 1.0 s, match …` line, as seconds per step."""
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        found = TIMES_LINE.search(line)
        if found and int(found.group(1)) == run_id:
            steps = (part.rsplit(" ", 2) for part in found.group(2).split(", "))
            return {step: float(seconds) for step, seconds, _unit in steps}
    return {}


def run_command(data: Path, root: Path) -> dict[str, Any]:
    """`bangfu match labour` on the data directory under /usr/bin/time -v."""
    with tempfile.TemporaryDirectory(prefix="bench-labour-") as scratch:
        out = Path(scratch) / "plan"
        command = ["/usr/bin/time", "-v", sys.executable, "-m", "api.cli", "match", "labour"]
        command += ["--data", str(data), "--out", str(out), "--timings"]
        load_before = load_average()
        started = time.perf_counter()
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(
                f"bangfu match labour failed ({done.returncode}): {done.stderr[-2000:]}"
            )
        report = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = [float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)]
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(sum(cpu), 1),
        "peak_rss_mib": round(int(rss.group(1)) / 1024, 1) if rss else None,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "plan": plan_figures(report["summary"], report["solves"]),
    }


def bench_labour_run(
    url: str, data: Path, root: Path, serve: Serve, log_path: Path
) -> dict[str, Any]:
    """The API run (server from `serve(url, log_path)`), then the command; the figures."""
    seed_module.seed(url, experts=0, per_expert=0)  # the province account
    load_before = load_average()
    with serve(url, log_path) as (base, server_pid):
        with httpx.Client(base_url=base, timeout=60) as client:
            form = {"username": seed_module.PROVINCE, "password": seed_module.PASSWORD}
            token = client.post("/auth/token", data=form).raise_for_status().json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        run, samples, wall, worker = poll_run(base, headers, server_pid)
    load_after = load_average()
    if run["state"] != "succeeded":
        raise SystemExit(f"labour-run: the run ended {run['state']}: {run.get('error')}")
    changes = progress_changes(samples)
    api = {
        "run_id": run["id"],
        "wall_s": round(wall, 1),
        "server_wall_s": _server_seconds(run),
        "worker": worker,
        "task_times_s": task_times(log_path, run["id"]),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "polls": len(samples),
        "progress_changes": changes,
        "progress_visible": changes >= MIN_PROGRESS_CHANGES,
        "timeline": timeline(samples),
        "plan": plan_figures(run["summary"] or {}, run["solves"]),
    }
    command = run_command(data, root)
    ratio = api["wall_s"] / command["wall_s"]
    return {
        "api": api,
        "command": command,
        "ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO and api["progress_visible"],
    }


def _server_seconds(run: dict[str, Any]) -> float | None:
    """From the run's creation to its end as the server recorded them (no polling step)."""
    if not run.get("finished_at"):
        return None
    created = datetime.fromisoformat(run["created_at"])
    finished = datetime.fromisoformat(run["finished_at"])
    return round((finished - created).total_seconds(), 1)


def describe(figures: dict[str, Any]) -> str:
    """The figures as a few lines for the terminal."""
    api, command = figures["api"], figures["command"]
    lines = [
        "labour-run progress (seconds since the request, state, phase, fraction, objective, bound):"
    ]
    for s in api["timeline"]:
        lines.append(
            f"  {s['t_s']:>7.1f}  {s['state']:<9} {s['phase'] or '-':<28} {s['fraction']:.2f}"
            f"  {s['objective']}  {s['bound']}"
        )
    lines += [
        f"  progress changed {api['progress_changes']} times in {api['polls']} polls "
        f"(at least {MIN_PROGRESS_CHANGES}: {'yes' if api['progress_visible'] else 'NO'})",
        f"API run: {api['wall_s']} s wall (server: {api['server_wall_s']} s), worker "
        f"{api['worker']['cpu_s']} s CPU, peak {api['worker']['peak_rss_mib']} MiB; "
        f"steps {api['task_times_s']}; load average {api['load_average_before']} → "
        f"{api['load_average_after']}",
        f"command: {command['wall_s']} s wall, {command['cpu_s']} s CPU, peak "
        f"{command['peak_rss_mib']} MiB; load average {command['load_average_before']} → "
        f"{command['load_average_after']}",
        f"ratio {figures['ratio']} (target ≤ {figures['target_ratio']}): "
        f"{'met' if figures['met'] else 'NOT met'}",
    ]
    for side in ("api", "command"):
        plan = dict(figures[side]["plan"])
        plan.pop("matcher_timings_s", None)
        lines.append(f"{side} plan: {json.dumps(plan, ensure_ascii=False)}")
    return "\n".join(lines)
