"""Every notebook and script in examples/ runs, and does what it says."""

from __future__ import annotations

import csv
import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import rmatch as rm

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# Each script with the arguments its docstring tells a user to run it with.
SCRIPTS = {"hr_tool.py": ["examples/roster.csv", "examples/program.json", "--out", "out"],
           "peer_survey.py": ["../shared/peers/mentor-match/small"]}
PEERS = Path(__file__).resolve().parents[2] / "shared" / "peers" / "mentor-match"


def run_notebook(path: Path, cwd: Path) -> dict[str, Any]:
    """Execute a notebook's code cells in order in one namespace, as a kernel would."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {"__name__": "__main__"}
    old = Path.cwd()
    os.chdir(cwd)
    try:
        for n, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                exec(compile(source, f"{path.name}[cell {n}]", "exec"), namespace)
    finally:
        os.chdir(old)
    return namespace


def test_every_example_is_covered() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    assert scripts == set(SCRIPTS)
    assert sorted(p.name for p in EXAMPLES.glob("*.ipynb")) == ["programme.ipynb",
                                                                "year_programme.ipynb"]


def test_programme_notebook(tmp_path: Path) -> None:
    ns = run_notebook(EXAMPLES / "programme.ipynb", tmp_path)
    result: rm.MatchResult = ns["result"]
    result.check()
    assert result.status == "optimal"
    assert len(result.pairs) == min(len(ns["juniors"]), len(ns["seniors"]))
    assert ns["report"].cross_department_share >= 0.7  # the notebook's MinShare rule
    assert len(list((tmp_path / "briefs").glob("*.html"))) == len(result.pairs)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "gender" not in page  # sensitive in the notebook's programme
    # Deterministic: solving the notebook's scores again gives the same pairs.
    assert rm.solve(ns["sm"]).pairs == result.pairs


def _copy_examples(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")


def test_hr_tool_script(tmp_path: Path) -> None:
    _copy_examples(tmp_path)
    done = subprocess.run([sys.executable, "examples/hr_tool.py", *SCRIPTS["hr_tool.py"]],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    with (out / "pairs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["junior_id"], r["senior_id"]) for r in rows] == \
        [(p["junior_id"], p["senior_id"]) for p in data["pairs"]]
    assert len(list((out / "briefs").glob("*.md"))) == len(rows)
    people = rm.read_participants(EXAMPLES / "roster.csv")
    read_in = {p.id for p in people if p.role}
    accounted = {p["junior_id"] for p in data["pairs"]} | {p["senior_id"] for p in data["pairs"]}
    assert read_in == accounted | set(data["unmatched_juniors"]) | set(data["unmatched_seniors"])
    assert f"{len(rows)} pairs" in done.stdout


@pytest.mark.parametrize(("program", "code", "message"), [
    ({"constraints": [{"kind": "match_all", "side": "juniors"},
                      {"kind": "min_score", "value": 0.99}]}, 2, "infeasible: "),
    ({"constraints": [{"kind": "no_such_rule"}]}, 1, "error: "),
])
def test_hr_tool_exit_codes(tmp_path: Path, program: dict[str, Any], code: int,
                            message: str, capsys: pytest.CaptureFixture[str]) -> None:
    # In-process (the subprocess run above shows the script works as a command).
    (tmp_path / "p.json").write_text(json.dumps(program), encoding="utf-8")
    script = runpy.run_path(str(EXAMPLES / "hr_tool.py"))
    status = script["main"]([str(EXAMPLES / "roster.csv"), str(tmp_path / "p.json"),
                             "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == code
    assert err.startswith(message)
    assert not (tmp_path / "out").exists()  # nothing half-written


@pytest.mark.skipif(not PEERS.exists(), reason="the peer's sample data is not beside the repo")
def test_peer_survey_script(capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["peer_survey.py", str(PEERS / "small")])
    runpy.run_path(str(EXAMPLES / "peer_survey.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("100 people: 50 mentees, 50 mentors, 0 on both sheets")
    assert "proven the best possible" in out


def test_year_programme_notebook(tmp_path: Path) -> None:
    ns = run_notebook(EXAMPLES / "year_programme.ipynb", tmp_path)
    quarters: list[rm.MatchResult] = ns["quarters"]
    assert len(quarters) == 4
    pairs = [(p.junior_id, p.senior_id) for q in quarters for p in q.pairs]
    assert len(pairs) == len(set(pairs))  # nobody met the same partner twice
    for q in quarters:
        q.check()
    rematched: rm.Rematch = ns["q2"]
    assert [c.reason for c in rematched.broken] == [f"{ns['leaver']!r} left"]
    assert "new-hire" in {p.junior_id for p in rematched.result.pairs}
    # The feedback rewarded skills only; the calibrated weights learnt that.
    weights = ns["program"].weights.as_dict()
    assert max(weights, key=lambda k: weights[k]) == "skills"
    assert ns["report"].blocking_pairs is not None
