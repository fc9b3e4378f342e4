"""Service settings, read from the environment (prefix `BANGFU_`) or a `.env` file.

The defaults run the embedded set-up: a SQLite file under `var/`, a development signing
key, one worker process started with the server. Production sets `BANGFU_ENVIRONMENT`,
`BANGFU_DATABASE_URL` (PostgreSQL, psycopg 3) and `BANGFU_SECRET_KEY`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me-0123456789"
DEFAULT_DATABASE = "sqlite:///var/bangfu.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANGFU_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE
    secret_key: str = DEVELOPMENT_SECRET
    token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # Login attempts per user name and per client address in one window.
    login_attempts: int = Field(default=10, ge=1)
    login_window_seconds: int = Field(default=60, ge=1)
    # Where login attempts are counted (a `limits` storage URI): `memory://` per server
    # process, `redis://host:6379/0` shared by every process and machine.
    rate_limit_storage: str = "memory://"
    # Reference tables (skills, certificates, …) the matchers read.
    reference_dir: Path | None = None
    # A running match holds a lease this long and renews it while it works; a run whose
    # lease lapsed belonged to a worker that died.
    lease_seconds: int = Field(default=60, ge=5)
    max_attempts: int = Field(default=2, ge=1)
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    # Start a worker process with the server (the embedded default).
    embedded_worker: bool = True
    # A caller's account is read from the database at most this often per server process:
    # closing or changing an account takes effect at once in the process that made the
    # change and within this many seconds elsewhere. 0 reads it on every request.
    account_cache_seconds: float = Field(default=5.0, ge=0, le=60)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                "BANGFU_SECRET_KEY must be set outside development: the default key is public."
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("BANGFU_SECRET_KEY must be at least 32 characters long.")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
