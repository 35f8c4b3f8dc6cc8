"""Reduced-cost fixing and the core search (rmatch.solvers.core) against brute force.

The core search claims the optimum of the whole programme from a solve of
a few pairs; these tests make the cores small on purpose (one pair per
person to start with), so that the growth and the proof are exercised, and
check the answer against every assignment.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmatch.constraints.compiled import SCALE, BalanceRule, CoverRule, MinRule, ShareRule
from rmatch.solvers import core
from rmatch.solvers.lagrange import price_shares
from rmatch.solvers.problem import Problem, objective, rules_hold
from rmatch.solvers.sparse import reduced_costs
from rmatch.solvers.starts import relaxed_optimum
from tests.oracle import _assignments

IntArray = npt.NDArray[np.int64]


@st.composite
def instances(draw: st.DrawFn, max_side: int = 4, max_pairs: int = 14) -> dict[str, Any]:
    """A small random programme: scores, allowed pairs and capacities."""
    n = draw(st.integers(1, max_side))
    m = draw(st.integers(1, max_side))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    total = rng.integers(1, 60, size=(n, m)).astype(np.float32) / 64  # exact in float32
    feasible = rng.random((n, m)) < draw(st.sampled_from([0.6, 0.85, 1.0]))
    while feasible.sum() > max_pairs:
        feasible[tuple(rng.choice(np.argwhere(feasible)))] = False
    cap_j = rng.integers(1, draw(st.integers(1, 2)) + 1, size=n).astype(np.int64)
    cap_s = rng.integers(1, draw(st.integers(1, 2)) + 1, size=m).astype(np.int64)
    return {"total": total, "feasible": feasible, "cap_j": cap_j, "cap_s": cap_s, "rng": rng}


def _every(inst: dict[str, Any]) -> list[tuple[IntArray, IntArray]]:
    """Every assignment within the capacities, as (rows, cols)."""
    masks, rows, cols, ok = _assignments(inst["feasible"], inst["cap_j"], inst["cap_s"])
    return [(rows[mask == 1], cols[mask == 1]) for mask in masks[ok]]


@settings(max_examples=60, deadline=None)
@given(instances())
def test_reduced_costs_bound_every_assignment_with_as_many_pairs(inst: dict[str, Any]) -> None:
    total, feasible = inst["total"], inst["feasible"]
    n, m = feasible.shape
    rows, cols = (a.astype(np.int64) for a in np.nonzero(feasible))
    weights = np.rint(total[rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    chosen, rc, pot_j, pot_s = reduced_costs(n, m, rows, cols, weights, inst["cap_j"],
                                             inst["cap_s"])
    assert (rc == pot_j[rows] - pot_s[cols] - weights)[~chosen].all()
    assert (rc >= 0).all()
    best = int(weights[chosen].sum())
    index = {(r, c): e for e, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(),
                                                      strict=True))}
    most = max(len(r) for r, _ in _every(inst))
    assert int(chosen.sum()) == most
    for a_rows, a_cols in _every(inst):
        if len(a_rows) != most:
            continue
        edges = [index[(r, c)] for r, c in zip(a_rows.tolist(), a_cols.tolist(), strict=True)]
        # The fixing argument: an assignment with as many pairs loses at
        # least the reduced costs of the pairs it brings in.
        assert int(weights[edges].sum()) <= best - int(rc[edges].sum())


def _pairs(rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray, cap_s: IntArray,
           count: int) -> core.CorePairs:
    n, m = int(cap_j.shape[0]), int(cap_s.shape[0])
    return core.CorePairs(rows, cols, weights.astype(np.float64) / SCALE,
                          np.zeros(len(rows), bool), cap_j, cap_s, count, (n, m))


def _rules(inst: dict[str, Any], kinds: list[str]) -> tuple[Any, ...]:
    rng = inst["rng"]
    n, m = inst["feasible"].shape
    out: list[Any] = []
    for kind in kinds:
        if kind == "share":
            share = float(rng.choice([0.25, 0.5, 2 / 3, 0.75]))
            out.append(ShareRule("share", rng.random((n, m)) < 0.4, share,
                                 at_most=bool(rng.random() < 0.3)))
        elif kind == "balance":
            out.append(BalanceRule("balance", rng.integers(0, 2, size=m).astype(np.int64),
                                   float(rng.choice([0.0, 0.05, 0.2]))))
        elif kind == "cover":
            out.append(CoverRule("cover", "juniors" if rng.random() < 0.5 else "seniors"))
        else:
            out.append(MinRule("min", np.minimum(rng.integers(0, 2, size=n), inst["cap_j"]),
                               np.zeros(m, np.int64)))
    return tuple(out)


def _meeting(problem: Problem, inst: dict[str, Any],
             count: int) -> list[tuple[float, tuple[IntArray, IntArray]]]:
    """Every assignment with ``count`` pairs under every rule, with its score, worst first."""
    fixed = set(zip(problem.fixed_rows.tolist(), problem.fixed_cols.tolist(), strict=True))
    found = [(objective(problem, r, c), (r, c)) for r, c in _every(inst)
             if len(r) == count and fixed <= set(zip(r.tolist(), c.tolist(), strict=True))
             and rules_hold(problem, r, c)]
    return sorted(found, key=lambda f: f[0])


kinds = st.lists(st.sampled_from(["share", "balance", "cover", "min"]), min_size=1,
                 max_size=3, unique=True).filter(lambda k: "share" in k or "balance" in k)


@pytest.mark.parametrize("backend", ["highs", "cpsat"])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inst=instances(), rule_kinds=kinds, with_fixed=st.booleans(), priced=st.booleans(),
       worst_start=st.booleans())
def test_core_search_is_optimal_from_the_smallest_core(
        backend: str, inst: dict[str, Any], rule_kinds: list[str], with_fixed: bool,
        priced: bool, worst_start: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # One pair per person to start: the cores must grow, and the proof must hold.
    monkeypatch.setattr(core, "CORE_MIN", 1)
    monkeypatch.setattr(core, "CORE_PER_PERSON", 0)
    if backend == "cpsat":
        monkeypatch.setattr(core, "highs", lambda *args: None)
    fixed_rows = fixed_cols = np.zeros(0, np.int64)
    if with_fixed and inst["feasible"].any():
        r, c = np.argwhere(inst["feasible"])[0]
        fixed_rows, fixed_cols = np.array([r]), np.array([c])
    problem = Problem(inst["total"], inst["feasible"], inst["cap_j"], inst["cap_s"],
                      time_limit_s=30, fixed_rows=fixed_rows, fixed_cols=fixed_cols,
                      rules=_rules(inst, rule_kinds))
    r_rows, _, _ = relaxed_optimum(problem)
    count = len(r_rows)
    shares = [r for r in problem.rules if isinstance(r, ShareRule)]
    # Any multiplier >= 0 gives a valid bound; 0 (the scores alone) gives
    # first cores whose optimum is often not the programme's: the search must grow.
    lam = price_shares(problem, lambda w: relaxed_optimum(problem, w)).multiplier \
        if shares and priced else 0.0
    meeting = _meeting(problem, inst, count)
    # The worst assignment as the start: its pairs join the first core, whose
    # optimum it then often is; only the proof says the search must go on.
    start = meeting[0][1] if meeting and worst_start else None
    found = core.solve_core(problem, count, start, lam, time.perf_counter())
    if not meeting:
        assert found is None  # no assignment with the most pairs meets the rules
        return
    best = meeting[-1][0]
    assert found is not None
    assert found.status == "optimal"
    assert len(found.rows) == count
    assert rules_hold(problem, found.rows, found.cols)
    assert set(zip(fixed_rows.tolist(), fixed_cols.tolist(), strict=True)) <= set(
        zip(found.rows.tolist(), found.cols.tolist(), strict=True))
    assert objective(problem, found.rows, found.cols) == pytest.approx(best, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(inst=instances(), rule_kinds=st.lists(st.sampled_from(["share", "balance", "cover",
                                                              "min"]), min_size=1,
                                              max_size=4, unique=True))
def test_linear_rows_agree_with_the_exact_checks(inst: dict[str, Any],
                                                 rule_kinds: list[str]) -> None:
    feasible = inst["feasible"]
    rows, cols = (a.astype(np.int64) for a in np.nonzero(feasible))
    weights = np.rint(inst["total"][rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    index = {(r, c): e for e, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(),
                                                      strict=True))}
    for rule in _rules(inst, rule_kinds):
        for a_rows, a_cols in _every(inst):
            pairs = _pairs(rows, cols, weights, inst["cap_j"], inst["cap_s"], len(a_rows))
            written = rule.linear(pairs)
            options = [written]
            if written is None:  # a balance whose groups this count does not fill
                assert isinstance(rule, BalanceRule)
                splits = rule.splits(pairs, most=100)
                assert splits is not None
                # It holds when the rows of one way the groups fall short hold.
                options = [rule.linear(pairs, counts) for counts in splits]
            x = np.zeros(len(rows))
            x[[index[(r, c)] for r, c in zip(a_rows.tolist(), a_cols.tolist(),
                                             strict=True)]] = 1
            inside = False
            for option in options:
                assert option is not None
                matrix, lo, hi = option
                value = matrix @ x
                inside |= bool(np.all(value >= lo - 1e-9) & np.all(value <= hi + 1e-9))
            a_weights = weights[(x == 1)] if len(a_rows) else np.zeros(0, np.int64)
            assert inside == rule.holds(a_rows, a_cols, a_weights, feasible.shape)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(0, 1), st.integers(0, 2**31 - 1),
       st.sampled_from([0.0, 1 / 64, 0.05, 0.2]))
def test_balance_rows_agree_when_every_senior_is_matched(m: int, extra: int, seed: int,
                                                         gap: float) -> None:
    # Every senior takes one partner and all are matched: the groups are
    # full, which is when the balance is linear.
    rng = np.random.default_rng(seed)
    n = m + extra
    inst = {"total": rng.integers(1, 60, size=(n, m)).astype(np.float32) / 64,
            "feasible": np.ones((n, m), bool), "cap_j": np.ones(n, np.int64),
            "cap_s": np.ones(m, np.int64)}
    rule = BalanceRule("balance", rng.integers(0, 2, size=m).astype(np.int64), gap)
    rows, cols = (a.astype(np.int64) for a in np.nonzero(inst["feasible"]))
    weights = np.rint(inst["total"][rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    pairs = _pairs(rows, cols, weights, inst["cap_j"], inst["cap_s"], m)
    written = rule.linear(pairs)
    assert written is not None
    matrix, lo, hi = written
    for a_rows, a_cols in _every(inst):
        if len(a_rows) != m:
            continue
        x = np.zeros(len(rows))
        x[a_rows * m + a_cols] = 1
        value = matrix @ x
        inside = bool(np.all(value >= lo - 1e-9) & np.all(value <= hi + 1e-9))
        assert inside == rule.holds(a_rows, a_cols, weights[a_rows * m + a_cols])


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inst=instances(), rule_kinds=kinds)
def test_the_search_goes_on_until_the_proof_holds(inst: dict[str, Any], rule_kinds: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The worst assignment as the start and the plain scores' reduced costs:
    # in about one case in thirty the first core's optimum is not the
    # programme's, and only the proof (no pair outside the core can do
    # better) sends the search on.
    monkeypatch.setattr(core, "CORE_MIN", 1)
    monkeypatch.setattr(core, "CORE_PER_PERSON", 0)
    problem = Problem(inst["total"], inst["feasible"], inst["cap_j"], inst["cap_s"],
                      time_limit_s=30, rules=_rules(inst, rule_kinds))
    count = len(relaxed_optimum(problem)[0])
    meeting = _meeting(problem, inst, count)
    if not meeting:
        return
    found = core.solve_core(problem, count, meeting[0][1], 0.0, time.perf_counter())
    assert found is not None
    assert found.status == "optimal"
    assert objective(problem, found.rows, found.cols) == pytest.approx(meeting[-1][0], abs=1e-9)
