"""The errors rmatch raises.

The tree is small and each error also subclasses the built-in it resembles,
so callers can catch either:

- :class:`RmatchError` -- the root of every error rmatch raises on purpose.
- :class:`InputError` (also a :class:`ValueError`) -- bad data; the message
  names the rows, ids and fields at fault, and ``problems`` lists each one
  (as :class:`Problem` lines that also carry file, row, id and field).
- :class:`InfeasibleError` -- the hard constraints cannot all hold;
  ``reasons`` says, in words, which constraint and which participants.
- :class:`SolverError` (also a :class:`RuntimeError`) -- a solver failed.
- :class:`ResourceLimitError` (also a :class:`MemoryError`) -- the programme
  would need more memory than allowed; raised before allocating, saying what
  would fit.

One warning class, :class:`InputWarning` (a :class:`UserWarning`), says what
reading kept out or could not interpret without failing (columns left out,
language names it does not know, previous partners not in the roster).
:func:`caught_warnings` records rmatch's own warnings for the code inside it
alone, where ``warnings.catch_warnings`` would swap the whole process's
filters (a service reading two files in two threads at once).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["InfeasibleError", "InputError", "InputWarning", "Problem", "ResourceLimitError",
           "RmatchError", "SolverError", "caught_warnings", "warn_again"]


class RmatchError(Exception):
    """Root of every error rmatch raises on purpose.

    Examples
    --------
    >>> issubclass(InputError, RmatchError)
    True
    """


class Problem(str):
    """One problem of an input, as a line of text that also carries its parts.

    It is a ``str`` (so it prints, compares and joins as the line it reads as)
    with ``file``, ``row``, ``id``, ``field`` and ``reason`` attributes for HR
    tools that show problems in their own table, and a ``kind`` for the
    problems a front end answers with its own words (None for the others):

    - ``"encoding"``: the file is not UTF-8 text (``value``: the encoding
      its letters read as letters in, or two as "mac_roman or cp850", or
      None);
    - ``"manager_not_in_roster"``: a manager id names no one in the file
      (``id`` the person's, ``value`` the manager's);
    - ``"year_answers"``: a year-of-birth column holds generations, age
      ranges or ages (the reason carries the value map to check);
    - ``"column_map"``: a hint that the headers need a column map (no
      column gives the id, or some are unknown; ``value``: the suggested
      map as JSON, to check on a column-mapping screen).

    Examples
    --------
    >>> p = Problem("not a whole number", file="r.csv", row=3, id="b", field="level")
    >>> print(p)
    r.csv: row 3 (id 'b'), field 'level': not a whole number
    >>> p.row, p.field
    (3, 'level')
    """

    file: str | None
    row: int | None
    id: str | None
    field: str | None
    reason: str
    kind: str | None
    value: str | None

    def __new__(cls, reason: str, *, file: str | None = None, row: int | None = None,
                id: str | None = None, field: str | None = None,
                kind: str | None = None, value: str | None = None) -> Problem:
        """Compose the line from its parts."""
        place = f"row {row}" if row is not None else ""
        if id:
            place = f"{place} (id {id!r})" if place else f"id {id!r}"
        if field:
            place = f"{place}, field {field!r}" if place else f"field {field!r}"
        where = [part for part in (file, place) if part]
        self = super().__new__(cls, ": ".join([*where, reason]))
        self.file, self.row, self.id, self.field, self.reason = file, row, id, field, reason
        self.kind, self.value = kind, value
        return self

    def as_dict(self) -> dict[str, str | int | None]:
        """Return the parts as a dict (for a JSON answer or a table).

        Examples
        --------
        >>> Problem("empty", row=2, field="id").as_dict()["row"]
        2
        """
        return {"file": self.file, "row": self.row, "id": self.id, "field": self.field,
                "reason": self.reason, "kind": self.kind, "value": self.value}


class InputWarning(UserWarning):
    """Reading kept something out or could not interpret it, without failing.

    Examples
    --------
    >>> issubclass(InputWarning, UserWarning)
    True
    """


class DataGapWarning(InputWarning):
    """The data leaves a score component or a rule with nothing to work on (see ``data_gaps``).

    ``rm.match`` warns with one per gap; a notebook that has read them can
    silence them with ``warnings.simplefilter("ignore", rm.DataGapWarning)``.

    Examples
    --------
    >>> issubclass(DataGapWarning, InputWarning)
    True
    """


class InputError(RmatchError, ValueError):
    """Bad input data: the message names the offending rows, ids and fields.

    Parameters
    ----------
    message
        One line summarising the problem.
    problems
        Every individual problem, one line each (a file can have many); the
        readers give :class:`Problem` lines, which also carry their parts.

    Examples
    --------
    >>> err = InputError("2 problems", problems=["row 2: id is empty", "row 3: level < 0"])
    >>> err.problems[1]
    'row 3: level < 0'
    >>> str(InputError.of([Problem("x", row=2), Problem("y", row=3)]))
    'row 2: x (+1 more problem)'
    """

    def __init__(self, message: str, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems) if problems else [message]

    @classmethod
    def of(cls, problems: Sequence[str]) -> InputError:
        """Build an error whose message is the first problem and how many more there are.

        Examples
        --------
        >>> InputError.of(["a"]).problems
        ['a']
        """
        more = len(problems) - 1
        tail = f" (+{more} more problem{'s' if more > 1 else ''})" if more else ""
        return cls(f"{problems[0]}{tail}", problems)


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


class ResourceLimitError(RmatchError, MemoryError):
    """The programme would need more memory than allowed; nothing was allocated.

    Examples
    --------
    >>> issubclass(ResourceLimitError, MemoryError)
    True
    """


# The list the warnings of this context go to (None: Python's warnings). A context
# variable, so that each thread and each asyncio task records only its own.
_RECORDING: ContextVar[list[warnings.WarningMessage] | None] = ContextVar(
    "rmatch_recording", default=None)


@contextmanager
def caught_warnings() -> Iterator[list[warnings.WarningMessage]]:
    r"""Record every warning rmatch gives inside the block, for this thread (or task) alone.

    Like ``warnings.catch_warnings(record=True)`` with the filter ``"always"``,
    but it leaves the process's filters and ``warnings.showwarning`` alone: two
    threads reading two files at once (a web service's thread pool) each get
    their own notes, and a warning elsewhere in the process still goes where
    the process sends it. Only rmatch's own warnings are recorded (the
    readers' :class:`InputWarning` and the match's :class:`DataGapWarning`),
    each time it is given, whatever the filters say; other libraries' warnings
    go to Python's warnings as before. Blocks nest: the innermost records.

    Yields
    ------
    list of warnings.WarningMessage
        Filled as the block runs: ``message`` (the warning), ``category``,
        ``filename`` and ``lineno`` (the line of the caller it names).

    Examples
    --------
    >>> import io
    >>> import rmatch as rm
    >>> roster = io.StringIO("id,role,Shoe size\na1,junior,42\nb1,senior,39\n")
    >>> with rm.caught_warnings() as caught:
    ...     people = rm.read_participants(roster)
    >>> [w.category.__name__ for w in caught]
    ['InputWarning']
    >>> "Shoe size" in str(caught[0].message)
    True
    """
    recorded: list[warnings.WarningMessage] = []
    token = _RECORDING.set(recorded)
    try:
        yield recorded
    finally:
        _RECORDING.reset(token)


def warn(message: str | Warning, category: type[Warning] = UserWarning,
         stacklevel: int = 1) -> None:
    """Give a warning as ``warnings.warn`` does, or record it in :func:`caught_warnings`' list.

    Every warning of rmatch goes through here. ``stacklevel`` counts as
    ``warnings.warn``'s does from the caller of this function.

    Examples
    --------
    >>> with caught_warnings() as caught:
    ...     warn("a title above the header was skipped", InputWarning)
    >>> str(caught[0].message), caught[0].category.__name__
    ('a title above the header was skipped', 'InputWarning')
    """
    recorded = _RECORDING.get()
    if recorded is None:
        warnings.warn(message, category, stacklevel=stacklevel + 1)
        return
    if isinstance(message, Warning):
        category = type(message)
    else:
        message = category(message)
    try:  # the line the warning names, as warnings.warn finds it
        frame = sys._getframe(stacklevel)
        filename, lineno = frame.f_code.co_filename, frame.f_lineno
    except ValueError:  # fewer frames than the level: Python's warnings say "sys"
        filename, lineno = "sys", 1
    recorded.append(warnings.WarningMessage(message, category, filename, lineno))


def warn_again(caught: Iterable[warnings.WarningMessage]) -> None:
    r"""Give recorded warnings again, naming the lines they first named.

    To the :func:`caught_warnings` block around the call if there is one,
    otherwise to Python's warnings: a tool that keeps a reading's people and
    notes (to answer the same file again without reading it) says the notes
    again this way.

    Parameters
    ----------
    caught : iterable of warnings.WarningMessage
        Warnings as :func:`caught_warnings` records them.

    Examples
    --------
    >>> import io
    >>> import rmatch as rm
    >>> with rm.caught_warnings() as first:
    ...     people = rm.read_participants(io.StringIO("id,role,Hat\na,junior,1\nb,senior,2\n"))
    >>> with rm.caught_warnings() as again:
    ...     rm.warn_again(first)  # the same people kept: their notes said again
    >>> [str(w.message) for w in again] == [str(w.message) for w in first]
    True
    """
    recorded = _RECORDING.get()
    for w in caught:
        if recorded is not None:
            recorded.append(w)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
