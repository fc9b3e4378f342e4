"""The subcommands of `bangfu`, one module each."""
