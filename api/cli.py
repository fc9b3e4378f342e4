"""`bangfu`: the core's commands (solve, generate, match, evaluate) plus the service's."""

from __future__ import annotations

from matching.commands.cli import SUBCOMMANDS, LazyGroup
from matching.commands.cli import main as core

SERVICE_COMMANDS: dict[str, str] = {
    "db": "api.commands:db_group",
    "serve": "api.serve:serve_command",
    "worker": "api.worker.command:worker_command",
}

main = LazyGroup(
    name="bangfu",
    lazy={**SUBCOMMANDS, **SERVICE_COMMANDS},
    callback=core.callback,
    params=core.params,
    help=core.help,
)

if __name__ == "__main__":  # `python -m api.cli worker`: how the server starts its worker
    main()
