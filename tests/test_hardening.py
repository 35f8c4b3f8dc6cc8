"""Nothing lost, nothing leaked, never a traceback: one regression test per class of fault."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rmatch as rm
from rmatch.cli import main
from rmatch.report import brief_file_stem, write_briefs

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "roster.csv"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as exit_:  # argparse's own errors
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


# --- data loss -----------------------------------------------------------------------------


def _xlsx(build: object) -> io.BytesIO:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    build(sheet)  # type: ignore[operator]
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    return buf


def test_excel_merged_cells_and_formulas_without_values_are_named() -> None:
    def build(sheet: object) -> None:
        ws = sheet
        ws["A1"], ws["B1"], ws["C1"] = "id", "role", "capacity"  # type: ignore[index]
        ws["A2"], ws["B2"], ws["C2"] = "a", "junior", "=1+1"  # type: ignore[index]
        ws["A3"], ws["A4"], ws["B3"] = "b", "c", "senior"  # type: ignore[index]
        ws.merge_cells("B3:B4")  # type: ignore[attr-defined]

    with pytest.raises(rm.InputError) as info:
        rm.read_participants(_xlsx(build), format="excel")
    text = "\n".join(info.value.problems)
    assert "row 3: cells B3:B4 are merged" in text
    assert "row 2: cell(s) C2 hold a formula without a saved value" in text


def test_an_excel_sheet_claiming_a_huge_range_costs_only_its_cells() -> None:
    def build(sheet: object) -> None:
        sheet["A1"], sheet["A2"] = "id", "a"  # type: ignore[index]
        sheet["XFD1048576"] = "x"  # type: ignore[index]

    with pytest.raises(rm.InputError, match="XFD1048576 hold values beyond the last header"):
        rm.read_participants(_xlsx(build), format="excel")


def test_a_text_file_named_xlsx_is_one_clean_error(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "r.xlsx"
    path.write_text("id\na\n", encoding="utf-8")
    with pytest.raises(rm.InputError, match="not an Excel workbook"):
        rm.read_participants(path)


def test_output_over_an_input_is_refused_even_through_a_link(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.read_bytes())
    link = tmp_path / "link.csv"
    os.symlink(roster, link)
    for target in (roster, link):
        status, _, err = _cli(capsys, "match", str(roster), "-o", str(target))
        assert status == 1
        assert "refusing to write over an input file" in err
    assert roster.read_bytes() == ROSTER.read_bytes()


def test_outputs_are_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from rmatch._files import writing

    out = tmp_path / "pairs.csv"
    out.write_text("old", encoding="utf-8")

    def interrupted() -> None:
        with writing(out) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.csv"]  # no temporary left


def test_brief_files_never_collide(tmp_path: Path) -> None:
    ids = ["müller", "möller", "a b", "a/b", "A", "a", "x--y", "x", "..", "ü"]
    juniors = [rm.Participant(id=i, birth_year=2000) for i in ids]
    seniors = [rm.Participant(id=f"s{k}", birth_year=1970, level=3, capacity=2)
               for k in range(5)] + [rm.Participant(id="y--s0", birth_year=1970, level=3)]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    paths = write_briefs(res, tmp_path)
    assert len(paths) == len(res.pairs) == len(ids)
    assert len({p.name.casefold() for p in paths}) == len(paths)
    assert all(p.parent == tmp_path for p in paths)
    assert len(list(tmp_path.iterdir())) == len(paths)
    assert brief_file_stem("x--y", "s0") != brief_file_stem("x", "y--s0")


def test_a_misspelt_field_in_a_rule_is_an_error_naming_the_fields() -> None:
    juniors = [rm.Participant(id="j", attributes={"gender": "f"})]
    seniors = [rm.Participant(id="s", attributes={"gender": "m"})]
    for program in (rm.Program(constraints=[rm.MinShare(attribute="gendr", share=0.5)]),
                    rm.Program(constraints=[rm.GroupBalance(attribute="Gender", max_gap=0.1)]),
                    rm.Program(scoring=rm.ScoringOptions(diversity_fields={"gendr": 1})),
                    rm.Program(sensitive_attributes={"gendr"})):
        with pytest.raises(rm.InputError, match=r"which no participant has.*the fields are "
                                                r"department, location, gender"):
            rm.match(juniors, seniors, program)
    with pytest.raises(rm.InputError, match="did you mean 'gender'"):
        rm.match(juniors, seniors,
                 rm.Program(constraints=[rm.GroupBalance(attribute="Gender", max_gap=0.1)]))


def test_taken_is_said_only_of_partners_at_capacity() -> None:
    org = rm.synth.generate(600, seed=3)
    juniors, seniors = rm.synth.cohort(org, 30, 24, seed=3)
    program = rm.Program(constraints=[rm.MinShare(attribute="location", share=0.5, same=True)],
                         time_limit_s=20)
    res = rm.match(juniors, seniors, program, org=org.org_chart())
    sm = res.scores
    counts_j, counts_s = res.pair_counts()
    checked = 0
    for pid, reason in res.unmatched_reasons.items():
        if "is taken" not in reason:
            continue
        if pid in sm.juniors._positions:
            row = sm.feasible[sm.juniors.index(pid)]
            caps, ids, counts = sm.seniors.capacity, sm.senior_ids, counts_s
        else:
            row = sm.feasible[:, sm.seniors.index(pid)]
            caps, ids, counts = sm.juniors.capacity, sm.junior_ids, counts_j
        for k in np.flatnonzero(row & (caps > 0)):
            assert counts[ids[k]] >= caps[k], f"{pid}: {ids[k]} has room but is called taken"
        checked += 1
    assert res.unmatched_juniors  # 30 juniors, 24 seniors: someone is left
    assert checked or any("still have room" in r for r in res.unmatched_reasons.values())


# --- values that used to slip through -------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ('[{"id": "a", "level": 1000000000000000000000000000000}]', "less than or equal to"),
    ('[{"id": "a", "capacity": true}]', "true/false, not a number"),
    ('[{"id": "a", "name": ["x"]}]', "expected text, not a list"),
    ('[{"id": "a", "id": "b"}]', "the key 'id' is given twice"),
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ("id,birth_year\na,١٩٩٩\n", "neither a year nor a date"),
    ('id,attributes,attributes.gender\na,gender:f,m\n', "also given in"),
    ("id,previous_partners\na,a\n", "themself as a previous partner"),
])
def test_values_that_used_to_be_accepted_silently_are_errors(text: str, message: str) -> None:
    with pytest.raises(rm.InputError, match=message):
        rm.read_participants(io.StringIO(text))


def test_validate_finds_every_planted_problem(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,role,level,timezone,capacity\n"
                    "x;y,junior,1,UTC,1\n"            # a bad id ...
                    "x;y,senior,2,UTC,1\n"            # ... and its duplicate
                    "b,junior,L4,Mars/Base,1\n"       # two problems in one row
                    "c,senior,3,UTC,-1\n"
                    "d,junior,1,UTC,1\n", encoding="utf-8")
    status, _, err = _cli(capsys, "validate", str(path))
    assert status == 1
    assert "row 2 (id 'x;y'), field 'id'" in err
    assert "row 3 (id 'x;y'), field 'id': duplicate id, first given in row 2" in err
    assert "row 4 (id 'b'), field 'level'" in err
    assert "row 4 (id 'b'), field 'timezone'" in err
    assert "row 5 (id 'c'), field 'capacity'" in err
    assert err.strip().endswith("rmatch: 5 problem(s) found")


def test_a_huge_capacity_is_clamped_not_allocated() -> None:
    juniors = [rm.Participant(id=f"j{i}", capacity=10**9) for i in range(40)]
    seniors = [rm.Participant(id=f"s{i}", capacity=10**9) for i in range(30)]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    assert len(res.pairs) == 40 * 30
    res.check()


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["match", str(ROSTER), "--time-limit", "nan"],
    ["match", str(ROSTER), "--time-limit", "-1"],
    ["match", str(ROSTER), "--time-limit", "0"],
    ["match", str(ROSTER), "--time-limit", "inf"],
    ["demo", "--employees", "-5"],
    ["synth", "--employees", "0", "-o", "x.csv"],
    ["synth", "--previous-rounds", "-1", "-o", "x.csv"],
])
def test_bad_numbers_on_the_command_line_are_refused(
        args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _cli(capsys, *args)
    assert status == 2
    assert "error: argument" in err


def test_synth_says_when_fewer_people_qualify_than_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _cli(capsys, "synth", "--employees", "100", "--juniors", "5000",
                            "-o", str(tmp_path / "org.csv"))
    assert status == 0
    got = int(out.split(" juniors")[0].rsplit(" ", 1)[1])
    assert f"asked for 5000 juniors, but only {got} of the 100 employees qualify" in err


@pytest.mark.parametrize(("data", "message"), [
    (b'{"seed": 1, "seed": 2}', "given twice"),
    ('{"solver": "auto"}'.encode("utf-16"), "not UTF-8"),
    (b"[" * 50_000, "nested too deeply"),
    (b"{oops", "invalid JSON"),
])
def test_bad_programme_files_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          data: bytes, message: str) -> None:
    program = tmp_path / "p.json"
    program.write_bytes(data)
    status, _, err = _cli(capsys, "match", str(ROSTER), "--program", str(program))
    assert status == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1


# --- injection ----------------------------------------------------------------------------


def test_markdown_outputs_keep_user_data_out_of_the_markup() -> None:
    evil = "Sales\n# Pwned | <script>x</script> [a](http://x) *b*"
    juniors = [rm.Participant(id="j|1", birth_year=2000, department=evil,
                              skills={"**x**": 1.0})]
    seniors = [rm.Participant(id="s\u20281", birth_year=1970, level=3, department="Ops",
                              goals={"**x**": 1.0})]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    for text in (res.briefs()[0].to_markdown(), res.report().to_markdown()):
        headings = [line for line in text.splitlines() if line.startswith("#")]
        assert not any("Pwned" in h for h in headings)
        assert "<script>" not in text
        assert "[a](http" not in text  # the brackets are escaped: no link
    assert json.loads(res.to_json())["pairs"][0]["junior_id"] == "j|1"


_INTERRUPTED_SOLVE = """
import os, signal, threading, time
import numpy as np
from ortools.sat.python import cp_model
from rmatch.solvers.cpsat import _solve
rng = np.random.default_rng(0)
m = cp_model.CpModel()
x = [m.new_bool_var(f"x{i}") for i in range(300)]
for _ in range(40):
    w = rng.integers(1, 100, 300)
    m.add(cp_model.LinearExpr.weighted_sum(x, w.tolist()) <= int(w.sum() // 3))
m.maximize(cp_model.LinearExpr.weighted_sum(x, rng.integers(1, 100, 300).tolist()))
s = cp_model.CpSolver()
s.parameters.max_time_in_seconds = 60
s.parameters.num_workers = 1
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
start = time.perf_counter()
try:
    print("finished", s.status_name(_solve(s, m)))
except KeyboardInterrupt:
    print("interrupted after", round(time.perf_counter() - start))
"""


def test_ctrl_c_during_a_cpsat_solve_is_an_interrupt_not_a_result() -> None:
    # CP-SAT catches SIGINT and returns its best assignment as if out of time;
    # rmatch must turn that into KeyboardInterrupt (the CLI: exit 130, nothing
    # written). In a subprocess: the signal must not reach this test run.
    done = subprocess.run([sys.executable, "-c", _INTERRUPTED_SOLVE], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stdout.strip() == "interrupted after 1", done.stdout + done.stderr


def test_a_programme_too_large_for_memory_fails_before_allocating(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    juniors = [rm.Participant(id=f"j{i}") for i in range(3000)]
    seniors = [rm.Participant(id=f"s{i}") for i in range(3000)]
    with pytest.raises(rm.ResourceLimitError, match=r"a 3,000 x 3,000 programme needs about "
                                                    r"0\.\d GB .* about [\d,]+ per side fits"):
        rm.match(juniors, seniors, rm.Program(memory_limit_gb=0.08), solver="hungarian")
    # "auto" goes where it fits: candidate pairs scored block by block.
    res = rm.match(juniors, seniors, rm.Program(memory_limit_gb=0.08))
    assert res.solver == "candidates"
    program = tmp_path / "p.json"
    program.write_text('{"memory_limit_gb": 1e-6}', encoding="utf-8")
    status, _, err = _cli(capsys, "match", str(ROSTER), "--program", str(program))
    assert status == 1
    assert "memory_limit_gb" in err


def test_ctrl_c_while_the_command_starts_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.abc

    import rmatch_cli

    class Interrupting(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *_: object) -> None:
            if name == "rmatch.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "rmatch.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    assert rmatch_cli.main() == 130
    assert capsys.readouterr().err == "rmatch: interrupted while starting; nothing was done\n"


def test_a_cell_beyond_the_csv_field_limit_is_an_error_naming_the_row() -> None:
    text = "id,name\na," + "x" * 200_000 + "\nb,ok\n"
    with pytest.raises(rm.InputError, match=r"row 2: cannot split the row into cells: field "
                                            r"larger than field limit"):
        rm.read_participants(io.StringIO(text))


def test_scoring_spans_too_small_to_compute_with_are_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"greater than or equal to 0\.01"):
        rm.ScoringOptions(age_span_years=1e-300)


def test_a_roster_file_too_large_is_refused_before_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rmatch import _read

    path = tmp_path / "big.csv"
    path.write_text("id\n" + "a\n" * 100, encoding="utf-8")
    monkeypatch.setattr(_read, "MAX_ROSTER_BYTES", 100)
    with pytest.raises(rm.InputError, match="more than a roster can be"):
        rm.read_participants(path)
