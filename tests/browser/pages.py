"""Helpers of the browser journeys: check a page (accessibility, then a screenshot) and
log in through the form.

`checked(page, "name")` runs, on the page as rendered:
- axe-core (bundled with axe-playwright-python, no network) with the WCAG 2.1 A/AA rules
  and axe's best practices: labels on inputs, `lang`, contrast of the text as drawn, …;
- our own basics: `lang` is Chinese, exactly one <h1>, no heading level skipped, every
  input, select and textarea labelled;
and saves a full-page screenshot to var/test-artifacts/screenshots/NAME.png. Every page
load in a journey's page must be checked before the test ends (the fixtures assert it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "test-artifacts" / "screenshots"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
OWN_CHECKS = """() => {
  const problems = [];
  const lang = document.documentElement.getAttribute("lang") || "";
  if (!lang.startsWith("zh")) problems.push(`<html lang="${lang}">: not Chinese`);
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(`${h1s} <h1> elements, not one`);
  let previous = 0;
  for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(heading.tagName[1]);
    if (level > previous + 1) {
      problems.push(`"${heading.textContent.trim()}" is an <h${level}> after an <h${previous}>`);
    }
    previous = level;
  }
  for (const input of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset"].includes(input.type)) continue;
    const labelled = (input.labels && input.labels.length > 0)
      || input.getAttribute("aria-label") || input.getAttribute("aria-labelledby");
    const tag = input.tagName.toLowerCase();
    if (!labelled) problems.push(`<${tag} name="${input.name}"> has no label`);
  }
  return problems;
}"""

_AXE = Axe()


@dataclass
class Visits:
    """The page loads of one journey's page, and which of them were checked."""

    loads: int = 0
    checked: set[int] = field(default_factory=set)

    @classmethod
    def watch(cls, page: Page) -> Visits:
        visits = cls()
        _WATCHED[page] = visits

        def loaded(_page: Any) -> None:
            visits.loads += 1

        page.on("load", loaded)
        return visits

    def assert_all_checked(self) -> None:
        missed = sorted(set(range(1, self.loads + 1)) - self.checked)
        assert not missed, f"page loads {missed} of {self.loads} were never checked"


_WATCHED: WeakKeyDictionary[Page, Visits] = WeakKeyDictionary()


def accessibility_problems(page: Page) -> list[str]:
    problems: list[str] = page.evaluate(OWN_CHECKS)
    results = _AXE.run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
        problems.append(f"axe {violation['id']}: {violation['help']} at {targets}")
    return problems


def checked(page: Page, name: str) -> Path:
    """Check the page as it is now, save its screenshot; → the screenshot's path."""
    page.wait_for_load_state("load")
    problems = accessibility_problems(page)
    assert problems == [], f"{name} ({page.url}): {problems}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    visits = _WATCHED.get(page)
    if visits is not None:
        visits.checked.add(visits.loads)
    return path


def log_in(page: Page, username: str, password: str, *, shot: str | None = None) -> None:
    """Fill and send the login form on the page shown (the login page)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("登录帮扶")
    if shot:
        checked(page, shot)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
