"""Workers (一人一档): read, created, changed and closed by their county's coordinator or
the province office; never served to an expert or a partner city (a city sees candidates
through its own reduced view). Every change is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.audit import record, snapshot
from api.common import Page, join_codes, order_by, paginate, split_codes
from api.database.models import Role, Village, Worker, WorkerGroup
from api.ids import flush_new, next_id
from api.policy import (
    Principal,
    check_county_write,
    load_visible,
    require_role,
    writable_village,
)
from api.vocabulary import (
    EDUCATION,
    GENDERS,
    HOUSEHOLD_STATUSES,
    Vocabulary,
    key_of,
    require_known,
)
from api.workers.queries import SORTABLE, villages_by_id, visible_workers
from api.workers.schemas import WorkerCreate, WorkerFilters, WorkerOut, WorkerUpdate
from matching.errors import InvalidInputError

ROLES = (Role.PROVINCE, Role.COUNTY)
ID_PREFIX, ID_WIDTH = "W", 6
CODE_FIELDS = (
    "skill_codes",
    "certificate_codes",
    "intended_industry_codes",
    "intended_city_codes",
)


def worker_out(worker: Worker, village: Village) -> WorkerOut:
    return WorkerOut(
        worker_id=worker.worker_id,
        village_id=worker.village_id,
        village_name_zh=village.name_zh,
        county_code=village.county_code,
        deep_poverty_village=village.deep_poverty,
        registered_poor=worker.registered_poor,
        household_status=key_of(HOUSEHOLD_STATUSES, worker.household_status),
        household_status_label=worker.household_status,
        age=worker.age,
        gender=key_of(GENDERS, worker.gender),
        gender_label=worker.gender,
        education=key_of(EDUCATION, worker.education),
        education_label=worker.education,
        skill_codes=split_codes(worker.skill_codes),
        certificate_codes=split_codes(worker.certificate_codes),
        intended_industry_codes=split_codes(worker.intended_industry_codes),
        intended_city_codes=split_codes(worker.intended_city_codes),
        willing_far=worker.willing_far,
        expected_wage_yuan=worker.expected_wage_yuan,
        group_id=worker.group_id,
        self_description_zh=worker.self_description_zh,
        active=worker.active,
        active_label="在册" if worker.active else "已注销",
    )


def _check_codes(values: dict[str, Any], vocab: Vocabulary) -> None:
    known = {
        "skill_codes": vocab.skills,
        "certificate_codes": vocab.certificates,
        "intended_industry_codes": vocab.job_industries,
        "intended_city_codes": vocab.cities,
    }
    for field, allowed in known.items():
        if field in values:
            require_known(field, values[field], allowed)


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """The API's keys and lists as the table keeps them (Chinese words, `;` codes)."""
    stored = dict(values)
    for field in CODE_FIELDS:
        if field in stored:
            stored[field] = join_codes(stored[field])
    if "gender" in stored:
        stored["gender"] = GENDERS[stored["gender"]]
    if "education" in stored:
        stored["education"] = EDUCATION[stored["education"]]
    if stored.get("household_status") is not None:
        stored["household_status"] = HOUSEHOLD_STATUSES[stored["household_status"]]
    return stored


def _household_status(values: dict[str, Any], worker: Worker | None) -> None:
    """Fill in and check the 2026 status against the registered-poor flag: a 脱贫户 was
    registered poor; a registered-poor household is 脱贫户 or 监测对象. Without a status
    the stored one stays unless the new flag contradicts it; a new record gets 脱贫户 or
    一般 from its flag."""
    poor = bool(values.get("registered_poor", worker.registered_poor if worker else False))
    status: str | None = values.get("household_status")
    if status is None:
        kept = key_of(HOUSEHOLD_STATUSES, worker.household_status) if worker else None
        keep = kept is not None and not _contradicts(poor, kept)
        status = kept if keep and kept is not None else ("lifted_out" if poor else "general")
    if _contradicts(poor, status):
        raise InvalidInputError(
            f"household_status: {status} ({HOUSEHOLD_STATUSES[status]}) contradicts "
            f"registered_poor={str(poor).lower()}: a 脱贫户 was registered poor and a "
            "registered-poor household is 脱贫户 or 监测对象.",
            item="household_status",
        )
    values["household_status"] = status


