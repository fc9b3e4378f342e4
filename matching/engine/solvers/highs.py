"""HiGHS on a problem of the generalized assignment shape, in a process of its own.

The MIP: x[e] binary for each candidate edge, at most `slots` edges per demand (here at
most one), loads within each supplier's capacity, fixed edges at 1, maximizing the
scaled integer gains. It runs in a separate process so that it keeps a core to
itself: HiGHS's progress checks call back into Python, and in a thread they would wait
for the interpreter while the other search holds it.

The work limit is counted: HiGHS calls its interrupt check at fixed points of its search,
and the run stops after a given number of them, so the same model and limit give the
same answer on a busy machine as on a quiet one.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class HighsModel:
    """Everything the worker needs, as plain arrays (picklable)."""

    cost: npt.NDArray[np.float64]  # per candidate edge, minimized (minus the scaled gain)
    demand_row: npt.NDArray[np.int64]
    supplier_row: npt.NDArray[np.int64]  # already offset by the number of demands
    load: npt.NDArray[np.float64]
    row_lower: npt.NDArray[np.float64]  # -inf, or 1 for demands every optimal plan fills
    row_upper: npt.NDArray[np.float64]
    fixed: npt.NDArray[np.bool_]
    start: npt.NDArray[np.float64] | None  # a feasible plan to start from (0/1 per edge)
    check_limit: int | None
    time_limit: float | None
    seed: int
    integer_objective: bool


@dataclass(frozen=True)
class HighsAnswer:
    chosen: npt.NDArray[np.bool_] | None  # per candidate edge, None when no solution
    dual_bound: float  # HiGHS's lower bound on the minimized cost (nan when none)
    status: str
    checks: int
    seconds: float


def run(model: HighsModel) -> HighsAnswer:
    """Solve in this process (the worker's body; also usable directly)."""
    import highspy

    started = time.perf_counter()
    h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", model.seed % 2_147_483_647)
    h.setOptionValue("mip_rel_gap", 0.0)
    # An integer objective: anything closer than one unit is proven optimal.
    h.setOptionValue("mip_abs_gap", 0.999 if model.integer_objective else 1e-6)
    if model.time_limit is not None:
        h.setOptionValue("time_limit", max(0.1, model.time_limit))
    n = len(model.cost)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(model.row_upper)
    lp.col_cost_ = model.cost
    lp.col_lower_ = model.fixed.astype(np.float64)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.where(np.isfinite(model.row_lower), model.row_lower, -highspy.kHighsInf)
    lp.row_upper_ = model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * n + 1, 2, dtype=np.int32)
    lp.a_matrix_.index_ = (
        np.column_stack((model.demand_row, model.supplier_row)).ravel().astype(np.int32)
    )
    lp.a_matrix_.value_ = np.column_stack((np.ones(n), model.load)).ravel()
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    if model.start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = model.start.tolist()
        solution.value_valid = True
        h.setSolution(solution)
    checks = [0]

    def on_check(event: Any) -> None:
        checks[0] += 1
        if model.check_limit is not None and checks[0] >= model.check_limit:
            event.interrupt()

    h.cbMipInterrupt += on_check
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    found = h.getSolution()
    values = np.asarray(found.col_value, dtype=np.float64)
    chosen = values > 0.5 if found.value_valid and len(values) == n else None
    return HighsAnswer(
        chosen=chosen,
        dual_bound=float(h.getInfo().mip_dual_bound),
        status=str(status),
        checks=checks[0],
        seconds=time.perf_counter() - started,
    )


class HighsProcess:
    """`run(model)` in a child process (`python -m matching.engine.solvers.highs`): the
    model goes in on its standard input, the answer comes back on its standard output
    (both pickled), read by a thread so that neither side blocks on a full pipe."""

    def __init__(self, model: HighsModel) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        self._output = b""
        self._arrived = threading.Event()
        self._reader = threading.Thread(target=self._exchange, name="highs-pipe", daemon=True)
        self._reader.start()
        self.answer: HighsAnswer | None = None

    def _exchange(self) -> None:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(self._payload)
            process.stdin.close()
            self._output = process.stdout.read()
        except OSError:
            self._output = b""
        finally:
            self._arrived.set()

    def ready(self) -> bool:
        """Whether the worker has finished (its answer, if any, is then in `answer`)."""
        if not self._arrived.is_set():
            return False
        self._take()
        return True

    def wait(self) -> HighsAnswer | None:
        """The answer, waiting for it; None when the worker ended without one."""
        self._arrived.wait()
        self._take()
        return self.answer

    def _take(self) -> None:
        self._reader.join()
        self._process.wait()
        if self.answer is None and self._output:
            answer = pickle.loads(self._output)
            assert isinstance(answer, HighsAnswer)
            self.answer = answer

    def stop(self) -> None:
        self._process.kill()
        self._process.wait()


def _main() -> None:
    """The worker: a pickled model on standard input, the pickled answer on standard
    output. HiGHS prints its banner to file descriptor 1, so the answer goes to a copy of
    it taken before, and descriptor 1 is pointed at /dev/null."""
    parent = os.getppid()

    def watch() -> None:  # an orphaned worker ends itself: its answer has no reader
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    answer_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    model = pickle.loads(sys.stdin.buffer.read())
    answer = run(model)
    answer_out.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    answer_out.flush()


if __name__ == "__main__":
    # Run the module's own copy (not this __main__ one), so that the answer pickles as
    # matching.engine.solvers.highs.HighsAnswer.
    from matching.engine.solvers.highs import _main as main

    main()
