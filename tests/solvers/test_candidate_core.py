"""The core search on the candidate path (rmatch.solvers.candidate_core) against brute force."""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.constraints.compiled import BalanceRule, PairShare
from rmatch.solvers.candidate_core import _checker, close_on_candidates, exchange_start
from rmatch.solvers.candidate_rules import broken_rules
from rmatch.solvers.certificate import DenseSource
from rmatch.solvers.core import CorePairs, Pool
from tests.oracle import _assignments
from tests.solvers.test_core import instances

IntArray = npt.NDArray[np.int64]


@settings(max_examples=80, deadline=None)
@given(inst=instances(), share=st.sampled_from([0.25, 0.5, 2 / 3, 0.75]),
       same=st.booleans(), at_most=st.booleans(), lam=st.sampled_from([0.0, 0.1, 0.5]),
       with_fixed=st.booleans())
def test_the_candidate_core_is_the_optimum_with_the_most_pairs(
        inst: dict[str, Any], share: float, same: bool, at_most: bool, lam: float,
        with_fixed: bool) -> None:
    total, feasible = inst["total"], inst["feasible"]
    n, m = feasible.shape
    rng = inst["rng"]
    rule = PairShare("share", rng.integers(0, 2, n), rng.integers(0, 2, m), same=same,
                     share=Fraction(share).limit_denominator(10**6), at_most=at_most)
    cap_j, cap_s = inst["cap_j"].copy(), inst["cap_s"].copy()
    fixed_r = fixed_c = np.zeros(0, np.int64)
    if with_fixed and feasible.any():
        r, c = np.argwhere(feasible)[0]
        fixed_r, fixed_c = np.array([r]), np.array([c])
    # The source serves the programme with the required pairs taken out.
    free = feasible.copy()
    free[fixed_r, fixed_c] = False
    cap_j[fixed_r] -= 1
    cap_s[fixed_c] -= 1
    masks, rows, cols, ok = _assignments(free, cap_j, cap_s)
    counts = masks.sum(axis=1)
    most = int(counts[ok].max())
    # Candidates: one assignment with the most pairs, and nothing else, so
    # the scan must find the pairs of negative reduced cost itself.
    first = masks[ok & (counts == most)][0] == 1
    keys = rows[first] * m + cols[first]
    source = DenseSource(total, free)
    found = close_on_candidates(
        source, keys, total[rows[first], cols[first]].astype(np.float64), (rule,), (rule,),
        lam, cap_j, cap_s, (fixed_r, fixed_c, total[fixed_r, fixed_c].astype(np.float64)),
        None, time.perf_counter() + 30)
    scores = []
    for mask in masks[ok & (counts == most)]:
        r = np.concatenate([fixed_r, rows[mask == 1]])
        c = np.concatenate([fixed_c, cols[mask == 1]])
        if not broken_rules((rule,), r, c, total[r, c], (n, m)):
            scores.append(float(total[r, c].astype(np.float64).sum()))
    if not scores:
        assert found is None
        return
    assert found is not None
    assert found.status == "optimal"
    assert len(found.rows) == most
    r = np.concatenate([fixed_r, found.rows])
    c = np.concatenate([fixed_c, found.cols])
    assert not broken_rules((rule,), r, c, total[r, c], (n, m))
    assert float(total[r, c].astype(np.float64).sum()) == pytest.approx(max(scores), abs=1e-9)


@pytest.mark.parametrize("seed", [0, 1])
def test_candidates_and_the_dense_solver_prove_the_same_optimum_under_a_share(seed: int) -> None:
    org = rm.synth.generate(900, seed=seed)
    juniors, seniors = rm.synth.cohort(org, 60, 60, seed=seed, max_junior_level=0,
                                       min_senior_level=1)
    con = rm.MinShare(attribute="location", share=0.5, same=True)
    program = rm.Program(constraints=[rm.SharedLanguage(), con])
    relaxed = rm.match(juniors, seniors, rm.Program(constraints=[rm.SharedLanguage()]),
                       org=org.org_chart())
    dense = rm.match(juniors, seniors, program, org=org.org_chart(), solver="cpsat")
    cand = rm.match(juniors, seniors, program, org=org.org_chart(), solver="candidates")
    assert relaxed.objective > dense.objective  # the rule binds
    assert dense.status == cand.status == "optimal"
    assert len(cand.pairs) == len(dense.pairs)
    assert cand.objective == pytest.approx(dense.objective, abs=1e-9)


