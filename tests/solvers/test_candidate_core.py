"""The core search on the candidate path (rmatch.solvers.candidate_core) against brute force."""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.constraints.compiled import PairShare
from rmatch.solvers.candidate_core import close_on_candidates
from rmatch.solvers.candidate_rules import broken_rules
from rmatch.solvers.certificate import DenseSource
from tests.oracle import _assignments
from tests.solvers.test_core import instances


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
