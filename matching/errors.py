"""The one exception hierarchy of Bangfu.

Invalid input is an exception; an infeasible problem is not (it is a result
status with a reason). The service maps these classes to HTTP responses in one
handler.
"""

from __future__ import annotations


class BangfuError(Exception):
    """Base class of every error Bangfu raises on purpose."""


class InvalidInputError(BangfuError, ValueError):
    """Input that breaks a documented rule; the message names the item or field.

    `item` is the offending id, field or row (for programs), the message is for people.
    """

    def __init__(self, message: str, *, item: str | None = None) -> None:
        super().__init__(message)
        self.item = item


class UnknownSolverError(InvalidInputError):
    """A solver name that is not one of the known solvers."""


class Cancelled(BangfuError):
    """The run was asked to stop (Ctrl-C, a cancelled request) and wrote nothing."""


class SolverError(BangfuError, RuntimeError):
    """A bug, not bad input: a solver broke a rule of its own or returned garbage.

    The service answers 500 for these and 422 for `InvalidInputError`.
    """
