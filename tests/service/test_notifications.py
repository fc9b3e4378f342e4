"""The inbox: one's own entries only, newest first, marked read one by one or all at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from . import factories as make

Login = Callable[[str], dict[str, str]]
T0 = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Inbox:
    oldest: int
    read: int
    newest: int
    someone_elses: int


@pytest.fixture
def inbox(database_url: str) -> Inbox:
    with make.writing(database_url) as session:
        oldest = make.notification(session, username="county", title_zh="旧", created_at=T0)
        read = make.notification(
            session,
            username="county",
            title_zh="已读",
            created_at=T0 + timedelta(hours=1),
            read=True,
        )
        newest = make.notification(
            session,
            username="county",
            kind="declined",
            title_zh="新",
            created_at=T0 + timedelta(hours=2),
        )
        other = make.notification(session, username="county-other", created_at=T0)
        return Inbox(oldest.id, read.id, newest.id, other.id)


def ids(client: TestClient, headers: dict[str, str], **params: object) -> list[int]:
    answer = client.get("/me/notifications", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def test_the_inbox_lists_ones_own_entries_newest_first(
    client: TestClient, login: Login, inbox: Inbox
) -> None:
    headers = login("county")
    assert ids(client, headers) == [inbox.newest, inbox.read, inbox.oldest]
    assert ids(client, headers, unread=True) == [inbox.newest, inbox.oldest]
    assert ids(client, headers, unread=False) == [inbox.read]
    assert ids(client, headers, limit=1, offset=1) == [inbox.read]
    newest = client.get("/me/notifications", headers=headers).json()["items"][0]
    assert (newest["kind"], newest["kind_label"], newest["read"]) == ("declined", "专家谢绝", False)
    assert ids(client, login("county-other")) == [inbox.someone_elses]
    assert ids(client, login("expert")) == []
    assert ids(client, login("province")) == []  # an inbox is personal, even for the province


def test_marking_one_entry_read_keeps_the_first_time(
    client: TestClient, login: Login, inbox: Inbox
) -> None:
    headers = login("county")
    first = client.post(f"/me/notifications/{inbox.oldest}/read", headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["read"] is True
    again = client.post(f"/me/notifications/{inbox.oldest}/read", headers=headers).json()
    assert again["read_at"] == first.json()["read_at"]
    assert ids(client, headers, unread=True) == [inbox.newest]


@pytest.mark.parametrize("username", ["county", "province", "expert", "city"])
def test_someone_elses_entry_is_404_for_everyone(
    client: TestClient, login: Login, inbox: Inbox, username: str
) -> None:
    """Even the province office reads only its own inbox."""
    answer = client.post(f"/me/notifications/{inbox.someone_elses}/read", headers=login(username))
    assert answer.status_code == 404
    assert client.post("/me/notifications/999999/read", headers=login(username)).status_code == 404


def test_read_all_marks_only_ones_own_unread_entries(
    client: TestClient, login: Login, inbox: Inbox
) -> None:
    answer = client.post("/me/notifications/read-all", headers=login("county"))
    assert answer.json() == {"marked": 2}
    assert ids(client, login("county"), unread=True) == []
    assert ids(client, login("county-other"), unread=True) == [inbox.someone_elses]
    assert client.post("/me/notifications/read-all", headers=login("county")).json() == {
        "marked": 0
    }


def test_the_inbox_needs_a_login(client: TestClient) -> None:
    assert client.get("/me/notifications").status_code == 401
    assert client.post("/me/notifications/read-all").status_code == 401
