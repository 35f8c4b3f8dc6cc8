"""A programme-wide rule compiles the same way for a dense programme and for blocks of it.

The dense form holds the juniors x seniors matrix of pairs a rule counts; the
block form holds per-person codes. On any set of pairs both must agree on
whether the rule holds and on what they measured, and both must agree with a
count done pair by pair in plain Python (the oracle).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

import rmatch as rm
from rmatch.constraints.compiled import SCALE, CpsatModel
from rmatch.constraints.programme import GlobalRule
from rmatch.program import SOLVERS, Program
from rmatch.solvers import BACKENDS

DEPARTMENTS = ["IT", "HR", "Ops", None]


def _people(draw: st.DrawFn, prefix: str, n: int) -> list[rm.Participant]:
    return [rm.Participant(id=f"{prefix}{k}", department=draw(st.sampled_from(DEPARTMENTS)),
                           attributes={"gender": draw(st.sampled_from(["f", "m"]))})
            for k in range(n)]


@st.composite
def programmes(draw: st.DrawFn) -> tuple[rm.ScoreMatrix, np.ndarray, np.ndarray]:
    n, m = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    juniors, seniors = _people(draw, "j", n), _people(draw, "s", m)
    rules: list[rm.Constraint] = [
        rm.MinShare(attribute="department", share=draw(st.sampled_from([0.0, 0.3, 0.5, 1.0])),
                    same=draw(st.booleans()), at_most=draw(st.booleans())),
        rm.GroupBalance(attribute="gender", max_gap=draw(st.sampled_from([0.0, 0.1, 1.0]))),
        rm.MatchAll(side=draw(st.sampled_from(["juniors", "seniors"]))),
    ]
    sm = rm.score(juniors, seniors, rm.Program(constraints=rules))
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), max_size=n))
    rows = np.array(sorted(r for r, _ in pairs), dtype=np.int64)
    cols = np.array([c for _, c in sorted(pairs)], dtype=np.int64)
    return sm, rows, cols


def _oracle(con: rm.Constraint, sm: rm.ScoreMatrix, rows: np.ndarray, cols: np.ndarray,
            weights: np.ndarray) -> bool:
    """The rule's meaning, pair by pair, in exact fractions."""
    pairs = list(zip(rows.tolist(), cols.tolist(), strict=True))
    if isinstance(con, rm.MinShare):
        def value(side: rm.ParticipantArrays, k: int) -> object:
            return side.people[k].department
        hits = sum(1 for i, k in pairs
                   if value(sm.juniors, i) is not None and value(sm.seniors, k) is not None
                   and (value(sm.juniors, i) == value(sm.seniors, k)) == con.same)
        share = Fraction(con.share).limit_denominator(10**6)
        return hits <= share * len(pairs) if con.at_most else hits >= share * len(pairs)
    if isinstance(con, rm.GroupBalance):
        groups: dict[object, list[int]] = {}
        for (_, k), w in zip(pairs, weights.tolist(), strict=True):
            groups.setdefault(sm.seniors.people[k].attributes["gender"], []).append(w)
        means = [Fraction(sum(ws), len(ws)) for ws in groups.values()]
        gap = int(np.floor(con.max_gap * SCALE))
        return not means or max(means) - min(means) <= gap
    assert isinstance(con, rm.MatchAll)
    people = {i for i, _ in pairs} if con.side == "juniors" else {k for _, k in pairs}
    return len(people) == (sm.shape[0] if con.side == "juniors" else sm.shape[1])


