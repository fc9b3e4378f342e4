"""The county's needs: the list (search, filters, pages), the edit form, closing a need.

Every page calls the needs domain's service functions, as `/needs` does: a need of
another county is a 404 page, a role other than the coordinator a 403 page. The edit
form sends every field `PATCH /needs/{id}` accepts; the domain's schema (`NeedUpdate`)
and service check them, and a refused field comes back next to its input (422).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.database.models import Role
from api.deps import SessionDep, SettingsDep
from api.needs import queries, service
from api.needs.schemas import NeedFilters, NeedOut, NeedUpdate
from api.pages.county_forms import PER_PAGE, Pager, choices, field_errors, filled
from api.pages.flash import flash
from api.pages.render import redirect, render
from api.pages.session import PagePrincipal, page_router
from api.policy import Principal, require_role
from api.vocabulary import NEED_STATUS, URGENCY, get_vocabulary
from matching.errors import InvalidInputError

router = page_router(prefix="/app/county")
LIST = "/app/county/needs"
Text = Annotated[str, Query(max_length=100)]

MESSAGES = {
    "village_id": "请选择本县的一个村。",
    "period": "服务时段请写成“年份Q季度”，例如 2026Q1。",
    "status": "请选择需求状态。",
    "industry_code": "请选择一个产业。",
    "skill_codes": "请选择 1 到 3 项所需技能。",
    "language_code": "请选择一种语言，或选“不限”。",
    "days_needed": "服务天数须是 1 到 92 之间的整数。",
    "experts_wanted": "需要的专家人数须是 1 到 10 之间的整数。",
    "urgency": "请选择紧急程度。",
    "description_zh": "请填写需求说明（不超过 2000 字）。",
}


class NeedForm(BaseModel):
    """The edit form as sent: text, checked by `NeedUpdate` (never refused here)."""

    model_config = ConfigDict(extra="ignore")

    village_id: str = ""
    period: str = ""
    status: str = ""
    industry_code: str = ""
    skill_codes: list[str] = []
    language_code: str = ""
    days_needed: str = ""
    experts_wanted: str = ""
    urgency: str = ""
    description_zh: str = ""


def _filters(
    q: str, status: str, period: str, industry: str, urgency: str, deep: str
) -> NeedFilters:
    """The list's filters from the query (an unknown value is no filter, never an error)."""
    return NeedFilters(
        q=q.strip() or None,
        status=status if status in ("open", "closed") else None,  # type: ignore[arg-type]
        period=period or None,
        industry_code=industry or None,
        urgency=int(urgency) if urgency in ("1", "2", "3") else None,
        deep_poverty={"1": True, "0": False}.get(deep),
    )


@router.get("/needs")
def needs(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    q: Text = "",
    status: Text = "open",
    period: Text = "",
    industry: Text = "",
    urgency: Text = "",
    deep: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    vocab = get_vocabulary(settings)
    filters = _filters(q, status, period, industry, urgency, deep)
    found = service.list_needs(
        session, principal, vocab, filters, ("-urgency", PER_PAGE, Pager.offset(page))
    )
    shown = {"q": q, "status": status, "period": period, "industry": industry}
    shown |= {"urgency": urgency, "deep": deep}
    context = {
        "needs": found.items,
        "pager": Pager.of(page, found.total, filled(shown)),
        "filters": shown,
        "periods": queries.need_periods(session, principal),
        "choices": choices(settings.reference_dir),
        "statuses": NEED_STATUS,
        "urgencies": URGENCY,
    }
    return render(request, "county/needs.html", context)


def _form_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Principal,
    need: NeedOut,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    context = {
        "need": need,
        "values": values,
        "errors": errors or {},
        "villages": queries.visible_villages(session, principal),
        "choices": choices(settings.reference_dir),
        "statuses": NEED_STATUS,
        "urgencies": URGENCY,
    }
    return render(request, "county/need_edit.html", context, 422 if errors else 200)


def _values(need: NeedOut) -> dict[str, Any]:
    return need.model_dump(include=set(NeedForm.model_fields))


@router.get("/needs/{need_id}")
def need_page(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    need_id: str,
) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    need = service.get_need(session, principal, get_vocabulary(settings), need_id)
    return _form_page(request, session, settings, principal, need, _values(need))


@router.post("/needs/{need_id}")
def save_need(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    need_id: str,
    form: Annotated[NeedForm, Form()],
) -> Response:
    require_role(principal, Role.COUNTY)
    vocab = get_vocabulary(settings)
    need = service.get_need(session, principal, vocab, need_id)  # 404 before anything else
    values = form.model_dump()
    try:
        data = NeedUpdate.model_validate(values)
        service.update_need(session, principal, vocab, need_id, data)
    except (ValidationError, InvalidInputError) as error:
        errors = field_errors(error, MESSAGES)
        return _form_page(request, session, settings, principal, need, values, errors)
    response = redirect(request, f"{LIST}/{need_id}")
    flash(request, response, f"已保存需求 {need_id}。")
    return response


@router.post("/needs/{need_id}/close")
def close_need(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    need_id: str,
) -> Response:
    require_role(principal, Role.COUNTY)
    service.close_need(session, principal, get_vocabulary(settings), need_id)
    response = redirect(request, LIST)
    flash(request, response, f"需求 {need_id} 已关闭，不再参加匹配（记录仍然保留）。")
    return response
