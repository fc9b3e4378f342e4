"""The FastAPI application: `create_app()` wires settings, database, routers and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.account_cache import AccountCache
from api.assignments import routes as assignments_routes
from api.auth import routes as auth_routes
from api.auth.ratelimit import LoginLimiter
from api.database import make_engine, reading_engine, session_factory
from api.errors import install_error_handlers
from api.experts import routes as experts_routes
from api.match_runs import routes as match_runs_routes
from api.needs import routes as needs_routes
from api.notifications import routes as notifications_routes
from api.pages import routes as pages_routes
from api.pages.errors import HtmlErrors
from api.postings import routes as postings_routes
from api.reports import routes as reports_routes
from api.settings import Settings, get_settings
from api.workers import routes as workers_routes

DESCRIPTION = """
帮扶 Bangfu: county coordinators keep needs and workers and request and publish matches;
experts answer their assignments; partner cities post openings and confirm hires; the
province office watches coverage. Log in with `POST /auth/token` (the **Authorize**
button), then every call carries the bearer token. The web pages for people are at `/app/`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Bangfu 帮扶", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.read_engine = reading_engine(engine)
    app.state.read_sessions = session_factory(app.state.read_engine)
    app.state.accounts = AccountCache(app.state.sessions, settings.account_cache_seconds)
    app.state.login_limiter = LoginLimiter(
        settings.login_attempts, settings.login_window_seconds, settings.rate_limit_storage
    )
    install_error_handlers(app, HtmlErrors())
    for module in (
        auth_routes,
        needs_routes,
        workers_routes,
        postings_routes,
        experts_routes,
        match_runs_routes,
        assignments_routes,
        notifications_routes,
        reports_routes,
    ):
        app.include_router(module.router)
    pages_routes.install(app)
    return app
