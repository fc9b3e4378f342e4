"""The county coordinator's match runs: the list and the request form, a run watched live
until it ends, then its proposals reviewed (why each pair, why a need stays uncovered),
pairs locked or forbidden, and the run published.

Every action calls the function the JSON route calls (`POST /match-runs`,
`POST /match-runs/{id}/cancel`, `POST /decisions`, `DELETE /decisions/{id}`,
`POST /match-runs/{id}/publish`), so the rules and the answers are the API's: another
county's run is 404, a second publish is 409 (told here in Chinese).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.common import RowId
from api.database.models import County, MatchRun, Role, RunState
from api.deps import SessionDep
from api.errors import ConflictError
from api.match_runs import decisions, review, service
from api.match_runs.labels import SCOPE_LABELS
from api.match_runs.publish import publish_run
from api.match_runs.schemas import DecisionCreate, RunCreate
from api.pages import county_runs_view as words
from api.pages.flash import flash
from api.pages.render import is_htmx, redirect, render
from api.pages.session import PagePrincipal, page_router
from api.policy import Principal, check_run_scope, require_role
from matching.errors import InvalidInputError

router = page_router(prefix="/app/county/runs")
LIST = "/app/county/runs"
RUNS_SHOWN = 50
PROPOSALS_SHOWN = 20
UNCOVERED_PREVIEW = 10  # beside the proposals; all of them when only they are shown
LIVE_STATES = (RunState.QUEUED, RunState.RUNNING)
SOLVERS = (
    ("", "自动选择（推荐）"),
    ("flow", "最小费用流"),
    ("cpsat", "CP-SAT 整数规划"),
    ("decompose", "分解求解"),
    ("greedy", "贪心（最快，非最优）"),
)
MARKETS = (("experts", "专家服务"), ("labour", "劳务协作"))
FIELD_ERRORS = {
    "market": "请选择匹配类型：专家服务或劳务协作。",
    "solver": "请从列表中选择求解器。",
    "time_limit": "时间上限须为大于 0、不超过 3600 的秒数，或留空。",
    "seed": "随机种子须为 0 到 2147483647 之间的整数，或留空。",
}
Show = Literal["all", "covered", "uncovered"]


def _county(session: SessionDep, principal: Principal) -> County:
    return session.get_one(County, principal.county_code)


def _list_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    offset: int = 0,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    items, total = review.list_runs(session, principal, limit=RUNS_SHOWN, offset=offset)
    context = {
        "items": items,
        "total": total,
        "offset": offset,
        "shown": RUNS_SHOWN,
        "county": _county(session, principal),
        "form": form or {"market": "experts"},
        "errors": errors or {},
        "solvers": SOLVERS,
        "markets": MARKETS,
    }
    return render(request, "county/runs.html", context, status_code)


@router.get("")
def runs(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    return _list_page(request, session, principal, offset=offset)


def _field_of(location: tuple[Any, ...] | str | None) -> str:
    """The form field a validation error names (`options.seed` → seed)."""
    parts = location.split(".") if isinstance(location, str) else [str(p) for p in location or ()]
    named = [p for p in parts if p in FIELD_ERRORS]
    return named[-1] if named else "form"


@router.post("")
def request_run(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    market: Annotated[str, Form(max_length=32)] = "",
    solver: Annotated[str, Form(max_length=32)] = "",
    time_limit: Annotated[str, Form(max_length=32)] = "",
    seed: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Queue a match of the caller's county, checked as `POST /match-runs` checks it."""
    require_role(principal, Role.COUNTY)
    form = {"market": market, "solver": solver, "time_limit": time_limit, "seed": seed}
    options = {k: v.strip() for k, v in form.items() if k != "market" and v.strip()}
    errors: dict[str, str] = {}
    try:
        data = RunCreate.model_validate(
            {
                "market": market,
                "scope_kind": "county",
                "scope_code": principal.county_code,
                "options": options,
            }
        )
        run = service.create_run(session, principal, data)
    except ValidationError as error:
        for problem in error.errors():
            field = _field_of(problem["loc"])
            errors.setdefault(field, FIELD_ERRORS.get(field, "提交的内容有误。"))
    except InvalidInputError as error:
        field = _field_of(error.item)
        errors[field] = FIELD_ERRORS.get(field, f"提交的内容有误：{error}")
    if errors:
        return _list_page(request, session, principal, form=form, errors=errors, status_code=422)
    response = redirect(request, f"{LIST}/{run.id}")
    flash(request, response, f"已发起第 {run.id} 次匹配，正在排队等待运行。")
    return response


