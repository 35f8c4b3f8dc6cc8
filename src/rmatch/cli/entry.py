"""The ``rmatch`` command: demo, match, report, validate, rounds, rematch, suggest, columns, synth.

Every error reaches the user as one line on stderr (``rmatch: error: ...``)
and a non-zero exit status, never a traceback; reading warnings are lines
``rmatch: warning: ...`` on stderr. The commands themselves are the table
:data:`rmatch.cli.commands.COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError

from rmatch.cli.commands import COMMANDS
from rmatch.cli.common import EXIT_ERROR
from rmatch.cli.terminal import TerminalGuard, progress_bar, watching_interrupts
from rmatch.errors import InputError, InputWarning, RmatchError

__all__ = ["build_parser", "main"]


def build_parser(extra: Sequence[Callable[[Any], None]] = ()) -> argparse.ArgumentParser:
    """Return the argument parser of the ``rmatch`` command, one sub-parser per command.

    ``extra`` are functions that add more commands to the sub-parsers (the
    service's ``serve``, ``users``, ``tokens`` and ``db``, which live in a
    package above this one and are passed in by the entry point).

    Examples
    --------
    >>> build_parser().parse_args(["demo", "--seed", "3"]).seed
    3
    """
    parser = argparse.ArgumentParser(
        prog="rmatch", description="Exact, explained junior-to-senior mentoring pairs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        cmd = sub.add_parser(command.name, help=command.help)
        for add in command.options:
            add(cmd)
        cmd.set_defaults(func=command.run)
    for add_commands in extra:
        add_commands(sub)
    return parser


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Show rmatch's reading warnings as one plain line each, as they happen."""
    def show(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
        print(f"rmatch: warning: {message}", file=sys.stderr)

    with warnings.catch_warnings():  # restores the filters and showwarning on exit
        warnings.simplefilter("always", InputWarning)
        warnings.showwarning = show
        yield


@contextmanager
def _guarded_terminal() -> Iterator[None]:
    """Show every printed line through :class:`~rmatch.cli.terminal.TerminalGuard`.

    One place for all output: ids, headers and values read from files reach
    the terminal as text, never as colour, cursor or title sequences.
    """
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalGuard(out), TerminalGuard(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


SAID_WITH_THE_ERROR = 6
"""The most problems an error prints, one a line (more: the first, and how to list them)."""


def main(argv: Sequence[str] | None = None,
         extra: Sequence[Callable[[Any], None]] = ()) -> int:
    """Run the command line; return the exit status (``extra``: see :func:`build_parser`).

    Examples
    --------
    >>> main(["demo", "--employees", "200", "--juniors", "3", "--seniors", "3",
    ...       "--limit", "0"])  # doctest: +ELLIPSIS
    rmatch demo: ...
    0
    """
    with _guarded_terminal():
        return _run(argv, extra)


def _said_in(problem: object, line: str) -> bool:
    """Whether an error's line already carries a problem: a hint, not a row's problem.

    A problem of a row or a person is always printed ("is empty" on a second
    row is no repeat of the first row's).
    """
    if any(getattr(problem, at, None) is not None for at in ("row", "id")):
        return False
    return str(getattr(problem, "reason", problem)) in line


def _run(argv: Sequence[str] | None, extra: Sequence[Callable[[Any], None]]) -> int:
    args = build_parser(extra).parse_args(argv)
    try:
        with _warnings_to_stderr(), watching_interrupts():
            status: int = args.func(args)
    except RmatchError as err:
        print(f"rmatch: error: {err}", file=sys.stderr)
        if isinstance(err, InputError) and 1 < len(err.problems) <= SAID_WITH_THE_ERROR:
            # A few more: said at once (a feedback file's hints name the columns to
            # rename; "(+2 more problems)" alone left the user nothing to act on).
            for problem in err.problems[1:]:
                if not _said_in(problem, str(err)):
                    print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    except ValidationError as err:  # a model built from arguments: one line, no traceback
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        print(f"rmatch: error: {where}: {first['msg']}", file=sys.stderr)
        return EXIT_ERROR
    except MemoryError:
        print("rmatch: error: out of memory; split the programme into smaller cohorts, or set "
              "memory_limit_gb in the programme to fail early", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # Whoever read the output (`rmatch demo | head`) has stopped: not our error. Point
        # stdout at /dev/null so that the interpreter's final flush fails quietly too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:
        print(f"rmatch: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        if progress_bar.shown:
            print(file=sys.stderr)  # end the progress line first
        print("rmatch: interrupted; nothing was written", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
