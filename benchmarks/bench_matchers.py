"""End-to-end benchmarks of the two matchers on a generated data set.

    python -m benchmarks.bench_matchers experts --data DIR [--time-limit S] [--work-limit W]
    python -m benchmarks.bench_matchers labour --data DIR [--time-limit S] [--work-limit W]

Without --data, the province data set is generated (seed 1) into a temporary directory
first (not counted). Each run reports wall time per phase and the process's peak
resident memory, and `machine_reference_s`, the time of a fixed piece of work (not
counted), to compare machines by; run the two markets as separate processes so peaks do not mix.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB


def _cpu_s() -> float:
    """Processor time of this process: the wall time it would take on an idle core."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine_reference_s() -> float:
    """Seconds for a fixed piece of work (an interpreter loop and a numpy sort), timed
    before the benchmark: wall times of machines of the same kind differ by half or more,
    and this says how fast the one a figure came from was."""
    import numpy as np

    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    np.sort(np.random.default_rng(0).random(5_000_000))
    return round(time.perf_counter() - started, 2)


def _province(seed: int) -> Path:
    from matching.data.dataset import write_dataset
    from matching.synth.generate import generate

    out = Path(tempfile.mkdtemp(prefix="bangfu-province-"))
    write_dataset(generate("province", seed), out)
    return out


def bench_experts(data: Path, time_limit: float, work_limit: float | None) -> dict[str, Any]:
    from matching.data.dataset import load_dataset
    from matching.data.reference import load_reference
    from matching.experts import ExpertConfig
    from matching.runs import ExpertFigures, run_expert_match

    started = time.perf_counter()
    reference = load_reference()
    dataset = load_dataset(data, reference)
    loaded = time.perf_counter()
    config = ExpertConfig(time_limit=time_limit)
    if work_limit is not None:
        config = ExpertConfig(time_limit=time_limit, work_limit=work_limit)
    result = run_expert_match(dataset, reference, config)
    done = time.perf_counter()
    s, extra = result.summary, result.summary.extra
    assert isinstance(extra, ExpertFigures)
    lead, team = result.run.pricing
    return {
        "needs": s.demands,
        "experts": s.suppliers,
        "edges": len(result.run.pool),
        "eligible_pairs": lead.eligible,
        "start_pairs": lead.start,
        "pairs_priced": {"lead": lead.priced, "team": team.priced},
        "pricing_rounds": {"lead": lead.rounds, "team": team.rounds},
        "full_set_bound_proven": {"lead": lead.proven, "team": team.proven},
        "load_s": round(loaded - started, 1),
        "match_s": round(done - loaded, 1),
        "total_s": round(done - started, 1),
        "coverage": extra.coverage,
        "coverage_deep_poverty_village": extra.coverage_deep_poverty_village,
        "deep_poverty_first": dict(extra.deep_poverty_first),
        "stages": [asdict(solve) for solve in result.solves],
        "phase_s": dict(s.timings_s),
    }


def bench_labour(data: Path, time_limit: float, work_limit: float | None) -> dict[str, Any]:
    from matching.data.dataset import load_dataset
    from matching.data.reference import load_reference
    from matching.labour import LabourConfig
    from matching.runs import LabourFigures, run_labour_match

    started = time.perf_counter()
    reference = load_reference()
    dataset = load_dataset(data, reference)
    loaded = time.perf_counter()
    config = LabourConfig(time_limit=time_limit)
    if work_limit is not None:
        config = LabourConfig(time_limit=time_limit, work_limit=work_limit)
    result = run_labour_match(dataset, reference, config)
    done = time.perf_counter()
    run, extra = result.run, result.summary.extra
    assert isinstance(extra, LabourFigures)
    return {
        "workers": run.force.n_workers,
        "postings": run.force.n_postings,
        "edges": int(run.edges.worker.size),
        "groups": len(run.problem.group_ids),
        "load_s": round(loaded - started, 1),
        "match_s": round(done - loaded, 1),
        "total_s": round(done - started, 1),
        "model": extra.retention_model and asdict(extra.retention_model),
        "solver": [asdict(solve) for solve in result.solves],
        "phase_s": dict(result.summary.timings_s),
        # Eligible pairs, pairs priced, rounds, and whether the bound over all is proven.
        "pricing": {k: v for k, v in extra.pricing.items() if k != "rounds_detail"},
        "modes": {"optimized": asdict(extra.optimized), "stable": asdict(extra.stable)},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("market", choices=["experts", "labour"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--work-limit", type=float, help="default: the matcher config's")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    data = args.data or _province(args.seed)
    bench = bench_experts if args.market == "experts" else bench_labour
    reference_s = _machine_reference_s()
    figures = bench(data, args.time_limit, args.work_limit)
    figures["machine_reference_s"] = reference_s
    figures["peak_rss_gib"] = round(_peak_gib(), 2)
    figures["cpu_s"] = round(_cpu_s(), 1)
    # Wall time on a shared machine is only comparable with the load it ran under.
    figures["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    json.dump(figures, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
