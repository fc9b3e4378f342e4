"""The migrations build exactly the models' schema, and go down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from api.database import Base, make_engine
from api.database import models as _models  # noqa: F401
from api.database.migrate import downgrade, upgrade


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return list(diff)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


def test_the_migrations_build_the_models_schema(database_url: str) -> None:
    # The fixture's database was built by the migrations alone.
    assert _differences(database_url) == []
    assert _tables(database_url) == set(Base.metadata.tables)


def test_downgrade_to_nothing_then_upgrade_again(database_url: str) -> None:
    downgrade(database_url, "base")
    assert _tables(database_url) == set()
    upgrade(database_url)
    assert _differences(database_url) == []
