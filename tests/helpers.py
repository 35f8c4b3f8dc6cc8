"""Helpers several test packages share."""

from __future__ import annotations

from pathlib import Path

import pytest

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
