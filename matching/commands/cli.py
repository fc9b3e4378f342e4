"""The `bangfu` command line.

Subcommands are imported only when they run, so `bangfu solve` does not pay for
importing scikit-learn or pandas.
"""

from __future__ import annotations

import importlib
import logging

import click

# name -> "module:attribute" of a click command
SUBCOMMANDS: dict[str, str] = {
    "solve": "matching.commands.solve:solve_command",
    "generate": "matching.commands.generate:generate_command",
    "match": "matching.commands.match:match_command",
    "evaluate": "matching.commands.evaluate:evaluate_command",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            module_name, attribute = self._lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS)
@click.version_option(package_name="bangfu", prog_name="bangfu")
@click.option("-v", "--verbose", count=True, help="More log output on standard error.")
def main(verbose: int) -> None:
    """Bangfu (帮扶): match experts to village needs and workers to jobs."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
