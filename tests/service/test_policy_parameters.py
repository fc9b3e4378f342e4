"""A rule built for a stand-in caller (scope values as parameters) selects what it selects
for the caller: every role, every model with a rule, on every backend."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.database.models import Role, User
from api.policy import _PERSONAL_RULES, _RULES, Principal, caller_parameters, stand_in, visible

from . import factories as make

MODELS = sorted({*_RULES, *_PERSONAL_RULES}, key=lambda model: model.__name__)


def _keys(session: Session, principal: Principal, model: Any, **parameters: Any) -> set[Any]:
    key = model.__mapper__.primary_key[0]
    return set(session.scalars(select(key).where(visible(principal, model)), parameters))


@pytest.fixture
def session(database_url: str) -> Any:
    """The test database with assignments of both markets, some not shown to people, and
    notifications for two accounts."""
    with make.writing(database_url) as session:
        run = make.match_run(session)
        needs = make.open_needs(session, county="congjiang", count=3)
        experts, states = ("E00001", "E00001", "E00002"), ("published", "proposed", "accepted")
        for expert_id, need, state in zip(experts, needs, states, strict=True):
            make.expert_assignment(session, run=run, expert_id=expert_id, need=need, state=state)
        labour = make.match_run(session, market="labour")
        posting = make.open_postings(session, city="guangzhou")[0]
        for worker in make.workers_of(session, county="congjiang", count=2):
            make.labour_assignment(session, run=labour, worker=worker, posting=posting)
        for username in ("expert", "county-other"):
            make.notification(session, username=username)
        yield session


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_stand_in_selects_what_the_caller_selects(session: Session, model: Any) -> None:
    """Each account's rows of the model, through its own rule and through the stand-in's."""
    compared = 0
    for user in session.scalars(select(User).order_by(User.id)):
        principal = Principal.of(user)
        shape, parameters = caller_parameters(principal)
        expected = _keys(session, principal, model)
        assert _keys(session, stand_in(shape), model, **parameters) == expected, user.username
        compared += bool(expected)
    assert compared >= 2  # the rule selected rows for more than one account


def test_callers_of_one_shape_differ_only_in_their_parameters() -> None:
    """Two experts share a shape (so one statement); an unset scope field is part of it."""
    first = caller_parameters(Principal(1, Role.EXPERT, expert_id="E00001"))
    second = caller_parameters(Principal(2, Role.EXPERT, expert_id="E00002"))
    assert first[0] == second[0]
    assert first[1] == {"caller_user_id": 1, "caller_expert_id": "E00001"}
    assert caller_parameters(Principal(3, Role.EXPERT))[0] != first[0]
