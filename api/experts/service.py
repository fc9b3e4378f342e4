"""Experts: the province office creates, changes and closes them; county coordinators
read the experts serving their county; an expert reads their own profile and changes a
few fields of it. Every change is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.audit import record, snapshot
from api.common import Page, join_codes, order_by, paginate, split_codes
from api.database.models import County, Expert, Role
from api.experts.queries import SORTABLE, visible_experts
from api.experts.schemas import ExpertCreate, ExpertFilters, ExpertOut, ExpertUpdate
from api.ids import flush_new, next_id
from api.policy import Principal, check_expert_fields, load_visible, require_role
from api.vocabulary import EXPERT_ROLES, TIERS, Vocabulary, key_of, require_known
from matching.errors import InvalidInputError

READERS = (Role.PROVINCE, Role.COUNTY, Role.EXPERT)
ID_PREFIX, ID_WIDTH = "E", 5
CODE_FIELDS = ("industry_codes", "specialty_codes", "language_codes", "available_periods")


def expert_out(expert: Expert) -> ExpertOut:
    return ExpertOut(
        expert_id=expert.expert_id,
        name_zh=expert.name_zh,
        tier=key_of(TIERS, expert.tier),
        tier_label=expert.tier,
        role=key_of(EXPERT_ROLES, expert.role),
        role_label=expert.role,
        home_county_code=expert.home_county_code,
        lat=expert.lat,
        lon=expert.lon,
        industry_codes=split_codes(expert.industry_codes),
        specialty_codes=split_codes(expert.specialty_codes),
        language_codes=split_codes(expert.language_codes),
        service_days_per_quarter=expert.service_days_per_quarter,
        max_travel_km=expert.max_travel_km,
        team_id=expert.team_id,
        available_periods=split_codes(expert.available_periods),
        profile_zh=expert.profile_zh,
        active=expert.active,
        active_label="在岗" if expert.active else "已停用",
    )


def _check_codes(values: dict[str, Any], vocab: Vocabulary) -> None:
    known = {
        "industry_codes": vocab.industries,
        "specialty_codes": vocab.skills,
        "language_codes": vocab.languages,
    }
    for field, allowed in known.items():
        if field in values:
            require_known(field, values[field], allowed)


def _home_county(session: Session, county_code: str) -> County:
    county = session.get(County, county_code)
    if county is None:
        raise InvalidInputError(
            f"home_county_code: unknown county {county_code!r}.", item="home_county_code"
        )
    return county


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """The API's keys and lists as the table keeps them (Chinese words, `;` codes)."""
    stored = dict(values)
    for field in CODE_FIELDS:
        if field in stored:
            stored[field] = join_codes(list(dict.fromkeys(stored[field])))
    if "tier" in stored:
        stored["tier"] = TIERS[stored["tier"]]
    if "role" in stored:
        stored["role"] = EXPERT_ROLES[stored["role"]]
    return stored


def list_experts(
    session: Session,
    principal: Principal,
    filters: ExpertFilters,
    page: tuple[str | None, int, int],
) -> Page[ExpertOut]:
    require_role(principal, *READERS)
    sort, limit, offset = page
    query = order_by(visible_experts(principal, filters), Expert, sort, SORTABLE)
    experts, total = paginate(session, query, limit, offset)
    return Page(items=[expert_out(e) for e in experts], total=total, limit=limit, offset=offset)


def _load(session: Session, principal: Principal, expert_id: str) -> Expert:
    require_role(principal, *READERS)
    expert: Expert = load_visible(session, principal, Expert, expert_id)
    return expert


def get_expert(session: Session, principal: Principal, expert_id: str) -> ExpertOut:
    return expert_out(_load(session, principal, expert_id))


def create_expert(
    session: Session, principal: Principal, vocab: Vocabulary, data: ExpertCreate
) -> ExpertOut:
    require_role(principal, Role.PROVINCE)
    county = _home_county(session, data.home_county_code)
    values = data.model_dump()
    _check_codes(values, vocab)
    values["lat"] = county.lat if data.lat is None else data.lat
    values["lon"] = county.lon if data.lon is None else data.lon
    expert = Expert(
        expert_id=next_id(session, Expert.expert_id, ID_PREFIX, ID_WIDTH),
        active=True,
        **_stored(values),
    )
    session.add(expert)
    flush_new(session, "expert")
    record(session, principal, "expert", expert.expert_id, "create", None, snapshot(expert))
    return expert_out(expert)


def update_expert(
    session: Session, principal: Principal, vocab: Vocabulary, expert_id: str, data: ExpertUpdate
) -> ExpertOut:
    expert = _load(session, principal, expert_id)
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    check_expert_fields(principal, expert.expert_id, set(values))
    if "home_county_code" in values:
        _home_county(session, values["home_county_code"])
    _check_codes(values, vocab)
    return _change(session, principal, expert, _stored(values), "update")


def close_expert(session: Session, principal: Principal, expert_id: str) -> ExpertOut:
    """Delete-as-close: the expert's history stays; a closed expert is not matched."""
    expert = _load(session, principal, expert_id)
    require_role(principal, Role.PROVINCE)
    return _change(session, principal, expert, {"active": False}, "close")


def _change(
    session: Session, principal: Principal, expert: Expert, values: dict[str, Any], action: str
) -> ExpertOut:
    before = snapshot(expert)
    for name, value in values.items():
        setattr(expert, name, value)
    session.flush()
    after = snapshot(expert)
    if after != before:
        record(session, principal, "expert", expert.expert_id, action, before, after)
    return expert_out(expert)
