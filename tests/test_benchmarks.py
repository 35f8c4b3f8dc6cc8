"""The benchmark harness runs and reports honestly (peers need the network: not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rmatch.solvers import Problem, run

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _worker(task: str, n: int, cache: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.worker", task, str(n), "0",
                           str(cache)], capture_output=True, text=True, check=True,
                          cwd=BENCH.parent)
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def test_worker_measures_rmatch_and_scipy_on_one_instance(tmp_path: Path) -> None:
    auto = _worker("rmatch:auto", 60, tmp_path)
    data = np.load(tmp_path / "instance_60_0.npz")  # the instance peers are fed
    flow = run("flow", Problem(data["total"], data["feasible"], np.ones(60, np.int64),
                               np.ones(60, np.int64)))[1]
    assert auto["pairs"] == len(flow.rows)
    assert auto["objective"] == pytest.approx(
        float(data["total"][flow.rows, flow.cols].astype(np.float64).sum()), abs=1e-6)
    assert auto["time_s"] == pytest.approx(auto["score_s"] + auto["solve_s"])
    scipy = _worker("scipy", 60, tmp_path)
    assert scipy["time_s"] > 0


def test_the_runner_lists_every_benchmark_and_each_has_a_main(
        capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    from benchmarks.__main__ import BENCHMARKS, MODULES, main

    assert main([]) == 0
    listed = capsys.readouterr().out
    for name in BENCHMARKS:
        assert name in listed
        module = importlib.import_module(f"benchmarks.{MODULES.get(name, name)}")
        assert callable(module.main)
    assert main(["no-such-benchmark"]) == 2
    on_disk = {p.stem for p in BENCH.glob("*.py")} - {"__init__", "__main__", "common",
                                                      "worker"}
    assert on_disk == {MODULES.get(name, name) for name in BENCHMARKS}


def test_the_runner_runs_a_benchmark_and_saves_its_table(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from benchmarks import common
    from benchmarks.__main__ import main

    monkeypatch.setattr(common, "RESULTS", tmp_path)
    assert main(["synth", "--sizes", "2000", "--repeats", "1"]) == 0
    saved = json.loads((tmp_path / "synth.json").read_text())
    assert saved["rows"][0]["employees"] == 2000
    assert "rmatch_commit" in saved["machine"]
    assert (tmp_path / "synth.md").read_text().startswith("# rmatch.synth.generate")


def test_tables_compare_against_rmatch_auto() -> None:
    from benchmarks import suite

    rows = [
        {"task": "rmatch:auto", "n": 10, "status": "ok", "time_s": 0.01, "objective": 5.0,
         "pairs": 10, "peak_mb": 1.0, "score_s": 0.004, "solve_s": 0.006},
        {"task": "mentor-match", "n": 10, "status": "ok", "time_s": 2.0, "objective": 4.0,
         "pairs": 9, "peak_mb": 2.0},
        {"task": "networkx", "n": 10, "status": "timeout", "wall_s": 60},
    ]
    text = suite.tables(rows)
    assert "| 10 | mentor-match | 2 |  |  | 2 | 9 | 0.8 | 200x |" in text
    assert "| 10 | networkx | timeout |" in text


def test_the_block_benchmark_times_the_three_shapes_the_candidate_path_reads(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from benchmarks import common, scale

    monkeypatch.setattr(common, "RESULTS", tmp_path)
    scale.main(["--blocks", "2000", "--seeds", "0"])
    rows = json.loads((tmp_path / "scale_blocks.json").read_text())["rows"]
    assert [r["block"] for r in rows] == ["wide (first pass)", "tall (one group)", "ten groups"]
    wide, tall, ten = rows
    assert (wide["seniors"], tall["seniors"], ten["seniors"]) == (2000, 64, 640)
    assert tall["juniors"] >= ten["juniors"]
    assert tall["juniors"] > wide["juniors"]
    assert all(r["ms"] > 0 and r["ns_per_pair"] > 0 for r in rows)


def test_first_pass_benchmark_times_the_pass_and_its_halves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import common, scale

    monkeypatch.setattr(common, "RESULTS", tmp_path)
    scale.main(["--first-pass", "3000", "--seeds", "0"])
    rows = json.loads((tmp_path / "scale_first_pass.json").read_text())["rows"]
    parts = ["whole pass", "scoring alone", "selection alone"]
    assert [(r["part"], r["threads"]) for r in rows] == [(p, t) for t in (2, 1) for p in parts]
    assert all(r["seconds"] > 0 and r["ns_per_pair"] > 0 for r in rows)


def test_the_solves_benchmark_times_each_full_solve_both_ways(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every full solve of a run on candidates, by both solvers: the same totals, and the
    run's own solver restored afterwards."""
    from benchmarks import common, scale

    from rmatch.solvers import assignment, certificate
    from rmatch.solvers import match as matching

    monkeypatch.setattr(common, "RESULTS", tmp_path)
    monkeypatch.setattr(matching, "CANDIDATE_CELLS", 1)  # candidates at this size
    monkeypatch.setattr(certificate, "ASSIGNMENT_FROM", 0)  # every full solve
    scale.main(["--solves", "1500", "--seeds", "0"])
    rows = json.loads((tmp_path / "scale_solves.json").read_text())["rows"]
    assert rows
    assert [r["solve"] for r in rows] == list(range(len(rows)))
    assert rows[0]["from_last_prices"] is False
    assert all(r["same_total"] for r in rows)
    assert all(r["assignment_s"] > 0 and r["flow_s"] > 0 for r in rows)
    assert {r["first"] for r in rows} == ({"assignment", "flow"} if len(rows) > 1
                                          else {"assignment"})
    assert vars(certificate)["assigned"] is assignment.assigned
