"""The map of the county's villages: an SVG drawn here from their coordinates (no tiles,
no script), each village a mark coloured by how far the plan in force covers its open
needs (deep-poverty villages a diamond, the others a circle), with a line to each expert
serving it. Experts living outside the county's frame are drawn on its edge, in their
direction, and the tables below the map say where they live. The figures come from the
reports domain (`api.reports.county.county_map`), which applies `api.policy`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.database.models import Role
from api.deps import SessionDep
from api.pages.render import render
from api.pages.session import PagePrincipal, page_router
from api.policy import require_role
from api.reports.county import COVERAGE_LABELS, MapExpert, MapVillage, county_map

router = page_router(prefix="/app/county")

WIDTH = 720.0
MARGIN = 36.0  # between the villages and the frame, where outside experts are drawn
EARTH_KM = 6371.0
DIRECTIONS = ("东", "东北", "北", "西北", "西", "西南", "南", "东南")
LEGEND_ORDER = ("covered", "partly", "none", "no_needs")


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to the SVG's x and y (equirectangular at the mean latitude,
    so distances east and north keep their ratio over a county)."""

    lon0: float
    lat1: float
    kx: float
    scale: float

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        x = MARGIN + (lon - self.lon0) * self.kx * self.scale
        y = MARGIN + (self.lat1 - lat) * self.scale
        return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class VillageMark:
    village: MapVillage
    x: float
    y: float


@dataclass(frozen=True)
class ExpertMark:
    expert: MapExpert
    x: float
    y: float
    outside: bool
    km: float  # from the county's centre
    direction: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    villages: list[VillageMark]
    experts: list[ExpertMark]
    lines: list[Line]
    scale_km: int
    scale_px: float


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _direction(dx: float, dy: float) -> str:
    """One of eight directions in Chinese for an SVG offset (y grows southwards)."""
    angle = math.degrees(math.atan2(-dy, dx)) % 360
    return DIRECTIONS[int((angle + 22.5) // 45) % 8]


def _to_edge(
    cx: float, cy: float, x: float, y: float, width: float, height: float
) -> tuple[float, float]:
    """The point where the ray from the centre towards (x, y) leaves the frame, inset a little."""
    inset = MARGIN / 2
    dx, dy = x - cx, y - cy
    limits = []
    if dx:
        limits.append(((width - inset if dx > 0 else inset) - cx) / dx)
    if dy:
        limits.append(((height - inset if dy > 0 else inset) - cy) / dy)
    t = min(t for t in limits if t > 0) if limits else 0.0
    return round(cx + dx * t, 1), round(cy + dy * t, 1)


def _scale_bar(km_per_px: float, width: float) -> tuple[int, float]:
    """A round distance whose bar is at most a fifth of the map's width."""
    for km in (50, 20, 10, 5, 2, 1):
        if km / km_per_px <= width / 5:
            return km, round(km / km_per_px, 1)
    return 1, round(1 / km_per_px, 1)


def draw(villages: list[MapVillage], experts: list[MapExpert]) -> Drawing | None:
    if not villages:
        return None
    lats = [v.lat for v in villages]
    lons = [v.lon for v in villages]
    mid = (min(lats) + max(lats)) / 2
    kx = math.cos(math.radians(mid))
    span_x = max((max(lons) - min(lons)) * kx, 1e-3)
    span_y = max(max(lats) - min(lats), 1e-3)
    scale = (WIDTH - 2 * MARGIN) / max(span_x, span_y)
    project = Projection(min(lons), max(lats), kx, scale)
    width = round(span_x * scale + 2 * MARGIN, 1)
    height = round(span_y * scale + 2 * MARGIN, 1)
    marks = [VillageMark(v, *project(v.lat, v.lon)) for v in villages]
    where = {m.village.village_id: m for m in marks}
    centre_lat, centre_lon = mid, (min(lons) + max(lons)) / 2
    cx, cy = project(centre_lat, centre_lon)
    expert_marks: dict[str, ExpertMark] = {}
    for expert in experts:
        x, y = project(expert.lat, expert.lon)
        outside = not (
            MARGIN / 2 <= x <= width - MARGIN / 2 and MARGIN / 2 <= y <= height - MARGIN / 2
        )
        if outside:
            x, y = _to_edge(cx, cy, x, y, width, height)
        km = _km(centre_lat, centre_lon, expert.lat, expert.lon)
        direction = _direction(
            *(a - b for a, b in zip(project(expert.lat, expert.lon), (cx, cy), strict=True))
        )
        expert_marks[expert.expert_id] = ExpertMark(expert, x, y, outside, round(km), direction)
    lines = [
        Line(where[v].x, where[v].y, mark.x, mark.y)
        for mark in expert_marks.values()
        for v in mark.expert.village_ids
        if v in where
    ]
    km_per_px = 1 / (scale / 111.2)  # a degree of latitude is about 111.2 km
    scale_km, scale_px = _scale_bar(km_per_px, width)
    return Drawing(width, height, marks, list(expert_marks.values()), lines, scale_km, scale_px)


@router.get("/map")
def village_map(request: Request, principal: PagePrincipal, session: SessionDep) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    found = county_map(session, principal)
    counts = {key: 0 for key in LEGEND_ORDER}
    for village in found.villages:
        counts[village.coverage] += 1
    drawing = draw(found.villages, found.experts)
    outside = sum(mark.outside for mark in drawing.experts) if drawing else 0
    experts = sorted(drawing.experts, key=lambda m: m.expert.expert_id) if drawing else []
    context = {
        "county": found.scope.label_zh,
        "villages": found.villages,
        "drawing": drawing,
        "experts": experts,
        "names": {e.expert_id: e.name_zh for e in found.experts},
        "counts": counts,
        "labels": COVERAGE_LABELS,
        "legend": LEGEND_ORDER,
        "outside": outside,
        "deep": sum(v.deep_poverty for v in found.villages),
    }
    return render(request, "county/map.html", context)
