"""Forced pairs priced from an optimum's residual network, against brute force."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmatch.solvers import Problem, run
from rmatch.solvers.forcing import Forcing
from tests.oracle import brute_force_rules, brute_force_score

Objective = Literal["max_pairs", "max_score"]


@st.composite
def instances(draw: st.DrawFn) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_],
                                        npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Small programmes with ties (scores from a coarse grid), capacities 0-2, rules as a mask."""
    n, m = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    grid = draw(st.sampled_from([4, 8, 1000]))
    total = np.array(draw(st.lists(st.integers(0, grid), min_size=n * m, max_size=n * m)),
                     np.float32).reshape(n, m) / np.float32(grid)
    feasible = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)),
                        bool).reshape(n, m)
    cap_j = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), np.int64)
    cap_s = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)), np.int64)
    return total, feasible, cap_j, cap_s


def _best_with(total: npt.NDArray[np.float32] | npt.NDArray[np.float64],
               feasible: npt.NDArray[np.bool_], cap_j: npt.NDArray[np.int64],
               cap_s: npt.NDArray[np.int64],
               objective: Objective, pair: tuple[int, int] | None
               ) -> tuple[int | None, float]:
    """The best (pairs, score) over every assignment, with ``pair`` in it when given."""
    rows, cols = np.nonzero(feasible)

    def keep(masks: npt.NDArray[np.int64], r: object, c: object) -> npt.NDArray[np.bool_]:
        if pair is None:
            return np.ones(len(masks), bool)
        at = int(np.flatnonzero((rows == pair[0]) & (cols == pair[1]))[0])
        return np.asarray(masks[:, at] == 1)

    if objective == "max_score":
        score = brute_force_score(total, feasible, cap_j, cap_s, keep)
        assert score is not None
        return None, score
    found = brute_force_rules(total, feasible, cap_j, cap_s, keep)
    assert found is not None
    return found


@settings(max_examples=300, deadline=None)
@given(instances(), st.sampled_from(["max_pairs", "max_score"]))
def test_every_forced_pair_is_priced_as_brute_force_finds(
        case: tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_], npt.NDArray[np.int64],
                    npt.NDArray[np.int64]], objective: Objective) -> None:
    total, feasible, cap_j, cap_s = case
    _, sol = run("flow", Problem(total, feasible, cap_j, cap_s, objective=objective))
    forcing = Forcing.of(total, feasible, cap_j, cap_s, sol.rows, sol.cols, objective)
    assert forcing is not None  # the flow's optimum is optimal in the same units
    pairs, score = _best_with(total, feasible, cap_j, cap_s, objective, None)
    chosen = set(zip(sol.rows.tolist(), sol.cols.tolist(), strict=True))
    for i, k in zip(*np.nonzero(feasible), strict=True):
        if (i, k) in chosen or not (cap_j[i] and cap_s[k]):
            continue
        by_junior = forcing.for_junior(int(i), [int(k)])[0]
        by_senior = forcing.for_senior(int(k), [int(i)])[0]
        forced_pairs, forced_score = _best_with(total, feasible, cap_j, cap_s, objective,
                                                (int(i), int(k)))
        for change in (by_junior, by_senior):
            assert change.score == pytest.approx(forced_score - score, abs=1e-6)
            if objective == "max_pairs":
                assert pairs is not None
                assert forced_pairs is not None
                assert change.pairs == forced_pairs - pairs
            # The change is an assignment: the forced pair in, within capacities and rules.
            after = (chosen - set(change.dropped)) | set(change.added) | {(int(i), int(k))}
            assert set(change.dropped) <= chosen
            assert not set(change.added) & chosen
            assert len(after) == len(chosen) + change.pairs
            assert all(feasible[a, b] for a, b in after)
            got = np.array(sorted(after), np.int64).reshape(-1, 2)
            assert (np.bincount(got[:, 0], minlength=len(cap_j)) <= cap_j).all()
            assert (np.bincount(got[:, 1], minlength=len(cap_s)) <= cap_s).all()
            assert sum(float(total[a, b]) for a, b in after) == pytest.approx(
                float(total[sol.rows, sol.cols].astype(np.float64).sum()) + change.score)


@settings(max_examples=200, deadline=None)
@given(instances(), st.sampled_from(["max_pairs", "max_score"]), st.integers(0, 2**32 - 1))
def test_an_assignment_that_is_not_optimal_is_not_priced(
        case: tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_], npt.NDArray[np.int64],
                    npt.NDArray[np.int64]], objective: Objective, seed: int) -> None:
    total, feasible, cap_j, cap_s = case
    r, c, optimal = random_assignment(case, objective, seed)
    forcing = Forcing.of(total, feasible, cap_j, cap_s, r, c, objective)
    assert (forcing is not None) == optimal


