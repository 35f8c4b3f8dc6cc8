"""Repairing a candidate optimum after pairs were added, against solving from nothing."""

from __future__ import annotations

from itertools import product
from typing import Literal

import numpy as np
import pytest

from rmatch.solvers import sparse
from rmatch.solvers.repair import repair

Objective = Literal["max_pairs", "max_score"]


def _programme(rng: np.random.Generator) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray,
                                                     np.ndarray, np.ndarray]:
    """A random candidate set (sorted by row, then column) with capacities up to 3."""
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    keys = np.flatnonzero(rng.random(n * m) < rng.uniform(0.2, 1.0)).astype(np.int64)
    rows, cols = keys // m, keys % m
    # Coarse weights (many ties) and, now and then, negative ones: nothing in the
    # repair assumes scores in [0, 1].
    weights = rng.integers(-3 if rng.random() < 0.3 else 0, 6, len(keys)).astype(np.int64)
    cap_j = rng.integers(1, 4 if rng.random() < 0.5 else 2, n).astype(np.int64)
    cap_s = rng.integers(1, 4 if rng.random() < 0.5 else 2, m).astype(np.int64)
    return n, m, rows, cols, weights, cap_j, cap_s


def _value(weights: np.ndarray, chosen: np.ndarray) -> tuple[int, int]:
    return int(chosen.sum()), int(weights[chosen].sum())


def _assert_proven_optimum(n: int, m: int, rows: np.ndarray, cols: np.ndarray,
                           weights: np.ndarray, cap_j: np.ndarray, cap_s: np.ndarray,
                           objective: Objective, got: np.ndarray, pot: np.ndarray) -> None:
    """``got`` is the full solve's value within the places, and ``pot`` proves it optimal."""
    want, _ = sparse.solve_candidates(n, m, rows, cols, weights, cap_j, cap_s, objective)
    if objective == "max_pairs":
        assert _value(weights, got) == _value(weights, want)
    else:
        assert int(weights[got].sum()) == int(weights[want].sum())
    assert (np.bincount(rows[got], minlength=n) <= cap_j).all()
    assert (np.bincount(cols[got], minlength=m) <= cap_s).all()
    # Its potentials prove it: no residual arc below zero under them.
    assert sparse.checked(n, m, rows, cols, weights, cap_j, cap_s, objective, got,
                          pot=pot) is not None


@pytest.mark.parametrize(("objective", "seed"), list(product(["max_pairs", "max_score"], range(6))))
def test_repair_reaches_the_optimum_of_all_the_candidates(objective: Objective,
                                                           seed: int) -> None:
    """Solve a random part, add the rest, repair: the full solve's value, and a valid proof."""
    rng = np.random.default_rng(seed)
    repaired = 0
    for _ in range(120):
        n, m, rows, cols, weights, cap_j, cap_s = _programme(rng)
        old = rng.random(len(rows)) < rng.uniform(0.2, 0.9)
        chosen_old, _, pot = sparse.solved(n, m, rows[old], cols[old], weights[old], cap_j,
                                           cap_s, objective)
        start = np.zeros(len(rows), np.bool_)
        start[np.flatnonzero(old)[chosen_old]] = True
        out = repair(n, m, rows, cols, weights, cap_j, cap_s, objective, start, pot,
                     budget=10**9)
        assert out is not None
        got, proof = out
        _assert_proven_optimum(n, m, rows, cols, weights, cap_j, cap_s, objective, got, proof)
        repaired += int(_value(weights, got) != _value(weights, start))
    assert repaired > 20  # the added pairs changed the optimum often enough to test something


@pytest.mark.parametrize(("objective", "clamp"), list(product(["max_pairs", "max_score"],
                                                                 [0, 1, 3, 10**9])))
