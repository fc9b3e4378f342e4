"""Run the engine benchmarks, each case in a fresh process, and print a table.

    python -m benchmarks.run [--seed N] [CASE ...]

Peak memory is the case process's maximum resident set (it includes generating the
instance). Results are also written to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.cases import CASES, TARGETS_S

RESULTS = Path(__file__).with_name("results")


def run_one(name: str, seed: int) -> dict[str, Any]:
    if "--child" in sys.argv:
        raise AssertionError("nested child")
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--child", name, "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(name: str, seed: int) -> None:
    figures = CASES[name](seed)
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak_mib"] = max(usage, children) / 1024
    print(json.dumps(figures))


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"any of {', '.join(CASES)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.cases = args.cases or list(CASES)
    unknown = sorted(set(args.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; choose from {', '.join(CASES)}")
    if args.child:
        child(args.cases[0], args.seed)
        return
    print(f"machine: {machine()}; seed {args.seed}")
    results = {}
    for name in args.cases:
        figures = run_one(name, args.seed)
        results[name] = figures
        target = TARGETS_S.get(name)
        verdict = (
            ""
            if target is None
            else (f"  target < {target:g} s: {'met' if figures['wall_s'] < target else 'MISSED'}")
        )
        shown = ", ".join(f"{k}={_fmt(v)}" for k, v in figures.items())
        print(f"{name:20s} {shown}{verdict}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps({"machine": machine(), "results": results}, indent=1)
    )


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
