"""Property-based tests of every endpoint from the app's own OpenAPI schema (schemathesis).

Each operation the schema lists gets generated requests, valid and invalid, sent in turns
with a province token and a county coordinator's token: no answer may be a 5xx, and every
documented answer must match its schema and content type. The operations are read from
the schema, so a new endpoint is covered without touching this file.

Deterministic (a fixed seed, derandomized) and bounded (a few examples per operation),
so it runs on every `make test`, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from sqlalchemy import select

from api.app import create_app
from api.database import make_engine
from api.database.models import User
from api.security import create_token
from api.settings import Settings

SEED = 20260105
EXAMPLES_PER_OPERATION = 8
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "deterministic": True,
            "max-examples": EXAMPLES_PER_OPERATION,
            "mode": "all",  # valid requests and invalid ones (which must be 4xx, not 5xx)
        },
        "phases": {
            # The stateful phase chains operations through links the schema does not declare.
            "stateful": {"enabled": False},
            # Boundary values of every parameter, but not methods no route has (405 is the
            # framework's answer, not ours).
            "coverage": {"unexpected-methods": []},
        },
    }
)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
]


@pytest.fixture
def tokens(settings: Settings) -> Iterator[dict[str, str]]:
    """The province office and a coordinator in turns, one per generated request.

    The tokens are issued as `POST /auth/token` issues them, without checking the
    passwords (argon2 takes a fifth of a second each, and logging in is tested elsewhere),
    and before any generated request can close or change these accounts.
    """
    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        users = connection.execute(
            select(User.id, User.role).where(User.username.in_(["province", "county"]))
        ).all()
    engine.dispose()
    assert len(users) == 2
    headers = [
        {"Authorization": f"Bearer {create_token(i, r, settings.secret_key, 60)}"} for i, r in users
    ]
    return itertools.cycle(headers)


# The schema does not depend on the database: read it once from an app that never connects;
# each test then sends its requests to the app of its own database copy.
_SCHEMA_APP = create_app(Settings(environment="test", database_url="sqlite://", _env_file=None))  # type: ignore[call-arg]
schema = schemathesis.openapi.from_asgi("/openapi.json", _SCHEMA_APP, config=CONFIG)


@pytest.mark.slow
@schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=EXAMPLES_PER_OPERATION,
    # One database copy per operation, shared by its examples on purpose: "no 5xx" must
    # hold whatever earlier examples changed.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_endpoint_answers_by_its_schema(
    case: Any, client: TestClient, tokens: Iterator[dict[str, str]]
) -> None:
    case.call_and_validate(app=client.app, headers=next(tokens), checks=CHECKS)