def _run(session: SessionDep, principal: Principal, run_id: int) -> MatchRun:
    require_role(principal, Role.COUNTY)
    return service.get_run(session, principal, run_id)


def _status_context(run: MatchRun) -> dict[str, Any]:
    out = service.run_out(run)
    return {
        "run": out,
        "live": run.state in LIVE_STATES,
        "figures": words.run_figures(out) if run.state == RunState.SUCCEEDED else [],
    }


@router.get("/{run_id}")
def run_page(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    run_id: RowId,
    show: Show = "all",
    deep: Annotated[bool, Query()] = False,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    """The run: live while it runs; finished, its proposals to review and publish."""
    run = _run(session, principal, run_id)
    context: dict[str, Any] = {
        **_status_context(run),
        "item": review.run_items(session, principal, [run])[0],
        "scope_labels": SCOPE_LABELS,
        "show": show,
        "deep": deep,
        "offset": offset,
        "shown": PROPOSALS_SHOWN,
        "uncovered_preview": UNCOVERED_PREVIEW,
        "filters": _filters(show, deep),
        "here": _filters(show, deep, offset),
        "words": words,
    }
    if run.state == RunState.SUCCEEDED:
        proposals: list[review.Proposal] = []
        total = 0
        if show != "uncovered":
            proposals, total = review.proposals(
                session,
                principal,
                run,
                deep_poverty_only=deep,
                limit=PROPOSALS_SHOWN,
                offset=offset,
            )
        uncovered = review.uncovered_needs(session, principal, run, deep_poverty_only=deep)
        context |= {
            "proposals": proposals,
            "proposals_total": total,
            "uncovered": uncovered,
            "rematch": review.rematch_of(session, principal, run),
        }
    return render(request, "county/run.html", context)


def _filters(show: str, deep: bool, offset: int = 0) -> str:
    """The review's filters (and page) as a query string, kept across the page's forms."""
    given = {"show": show} if show != "all" else {}
    if deep:
        given["deep"] = "true"
    if offset:
        given["offset"] = str(offset)
    return urlencode(given)


@router.get("/{run_id}/status")
def run_status(
    request: Request, principal: PagePrincipal, session: SessionDep, run_id: RowId
) -> Response:
    """The live part of the run page, polled while the run is queued or running; once the
    run has ended the page reloads to show the result."""
    run = _run(session, principal, run_id)
    context = _status_context(run)
    headers = {} if context["live"] or not is_htmx(request) else {"HX-Refresh": "true"}
    return render(request, "county/_run_status.html", context, headers=headers)


@router.post("/{run_id}/cancel")
def cancel(
    request: Request, principal: PagePrincipal, session: SessionDep, run_id: RowId
) -> Response:
    require_role(principal, Role.COUNTY)
    try:
        run = service.cancel_run(session, principal, run_id)
    except ConflictError:
        response = redirect(request, f"{LIST}/{run_id}")
        flash(request, response, "这次匹配已经结束，不能再取消。", "error")
        return response
    response = redirect(request, f"{LIST}/{run_id}")
    done = (
        "已取消这次匹配。"
        if run.state == RunState.CANCELLED
        else "已请求取消，运行将在下一个检查点停止。"
    )
    flash(request, response, done)
    return response


def _back(run_id: int, filters: str, anchor: str = "") -> str:
    """The run's page again, with the review's filters as they were (only those)."""
    kept = {
        key: value
        for key, value in parse_qsl(filters)
        if (key, value) in {("show", "covered"), ("show", "uncovered"), ("deep", "true")}
        or (key == "offset" and value.isdigit() and len(value) < 10)
    }
    query = f"?{urlencode(kept)}" if kept else ""
    return f"{LIST}/{run_id}{query}" + (anchor if re.fullmatch(r"#[\w-]{1,40}", anchor) else "")


def _pair_answer(
    request: Request,
    session: SessionDep,
    principal: Principal,
    run: MatchRun,
    pair: tuple[str, str],
    back: str,
    notice: str,
) -> Response:
    """After a decision: the pair's card for htmx (with the notice), else the page again."""
    expert_id, need_id = pair
    shown = review.need_proposals(session, principal, run, need_id, expert_id)
    if is_htmx(request) and shown:
        context = {
            "p": shown[0],
            "run": service.run_out(run),
            "here": "",
            "words": words,
            "notice": notice,
        }
        return render(request, "county/_proposal.html", context)
    response = redirect(request, back)
    flash(request, response, notice)
    return response


def _refused(request: Request, back: str, message: str) -> Response:
    response = redirect(request, back)
    flash(request, response, message, "error")
    return response


@router.post("/{run_id}/decisions")
def decide(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    run_id: RowId,
    expert_id: Annotated[str, Form(max_length=16)] = "",
    need_id: Annotated[str, Form(max_length=16)] = "",
    kind: Annotated[str, Form(max_length=8)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    filters: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Lock or forbid a pair of the run (`POST /decisions`)."""
    run = _run(session, principal, run_id)
    back = _back(run_id, filters, f"#pair-{expert_id}-{need_id}")
    try:
        data = DecisionCreate.model_validate(
            {
                "expert_id": expert_id,
                "need_id": need_id,
                "kind": kind,
                "reason": reason.strip() or None,
            }
        )
    except ValidationError:
        return _refused(request, back, "请选择锁定或禁止；理由不超过 500 字。")
    try:
        decisions.create_decision(session, principal, data)
    except ConflictError:
        return _refused(
            request, back, f"专家 {expert_id} 与需求 {need_id} 已有决定，请先撤销原决定。"
        )
    done = "已锁定" if data.kind == "lock" else "已禁止"
    notice = f"{done}：专家 {expert_id} — 需求 {need_id}。以后的每次匹配都会遵守。"
    return _pair_answer(request, session, principal, run, (expert_id, need_id), back, notice)


@router.post("/{run_id}/decisions/{decision_id}/delete")
def undecide(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    run_id: RowId,
    decision_id: RowId,
    expert_id: Annotated[str, Form(max_length=16)] = "",
    need_id: Annotated[str, Form(max_length=16)] = "",
    filters: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Remove a lock or a forbid (`DELETE /decisions/{id}`); an expert's decline stays."""
    run = _run(session, principal, run_id)
    back = _back(run_id, filters, f"#pair-{expert_id}-{need_id}")
    try:
        decisions.delete_decision(session, principal, decision_id)
    except ConflictError:
        return _refused(request, back, "专家的谢绝是专家本人的答复，不能在这里撤销。")
    notice = "已撤销这项决定。"
    return _pair_answer(request, session, principal, run, (expert_id, need_id), back, notice)


def _why_not_publishable(run: MatchRun) -> str | None:
    """Why `publish_run` would answer 409, in Chinese (None: it can be published)."""
    if run.published_at is not None:
        return "这次匹配已经发布过了，不能再次发布。"
    if run.state != RunState.SUCCEEDED:
        label = service.run_out(run).state_label
        return f"只有已完成的匹配才能发布；这次匹配的状态是“{label}”。"
    if run.status == "infeasible":
        return "这次匹配没有找到可行方案，没有可以发布的内容。"
    return None


def _publish_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    run: MatchRun,
    problem: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "run": service.run_out(run),
        "item": review.run_items(session, principal, [run])[0],
        "proposed": review.proposal_count(session, principal, run),
        "problem": problem,
    }
    return render(request, "county/publish.html", context, status_code)


@router.get("/{run_id}/publish")
def confirm_publish(
    request: Request, principal: PagePrincipal, session: SessionDep, run_id: RowId
) -> HTMLResponse:
    """The confirmation step before publishing: what publishing will do."""
    run = _run(session, principal, run_id)
    check_run_scope(principal, run.scope_kind, run.scope_code)
    return _publish_page(request, session, principal, run, _why_not_publishable(run))


@router.post("/{run_id}/publish")
def publish(
    request: Request, principal: PagePrincipal, session: SessionDep, run_id: RowId
) -> Response:
    """Publish (`POST /match-runs/{id}/publish`); a 409 is shown as a Chinese message."""
    run = _run(session, principal, run_id)
    check_run_scope(principal, run.scope_kind, run.scope_code)
    try:
        done = publish_run(session, principal, run)
    except ConflictError:
        session.refresh(run)
        problem = _why_not_publishable(run) or "这次匹配的状态已经变化，请刷新页面后再试。"
        return _publish_page(request, session, principal, run, problem, 409)
    response = redirect(request, f"{LIST}/{run_id}")
    flash(
        request,
        response,
        f"已发布：{done.published} 项新安排，替换原安排 {done.superseded} 项，"
        f"保留已锁定或已接受的 {done.kept} 项；已通知 {done.notified} 人。",
    )
    return response
