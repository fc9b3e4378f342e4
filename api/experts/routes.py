"""Routes of the experts domain (HTTP only: parse, call the service, shape the answer)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["experts"])
