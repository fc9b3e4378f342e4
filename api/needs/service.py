"""Village needs: read in one's scope; created, changed and closed by the county's
coordinator or the province office. Every change is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.audit import record, snapshot
from api.common import Page, join_codes, order_by, paginate, split_codes
from api.database.models import Need, Role, Village
from api.ids import flush_new, next_id
from api.needs.queries import SORTABLE, villages_by_id, visible_needs
from api.needs.schemas import NeedCreate, NeedFilters, NeedOut, NeedUpdate
from api.policy import (
    Principal,
    check_county_write,
    load_visible,
    require_role,
    writable_village,
)
from api.vocabulary import NEED_STATUS, URGENCY, Vocabulary, require_known

READERS = (Role.PROVINCE, Role.COUNTY, Role.EXPERT)
WRITERS = (Role.PROVINCE, Role.COUNTY)
ID_PREFIX, ID_WIDTH = "N", 6


def need_out(need: Need, village: Village, vocab: Vocabulary) -> NeedOut:
    return NeedOut(
        need_id=need.need_id,
        village_id=need.village_id,
        village_name_zh=village.name_zh,
        county_code=village.county_code,
        deep_poverty_village=village.deep_poverty,
        period=need.period,
        status=need.status,
        status_label=NEED_STATUS.get(need.status, need.status),
        industry_code=need.industry_code,
        industry_label=vocab.industry_label(need.industry_code),
        skill_codes=split_codes(need.skill_codes),
        language_code=need.language_code,
        days_needed=need.days_needed,
        experts_wanted=need.experts_wanted,
        urgency=need.urgency,
        urgency_label=URGENCY.get(need.urgency, str(need.urgency)),
        description_zh=need.description_zh,
    )


def _check_codes(values: dict[str, Any], vocab: Vocabulary) -> None:
    if "industry_code" in values:
        require_known("industry_code", [values["industry_code"]], vocab.industries)
    if "skill_codes" in values:
        require_known("skill_codes", values["skill_codes"], vocab.skills)
    if values.get("language_code"):
        require_known("language_code", [values["language_code"]], vocab.languages)


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    if "skill_codes" in values:
        return {**values, "skill_codes": join_codes(values["skill_codes"])}
    return values


def list_needs(
    session: Session,
    principal: Principal,
    vocab: Vocabulary,
    filters: NeedFilters,
    page: tuple[str | None, int, int],
) -> Page[NeedOut]:
    require_role(principal, *READERS)
    sort, limit, offset = page
    query = order_by(visible_needs(principal, filters), Need, sort, SORTABLE)
    needs, total = paginate(session, query, limit, offset)
    villages = villages_by_id(session, (need.village_id for need in needs))
    items = [need_out(need, villages[need.village_id], vocab) for need in needs]
    return Page(items=items, total=total, limit=limit, offset=offset)


def _load(session: Session, principal: Principal, need_id: str) -> tuple[Need, Village]:
    need: Need = load_visible(session, principal, Need, need_id)
    village = session.get(Village, need.village_id)
    assert village is not None  # a foreign key
    return need, village


def get_need(session: Session, principal: Principal, vocab: Vocabulary, need_id: str) -> NeedOut:
    require_role(principal, *READERS)
    return need_out(*_load(session, principal, need_id), vocab)


def create_need(
    session: Session, principal: Principal, vocab: Vocabulary, data: NeedCreate
) -> NeedOut:
    require_role(principal, *WRITERS)
    village = writable_village(session, principal, data.village_id)
    values = data.model_dump()
    _check_codes(values, vocab)
    need = Need(
        need_id=next_id(session, Need.need_id, ID_PREFIX, ID_WIDTH),
        status="open",
        **_stored(values),
    )
    session.add(need)
    flush_new(session, "need")
    record(session, principal, "need", need.need_id, "create", None, snapshot(need))
    return need_out(need, village, vocab)


def update_need(
    session: Session, principal: Principal, vocab: Vocabulary, need_id: str, data: NeedUpdate
) -> NeedOut:
    require_role(principal, *WRITERS)
    need, village = _load(session, principal, need_id)
    check_county_write(principal, village.county_code)
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    if "village_id" in values:
        village = writable_village(session, principal, values["village_id"])
    _check_codes(values, vocab)
    return _change(session, principal, vocab, (need, village), _stored(values), "update")


def close_need(session: Session, principal: Principal, vocab: Vocabulary, need_id: str) -> NeedOut:
    """Delete-as-close: the need stays for the history, no longer matched."""
    require_role(principal, *WRITERS)
    need, village = _load(session, principal, need_id)
    check_county_write(principal, village.county_code)
    return _change(session, principal, vocab, (need, village), {"status": "closed"}, "close")


def _change(
    session: Session,
    principal: Principal,
    vocab: Vocabulary,
    row: tuple[Need, Village],
    values: dict[str, Any],
    action: str,
) -> NeedOut:
    need, village = row
    before = snapshot(need)
    for name, value in values.items():
        setattr(need, name, value)
    session.flush()
    after = snapshot(need)
    if after != before:
        record(session, principal, "need", need.need_id, action, before, after)
    return need_out(need, village, vocab)