def _small_balance(seed: int) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    total = (rng.integers(1, 60, size=(n, m)) / 64).astype(np.float32)
    feasible = rng.random((n, m)) < 0.85
    while feasible.sum() > 14:
        feasible[tuple(np.argwhere(feasible)[rng.integers(feasible.sum())])] = False
    rule = BalanceRule("balance", rng.integers(0, 2, m).astype(np.int64),
                       float(rng.choice([0.0, 1 / 64, 0.1])))
    return total, feasible, rule, np.ones(n, np.int64), np.ones(m, np.int64)


def test_a_balance_on_candidates_is_met_by_exchanges_then_proven() -> None:
    solved = 0
    for seed in range(60):
        total, feasible, rule, cap_j, cap_s = _small_balance(seed)
        n, m = feasible.shape
        masks, rows, cols, ok = _assignments(feasible, cap_j, cap_s)
        counts = masks.sum(axis=1)
        most = int(counts[ok].max())
        first = masks[ok & (counts == most)][0] == 1
        found = close_on_candidates(
            DenseSource(total, feasible), rows[first] * m + cols[first],
            total[rows[first], cols[first]].astype(np.float64), (), (rule,), 0.0, cap_j, cap_s,
            None, None, time.perf_counter() + 30)
        scores = [float(total[rows[mk == 1], cols[mk == 1]].astype(np.float64).sum())
                  for mk in masks[ok & (counts == most)]
                  if not broken_rules((rule,), rows[mk == 1], cols[mk == 1],
                                      total[rows[mk == 1], cols[mk == 1]], (n, m))]
        if found is None:
            # Small programmes fit in one pool: only when no assignment with
            # the most pairs meets the balance is there nothing to return.
            assert not scores
            continue
        solved += 1
        assert scores, "a balance nobody can meet was claimed met"
        assert found.status == "optimal"
        assert len(found.rows) == most
        assert not broken_rules((rule,), found.rows, found.cols,
                                total[found.rows, found.cols], (n, m))
        got = float(total[found.rows, found.cols].astype(np.float64).sum())
        assert got == pytest.approx(max(scores), abs=1e-9)
    assert solved >= 35  # most programmes have an assignment with the most pairs meeting it


def test_exchanges_keep_the_pairs_and_meet_the_balance() -> None:
    met = 0
    for seed in range(60):
        total, feasible, rule, cap_j, cap_s = _small_balance(seed)
        n, m = feasible.shape
        rows, cols = (a.astype(np.int64) for a in np.nonzero(feasible))
        pairs = CorePairs(rows, cols, total[rows, cols].astype(np.float64),
                          np.zeros(len(rows), bool), cap_j, cap_s, 0, (n, m))
        relaxed = brute_relaxed(total, feasible)
        check = _checker((rule,), (n, m))
        got = exchange_start(Pool(pairs, np.zeros(len(rows)), bound=0.0), relaxed, (rule,),
                             check, time.perf_counter() + 10)
        if got is None:
            continue
        met += 1
        r, c = got // m, got % m
        assert len(got) == len(relaxed)  # exchanges keep every pair
        assert np.bincount(r, minlength=n).max() <= 1
        assert np.bincount(c, minlength=m).max() <= 1
        assert feasible[r, c].all()
        assert check(r, c, total[r, c].astype(np.float64))
    assert met >= 25  # exchanges alone meet it in about half of them


def brute_relaxed(total: npt.NDArray[np.float32], feasible: npt.NDArray[np.bool_]) -> IntArray:
    """Keys of an optimum without the rule (most pairs, then most score)."""
    masks, rows, cols, ok = _assignments(feasible, np.ones(feasible.shape[0], np.int64),
                                         np.ones(feasible.shape[1], np.int64))
    counts = masks.sum(axis=1)
    scores = masks @ total[rows, cols].astype(np.float64)
    best = int(np.lexsort((scores[ok], counts[ok]))[-1])
    pick = masks[ok][best] == 1
    return np.sort(rows[pick] * feasible.shape[1] + cols[pick])
