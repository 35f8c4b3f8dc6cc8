"""Helpers several test packages share."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import rmatch as rm
from rmatch.cli import main

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "roster.csv"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the ``rmatch`` command in-process; return (status, stdout, stderr), never a traceback."""
    try:
        status = main(list(args))
    except SystemExit as exit_:  # argparse's own errors
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def reading_outcome(text: str, **options: Any) -> tuple[Any, list[str]]:
    """What reading a CSV text gives: the people (or every problem) and the warnings said.

    Comparable values, for tests that read one file two ways.
    """
    with rm.caught_warnings() as said:
        try:
            people: Any = [p.model_dump() for p in rm.read_participants(
                io.StringIO(text), **options)]
        except rm.InputError as err:
            people = [str(p) for p in err.problems]
    return people, [str(w.message) for w in said]
