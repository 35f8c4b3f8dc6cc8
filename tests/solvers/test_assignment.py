"""The assignment solver on one-place-each candidates, against brute force and the flow."""

from __future__ import annotations

import numpy as np
import pytest
from ortools.graph.python import linear_sum_assignment

from rmatch.solvers import certificate, sparse
from rmatch.solvers.assignment import _alone, assigned, in_range
from rmatch.solvers.certificate import DenseSource, certify_and_solve
from rmatch.solvers.fill import most_pairs


def _candidates(rng: np.random.Generator, most: int = 9
                ) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    """Random candidates (sorted by row, then column), weights with ties, sometimes negative."""
    # Mostly near-balanced sides: the dummies' arcs grow with the difference.
    n = int(rng.integers(1, most))
    m = max(1, n + int(rng.integers(-2, 3))) if rng.random() < 0.8 else int(rng.integers(1, most))
    keys = np.flatnonzero(rng.random(n * m) < rng.uniform(0.15, 1.0)).astype(np.int64)
    low = -4 if rng.random() < 0.3 else 0
    weights = rng.integers(low, 7, len(keys)).astype(np.int64) * int(rng.choice([1, 16, 48]))
    return n, m, keys // m, keys % m, weights


def _best(n: int, m: int, rows: np.ndarray, cols: np.ndarray,
          weights: np.ndarray) -> tuple[int, int]:
    """Brute force: the most pairs, then the most weight, over every assignment.

    Every junior in turn stays alone or takes a senior not yet taken: the best
    of each set of taken seniors (all 2**m of them) after each junior.
    """
    best = {0: (0, 0)}
    for j in range(n):
        after = dict(best)
        for mask, (pairs, total) in best.items():
            for c, w in zip(cols[rows == j].tolist(), weights[rows == j].tolist(), strict=True):
                if not mask >> c & 1:
                    key = mask | 1 << c
                    after[key] = max(after.get(key, (0, 0)), (pairs + 1, total + w))
        best = after
    return max(best.values())


def _value(weights: np.ndarray, chosen: np.ndarray) -> tuple[int, int]:
    return int(chosen.sum()), int(weights[chosen].sum())


def _one_each(rows: np.ndarray, cols: np.ndarray, chosen: np.ndarray) -> bool:
    return bool(len(set(rows[chosen].tolist())) == len(set(cols[chosen].tolist())) == chosen.sum())


Case = tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _solved(seed: int, tries: int, most: int) -> list[Case]:
    """Random candidates the assignment solver took (it declines only where the dummies
    would outnumber the candidates), with its answer, each checked to be an assignment."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(tries):
        n, m, rows, cols, weights = _candidates(rng, most)
        got = assigned(n, m, rows, cols, weights, np.ones(n, np.int64), np.ones(m, np.int64),
                       "max_pairs")
        if got is not None:
            assert _one_each(rows, cols, got)
            out.append((n, m, rows, cols, weights, got))
    return out


def test_the_assignment_is_the_best_of_all_on_small_candidates() -> None:
    """Brute force over every assignment of up to 8 x 10: most pairs, then most weight."""
    cases = _solved(0, 300, most=9)
    assert len(cases) > 200
    for n, m, rows, cols, weights, got in cases:
        assert _value(weights, got) == _best(n, m, rows, cols, weights)


def test_the_assignment_matches_the_flow_and_passes_its_check() -> None:
    """Larger random candidates: the flow's value, and the residual check proves it."""
    cases = _solved(1, 200, most=40)
    assert len(cases) > 100
    for n, m, rows, cols, weights, got in cases:
        one_j, one_s = np.ones(n, np.int64), np.ones(m, np.int64)
        want, _ = sparse.solve_candidates(n, m, rows, cols, weights, one_j, one_s, "max_pairs")
        assert _value(weights, got) == _value(weights, want)
        assert sparse.checked(n, m, rows, cols, weights, one_j, one_s, "max_pairs",
                              got) is not None


