"""Each role's navigation: (label, path) pairs; the first is the role's main page, where
`/app/` sends it after logging in. The role areas add their pages here."""

from __future__ import annotations

from dataclasses import dataclass

from api.database.models import Role
from api.policy import Principal


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    current: bool = False


NAV: dict[Role, tuple[NavItem, ...]] = {
    Role.EXPERT: (NavItem("我的任务", "/app/expert/assignments"),),
    Role.COUNTY: (
        NavItem("县级概览", "/app/county/"),
        NavItem("需求", "/app/county/needs"),
        NavItem("劳动力", "/app/county/workers"),
        NavItem("地图", "/app/county/map"),
        NavItem("匹配", "/app/county/runs"),
    ),
    Role.CITY: (
        NavItem("我的岗位", "/app/city/"),
        NavItem("上传岗位", "/app/city/upload"),
        NavItem("候选人", "/app/city/candidates"),
    ),
    Role.PROVINCE: (
        NavItem("全省概览", "/app/province/"),
        NavItem("就业安置", "/app/province/placements"),
        NavItem("匹配记录", "/app/province/runs"),
    ),
}


def main_page(principal: Principal) -> str:
    return NAV[principal.role][0].path


def nav_for(principal: Principal | None, path: str) -> list[NavItem]:
    """The caller's navigation, the entry of the page being shown marked current."""
    if principal is None:
        return []
    return [
        NavItem(item.label, item.path, current=path == item.path) for item in NAV[principal.role]
    ]
