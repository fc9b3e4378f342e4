"""Every endpoint but logging in answers 401 without a token, before it reads anything."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

PUBLIC = {("POST", "/auth/token")}


def _routes(settings: Settings) -> list[tuple[str, str]]:
    """Every operation the OpenAPI schema publishes: what a client can call."""
    paths = create_app(settings).openapi()["paths"]
    return sorted(
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if (method.upper(), path) not in PUBLIC
    )


def test_every_route_without_a_token_is_401(client: TestClient, settings: Settings) -> None:
    routes = _routes(settings)
    assert len(routes) > 20  # the whole API, not an empty app
    answers = {}
    for method, path in routes:
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        answers[(method, path)] = client.request(method, concrete).status_code
    assert {route: code for route, code in answers.items() if code != 401} == {}
