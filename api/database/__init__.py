"""The service's database: base, sessions, tables."""

from api.database.base import Base, utc_now
from api.database.session import (
    is_postgres,
    make_engine,
    reading_engine,
    session_factory,
    transaction,
)

__all__ = [
    "Base",
    "is_postgres",
    "make_engine",
    "reading_engine",
    "session_factory",
    "transaction",
    "utc_now",
]
