"""The public surface: ``__all__`` is complete, real, and typed."""

from __future__ import annotations

from pathlib import Path

import rmatch as rm


def test_all_names_exist_and_have_docstrings_with_examples() -> None:
    for name in rm.__all__:
        obj = getattr(rm, name)
        if name.startswith("__") or name == "Constraint":
            continue
        doc = getattr(obj, "__doc__", None) or ""
        assert doc.strip(), f"{name} has no docstring"
        assert ">>>" in doc, f"{name}'s docstring has no example"


def test_contract_names_are_exported() -> None:
    contract = {"Participant", "OrgChart", "Program", "score", "ScoreMatrix", "match",
                "MatchResult", "Pair", "NoReportingLine", "Forbid", "Require",
                "SharedLanguage", "MaxTimezoneGap", "MinScore", "NoRepeat",
                "SeniorityDirection", "RmatchError", "InputError", "InfeasibleError",
                "SolverError", "read_participants", "write_participants", "synth"}
    assert contract <= set(rm.__all__)
    assert issubclass(rm.InputError, ValueError)
    assert issubclass(rm.InputError, rm.RmatchError)


def test_package_is_typed() -> None:
    assert (Path(rm.__file__).parent / "py.typed").exists()