def test_from_a_nearby_optimum_the_cut_costs_give_the_optimum_or_fail_the_check() -> None:
    """Reduced by the potentials of a part's optimum: exact when the cut is wide; a narrow
    cut may give a worse assignment, which the check then refuses (never a wrong one)."""
    rng = np.random.default_rng(2)
    refused = exact = 0
    for _ in range(300):
        n, m, rows, cols, weights = _candidates(rng, most=30)
        one_j, one_s = np.ones(n, np.int64), np.ones(m, np.int64)
        part = rng.random(len(rows)) < 0.7
        if not part.any():
            continue
        _, _, pot = sparse.solved(n, m, rows[part], cols[part], weights[part], one_j, one_s,
                                  "max_pairs")
        want, _ = sparse.solve_candidates(n, m, rows, cols, weights, one_j, one_s, "max_pairs")
        # The part's optimum as a matching of the whole (maximum or not: either works).
        last, _ = sparse.solve_candidates(n, m, rows[part], cols[part], weights[part], one_j,
                                          one_s, "max_pairs")
        start = np.zeros(len(rows), np.bool_)
        start[np.flatnonzero(part)[last]] = True
        for clamp in (10**9, int(rng.integers(1, 20))):
            got = assigned(n, m, rows, cols, weights, one_j, one_s, "max_pairs", near=pot,
                           clamp=clamp, matching=start)
            if got is None:
                continue
            assert _one_each(rows, cols, got)
            proof = sparse.checked(n, m, rows, cols, weights, one_j, one_s, "max_pairs", got)
            if clamp == 10**9:  # nothing cut: the same problem, shifted by the potentials
                assert _value(weights, got) == _value(weights, want)
                assert proof is not None
                exact += 1
            elif proof is None:
                refused += 1
                assert _value(weights, got) != _value(weights, want)
            else:
                assert _value(weights, got) == _value(weights, want)
    assert exact > 150
    assert refused > 0  # narrow cuts do go wrong, and the check sees it


@pytest.mark.parametrize("case", ["max_score", "two places", "unsorted", "out of range",
                                  "many dummies"])
def test_the_assignment_solver_declines_what_it_cannot_solve(case: str) -> None:
    """None (the flow then runs) for another objective, more places, unsorted candidates,
    costs beyond its arithmetic, and dummies outnumbering the candidates."""
    n = m = 3
    rows, cols = np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2])
    weights = np.array([5, 4, 3, 2], np.int64)
    cap_j, cap_s = np.ones(n, np.int64), np.ones(m, np.int64)
    objective = "max_pairs"
    if case == "max_score":
        objective = "max_score"
    elif case == "two places":
        cap_s = np.array([2, 1, 1])
    elif case == "unsorted":
        rows, cols = rows[::-1].copy(), cols[::-1].copy()
    elif case == "out of range":
        weights = np.array([2**61 + 1, 4, 3, 2], np.int64)
    else:  # one junior with every senior: two dummy seniors, each joined to three juniors
        n, m = 3, 3
        rows, cols, weights = np.array([0]), np.array([0]), np.array([1], np.int64)
        cap_j, cap_s = np.ones(n, np.int64), np.ones(m, np.int64)
    assert assigned(n, m, rows, cols, weights, cap_j, cap_s, objective) is None  # type: ignore[arg-type]
    if case == "out of range":  # the same candidates in range are solved
        assert assigned(n, m, rows, cols, np.array([2**40, 4, 3, 2], np.int64), cap_j, cap_s,
                        "max_pairs") is not None


