"""The command line under bad input: one line, the documented exit status, never a traceback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers import ROSTER, run_cli


def test_validate_finds_every_planted_problem(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,role,level,timezone,capacity\n"
                    "x;y,junior,1,UTC,1\n"            # a bad id ...
                    "x;y,senior,2,UTC,1\n"            # ... and its duplicate
                    "b,junior,L4,Mars/Base,1\n"       # two problems in one row
                    "c,senior,3,UTC,-1\n"
                    "d,junior,1,UTC,1\n", encoding="utf-8")
    status, _, err = run_cli(capsys, "validate", str(path))
    assert status == 1
    assert "row 2 (id 'x;y'), field 'id'" in err
    assert "row 3 (id 'x;y'), field 'id': duplicate id, first given in row 2" in err
    assert "row 4 (id 'b'), field 'level'" in err
    assert "row 4 (id 'b'), field 'timezone'" in err
    assert "row 5 (id 'c'), field 'capacity'" in err
    assert err.strip().endswith("rmatch: 5 problem(s) found")


@pytest.mark.parametrize("args", [
    ["match", str(ROSTER), "--time-limit", "nan"],
    ["match", str(ROSTER), "--time-limit", "-1"],
    ["match", str(ROSTER), "--time-limit", "0"],
    ["match", str(ROSTER), "--time-limit", "inf"],
    ["demo", "--employees", "-5"],
    ["synth", "--employees", "0", "-o", "x.csv"],
    ["synth", "--previous-rounds", "-1", "-o", "x.csv"],
    ["rematch", str(ROSTER), "--previous", str(ROSTER), "--allow-changes", "--change-cost",
     "nan"],
    ["rematch", str(ROSTER), "--previous", str(ROSTER), "--change-cost", "-0.5"],
])
def test_bad_numbers_on_the_command_line_are_refused(
        args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, *args)
    assert status == 2
    assert "error: argument" in err


def test_synth_says_when_fewer_people_qualify_than_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "synth", "--employees", "100", "--juniors", "5000",
                            "-o", str(tmp_path / "org.csv"))
    assert status == 0
    got = int(out.split(" juniors")[0].rsplit(" ", 1)[1])
    assert f"asked for 5000 juniors, but only {got} of the 100 employees qualify" in err


def test_demo_says_when_fewer_people_qualify_than_asked(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "demo", "--employees", "10", "--juniors", "50",
                               "--seniors", "50", "--limit", "0")
    assert status == 0
    head = out.splitlines()[0]
    assert head.startswith("rmatch demo: a synthetic organisation of 10 employees, ")
    got = [int(w) for w in head.split(", ", 1)[1].split() if w.isdigit()][:2]
    assert all(n < 50 for n in got)
    for side, n in zip(("juniors", "seniors"), got, strict=True):
        assert f"asked for 50 {side}, but only {n} of the 10 employees qualify" in err
    # No senior at all: no pair whose scores or rules could miss a field, so no warning.
    assert got[1] == 0
    assert "warning" not in err


def test_one_of_a_kind_is_said_in_the_singular(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("id,role,birth_year\nj1,junior,2000\ns1,senior,1970\ns2,senior,1965\n")
    status, out, _ = run_cli(capsys, "validate", str(roster))
    assert status == 0
    assert f"{roster}: 1 junior, 2 seniors, 2 feasible pairs of 2: OK" in out
    status, out, _ = run_cli(capsys, "demo", "--employees", "1", "--limit", "0")
    assert status == 0
    assert "a synthetic organisation of 1 employee, 0 juniors and 0 seniors" in out


@pytest.mark.parametrize(("data", "message"), [
    (b'{"seed": 1, "seed": 2}', "given twice"),
    ('{"solver": "auto"}'.encode("utf-16"), "not UTF-8"),
    (b"[" * 50_000, "nested too deeply"),
    (b"{oops", "invalid JSON"),
    (b'{"solver": "auto",\n "seed": 1,\n}', "invalid JSON: line 3, column 1: a comma after the "
                                             "last item"),
])
def test_bad_programme_files_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          data: bytes, message: str) -> None:
    program = tmp_path / "p.json"
    program.write_bytes(data)
    status, _, err = run_cli(capsys, "match", str(ROSTER), "--program", str(program))
    assert status == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_ctrl_c_while_the_command_starts_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.abc

    import rmatch_cli

    class Interrupting(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *_: object) -> None:
            if name == "rmatch.cli.entry":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "rmatch.cli.entry")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    assert rmatch_cli.main() == 130
    assert capsys.readouterr().err == "rmatch: interrupted while starting; nothing was done\n"


def test_a_map_nested_too_deeply_is_one_line(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    deep = tmp_path / "cols.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for option in ("--columns", "--level-map"):
        status, _, err = run_cli(capsys, "validate", str(ROSTER), option, str(deep))
        assert status == 1
        assert "not a JSON" in err
        assert "nested too deeply" in err


@pytest.mark.parametrize("header", ["attributes.x\x1b[31mRED", "team\x1b]0;owned\x07",
                                    "dept\u202egnp.exe"])
def test_terminal_sequences_in_a_file_are_shown_not_run(
        header: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(f"id,role,birth_year,{header}\nj1,junior,2000,a\ns1,senior,1970,b\n"
                      f"s2,senior,1971,c\n", encoding="utf-8")
    for args in (["columns", str(roster)],
                 ["suggest", str(roster), "j1", "--unknown-columns", "keep"],
                 ["match", str(roster), "--unknown-columns", "keep", "--explain", "j1"],
                 ["validate", str(roster)]):
        _, out, err = run_cli(capsys, *args)
        for text in (out, err):
            assert "\x1b" not in text
            assert "\x07" not in text
            assert "\u202e" not in text


def test_no_command_writes_over_any_of_its_inputs(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.read_bytes())
    cols = tmp_path / "cols.json"
    cols.write_text('{"id": "id"}', encoding="utf-8")
    feedback = tmp_path / "feedback.csv"
    feedback.write_text("junior_id,senior_id,outcome\nj-01,cto,4\n", encoding="utf-8")
    for args in (["calibrate", str(feedback), str(roster), "--columns", str(cols),
                  "-o", str(cols)],
                 ["rounds", str(roster), "--rounds", "2", "--report", str(roster)],
                 ["rounds", str(roster), "--rounds", "2", "--columns", str(cols),
                  "--report", str(cols)]):
        status, _, err = run_cli(capsys, *args)
        assert status == 1, args
        assert "refusing to write over an input file" in err
    assert cols.read_text(encoding="utf-8") == '{"id": "id"}'
    assert roster.read_bytes() == ROSTER.read_bytes()


def test_a_report_whose_briefs_cannot_be_written_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "briefs"
    taken.write_text("a file, not a folder", encoding="utf-8")
    report = tmp_path / "r.md"
    status, _, err = run_cli(capsys, "report", str(ROSTER), "-o", str(report),
                             "--briefs", str(taken))
    assert status == 1
    assert "--briefs names a file" in err
    assert not report.exists()


def test_ctrl_c_on_the_candidate_path_writes_nothing_and_exits_130(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The library returns the last solve with an honest bound; the command must not write it."""
    import signal

    from rmatch.solvers.scan import _scan as real_scan

    def scan_then_ctrl_c(*args: object, **kwargs: object) -> object:
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, after the first solve
        return real_scan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("rmatch.solvers.certificate._scan", scan_then_ctrl_c)
    out = tmp_path / "pairs.csv"
    out.write_text("the previous pairs", encoding="utf-8")
    status, _, err = run_cli(capsys, "match", str(ROSTER), "--solver", "candidates",
                             "-o", str(out))
    assert status == 130
    assert "interrupted; nothing was written" in err
    assert out.read_text(encoding="utf-8") == "the previous pairs"
    # Without Ctrl-C the same command writes its pairs.
    monkeypatch.undo()
    assert run_cli(capsys, "match", str(ROSTER), "--solver", "candidates", "-o", str(out))[0] == 0
    assert out.read_text(encoding="utf-8").startswith("junior_id,senior_id")