def test_a_re_solve_near_the_last_optimum_reaches_the_optimum(
        objective: Objective, clamp: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Costs reduced by the last optimum's potentials and cut: the optimum, or a second flow."""
    rng = np.random.default_rng(clamp)
    flows: list[bool] = []  # per flow: were its costs cut (all within the clamp)?
    real = sparse._min_cost

    def counted(*args: object) -> np.ndarray:
        flows.append(bool(np.abs(np.asarray(args[3])).max(initial=0) <= clamp))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sparse, "_min_cost", counted)
    held = showed = 0
    for _ in range(150):
        n, m, rows, cols, weights, cap_j, cap_s = _programme(rng)
        old = rng.random(len(rows)) < rng.uniform(0.2, 0.9)
        _, _, pot = sparse.solved(n, m, rows[old], cols[old], weights[old], cap_j, cap_s,
                                  objective)
        pot += rng.integers(-2, 3, len(pot))  # prices near the last optimum's, not its own
        flows.clear()
        got, _, dist = sparse.solved(n, m, rows, cols, weights, cap_j, cap_s, objective,
                                     near=pot, clamp=clamp)
        held += flows == [True]
        showed += len(flows) == 2
        _assert_proven_optimum(n, m, rows, cols, weights, cap_j, cap_s, objective, got, dist)
    if clamp == 10**9:  # nothing cut: one flow each, the cut never shows
        assert held == 150
        assert showed == 0
    if clamp in (1, 3):  # the cut held in some re-solves and showed in others
        assert held >= 5
        assert showed >= 5


