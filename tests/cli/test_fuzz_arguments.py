"""Every argument of every command, fuzzed: one line and the documented exit status, never more.

The commands and their options come from the parser itself, so a new option
is fuzzed the day it is added (and an option this file cannot classify fails
the first test until it says what kind of value the option takes). Each
example runs one command in-process with a random subset of its options set
to hostile values (NaN, infinities, huge and negative numbers, text where a
number belongs, missing files, folders, empty files, bytes that are not
text, deep JSON, fuzzed rosters and pair lists, outputs pointing at an
input) and asserts the promises of docs/cli.md and docs/limits.md:

* the exit status is 0, 1 (a clean error) or 2 (a usage error), never a
  traceback, and nothing printed holds a terminal escape;
* no input file changes, whatever the outputs point at;
* a command that fails writes no output file.

CI runs a few dozen examples; longer campaigns use ``RMATCH_FUZZ_EXAMPLES``
as tests/test_fuzz.py does (see docs/limits.md for the last campaign).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rmatch.cli import main
from rmatch.cli.entry import build_parser

EXAMPLES = int(os.environ.get("RMATCH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
ROSTER = Path(__file__).parents[2] / "examples" / "roster.csv"

# What kind of value each option (by its argparse dest) takes.
INPUTS = {"roster", "program", "org", "hr_data", "hr_columns", "hr_values", "columns",
          "level_map", "values", "previous", "change", "pairs", "feedback", "groups",
          "seniors_file", "outcome_values"}
OUTPUTS = {"output", "report", "briefs", "values_output"}
NUMBERS = {"employees", "juniors", "seniors", "seed", "limit", "rounds", "k", "header_row",
           "time_limit", "change_cost", "previous_rounds"}
TEXTS = {"date_format", "encoding", "sheet", "pairs_sheet", "previous_sheet", "seniors_sheet",
         "default", "explain", "id"}

NUMBER_VALUES = ["nan", "inf", "-inf", "-1", "0", "1", "2", "2.5", "1e400", "1e3", "x", "",
                 "0x10", "9" * 30, "\u0663", " 3 ", "3000", "-0"]
TEXT_VALUES = ["", " ", "x", "\x1b[31mRED", "\x1b]0;title\x07", "%Y-%m-%d", "%", "%Q",
               "utf-8", "utf-16", "rot13", "latin-1", "no-such-codec", "1", "0", "99", "Sheet1",
               "j01", "cto", "ceo", "\u0000", "é\u0301", "../../etc/passwd"]

PROGRAM = ROSTER.with_name("program.json")
SANE_NUMBERS = ["1", "2", "3", "10"]
pair_cells = st.sampled_from(["j-01", "j-02", "cto", "cfo", "ceo", "eng-mgr", "j01", "", " ",
                              '"', "a,b", "\x1b[2J", "é\u0301", "junior_id",
                              "senior_id", "5", "nan", "met", "\n"])


def _kinds() -> dict[str, dict[str, argparse.Action]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: {a.dest: a for a in cmd._actions if not isinstance(a, argparse._HelpAction)}
            for name, cmd in sub.choices.items()}


COMMANDS = _kinds()


def test_every_option_of_every_command_has_a_fuzzed_kind() -> None:
    known = INPUTS | OUTPUTS | NUMBERS | TEXTS
    for name, actions in COMMANDS.items():
        for dest, action in actions.items():
            if action.nargs == 0 or action.choices:
                continue  # flags and choices are drawn from what argparse accepts
            assert dest in known, f"rmatch {name}: option {dest!r} has no fuzzed kind"


def _write_input(folder: Path, kind: str, data: st.DataObject, n: int) -> str:
    path = folder / f"in{n}"
    if kind == "roster":
        return str(shutil.copy(ROSTER, folder / f"in{n}.csv"))
    if kind == "program":
        return str(shutil.copy(PROGRAM, folder / f"in{n}.json"))
    if kind == "missing":
        return str(folder / "no" / "such.csv")
    if kind == "folder":
        path.mkdir()
        return str(path)
    if kind == "empty":
        path = path.with_suffix(".csv")
        path.write_bytes(b"")
    elif kind == "bytes":
        path = path.with_suffix(data.draw(st.sampled_from([".csv", ".json", ".xlsx"])))
        path.write_bytes(data.draw(st.binary(max_size=64)))
    elif kind == "utf16-cut":
        path = path.with_suffix(".csv")
        path.write_bytes("id,role\nj1,junior\n".encode("utf-16")[:-1])
    elif kind == "deep-json":
        path = path.with_suffix(".json")
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif kind == "json":
        path = path.with_suffix(".json")
        value = data.draw(st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                st.sampled_from(["id", "level", "role", "weights", "constraints", "L7", "x"]),
                inner, max_size=3), max_leaves=8))
        path.write_text(json.dumps(value), encoding="utf-8")
    else:  # a pair list: header and rows of hostile cells
        path = path.with_suffix(".csv")
        rows = data.draw(st.lists(st.lists(pair_cells, min_size=1, max_size=4), max_size=5))
        head = data.draw(st.sampled_from(["junior_id,senior_id", "junior_id,senior_id,outcome",
                                          "junior_id,junior_id", "a", ""]))
        body = "\n".join(",".join(r) for r in rows)
        path.write_text(f"{head}\n{body}", encoding="utf-8")
    return str(path)


def _digest(paths: list[str]) -> dict[str, str]:
    out = {}
    for p in paths:
        for f in ([Path(p)] if Path(p).is_file() else
                  sorted(Path(p).rglob("*")) if Path(p).is_dir() else []):
            if f.is_file():
                out[str(f)] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def _argv(name: str, folder: Path, data: st.DataObject
          ) -> tuple[list[str], list[str], list[str]]:
    """A command line for ``name``, the input files it names and the fresh outputs it names."""
    argv, inputs, fresh = [name], [], []
    actions = COMMANDS[name]
    chosen = data.draw(st.lists(st.sampled_from(sorted(actions)), unique=True, max_size=5))
    for n, (dest, action) in enumerate(actions.items()):
        positional = not action.option_strings
        if not positional and dest not in chosen:
            continue
        flag = [] if positional else [action.option_strings[-1]]
        if action.nargs == 0:
            argv += flag
            continue
        if action.choices:
            value = data.draw(st.sampled_from([*map(str, action.choices), "nope"]))
        elif dest in INPUTS:
            kind = data.draw(st.sampled_from(
                ["roster", "roster", "missing", "folder", "empty", "bytes", "utf16-cut",
                 "deep-json", "json", "pairs", "pairs", "program"]
                if not positional or dest != "roster"
                else ["roster", "roster", "roster", "empty", "bytes", "utf16-cut", "pairs"]))
            value = _write_input(folder, kind, data, n)
            inputs.append(value)
        elif dest in OUTPUTS:
            where = data.draw(st.sampled_from(["fresh", "fresh", "missing-dir", "an-input",
                                               "folder"]))
            if where == "an-input" and inputs:
                value = data.draw(st.sampled_from(inputs))
            elif where == "folder":
                value = str(folder)
            elif where == "missing-dir":
                value = str(folder / "no" / "dir" / f"out{n}.csv")
            else:
                ext = data.draw(st.sampled_from([".csv", ".md", ".html", ".json", ""]))
                value = str(folder / f"out{n}{ext}")
                fresh.append(value)
        elif dest in NUMBERS:  # half the time a sane count, so that commands get further
            value = data.draw(st.sampled_from(NUMBER_VALUES) | st.sampled_from(SANE_NUMBERS))
        else:
            value = data.draw(st.sampled_from(TEXT_VALUES))
        argv += [*flag, value]
    return argv, inputs, fresh


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse's usage errors
        status = stop.code if isinstance(stop.code, int) else 2
    out, err = capsys.readouterr()
    return status, out, err


@FUZZ
@given(name=st.sampled_from(sorted(COMMANDS)), data=st.data())
def test_fuzzed_arguments_exit_cleanly_and_touch_no_input(
        name: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path_factory.mktemp("args")
    argv, inputs, fresh = _argv(name, folder, data)
    before = _digest(inputs)
    status, out, err = _run(argv, capsys)
    event(f"exit {status}")  # shown by --hypothesis-show-statistics: is the fuzzer aimed?
    assert status in (0, 1, 2), (argv, status, err)
    assert "Traceback" not in err, (argv, err)
    assert "\x1b" not in out + err, argv
    assert "\x07" not in out + err, argv
    assert _digest(inputs) == before, f"an input changed: {argv}"
    if status != 0:
        written = [p for p in fresh if Path(p).exists()]
        assert not written, f"{argv} failed ({err.strip()}) but wrote {written}"
    if status == 1:
        assert err.strip(), argv


def test_the_fuzzer_reaches_success_and_each_kind_of_failure(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The fixed points of the fuzzed space behave as the docs say (so the fuzzer is aimed)."""
    roster = str(shutil.copy(ROSTER, tmp_path / "r.csv"))
    assert _run(["match", roster, "-q", "--time-limit", "5"], capsys)[0] == 0
    status, _, err = _run(["match", roster, "--time-limit", "nan"], capsys)
    assert status == 2
    assert "positive number of seconds" in err
    status, _, err = _run(["match", roster, "-o", roster], capsys)
    assert status == 1
    assert "error" in err
    status, _, err = _run(["match", str(tmp_path / "none.csv")], capsys)
    assert status == 1
    assert "none.csv" in err
