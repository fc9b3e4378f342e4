from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.database.models import Role


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds until the token expires")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name_zh: str
    role: Role
    role_label: str
    county_code: str | None
    expert_id: str | None
    city_code: str | None
    active: bool
    created_at: datetime


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=10, max_length=128)
    display_name_zh: str = Field(min_length=1, max_length=64)
    role: Role
    county_code: str | None = None
    expert_id: str | None = None
    city_code: str | None = None


class UserUpdate(BaseModel):
    display_name_zh: str | None = Field(default=None, min_length=1, max_length=64)
    password: str | None = Field(default=None, min_length=10, max_length=128)
    active: bool | None = None