@settings(max_examples=150, deadline=None)
@given(programmes())
def test_dense_and_block_forms_agree_with_each_other_and_the_oracle(
        case: tuple[rm.ScoreMatrix, np.ndarray, np.ndarray]) -> None:
    sm, rows, cols = case
    weights = np.rint(sm.total[rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    scores = sm.total[rows, cols].astype(np.float64)
    for con in sm.program.constraints:
        assert isinstance(con, GlobalRule)
        dense, blocks = con.compile(sm.context()), con.compile_blocks(sm.juniors, sm.seniors)
        expected = _oracle(con, sm, rows, cols, weights)
        assert dense.holds(rows, cols, weights, sm.shape) == expected
        assert blocks.holds(rows, cols, weights, sm.shape) == expected
        assert dense.label == blocks.label == con.label()
        ok_d, text_d = dense.measure(rows, cols, scores, sm.shape)
        ok_b, text_b = blocks.measure(rows, cols, scores, sm.shape)
        assert text_d == text_b
        if not isinstance(con, rm.GroupBalance):  # balance: measured in floats, held exactly
            assert ok_d == ok_b == expected


def test_a_sensitive_balance_withholds_small_groups_means() -> None:
    rule = rm.GroupBalance(attribute="gender", max_gap=0.5)
    juniors = [rm.Participant(id=f"j{k}") for k in range(3)]
    seniors = [rm.Participant(id=f"s{k}", attributes={"gender": g})
               for k, g in enumerate("ffm")]
    sm = rm.score(juniors, seniors, rm.Program(constraints=[rule]))
    compiled = rule.compile_blocks(sm.juniors, sm.seniors)
    rows = cols = np.arange(3, dtype=np.int64)
    scores = np.zeros(3)
    assert "withheld" in compiled.measure(rows, cols, scores, sm.shape, min_group_size=2)[1]
    assert "group means 0.0000" in compiled.measure(rows, cols, scores, sm.shape)[1]


def test_rules_name_the_fields_they_read() -> None:
    assert rm.MinShare(attribute="gender", share=0.5).fields() == {"attribute": "gender"}
    assert rm.SameValue(field="attributes.team").fields() == {"field": "team"}
    assert rm.NoReportingLine().fields() == {}


def test_one_list_of_solver_names_serves_the_programme_the_solvers_and_match() -> None:
    assert set(BACKENDS) == set(SOLVERS) - {"auto", "candidates"}
    juniors = [rm.Participant(id="j", birth_year=2000)]
    seniors = [rm.Participant(id="s", birth_year=1970, level=3)]
    for name in SOLVERS:
        program = Program(solver=name, constraints=[])
        assert rm.match(juniors, seniors, program).pairs[0].senior_id == "s"
    with pytest.raises(ValueError, match="solver"):
        Program(solver="simplex")


@dataclass(frozen=True)
class _AtMostPairs:
    """A rule CP-SAT has never heard of: at most ``k`` pairs in all."""

    label: str
    k: int

    def holds(self, rows: np.ndarray, cols: np.ndarray, weights: object,
              shape: tuple[int, int]) -> bool:
        return len(rows) <= self.k

    def measure(self, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray,
                shape: tuple[int, int], *, min_group_size: int = 0) -> tuple[bool, str]:
        return len(rows) <= self.k, f"{len(rows)} pairs"

    def encode(self, m: CpsatModel) -> list[object]:
        return [m.model.add(cp_model.LinearExpr.sum(m.x) <= self.k)]

    def repair_order(self, rows: np.ndarray, cols: np.ndarray, keep: np.ndarray,
                     movable: np.ndarray, scores: np.ndarray) -> np.ndarray:
        pick = np.flatnonzero(movable)
        return pick[np.argsort(scores[pick], kind="stable")]


@pytest.mark.parametrize("seed", range(12))
def test_a_new_rule_is_met_by_the_exact_solver_through_its_own_methods(seed: int) -> None:
    """Adding a rule means writing its object: CP-SAT and the repaired start need no change."""
    from rmatch.solvers.cpsat import solve_cpsat
    from rmatch.solvers.problem import Problem, objective
    from tests.oracle import brute_force_rules

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    total = rng.random((n, m)).astype(np.float32)
    feasible = rng.random((n, m)) < 0.8
    caps_j, caps_s = rng.integers(1, 3, n), rng.integers(1, 3, m)
    k = int(rng.integers(1, 3))
    rule = _AtMostPairs("AtMostPairs", k)
    problem = Problem(total, feasible, caps_j, caps_s, rules=(rule,))  # type: ignore[arg-type]
    sol = solve_cpsat(problem)
    best = brute_force_rules(total, feasible, caps_j, caps_s,
                             lambda masks, rows, cols: masks.sum(axis=1) <= k)
    assert best is not None
    assert len(sol.rows) == best[0] <= k
    assert objective(problem, sol.rows, sol.cols) == pytest.approx(best[1], abs=1e-5)
    assert sol.status == "optimal"


def test_a_share_of_pairs_on_a_field_nobody_gives_is_refused_not_met_by_no_pairs() -> None:
    js = [rm.Participant(id=f"j{k}", department="IT") for k in range(3)]
    ss = [rm.Participant(id=f"s{k}", level=3, department="HR") for k in range(3)]
    with pytest.raises(rm.InputError, match="'location', which no junior gives"):
        rm.match(js, ss, rm.Program(constraints=[rm.MinShare(attribute="location", share=0.5)]))
    # An upper limit, or a share of 0, holds whatever the pairs: nothing to refuse.
    for rule in (rm.MinShare(attribute="location", share=0.5, at_most=True),
                 rm.MinShare(attribute="location", share=0.0)):
        assert len(rm.match(js, ss, rm.Program(constraints=[rule])).pairs) == 3
