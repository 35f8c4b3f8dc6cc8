"""The errors rmatch raises.

The tree is small and each error also subclasses the built-in it resembles,
so callers can catch either:

- :class:`RmatchError` -- the root of every error rmatch raises on purpose.
- :class:`InputError` (also a :class:`ValueError`) -- bad data; the message
  names the rows, ids and fields at fault, and ``problems`` lists each one.
- :class:`InfeasibleError` -- the hard constraints cannot all hold;
  ``reasons`` says, in words, which constraint and which participants.
- :class:`SolverError` (also a :class:`RuntimeError`) -- a solver failed.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["InfeasibleError", "InputError", "RmatchError", "SolverError"]


class RmatchError(Exception):
    """Root of every error rmatch raises on purpose.

    Examples
    --------
    >>> issubclass(InputError, RmatchError)
    True
    """


class InputError(RmatchError, ValueError):
    """Bad input data: the message names the offending rows, ids and fields.

    Parameters
    ----------
    message
        One line summarising the problem.
    problems
        Every individual problem, one line each (a file can have many).

    Examples
    --------
    >>> err = InputError("2 problems", problems=["row 2: id is empty", "row 3: level < 0"])
    >>> err.problems[1]
    'row 3: level < 0'
    """

    def __init__(self, message: str, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems) if problems else [message]


class InfeasibleError(RmatchError):
    """The hard constraints cannot all hold.

    Parameters
    ----------
    message
        One line summarising why.
    reasons
        Each reason in plain words, naming the constraint and participants.

    Examples
    --------
    >>> err = InfeasibleError("no solution", ["senior 's1' has no feasible partner"])
    >>> err.reasons
    ["senior 's1' has no feasible partner"]
    """

    def __init__(self, message: str, reasons: Sequence[str] | None = None) -> None:
        self.reasons: list[str] = list(reasons) if reasons else [message]
        detail = "; ".join(self.reasons[:5])
        more = f" (+{len(self.reasons) - 5} more)" if len(self.reasons) > 5 else ""
        super().__init__(f"{message}: {detail}{more}" if reasons else message)


class SolverError(RmatchError, RuntimeError):
    """A solver failed for a reason other than infeasibility.

    Examples
    --------
    >>> raise SolverError("min-cost flow returned BAD_COST_RANGE")
    Traceback (most recent call last):
    ...
    rmatch.errors.SolverError: min-cost flow returned BAD_COST_RANGE
    """
