"""Chinese labels for the stable keys a run shows: states, markets, scopes, phases."""

from __future__ import annotations

from api.database.models import RunState

RUN_STATE_LABELS: dict[str, str] = {
    RunState.QUEUED: "排队中",
    RunState.RUNNING: "运行中",
    RunState.SUCCEEDED: "已完成",
    RunState.FAILED: "失败",
    RunState.CANCELLED: "已取消",
}
MARKET_LABELS = {"experts": "专家服务", "labour": "劳务协作"}
SCOPE_LABELS = {"county": "县", "prefecture": "市（州）", "province": "全省"}
ENGINE_STATUS_LABELS = {"optimal": "最优", "feasible": "可行", "infeasible": "无可行方案"}
DECISION_LABELS = {"lock": "锁定", "forbid": "禁止", "decline": "专家拒绝"}

# A run's phases as the matchers report them (by prefix), with a label and the share of
# the work done when the phase begins: a coarse, never decreasing progress bar.
PHASES: tuple[tuple[str, str, float], ...] = (
    ("loading", "读取数据", 0.02),
    ("experts: candidates", "生成候选并求解", 0.10),
    ("labour: retention", "训练留岗模型", 0.10),
    ("labour: pricing", "定价并求解", 0.30),
    ("solve", "求解中", 0.30),
    ("experts: explanations", "生成匹配说明", 0.85),
    ("labour: explanations", "生成匹配说明", 0.85),
    ("storing", "保存结果", 0.95),
    ("done", "完成", 1.0),
)


def phase_label(phase: str) -> tuple[str, float]:
    """The label and starting fraction of a phase (unknown phases: the text itself, 0)."""
    for prefix, label, fraction in PHASES:
        if phase.startswith(prefix):
            return label, fraction
    return phase, 0.0


def run_state_label(state: str) -> str:
    return RUN_STATE_LABELS.get(RunState(state), state)
