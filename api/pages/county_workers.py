"""The county's workers (一人一档): the list (search, filters, pages) and the edit form.

As `/workers` does, every page calls the workers domain's service functions: a worker of
another county is a 404 page, a role other than the coordinator a 403 page. The edit form
sends the fields `PATCH /workers/{id}` accepts, checked by `WorkerUpdate` and the service;
a refused field comes back next to its input (422).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.database.models import Role
from api.deps import SessionDep, SettingsDep
from api.needs.queries import visible_villages
from api.pages.county_forms import (
    PER_PAGE,
    Pager,
    checked_box,
    choices,
    field_errors,
    filled,
    optional_bool,
)
from api.pages.flash import flash
from api.pages.render import redirect, render
from api.pages.session import PagePrincipal, page_router
from api.policy import Principal, require_role
from api.vocabulary import EDUCATION, GENDERS, get_vocabulary
from api.workers import service
from api.workers.schemas import WorkerFilters, WorkerOut, WorkerUpdate
from matching.errors import InvalidInputError

router = page_router(prefix="/app/county")
LIST = "/app/county/workers"
Text = Annotated[str, Query(max_length=100)]

MESSAGES = {
    "village_id": "请选择本县的一个村。",
    "registered_poor": "请说明是否为建档立卡户。",
    "age": "年龄须是 16 到 60 之间的整数。",
    "gender": "请选择性别。",
    "education": "请选择文化程度。",
    "skill_codes": "请从列表中选择技能（最多 20 项）。",
    "certificate_codes": "请从列表中选择证书（最多 20 项）。",
    "intended_industry_codes": "请从列表中选择意向行业（最多 10 项）。",
    "intended_city_codes": "请从列表中选择意向城市。",
    "expected_wage_yuan": "期望月薪须是 0 到 100000 之间的整数（元）。",
    "group_id": "抱团组号只能用字母、数字、- 和 _（最多 16 位）；同组老乡须来自同一个村。",
    "self_description_zh": "自我介绍不超过 2000 字。",
    "active": "请说明是否在册。",
}
STATES = {"": "全部", "0": "待就业", "1": "已就业"}


class WorkerForm(BaseModel):
    """The edit form as sent: text and ticks, checked by `WorkerUpdate`."""

    model_config = ConfigDict(extra="ignore")

    village_id: str = ""
    registered_poor: str | None = None
    age: str = ""
    gender: str = ""
    education: str = ""
    skill_codes: list[str] = []
    certificate_codes: list[str] = []
    intended_industry_codes: list[str] = []
    intended_city_codes: list[str] = []
    willing_far: str | None = None
    expected_wage_yuan: str = ""
    group_id: str = ""
    self_description_zh: str = ""
    active: str | None = None

    def update(self) -> dict[str, Any]:
        """What `WorkerUpdate` reads: every field; no group id means leaving the group."""
        values = self.model_dump()
        for tick in ("registered_poor", "willing_far", "active"):
            values[tick] = checked_box(values[tick])
        group = self.group_id.strip()
        values["group_id"] = group or None
        values["leave_group"] = not group
        return values


@router.get("/workers")
def workers(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    q: Text = "",
    hired: Text = "",
    group: Text = "",
    skill: Text = "",
    industry: Text = "",
    poor: Text = "",
    active: Text = "1",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    filters = WorkerFilters(
        q=q.strip() or None,
        hired=optional_bool(hired),
        group_id=group.strip() or None,
        skill_code=skill or None,
        intended_industry_code=industry or None,
        registered_poor=optional_bool(poor),
        active=optional_bool(active),
    )
    found = service.list_workers(session, principal, filters, (None, PER_PAGE, Pager.offset(page)))
    shown = {"q": q, "hired": hired, "group": group, "skill": skill, "industry": industry}
    shown |= {"poor": poor, "active": active}
    context = {
        "workers": found.items,
        "pager": Pager.of(page, found.total, filled(shown)),
        "filters": shown,
        "choices": choices(settings.reference_dir),
        "states": STATES,
    }
    return render(request, "county/workers.html", context)


def _form_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Principal,
    worker: WorkerOut,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    context = {
        "worker": worker,
        "values": values,
        "errors": errors or {},
        "villages": visible_villages(session, principal),
        "choices": choices(settings.reference_dir),
        "genders": GENDERS,
        "education": EDUCATION,
    }
    return render(request, "county/worker_edit.html", context, 422 if errors else 200)


@router.get("/workers/{worker_id}")
def worker_page(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    worker_id: str,
) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    worker = service.get_worker(session, principal, worker_id)
    values = worker.model_dump()
    values["group_id"] = worker.group_id or ""
    return _form_page(request, session, settings, principal, worker, values)


@router.post("/workers/{worker_id}")
def save_worker(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    worker_id: str,
    form: Annotated[WorkerForm, Form()],
) -> Response:
    require_role(principal, Role.COUNTY)
    worker = service.get_worker(session, principal, worker_id)  # 404 before anything else
    values = form.update()
    try:
        data = WorkerUpdate.model_validate(values)
        service.update_worker(session, principal, get_vocabulary(settings), worker_id, data)
    except (ValidationError, InvalidInputError) as error:
        errors = field_errors(error, MESSAGES)
        values["group_id"] = form.group_id
        return _form_page(request, session, settings, principal, worker, values, errors)
    response = redirect(request, f"{LIST}/{worker_id}")
    flash(request, response, f"已保存劳动力 {worker_id} 的档案。")
    return response
