"""One demo account per role, for a new user's first look (development only), and a
database built from a data set with those accounts (the test suites' starting point)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.schemas import UserCreate
from api.auth.service import create_user
from api.database import make_engine, session_factory, transaction
from api.database.load import load_directory
from api.database.migrate import upgrade
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
    for account in wanted:
        if session.scalars(select(User.id).where(User.username == account.username)).first():
            continue
        create_account(session, account, labels[account.role])
    return wanted


_SCOPE_FIELD = {Role.COUNTY: "county_code", Role.EXPERT: "expert_id", Role.CITY: "city_code"}


def create_account(session: Session, account: DemoAccount, display_name_zh: str) -> User:
    fields = {_SCOPE_FIELD[account.role]: account.scope} if account.role in _SCOPE_FIELD else {}
    return create_user(
        session,
        None,
        UserCreate(
            username=account.username,
            password=account.password,
            display_name_zh=display_name_zh,
            role=account.role,
            **fields,
        ),
    )


def seed_database(
    url: str, data_dir: Path, extra: Sequence[DemoAccount] = ()
) -> dict[str, DemoAccount]:
    """Migrate an empty database, load the data set, create the demo accounts and `extra`
    ones (named by their user names): every account by user name."""
    upgrade(url)
    engine = make_engine(url)
    try:
        load_directory(engine, data_dir)
        with transaction(session_factory(engine)) as session:
            accounts = {a.username: a for a in demo_accounts(session)}
            for account in extra:
                create_account(session, account, account.username)
                accounts[account.username] = account
    finally:
        engine.dispose()
    return accounts