def test_a_truncated_utf16_roster_and_a_column_map_with_numbers_are_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut.csv"
    cut.write_bytes("id,role\nj1,junior\ns1,senior\n".encode("utf-16")[:-1])
    cols = tmp_path / "cols.json"
    cols.write_text('{"level": 5}', encoding="utf-8")
    for args, message in ((["validate", str(cut)], "may be cut short"),
                          (["columns", str(cut)], "may be cut short"),
                          (["validate", str(ROSTER), "--columns", str(cols)],
                           "not 'level': 5")):
        status, _, err = run_cli(capsys, *args)
        assert status == 1, args
        assert message in err


def test_an_errors_few_problems_and_hints_are_all_printed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "(+1 more problem)" alone: the hint naming the column to rename was never seen.
    roster = tmp_path / "r.csv"
    roster.write_text("id,role\nj1,junior\nj2,junior\ns1,senior\ns2,senior\n")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("A,B\nj1,s1\nj2,s2\nxx,s1\n")
    status, _, err = run_cli(capsys, "evaluate", str(roster), str(pairs))
    assert status == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith("rmatch: error: ")
    assert "need the column(s) junior_id" in lines[0]
    assert "  " + f"{pairs}: hint: column 'A' holds juniors' ids (2 of 3 values; not one: " \
        "'xx'); name it junior_id" in lines


def test_a_hint_said_in_the_errors_line_is_not_printed_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("id,role\n" + "".join(f"j{k},junior\ns{k},senior\n" for k in range(5)))
    feedback = tmp_path / "fb.csv"
    feedback.write_text("Your name,Your partner,How satisfied are you?\n" + "".join(
        f"j{k},s{k},{'Satisfied' if k % 2 else 'Very satisfied'}\n" for k in range(5)))
    status, _, err = run_cli(capsys, "calibrate", str(feedback), str(roster))
    assert status == 1
    said = [line for line in err.splitlines() if not line.startswith("rmatch: warning")]
    assert said[0].startswith("rmatch: error: ")
    assert "need an outcome column" in said[0]
    assert '"Very satisfied": 5' in said[0]  # the scale's map, to act on
    assert sum("hint:" in line for line in said) == 1


def test_problems_of_other_rows_with_the_same_words_are_all_printed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two empty cells: the second row's "is empty" is no repeat of the first's.
    roster = tmp_path / "r.csv"
    roster.write_text("id,role\n" + "".join(f"j{k},junior\ns{k},senior\n" for k in range(3)))
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("junior_id,senior_id\nj0,s0\n,s1\nj2,\n")
    status, _, err = run_cli(capsys, "evaluate", str(roster), str(pairs))
    assert status == 1
    said = [line for line in err.splitlines() if not line.startswith("rmatch: warning")]
    assert said[0].startswith("rmatch: error: ")
    assert "row 3, field 'junior_id': is empty" in said[0]
    assert said[1:] == [f"  {pairs}: row 4, field 'senior_id': is empty"]
