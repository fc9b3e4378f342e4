"""Every endpoint but logging in answers 401 without a token, before it reads anything;
every page but the login page sends to the login page."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages import routes as pages
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


# The pages open to everyone: the login form (its POST still needs a CSRF token).
PUBLIC_PAGES = {("GET", "/app/login"), ("POST", "/app/login")}


def _page_routes() -> list[tuple[str, str]]:
    """Every page route: every route of the routers the pages mount (they are not in the
    OpenAPI schema: they answer HTML to people)."""
    return sorted(
        (method, route.path)
        for router in pages.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
        if (method, route.path) not in PUBLIC_PAGES
    )


def test_every_page_without_a_login_sends_to_the_login_page(client: TestClient) -> None:
    routes = _page_routes()
    assert {("GET", "/app/"), ("GET", "/app/expert/assignments")} <= set(routes)
    answers = {}
    for method, path in routes:
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        answer = client.request(method, concrete, follow_redirects=False)
        answers[(method, path)] = (answer.status_code, answer.headers.get("location", ""))
    assert {
        route: answer
        for route, answer in answers.items()
        if answer[0] != 303 or not answer[1].startswith("/app/login")
    } == {}
