"""The service's commands, added to `bangfu`: `bangfu db upgrade`, `bangfu db load DIR`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from api.database import make_engine
from api.database.load import load_directory
from api.database.migrate import downgrade, upgrade
from api.settings import get_settings
from matching.errors import BangfuError

URL_OPTION = click.option(
    "--database-url",
    envvar="BANGFU_DATABASE_URL",
    default=None,
    help="SQLAlchemy URL (default: the BANGFU_DATABASE_URL setting, else the SQLite file).",
)


def _url(database_url: str | None) -> str:
    return database_url or get_settings().database_url


@click.group("db")
def db_group() -> None:
    """The service's database: migrate it, load a data directory into it."""


@db_group.command("upgrade")
@URL_OPTION
@click.option("--revision", default="head", show_default=True)
def upgrade_command(database_url: str | None, revision: str) -> None:
    """Create or migrate the schema to REVISION."""
    upgrade(_url(database_url), revision)
    click.echo(f"database at {revision}", err=True)


@db_group.command("downgrade")
@URL_OPTION
@click.argument("revision")
def downgrade_command(database_url: str | None, revision: str) -> None:
    """Migrate the schema down to REVISION (`base` removes every table)."""
    downgrade(_url(database_url), revision)


@db_group.command("load")
@URL_OPTION
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def load_command(database_url: str | None, directory: Path) -> None:
    """Load a generated data DIRECTORY (idempotent; each table all or nothing).

    Example: bangfu db load data/demo
    """
    url = _url(database_url)
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        report = load_directory(
            engine, directory, progress=lambda name, rows: click.echo(f"{name}: {rows:,}", err=True)
        )
    except BangfuError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    total = sum(report.rows.values())
    click.echo(f"loaded {total:,} rows in {time.perf_counter() - started:.1f} s", err=True)
