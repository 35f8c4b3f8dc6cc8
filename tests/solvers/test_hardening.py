"""Solving under faults (Ctrl-C, memory, odd numbers, misspelt rules): errors, not wrong results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rmatch as rm
from rmatch import synth
from tests.helpers import ROSTER, run_cli


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
        if pid in sm.juniors.positions:
            row = sm.feasible[sm.juniors.index(pid)]
            caps, ids, counts = sm.seniors.capacity, sm.senior_ids, counts_s
        else:
            row = sm.feasible[:, sm.seniors.index(pid)]
            caps, ids, counts = sm.juniors.capacity, sm.junior_ids, counts_j
        for k in np.flatnonzero(row & (caps > 0)):
            assert counts[ids[k]] >= caps[k], f"{pid}: {ids[k]} has room but is called taken"
        checked += 1
    assert res.unmatched_juniors  # 30 juniors, 24 seniors: someone is left
    assert checked or any(" room, but " in r for r in res.unmatched_reasons.values())


def test_a_huge_capacity_is_clamped_not_allocated() -> None:
    juniors = [rm.Participant(id=f"j{i}", capacity=10**9) for i in range(40)]
    seniors = [rm.Participant(id=f"s{i}", capacity=10**9) for i in range(30)]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    assert len(res.pairs) == 40 * 30
    res.check()


_INTERRUPTED_SOLVE = """
import os, signal, threading, time
import numpy as np
from ortools.sat.python import cp_model
from rmatch.solvers.sat import run_model
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
    print("finished", s.status_name(run_model(s, m)))
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
    status, _, err = run_cli(capsys, "match", str(ROSTER), "--program", str(program))
    assert status == 1
    assert "memory_limit_gb" in err


def test_scoring_spans_too_small_to_compute_with_are_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"greater than or equal to 0\.01"):
        rm.ScoringOptions(age_span_years=1e-300)


class _Broken:
    """A progress callback that fails on its first call, counting calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, progress: rm.solvers.Progress) -> None:
        self.calls += 1
        raise ValueError("the dashboard is down")


@pytest.mark.parametrize("path", ["cpsat", "heartbeat", "candidates"])
def test_an_exception_in_the_progress_callback_reaches_the_caller_on_every_path(
        path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from rmatch.solvers import problem as _problem

    org = synth.generate(400, seed=3)
    juniors, seniors = synth.cohort(org, 30, 30, seed=3)
    program = rm.Program(constraints=[])
    if path == "cpsat":  # a rule the optimum breaks: CP-SAT's search calls back
        program = rm.Program(constraints=[rm.MinShare(attribute="department", share=0.3,
                                                      same=True)])
    elif path == "heartbeat":  # the helper thread calls back
        monkeypatch.setattr(_problem, "HEARTBEAT_S", 0.0)
    broken = _Broken()
    solver = "candidates" if path == "candidates" else None
    with pytest.raises(ValueError, match="the dashboard is down"):
        rm.match(juniors, seniors, program, solver=solver, progress=broken)
    assert broken.calls == 1  # never called again once it failed
    sm = rm.score(juniors, seniors, program)
    again = _Broken()
    with pytest.raises(ValueError, match="the dashboard is down"):
        rm.solve(sm, solver=solver, progress=again)
    assert again.calls == 1