def _contradicts(poor: bool, status: str) -> bool:
    return (poor and status == "general") or (not poor and status == "lifted_out")


def _join_group(session: Session, group_id: str, village: Village) -> None:
    """Fellow villagers of a group share their village; a new group id starts a group."""
    group = session.get(WorkerGroup, group_id)
    if group is None:
        session.add(WorkerGroup(group_id=group_id, village_id=village.village_id))
        session.flush()
    elif group.village_id != village.village_id:
        raise InvalidInputError(
            f"group_id: {group_id!r} is another village's group; fellow villagers of a "
            f"group share their village.",
            item="group_id",
        )


def list_workers(
    session: Session,
    principal: Principal,
    filters: WorkerFilters,
    page: tuple[str | None, int, int],
) -> Page[WorkerOut]:
    require_role(principal, *ROLES)
    sort, limit, offset = page
    query = order_by(visible_workers(principal, filters), Worker, sort, SORTABLE)
    workers, total = paginate(session, query, limit, offset)
    villages = villages_by_id(session, (worker.village_id for worker in workers))
    items = [worker_out(worker, villages[worker.village_id]) for worker in workers]
    return Page(items=items, total=total, limit=limit, offset=offset)


def _load(session: Session, principal: Principal, worker_id: str) -> tuple[Worker, Village]:
    require_role(principal, *ROLES)
    worker: Worker = load_visible(session, principal, Worker, worker_id)
    village = session.get(Village, worker.village_id)
    assert village is not None  # a foreign key
    return worker, village


def get_worker(session: Session, principal: Principal, worker_id: str) -> WorkerOut:
    return worker_out(*_load(session, principal, worker_id))


def create_worker(
    session: Session, principal: Principal, vocab: Vocabulary, data: WorkerCreate
) -> WorkerOut:
    require_role(principal, *ROLES)
    village = writable_village(session, principal, data.village_id)
    values = data.model_dump()
    _check_codes(values, vocab)
    _household_status(values, None)
    if data.group_id is not None:
        _join_group(session, data.group_id, village)
    worker = Worker(
        worker_id=next_id(session, Worker.worker_id, ID_PREFIX, ID_WIDTH),
        active=True,
        **_stored(values),
    )
    session.add(worker)
    flush_new(session, "worker")
    record(session, principal, "worker", worker.worker_id, "create", None, snapshot(worker))
    return worker_out(worker, village)


def update_worker(
    session: Session, principal: Principal, vocab: Vocabulary, worker_id: str, data: WorkerUpdate
) -> WorkerOut:
    worker, village = _load(session, principal, worker_id)
    check_county_write(principal, village.county_code)
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    if "registered_poor" in values or "household_status" in values:
        _household_status(values, worker)
    if "village_id" in values:
        village = writable_village(session, principal, values["village_id"])
    _check_codes(values, vocab)
    if values.pop("leave_group", False):
        values["group_id"] = None
    group_id = values.get("group_id", worker.group_id)
    if group_id is not None:
        _join_group(session, group_id, village)
    return _change(session, principal, (worker, village), _stored(values), "update")


def close_worker(session: Session, principal: Principal, worker_id: str) -> WorkerOut:
    """Delete-as-close: the record stays (placements refer to it), no longer matched."""
    worker, village = _load(session, principal, worker_id)
    check_county_write(principal, village.county_code)
    return _change(session, principal, (worker, village), {"active": False}, "close")


def _change(
    session: Session,
    principal: Principal,
    row: tuple[Worker, Village],
    values: dict[str, Any],
    action: str,
) -> WorkerOut:
    worker, village = row
    before = snapshot(worker)
    for name, value in values.items():
        setattr(worker, name, value)
    session.flush()
    after = snapshot(worker)
    if after != before:
        record(session, principal, "worker", worker.worker_id, action, before, after)
    return worker_out(worker, village)
