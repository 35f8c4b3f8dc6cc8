"""The command line: demo, match, validate, synth, and one-line errors."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import rmatch as rm
from rmatch.cli import main
from tests.helpers import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_demo_prints_pairs_summary_and_an_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--employees", "300", "--juniors", "8", "--seniors", "8"]) == 0
    out = capsys.readouterr().out
    assert "8 juniors and 8 seniors" in out
    assert "optimal" in out
    assert "best alternatives:" in out


def test_match_writes_csv_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["match", str(EXAMPLES / "roster.csv"), "--program", str(EXAMPLES / "program.json")]
    assert main([*args, "-o", str(tmp_path / "pairs.json")]) == 0
    data = json.loads((tmp_path / "pairs.json").read_text())
    assert data["status"] == "optimal"
    assert main([*args, "-o", str(tmp_path / "pairs.csv"), "--explain", "j-01"]) == 0
    out = capsys.readouterr().out
    assert "junior 'j-01' is paired with" in out
    lines = (tmp_path / "pairs.csv").read_text().splitlines()
    assert lines[0].startswith("junior_id,senior_id,score")
    assert len(lines) - 1 == len(data["pairs"])
    # The programme marks gender sensitive: it appears in no output.
    assert "gender" not in out
    assert "gender" not in (tmp_path / "pairs.json").read_text()


def test_match_explains_a_person_given_by_name_and_refuses_a_typo_before_solving(
        capsys: pytest.CaptureFixture[str]) -> None:
    roster = str(EXAMPLES / "roster.csv")
    cto = next(p for p in rm.read_participants(roster) if p.id == "cto")
    assert main(["match", roster, "-q", "--explain", str(cto.name).lower()]) == 0
    out = capsys.readouterr().out
    assert f"{str(cto.name).lower()!r}: the name of 'cto'" in out
    assert "senior 'cto' is paired with" in out
    # A typo is said at once, before any solve (no rules line, no pairs printed).
    assert main(["match", roster, "-q", "--explain", "J-01"]) == 1
    captured = capsys.readouterr()
    assert "no junior or senior has the id or name 'J-01' (did you mean 'j-01'?" in \
        captured.err
    assert "rules:" not in captured.out


def test_validate_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,role,level,capacity\na,junior,-1,1\nb,senior,2,x\nc,senior,1,1\n")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("row 2 (id 'a'), field 'level': out of range: it must be at least 0")
    assert "row 3 (id 'b'), field 'capacity'" in err[1]
    assert err[-1] == "rmatch: 2 problem(s) found"


def test_validate_warns_about_people_without_a_feasible_partner(
        capsys: pytest.CaptureFixture[str]) -> None:
    args = ["validate", str(EXAMPLES / "roster.csv"), "--program", str(EXAMPLES / "program.json")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "OK" in out
    assert "warning: 'hr-lead' has no feasible partner" in out


def test_synth_roster_reads_back_and_matches(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "org.csv"
    assert main(["synth", "--employees", "200", "--juniors", "10", "--seniors", "6",
                 "--seed", "4", "-o", str(path)]) == 0
    people = rm.read_participants(path)
    assert len(people) == 200
    assert sum(p.role == "junior" for p in people) == 10
    capsys.readouterr()
    # No programme: the recommended rules apply (the six seniors include
    # executives above most juniors), and the CLI says so.
    assert main(["match", str(path)]) == 0
    out = capsys.readouterr().out
    juniors, seniors, _ = rm.split_roles(people)
    expected = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    assert f"{len(expected.pairs)} pairs" in out
    assert "recommended HR rules" in out
    assert main(["match", str(path), "--no-rules"]) == 0
    assert "6 pairs" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["match", "missing.csv"], "rmatch: error: missing.csv: no such file"),
        (["match", str(EXAMPLES / "program.json")], "rmatch: error: "),
        (["match", str(EXAMPLES / "roster.csv"), "--program", str(EXAMPLES / "roster.csv")],
         "rmatch: error: "),
    ],
)
def test_errors_are_one_line_without_traceback(args: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_the_installed_command_fails_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "r.csv"
    bad.write_text("id,role,skills\nj,junior,genai:2\ns,senior,\n")
    proc = subprocess.run([sys.executable, "-m", "rmatch", "match", str(bad)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("rmatch: error: ")
    assert "row 2 (id 'j'), field 'skills': 'genai' has value '2', above 1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_report_writes_the_report_and_briefs(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    roster, program = str(EXAMPLES / "roster.csv"), str(EXAMPLES / "program.json")
    assert main(["report", roster, "--program", program, "-o", str(tmp_path / "r.md"),
                 "--briefs", str(tmp_path / "briefs"), "-q"]) == 0
    out = capsys.readouterr().out
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    res = rm.match(*rm.io.split_roles(rm.read_participants(roster))[:2],
                   rm.load_program(program),
                   org=rm.OrgChart.from_participants(rm.read_participants(roster)))
    assert f"| pairs | {len(res.pairs)} |" in text
    briefs = sorted((tmp_path / "briefs").glob("*.md"))
    assert [b.name for b in briefs] == sorted(f"{p.junior_id}--{p.senior_id}.md"
                                              for p in res.pairs)
    names = [p.name for p in rm.read_participants(roster) if p.name]
    for path in [tmp_path / "r.md", *briefs]:
        content = path.read_text(encoding="utf-8")
        assert "gender" not in content  # sensitive in the programme
        assert not any(name in content for name in names)  # names only with --names
    assert f"wrote {len(res.pairs)} pair briefs" in out
    assert main(["report", roster, "-o", str(tmp_path / "r.html"), "--briefs",
                 str(tmp_path / "named"), "--brief-format", "html", "--names", "-q"]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert any(name in p.read_text(encoding="utf-8") for p in (tmp_path / "named").iterdir()
               for name in names)


def test_report_refuses_an_unknown_format_before_solving(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(EXAMPLES / "roster.csv"), "-o", str(tmp_path / "r.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"rmatch: error: {tmp_path / 'r.pdf'}: a report must end in .md or .html"


def test_columns_refuses_a_header_given_twice_rather_than_dropping_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("Employee ID,Grade,grade\ne1,L1,L2\n", encoding="utf-8")
    out = tmp_path / "map.json"
    assert main(["columns", str(roster), "-o", str(out)]) == 1  # an input error
    assert "'Grade', 'grade' are given more than once" in capsys.readouterr().err
    assert not out.exists()


def test_columns_reads_a_json_path_beside_a_key_that_folds_alike_and_names_objects_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "work.site" beside "worksite" was refused as one header given twice; the
    # objects whose paths are read were listed as "left out", with guesses.
    roster = tmp_path / "api.json"
    roster.write_text(json.dumps([{"id": "a", "role": "junior", "worksite": "Paris",
                                   "work": {"site": "Lyon", "title": "CTO"}}]),
                      encoding="utf-8")
    code, out, err = run_cli(capsys, "columns", str(roster))
    assert code == 0, err
    assert json.loads(out) == {"id": "id", "role": "role", "worksite": "location",
                               "work": None, "work.site": None, "work.title": None}
    assert "left out (null): work.site, work.title\n" in err
    assert "objects read by their paths (map one whole only to skills, goals, " in err
    assert "guesses for 'work':" not in err


def test_columns_says_numbered_grades_own_numbers_and_the_map_reads_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "Band 1".."Band 7" and a "Director": the numbers said, to check, the grade
    # without one named; never written into the value map (schemes may count down).
    roster = tmp_path / "r.csv"
    roster.write_text("Employee ID,Pay Grade,Role\ne1,Band 1,junior\ne2,Band 2,junior\n"
                      "e3,Band 7,senior\ne4,Director,senior\ne5,Band 10,senior\n",
                      encoding="utf-8")
    values = tmp_path / "values.json"
    code, _, err = run_cli(capsys, "columns", str(roster), "--values-output", str(values))
    assert code == 0, err
    [said] = [line for line in err.splitlines() if line.startswith("each grade's own number")]
    assert "(with a number of your own for 'Director')" in said
    numbered = json.loads(said.split(": ", 1)[1])
    assert numbered == {"Band 1": 1, "Band 2": 2, "Band 7": 7, "Band 10": 10}
    assert "level" not in json.loads(values.read_text() or "{}")
    # The line as the user completes it reads every grade.
    values.write_text(json.dumps({"level": {**numbered, "Director": 12}}), encoding="utf-8")
    people = rm.read_participants(roster, columns={"Employee ID": "id", "Pay Grade": "level",
                                                   "Role": "role"},
                                  values=json.loads(values.read_text()))
    assert [p.level for p in people] == [1, 2, 7, 12, 10]
    # Grades written as numbers need no map: nothing said.
    plain = tmp_path / "plain.csv"
    plain.write_text("Employee ID,Pay Grade\ne1,1\ne2,3\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "columns", str(plain))
    assert code == 0, err
    assert "each grade's own number" not in err


def test_a_roster_with_several_problems_names_the_validate_command_that_lists_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "people list.csv"
    roster.write_text("id,role,level\nj1,junior,x\nj2,junior,y\ns1,senior,5\n",
                      encoding="utf-8")
    code, _, err = run_cli(capsys, "match", str(roster), "--no-rules", "--encoding", "utf-8")
    assert code == 1
    [line] = [x for x in err.splitlines() if x.startswith("rmatch: error:")]
    assert "(+1 more problem and a hint: `rmatch validate " in line  # a level map to fill
    shown = shlex.split(line.split("`")[1])
    assert shown == ["rmatch", "validate", str(roster), "--no-rules", "--encoding", "utf-8"]
    code, _, err = run_cli(capsys, *shown[1:])
    assert code == 1
    assert [x.split(": ", 1)[0] for x in err.splitlines() if "field 'level'" in x] == [
        f"{roster}", f"{roster}"]
    assert "rmatch: 2 problem(s) found" in err


def test_managers_outside_the_roster_are_refused_or_read_as_outside_when_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A sign-up form's line managers are mostly not in it. The error names the
    # command line's own way out (it named only the library's check_managers=False);
    # --no-check-managers reads them as people at the top of the chart.
    roster = tmp_path / "signups.csv"
    roster.write_text("id,role,manager_id,level\nj1,junior,m9,1\nj2,junior,s1,1\n"
                      "s1,senior,m8,5\ns2,senior,,5\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "match", str(roster))
    assert code == 1
    assert "with check_managers=False (CLI: --no-check-managers)" in err
    code, _, err = run_cli(capsys, "match", str(roster), "--no-check-managers",
                           "-o", str(tmp_path / "pairs.csv"))
    assert code == 0, err
    assert "note: 2 managers not in the roster are read as outside the programme" in err
    pairs = (tmp_path / "pairs.csv").read_text(encoding="utf-8").splitlines()[1:]
    found = {tuple(line.split(",")[:2]) for line in pairs}
    # The rule still holds within the roster: j2 reports to s1, so j1 gets s1.
    assert found == {("j1", "s1"), ("j2", "s2")}
    # One file per side is read without the check: the chart's error, said the same way.
    juniors, seniors = tmp_path / "mentees.csv", tmp_path / "mentors.csv"
    juniors.write_text("id,role,manager_id,level\nj1,junior,m9,1\nj2,junior,s1,1\n",
                       encoding="utf-8")
    seniors.write_text("id,role,manager_id,level\ns1,senior,m8,5\ns2,senior,,5\n",
                       encoding="utf-8")
    code, _, err = run_cli(capsys, "match", str(juniors), "--seniors-file", str(seniors))
    assert code == 1
    assert ("employee 'j1' has unknown manager 'm9': give the full org chart (--org FILE or "
            "--hr-data EXPORT), or read such managers as outside the programme "
            "(--no-check-managers) (+1 more problem") in err
    code, _, err = run_cli(capsys, "match", str(juniors), "--seniors-file", str(seniors),
                           "--no-check-managers", "-o", str(tmp_path / "sides.csv"))
    assert code == 0, err
    pairs = (tmp_path / "sides.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert {tuple(line.split(",")[:2]) for line in pairs} == found


def test_validate_says_once_when_no_pair_is_allowed(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # The sides swapped: every "junior" born decades before every "senior".
    roster = tmp_path / "swapped.csv"
    roster.write_text("id,role,birth_year\n" + "".join(
        f"j{i},junior,{1960 + i}\n" for i in range(30)) + "".join(
        f"s{i},senior,{1995 + i}\n" for i in range(30)))
    assert main(["validate", str(roster)]) == 0  # the file itself reads right
    out = capsys.readouterr().out
    assert "0 feasible pairs of 900" in out
    assert "warning: no pair is allowed under the programme's constraints" in out
    assert "has no feasible partner" not in out  # not sixty lines of it
    assert "are the sides swapped?" in out


@pytest.mark.parametrize("classic", [True, False])
def test_columns_turns_the_role_words_round_for_a_classic_programmes_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], classic: bool) -> None:
    # Mentors born in the 1960s (a classic programme: they are the seniors),
    # or in the 1990s (reverse mentoring: the juniors mentor, as proposed).
    old, young = (1962, 1996) if classic else (1996, 1962)
    roster = tmp_path / "export.csv"
    roster.write_text("Employee ID,Programme Role,Date of Birth\n" + "".join(
        f"m{i},Mentor,{old + i}\n" for i in range(4)) + "".join(
        f"e{i},Mentee,{young + i}\n" for i in range(4)))
    values = tmp_path / "values.json"
    status, _, err = run_cli(capsys, "columns", str(roster), "--values-output", str(values))
    assert status == 0
    roles = json.loads(values.read_text())["role"]
    assert roles == ({"Mentor": "senior", "Mentee": "junior"} if classic
                     else {"Mentor": "junior", "Mentee": "senior"})
    assert ("the file looks like a classic programme's" in err) is classic
    # Read with the map it proposes, the older people are the seniors, and
    # validate no longer says the sides look swapped.
    columns = tmp_path / "columns.json"
    run_cli(capsys, "columns", str(roster), "-o", str(columns))
    status, out, _ = run_cli(capsys, "validate", str(roster), "--columns", str(columns),
                             "--values", str(values), "--no-rules")
    assert status == 0
    assert "are the sides swapped?" not in out
    people = rm.read_participants(roster, columns=json.loads(columns.read_text()),
                                  values=json.loads(values.read_text()))
    juniors, seniors, _ = rm.split_roles(people)
    assert max(p.birth_year or 0 for p in seniors) < min(p.birth_year or 0 for p in juniors)