def random_assignment(case: tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_],
                                  npt.NDArray[np.int64], npt.NDArray[np.int64]],
                      objective: Objective, seed: int
                      ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], bool]:
    """Any assignment within capacities (greedy in a random order), and whether it is optimal."""
    total, feasible, cap_j, cap_s = case
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(feasible)
    order = rng.permutation(len(rows))
    load_j, load_s = np.zeros_like(cap_j), np.zeros_like(cap_s)
    taken = []
    for a in order[: rng.integers(0, len(order) + 1)]:
        i, k = rows[a], cols[a]
        if load_j[i] < cap_j[i] and load_s[k] < cap_s[k]:
            load_j[i] += 1
            load_s[k] += 1
            taken.append((int(i), int(k)))
    r = np.array([t[0] for t in taken], np.int64)
    c = np.array([t[1] for t in taken], np.int64)
    # Judged in the network's units (scores rounded to 2**-30): sums of those are exact.
    rounded = np.rint(total.astype(np.float64) * 2**30) / 2**30
    best = _best_with(rounded, feasible, cap_j, cap_s, objective, None)
    mine = (len(taken) if objective == "max_pairs" else None, float(rounded[r, c].sum()))
    return r, c, mine == best


def test_a_large_assignment_that_is_not_optimal_is_refused_quickly() -> None:
    # A cycle that gains is found from the search's own links, not after each node
    # has been taken once per node (hours at this size, dense).
    rng = np.random.default_rng(3)
    total = rng.random((400, 400)).astype(np.float32)
    ones = np.ones(400, np.int64)
    assert Forcing.of(total, np.ones((400, 400), bool), ones, ones, np.arange(400),
                      np.arange(400), "max_pairs") is None


def test_scores_outside_zero_to_one_are_not_priced() -> None:
    # The bonus that puts pairs first assumes scores of at most 1 a pair.
    total = np.array([[2.0, 0.0]], np.float32)
    one = np.ones(1, np.int64)
    assert Forcing.of(total, np.ones((1, 2), bool), one, np.ones(2, np.int64),
                      np.array([0]), np.array([0]), "max_pairs") is None


def test_the_units_match_the_flow_solver() -> None:
    # A score below 2**-7 rounds; the optimum of the rounded units is what both read.
    total = np.array([[0.001, 0.0011]], np.float32)
    _, sol = run("flow", Problem(total, np.ones((1, 2), bool), np.ones(1, np.int64),
                                 np.ones(2, np.int64)))
    forcing = Forcing.of(total, np.ones((1, 2), bool), np.ones(1, np.int64),
                         np.ones(2, np.int64), sol.rows, sol.cols, "max_pairs")
    assert forcing is not None
    assert sol.cols.tolist() == [1]
    change = forcing.for_junior(0, [0])[0]
    assert change.dropped == [(0, 1)]
    assert change.pairs == 0
    assert change.score == pytest.approx(0.001 - 0.0011, abs=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scores_in_units_are_the_same_bits_compiled_or_not(
        dtype: type, monkeypatch: pytest.MonkeyPatch) -> None:
    # Large blocks go through one compiled pass, small ones through numpy: the same units,
    # halves rounded to even, -1 where ruled out, and a score off [0, 1] (or NaN) refused.
    from rmatch.solvers import forcing
    rng = np.random.default_rng(3)
    total: npt.NDArray[np.floating[Any]] = rng.random((40, 50)).astype(dtype)
    total[0, :6] = [0, 1, 0.5, 2**-31, 3 * 2**-31, 5 * 2**-31]
    feasible = rng.random((40, 50)) < 0.8
    feasible[0, :6] = True
    monkeypatch.setattr(forcing, "is_compiled", lambda _fn: False)
    by_numpy = forcing.unit_scores(total, feasible)
    monkeypatch.setattr(forcing, "BLOCKS_COMPILED_FROM", 0)
    by_kernel = forcing.unit_scores(total, feasible)
    assert by_numpy is not None
    assert by_kernel is not None
    assert by_kernel.dtype == by_numpy.dtype == np.int32
    assert np.array_equal(by_kernel, by_numpy)
    assert by_kernel[0, :6].tolist() == [0, 2**30, 2**29, 0, 2, 2]
    assert (by_kernel[~feasible] == -1).all()
    for bad in (1.5, -0.25, np.nan):
        broken = total.copy()
        broken[7, 9] = bad
        on = feasible.copy()
        on[7, 9] = True
        assert forcing.unit_scores(broken, on) is None
        monkeypatch.setattr(forcing, "BLOCKS_COMPILED_FROM", 10**12)
        assert forcing.unit_scores(broken, on) is None
        on[7, 9] = False  # ruled out: its score does not matter
        assert forcing.unit_scores(broken, on) is not None
        monkeypatch.setattr(forcing, "BLOCKS_COMPILED_FROM", 0)
