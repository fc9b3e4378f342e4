"""A request's transaction ends before its answer is sent: a client holding a success has
its write stored (a page's redirect then shows it), and a commit that fails is an error
answer, never a success already on its way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api import deps


def test_a_failing_commit_is_the_answer_not_a_success_sent_before_it(
    client: TestClient,
    login: Callable[[str], dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(session: Session) -> None:
        session.close()
        raise RuntimeError("the disk is full")

    headers = login("county")
    monkeypatch.setattr(deps, "_commit", failing)
    with TestClient(client.app, raise_server_exceptions=False) as failing_client:
        answer = failing_client.post("/me/notifications/read-all", headers=headers)
    assert answer.status_code == 500
