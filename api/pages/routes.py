"""The pages' routers, in one place, and `install(app)` that mounts them with the static
files (`/app/static/…`) and sends `/` to the pages."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.pages import (
    city,
    city_candidates,
    city_postings,
    city_upload,
    county,
    county_map,
    county_needs,
    county_runs,
    county_workers,
    expert,
    home,
    province,
)
from api.pages.render import STATIC

ROUTERS: tuple[APIRouter, ...] = (
    home.public,
    home.router,
    expert.router,
    county.router,
    city.router,
    city_postings.router,
    city_upload.router,
    city_candidates.router,
    province.router,
    county_needs.router,
    county_workers.router,
    county_map.router,
    county_runs.router,
)


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/app/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/", home.root, include_in_schema=False)
