"""One demo account per role, for a new user's first look (development only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.schemas import UserCreate
from api.auth.service import create_user
from api.database.models import Expert, Posting, Role, User, Village


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    scope: str | None


def _busiest_county(session: Session) -> str:
    """The county with the most villages: the coordinator has something to do."""
    count = func.count(Village.village_id)
    query = select(Village.county_code, count).group_by(Village.county_code)
    return str(session.execute(query.order_by(count.desc(), Village.county_code)).first()[0])  # type: ignore[index]


def _expert_of(session: Session, county: str) -> str:
    query = select(Expert.expert_id).where(Expert.home_county_code == county, Expert.active)
    return str(session.scalars(query.order_by(Expert.expert_id)).first())


def _busiest_city(session: Session) -> str:
    count = func.count(Posting.posting_id)
    query = select(Posting.partner_city_code, count).where(Posting.status == "open")
    query = query.group_by(Posting.partner_city_code).order_by(
        count.desc(), Posting.partner_city_code
    )
    return str(session.execute(query).first()[0])  # type: ignore[index]


def demo_accounts(session: Session) -> list[DemoAccount]:
    """Create (once) and return the demo accounts; the data set must be loaded."""
    county = _busiest_county(session)
    wanted = [
        DemoAccount("province", "province-demo-pass", Role.PROVINCE, None),
        DemoAccount("county", "county-demo-pass", Role.COUNTY, county),
        DemoAccount("expert", "expert-demo-pass", Role.EXPERT, _expert_of(session, county)),
        DemoAccount("city", "city-demo-pass", Role.CITY, _busiest_city(session)),
    ]
    labels = {
        Role.PROVINCE: "省级帮扶办（演示）",
        Role.COUNTY: "县级协调员（演示）",
        Role.EXPERT: "专家（演示）",
        Role.CITY: "帮扶城市（演示）",
    }
    scope_field = {Role.COUNTY: "county_code", Role.EXPERT: "expert_id", Role.CITY: "city_code"}
    for account in wanted:
        if session.scalars(select(User.id).where(User.username == account.username)).first():
            continue
        fields = {scope_field[account.role]: account.scope} if account.role in scope_field else {}
        create_user(
            session,
            None,
            UserCreate(
                username=account.username,
                password=account.password,
                display_name_zh=labels[account.role],
                role=account.role,
                **fields,
            ),
        )
    return wanted
