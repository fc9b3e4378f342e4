"""Logging in, tokens, rate limits and the account admin."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from api.app import create_app
from api.database import make_engine, session_factory, transaction
from api.database.models import User
from api.deps import get_session
from api.security import create_token
from api.settings import DEVELOPMENT_SECRET, Settings
from matching.errors import InvalidInputError

Login = Callable[[str], dict[str, str]]


def test_login_gives_a_token_that_names_the_account(client: TestClient, login: Login) -> None:
    me = client.get("/me", headers=login("county"))
    assert me.status_code == 200
    body = me.json()
    assert body["role"] == "county"
    assert body["role_label"] == "县级协调员"
    assert body["county_code"] == "congjiang"
    assert "password_hash" not in body


def test_a_wrong_password_is_401_with_the_same_message_as_an_unknown_user(
    client: TestClient,
) -> None:
    wrong = client.post("/auth/token", data={"username": "county", "password": "nope-nope-nope"})
    unknown = client.post("/auth/token", data={"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "unauthorized"


def test_no_token_and_a_bad_token_are_401(client: TestClient) -> None:
    assert client.get("/me").status_code == 401
    bad = client.get("/me", headers={"Authorization": "Bearer not.a.token"})
    assert bad.status_code == 401
    assert bad.headers["WWW-Authenticate"] == "Bearer"


def test_an_expired_token_is_refused(client: TestClient, settings: Settings) -> None:
    token = create_token(1, "province", settings.secret_key, minutes=-1)
    answer = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert "expired" in answer.json()["error"]["message"]


def test_a_token_that_expires_after_use_is_refused_then(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checked tokens are cached (api.security): the expiry must still be checked each time.
    token = create_token(1, "province", settings.secret_key, minutes=5)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/me", headers=headers).status_code == 200
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    answer = client.get("/me", headers=headers)
    assert answer.status_code == 401
    assert "expired" in answer.json()["error"]["message"]


def test_a_token_signed_with_another_key_is_refused(client: TestClient) -> None:
    token = create_token(1, "province", "another-key-another-key-another-key", minutes=5)
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_login_attempts_are_rate_limited(settings: Settings) -> None:
    limited = settings.model_copy(update={"login_attempts": 3})
    with TestClient(create_app(limited)) as client:
        codes = [
            client.post(
                "/auth/token", data={"username": "county", "password": "wrong-wrong"}
            ).status_code
            for _ in range(4)
        ]
    assert codes == [401, 401, 401, 429]


SHARED_STORE = "redis://127.0.0.1:6379/15"


def _fresh_redis_store() -> None:
    """Empty the test's Redis database of login counts, or skip where no Redis runs."""
    redis = pytest.importorskip("redis")
    store = redis.Redis.from_url(SHARED_STORE)
    try:
        keys = list(store.scan_iter("LIMITS*"))
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    if keys:
        store.delete(*keys)


def test_server_processes_share_the_login_count_through_redis(settings: Settings) -> None:
    """Two server processes (two apps) with one Redis store: 3 attempts in all, not 3 each."""
    _fresh_redis_store()
    shared = settings.model_copy(update={"login_attempts": 3, "rate_limit_storage": SHARED_STORE})
    wrong = {"username": "county", "password": "wrong-wrong"}
    with TestClient(create_app(shared)) as first, TestClient(create_app(shared)) as second:
        codes = [first.post("/auth/token", data=wrong).status_code for _ in range(2)]
        codes += [second.post("/auth/token", data=wrong).status_code for _ in range(2)]
    assert codes == [401, 401, 401, 429]


def test_an_unreachable_rate_limit_store_refuses_the_login_with_503(settings: Settings) -> None:
    nowhere = settings.model_copy(update={"rate_limit_storage": "redis://127.0.0.1:9/0"})
    with TestClient(create_app(nowhere)) as client:
        answer = client.post("/auth/token", data={"username": "county", "password": "x" * 12})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "unavailable"
    assert answer.headers["Retry-After"] == "5"


def test_an_unknown_rate_limit_store_is_refused_at_start(settings: Settings) -> None:
    with pytest.raises(InvalidInputError, match="BANGFU_RATE_LIMIT_STORAGE"):
        create_app(settings.model_copy(update={"rate_limit_storage": "nosuch://x"}))


def test_the_default_signing_key_is_refused_in_production() -> None:
    with pytest.raises(ValueError, match="BANGFU_SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET, _env_file=None)  # type: ignore[call-arg]
    Settings(environment="production", secret_key="x" * 40, _env_file=None)  # type: ignore[call-arg]


def test_the_province_creates_an_account_that_can_log_in(client: TestClient, login: Login) -> None:
    created = client.post(
        "/users",
        headers=login("province"),
        json={
            "username": "weining-coordinator",
            "password": "a-long-password",
            "display_name_zh": "威宁县协调员",
            "role": "county",
            "county_code": "weining",
        },
    )
    assert created.status_code == 201, created.text
    token = client.post(
        "/auth/token", data={"username": "weining-coordinator", "password": "a-long-password"}
    )
    assert token.status_code == 200


def test_an_account_needs_the_scope_of_its_role(client: TestClient, login: Login) -> None:
    answer = client.post(
        "/users",
        headers=login("province"),
        json={
            "username": "x-county",
            "password": "a-long-password",
            "display_name_zh": "某",
            "role": "county",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [{"field": "county_code"}]


@pytest.mark.parametrize("username", ["county", "expert", "city"])
def test_only_the_province_manages_accounts(
    client: TestClient, login: Login, username: str
) -> None:
    assert client.get("/users", headers=login(username)).status_code == 403


def test_a_closed_account_cannot_use_its_token(client: TestClient, login: Login) -> None:
    headers = login("county")
    me = client.get("/me", headers=headers).json()
    closed = client.patch(f"/users/{me['id']}", headers=login("province"), json={"active": False})
    assert closed.status_code == 200
    assert client.get("/me", headers=headers).status_code == 401


def test_an_account_closed_elsewhere_is_refused_once_the_cache_lapses(
    client: TestClient, login: Login, settings: Settings
) -> None:
    # Another server process closes the account: this one keeps its cached principal for
    # at most `account_cache_seconds`, then reads the row again.
    headers = login("county")
    assert client.get("/me", headers=headers).status_code == 200
    engine = make_engine(settings.database_url)
    with transaction(session_factory(engine)) as session:
        session.execute(update(User).where(User.username == "county").values(active=False))
    engine.dispose()
    accounts = client.app.state.accounts  # type: ignore[attr-defined]
    assert client.get("/me", headers=headers).status_code == 200  # still within the window
    accounts.seconds = 0.0  # the window lapses
    assert client.get("/me", headers=headers).status_code == 401


def test_a_saturated_connection_pool_is_503_with_retry_after(client: TestClient) -> None:
    def saturated() -> None:
        raise PoolTimeoutError("QueuePool limit reached")

    client.app.dependency_overrides[get_session] = saturated  # type: ignore[attr-defined]
    answer = client.post("/auth/token", data={"username": "county", "password": "x" * 12})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.json()["error"]["code"] == "busy"
