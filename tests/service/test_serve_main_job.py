"""The main job end to end over real HTTP, as a new user does it after `make run`: the
coordinator requests a match, the embedded worker runs it, the coordinator publishes it,
and the expert sees their part of it."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import pytest

from .test_serve import Server, log_in

RUN_SECONDS = 180
DONE = ("succeeded", "failed", "cancelled")


def _wait_for_run(server: Server, headers: dict[str, str], run_id: int) -> dict[str, object]:
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        run = httpx.get(f"{server.url}/match-runs/{run_id}", headers=headers, timeout=10).json()
        if run["state"] in DONE:
            return run  # type: ignore[no-any-return]
        time.sleep(0.5)
    pytest.fail(f"run {run_id} did not finish within {RUN_SECONDS} s:\n{server.output()}")


@pytest.mark.slow
def test_request_publish_and_see_a_match_as_an_expert(tmp_path: Path) -> None:
    server = Server(tmp_path, "--demo")
    try:
        server.wait_ready()
        if "match-run worker: pid" not in server.output():
            pytest.skip("no `bangfu worker` command in this build")
        county = log_in(server, "county")
        me = httpx.get(f"{server.url}/me", headers=county, timeout=10).json()
        request = {"market": "experts", "scope_kind": "county", "scope_code": me["county_code"]}
        answer = httpx.post(f"{server.url}/match-runs", json=request, headers=county, timeout=30)
        assert answer.status_code == 202, answer.text
        run = _wait_for_run(server, county, answer.json()["id"])
        assert run["state"] == "succeeded", run
        proposals = httpx.get(
            f"{server.url}/match-runs/{run['id']}/assignments",
            params={"limit": 500},
            headers=county,
            timeout=30,
        ).json()
        assert proposals["total"] > 0
        published = httpx.post(
            f"{server.url}/match-runs/{run['id']}/publish", headers=county, timeout=60
        )
        assert published.status_code == 200, published.text
        expert = log_in(server, "expert")
        expert_id = httpx.get(f"{server.url}/me", headers=expert, timeout=10).json()["expert_id"]
        mine = httpx.get(f"{server.url}/me/assignments", headers=expert, timeout=10).json()
        wanted = {p["need_id"] for p in proposals["items"] if p["expert_id"] == expert_id}
        # The demo expert serves the coordinator's county, and the seeded demo match gives
        # them work: an empty list here would mean the path from publish to expert broke.
        assert wanted, f"the run assigned nothing to the demo expert {expert_id}"
        assert {a["need"]["need_id"] for a in mine["items"]} == wanted
        assert server.stop(signal.SIGTERM) == 0
    finally:
        server.kill()
