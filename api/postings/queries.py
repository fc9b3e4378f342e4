"""Reading and writing postings: the caller's visible postings, and the upsert by the
city's own reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.database.models import Posting
from api.errors import ConflictError
from api.policy import Principal, visible
from api.postings.schemas import PostingFilters
from api.vocabulary import has_code

SORTABLE = ("posting_id", "partner_city_code", "period", "status", "wage_yuan_month", "positions")
REFERENCE_KEY = ("partner_city_code", "city_reference")


def visible_postings(principal: Principal, filters: PostingFilters) -> Select[Any]:
    query = select(Posting).where(visible(principal, Posting))
    equal = {
        Posting.partner_city_code: filters.partner_city_code,
        Posting.status: filters.status,
        Posting.period: filters.period,
        Posting.industry_code: filters.industry_code,
        Posting.city_reference: filters.city_reference,
        Posting.housing: filters.housing,
        Posting.meals: filters.meals,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if filters.min_wage is not None:
        query = query.where(Posting.wage_yuan_month >= filters.min_wage)
    if filters.skill_code is not None:
        query = query.where(has_code(Posting.required_skill_codes, filters.skill_code))
    if filters.earmarked_prefecture_code is not None:
        prefecture = filters.earmarked_prefecture_code
        query = query.where(has_code(Posting.earmarked_prefecture_codes, prefecture))
    return query


def visible_periods(session: Session, principal: Principal) -> list[str]:
    """The quarters of the postings the caller sees, latest first (a list filter's choices)."""
    query = (
        select(Posting.period)
        .where(visible(principal, Posting))
        .distinct()
        .order_by(Posting.period.desc())
    )
    return [str(period) for period in session.scalars(query)]


def by_reference(session: Session, city_code: str, references: Sequence[str]) -> dict[str, Posting]:
    query = select(Posting).where(
        Posting.partner_city_code == city_code, Posting.city_reference.in_(references)
    )
    return {str(posting.city_reference): posting for posting in session.scalars(query)}


def upsert_by_reference(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert each row, or update the city's posting with the same reference.

    The conflict is decided by the database on (partner_city_code, city_reference), so two
    uploads of one file at once store each posting once; the posting's id is kept.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Posting)
    kept = {"posting_id", *REFERENCE_KEY}
    updates = {c: statement.excluded[c] for c in rows[0] if c not in kept}
    upsert = statement.on_conflict_do_update(index_elements=list(REFERENCE_KEY), set_=updates)
    try:
        session.execute(upsert, rows)
    except IntegrityError as error:  # SQLite: another writer numbered a posting meanwhile
        raise ConflictError("Another upload stored postings meanwhile; try again.") from error