@pytest.mark.parametrize("bits", range(22, 33, 2))
@pytest.mark.parametrize("left", [1_000, 100_001])
def test_in_range_agrees_with_the_solver_itself(bits: int, left: int) -> None:
    """OR-Tools' own verdict, not a guess: never in range where the solver would refuse,
    and at most a factor of two more careful (a margin for the bound's rounding)."""
    overflow = []
    for cost in (2**bits, 2**bits // 2):
        solver = linear_sum_assignment.SimpleLinearSumAssignment()
        ids = np.arange(left, dtype=np.int32)
        costs = np.zeros(left, np.int64)
        costs[0] = -cost
        solver.add_arcs_with_cost(ids, ids, costs)
        overflow.append(solver.solve() == solver.POSSIBLE_OVERFLOW)
    assert not (in_range(2**bits, left) and overflow[0])
    assert overflow[0] or in_range(2**bits // 2, left)
    assert in_range(2**22, left)
    assert not in_range(2**32, 100_001)


def test_the_certificate_uses_it_and_reaches_the_flows_optimum(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every solve by the assignment solver (each answer passes the check, so no flow runs):
    the same total as by the flow, proven."""
    rng = np.random.default_rng(3)
    total = rng.random((60, 60)).astype(np.float32).round(2)  # ties
    feasible = rng.random((60, 60)) < 0.8
    one_j = one_s = np.ones(60, np.int64)
    by_flow = certify_and_solve(DenseSource(total, feasible), one_j, one_s, "max_pairs", k=2)
    calls: list[bool] = []

    def spy(*args: object, **kwargs: object) -> object:
        out = assigned(*args, **kwargs)  # type: ignore[arg-type]
        # Solved, and optimal on the candidates: no flow needed after it.
        calls.append(out is not None and sparse.checked(*args[:8], out) is not None)  # type: ignore[arg-type, call-arg]
        return out

    monkeypatch.setattr(certificate, "ASSIGNMENT_FROM", 0)
    monkeypatch.setattr(certificate, "assigned", spy)
    by_lsa = certify_and_solve(DenseSource(total, feasible), one_j, one_s, "max_pairs", k=2)
    assert calls
    assert all(calls)
    assert by_lsa.violations[-1] == 0
    assert by_flow.violations[-1] == 0
    assert by_lsa.found[-1][0] == by_flow.found[-1][0]
    assert by_lsa.found[-1][1] == pytest.approx(by_flow.found[-1][1], abs=1e-4)


def test_an_assignment_that_fails_the_check_falls_back_to_the_flow(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong answer (here: nobody paired) costs a flow, never a wrong optimum."""
    rng = np.random.default_rng(4)
    total = rng.random((40, 40)).astype(np.float32)
    feasible = np.ones((40, 40), np.bool_)
    one = np.ones(40, np.int64)
    want = certify_and_solve(DenseSource(total, feasible), one, one, "max_pairs", k=2)
    monkeypatch.setattr(certificate, "ASSIGNMENT_FROM", 0)
    monkeypatch.setattr(certificate, "assigned",
                        lambda _n, _m, rows, *_a, **_k: np.zeros(len(rows), np.bool_))
    got = certify_and_solve(DenseSource(total, feasible), one, one, "max_pairs", k=2)
    assert got.violations[-1] == 0
    assert got.found[-1] == pytest.approx(want.found[-1])


def test_the_people_left_alone_do_not_depend_on_the_matching_given() -> None:
    """Dulmage-Mendelsohn: the same most pairs and the same people some maximum matching
    leaves alone, from Hopcroft-Karp, from another maximum matching, or from a matching
    that is not maximum (then Hopcroft-Karp after all)."""
    rng = np.random.default_rng(5)
    grown = 0
    for _ in range(200):
        n, m, rows, cols, weights = _candidates(rng, most=30)
        one_j, one_s = np.ones(n, np.int64), np.ones(m, np.int64)
        want = _alone(n, m, rows, cols, None)
        # Another maximum matching: the flow's choice under random weights.
        other, _ = sparse.solve_candidates(n, m, rows, cols, weights, one_j, one_s, "max_pairs")
        fewer = other.copy()
        fewer[np.flatnonzero(other)[:1]] = False  # one pair less: not maximum
        grown += bool(other.any())
        for given in (other, fewer):
            most, alone_j, alone_s = _alone(n, m, rows, cols, given)
            assert most == want[0] == int(other.sum())
            assert alone_j.tolist() == want[1].tolist()
            assert alone_s.tolist() == want[2].tolist()
    assert grown > 150


def test_the_first_solve_starts_from_fills_flow_not_a_second_hopcroft_karp(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """fill's maximum flow is handed to the first solve: Hopcroft-Karp runs there only if
    that matching is not maximum on the first candidates, and the optimum is the same."""
    from rmatch.solvers import assignment as lsa

    rng = np.random.default_rng(6)
    total = rng.random((60, 60)).astype(np.float32)
    feasible = rng.random((60, 60)) < 0.7
    one = np.ones(60, np.int64)
    want = certify_and_solve(DenseSource(total, feasible), one, one, "max_pairs", k=2)
    monkeypatch.setattr(certificate, "ASSIGNMENT_FROM", 0)
    given: list[bool] = []
    found_again: list[int] = []

    def spy(*args: object, **kwargs: object) -> object:
        given.append(kwargs.get("matching") is not None)
        return assigned(*args, **kwargs)  # type: ignore[arg-type]

    def counted(*args: object) -> object:
        found_again.append(1)
        return most_pairs(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(certificate, "assigned", spy)
    monkeypatch.setattr(lsa, "most_pairs", counted)
    got = certify_and_solve(DenseSource(total, feasible), one, one, "max_pairs", k=2)
    assert given
    assert all(given)
    assert not found_again  # each matching given was maximum: no search again
    assert got.violations[-1] == 0
    assert got.found[-1][0] == want.found[-1][0]
    assert got.found[-1][1] == pytest.approx(want.found[-1][1], abs=1e-4)
