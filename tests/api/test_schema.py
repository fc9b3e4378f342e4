"""Property-based tests of every endpoint from the app's own OpenAPI schema (schemathesis).

Each operation the schema lists gets generated requests, valid and invalid, sent with a
province token and a county coordinator's token: no answer may be a 5xx, and every
documented answer must match its schema and content type. The operations are read from
the schema, so a new endpoint is covered without touching this file.

Deterministic (a fixed seed, derandomized) and bounded (a few examples per operation),
so it runs on every `make test`, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from api.app import create_app
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
def tokens(login: Callable[[str], dict[str, str]]) -> list[dict[str, str]]:
    # Logged in before any generated request can close or change these accounts.
    return [login("province"), login("county")]


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
    case: Any, client: TestClient, tokens: list[dict[str, str]]
) -> None:
    for headers in tokens:
        case.call_and_validate(app=client.app, headers=headers, checks=CHECKS)