def test_repair_gives_up_over_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches that would look at more arcs than allowed return None, never a guess."""
    rng = np.random.default_rng(7)
    n = m = 30
    rows, cols = np.divmod(np.arange(n * m, dtype=np.int64), m)
    weights = rng.integers(0, 1000, n * m).astype(np.int64)
    one = np.ones(n, np.int64)
    old = cols == rows  # the diagonal: a poor assignment, optimal on its own candidates
    chosen_old, _, pot = sparse.solved(n, m, rows[old], cols[old], weights[old], one, one,
                                       "max_pairs")
    start = np.zeros(n * m, np.bool_)
    start[np.flatnonzero(old)[chosen_old]] = True

    def run(budget: int) -> np.ndarray | None:
        out = repair(n, m, rows, cols, weights, one, one, "max_pairs", start, pot,
                     budget=budget)
        return None if out is None else out[0]

    assert run(10**9) is not None
    assert run(10**5) is None  # not tried: a surplus per junior, SEARCH_GUESS arcs each
    monkeypatch.setattr("rmatch.solvers.repair.SEARCH_GUESS", 0)
    assert run(50) is None  # tried, and cut short
    got = run(10**5)
    assert got is not None
    want, _ = sparse.solve_candidates(n, m, rows, cols, weights, one, one, "max_pairs")
    assert _value(weights, got) == _value(weights, want)


def test_repair_refuses_potentials_that_do_not_hold() -> None:
    """Potentials under which a kept arc has a negative reduced cost are not trusted."""
    one = np.ones(2, np.int64)
    rows, cols, weights = np.array([0, 1]), np.array([0, 1]), np.array([5, 5])
    start = np.array([True, False])  # junior 1 and senior 1 free: a pair to add
    pot = np.array([0, 0, 0, 0, -10, 10])  # source arcs at -10: broken
    assert repair(2, 2, rows, cols, weights, one, one, "max_pairs", start, pot,
                  budget=10**6) is None
    pot = np.array([10, 0, 0, 0, 0, 0])  # the chosen pair (0, 0) priced above its weight
    assert repair(2, 2, rows, cols, weights, one, one, "max_pairs", start, pot,
                  budget=10**6) is None


def test_checked_refuses_at_once_potentials_that_leave_an_arc_below_zero() -> None:
    """A wrong assignment with potentials is refused by them, without a search for cycles."""
    rng = np.random.default_rng(3)
    n = m = 30
    rows, cols = np.divmod(np.arange(n * m, dtype=np.int64), m)
    weights = rng.integers(0, 1000, n * m).astype(np.int64)
    one = np.ones(n, np.int64)
    diagonal = cols == rows  # a poor assignment: a better one exists
    _, _, pot = sparse.solved(n, m, rows[diagonal], cols[diagonal], weights[diagonal], one,
                              one, "max_pairs")
    assert sparse.checked(n, m, rows, cols, weights, one, one, "max_pairs", diagonal,
                          pot=pot) is None
    best, _, best_pot = sparse.solved(n, m, rows, cols, weights, one, one, "max_pairs")
    proof = sparse.checked(n, m, rows, cols, weights, one, one, "max_pairs", best, pot=best_pot)
    assert proof is not None
    assert (proof[1] == best_pot).all()  # the distances are the solve's own


@pytest.mark.parametrize("objective", ["max_pairs", "max_score"])
def test_checked_keeps_the_potentials_it_was_given(objective: Objective) -> None:
    """Valid potentials come back as they are (not the shortest distances), and still prove it.

    Shifting every node by the same amount keeps every residual arc's reduced
    cost: a search for distances from zero would not return them. The duals
    built on them flag no pair of the (complete) candidates.
    """
    rng = np.random.default_rng(11)
    n, m = 12, 9  # more juniors than places: some left over under either objective
    rows, cols = np.divmod(np.arange(n * m, dtype=np.int64), m)
    weights = rng.integers(0, 1000, n * m).astype(np.int64)
    one = np.ones(n, np.int64)
    best, _, dist = sparse.solved(n, m, rows, cols, weights, one, one[:m], objective)
    moved = dist + 12345
    proof = sparse.checked(n, m, rows, cols, weights, one, one[:m], objective, best, pot=moved)
    assert proof is not None
    assert (proof[1] == moved).all()
    assert not (proof[1] == dist).all()
    assert not proof[0].improves(rows[~best], cols[~best], weights[~best]).any()
    # A shift that breaks an arc is refused, as before.
    broken = moved.copy()
    broken[n + int(cols[best][0])] += 10_000
    assert sparse.checked(n, m, rows, cols, weights, one, one[:m], objective, best,
                          pot=broken) is None


@pytest.mark.parametrize("seed", range(3))
def test_a_repair_whose_searches_grow_gives_up_early(seed: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The searches grow as the near shortages are used up (the last ones look at every
    # candidate): a repair that will overrun is stopped when its last searches, repeated
    # for every surplus left, would, long before its budget is spent; one that needs two
    # thirds of its budget is not stopped (closer to it, now and then: then a flow runs).
    monkeypatch.setattr("rmatch.solvers.repair.SEARCH_GUESS", 0)  # tried whatever its size
    rng = np.random.default_rng(seed)
    n = m = 300
    rows, cols = np.divmod(np.arange(n * m, dtype=np.int64), m)
    weights = rng.integers(0, 1000, n * m).astype(np.int64)
    one = np.ones(n, np.int64)
    old = rng.random(n * m) < 0.05  # the optimum of a twentieth of the pairs to start from
    chosen_old, _, pot = sparse.solved(n, m, rows[old], cols[old], weights[old], one, one,
                                       "max_pairs")
    start = np.zeros(n * m, np.bool_)
    start[np.flatnonzero(old)[chosen_old]] = True
    spent: list[int] = []
    whole = repair(n, m, rows, cols, weights, one, one, "max_pairs", start, pot,
                   budget=10**12, spent=spent)
    assert whole is not None
    _assert_proven_optimum(n, m, rows, cols, weights, one, one, "max_pairs", *whole)
    needed = spent[-1]
    assert repair(n, m, rows, cols, weights, one, one, "max_pairs", start, pot,
                  budget=needed + needed // 2) is not None
    half = needed // 2
    assert repair(n, m, rows, cols, weights, one, one, "max_pairs", start, pot, budget=half,
                  spent=spent) is None
    assert spent[-1] < half // 4  # given up early, not at the budget
