"""Accounts: log in, create, change, close. Every change of an account is audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record, snapshot
from api.auth.schemas import UserCreate, UserUpdate
from api.database.models import County, Expert, PartnerCity, Role, User
from api.errors import ConflictError, NotFoundError, UnauthorizedError
from api.policy import Principal
from api.security import DUMMY_HASH, hash_password, verify_password
from matching.errors import InvalidInputError

# The scope column each role needs, and the table it must name a row of.
_SCOPE = {
    Role.COUNTY: ("county_code", County),
    Role.EXPERT: ("expert_id", Expert),
    Role.CITY: ("city_code", PartnerCity),
}


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        verify_password(password, DUMMY_HASH)
        raise UnauthorizedError("Wrong user name or password.")
    if not verify_password(password, user.password_hash) or not user.active:
        raise UnauthorizedError("Wrong user name or password.")
    return user


def _check_scope(session: Session, data: UserCreate) -> None:
    needed = _SCOPE.get(data.role)
    given = {
        name: getattr(data, name)
        for name in ("county_code", "expert_id", "city_code")
        if getattr(data, name) is not None
    }
    if needed is None:
        if given:
            raise InvalidInputError(
                "A province account has no county, expert or city.", item=next(iter(given))
            )
        return
    column, table = needed
    extra = set(given) - {column}
    if extra:
        raise InvalidInputError(f"A {data.role} account takes only {column}.", item=extra.pop())
    value = given.get(column)
    if value is None:
        raise InvalidInputError(f"A {data.role} account needs {column}.", item=column)
    if session.get(table, value) is None:
        raise InvalidInputError(f"{column} {value!r} does not exist.", item=column)


def create_user(session: Session, actor: Principal | None, data: UserCreate) -> User:
    _check_scope(session, data)
    if session.scalars(select(User.id).where(User.username == data.username)).first():
        raise ConflictError(f"User name {data.username!r} is taken.")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        display_name_zh=data.display_name_zh,
        role=data.role.value,
        county_code=data.county_code,
        expert_id=data.expert_id,
        city_code=data.city_code,
        active=True,
    )
    session.add(user)
    session.flush()
    record(session, actor, "user", user.id, "create", None, snapshot(user))
    return user


def update_user(session: Session, actor: Principal, user_id: int, data: UserUpdate) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} not found.")
    before = snapshot(user)
    if data.display_name_zh is not None:
        user.display_name_zh = data.display_name_zh
    if data.active is not None:
        user.active = data.active
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    session.flush()
    after = snapshot(user)
    if data.password is not None:
        after["password"] = "changed"
    record(session, actor, "user", user.id, "update", before, after)
    return user
