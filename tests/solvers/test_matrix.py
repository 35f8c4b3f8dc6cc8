"""rm.solve_matrix on any real scores: scipy's own cases, HiGHS and brute force as oracles."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy.optimize import linear_sum_assignment, linprog

import rmatch as rm
from tests.oracle import brute_force, brute_force_score

EXACT = ["hungarian", "flow", "cpsat"]
INF = np.inf
# The matrices of scipy's own linear_sum_assignment tests (scipy/optimize/tests/
# test_linear_assignment.py): square, rectangular both ways, with infinities.
SCIPY_CASES = [
    [[400, 150, 400], [400, 450, 600], [300, 225, 300]],
    [[400, 150, 400, 1], [400, 450, 600, 2], [300, 225, 300, 3]],
    [[10, 10, 8], [9, 8, 1], [9, 7, 4]],
    [[10, 10, 8, 11], [9, 8, 1, 1], [9, 7, 4, 10]],
    [[10, 6, 14, 1], [17, 18, 17, 15], [14, 17, 15, 8], [11, 13, 11, 4]],
    [[10, INF, INF], [INF, INF, 1], [INF, 7, INF]],
    [[10, INF, INF, INF], [INF, INF, 1, INF], [INF, 7, INF, INF]],
    [[1, 10], [2, 5]],
    [[1]],
    [[3, 2, 2], [2, 3, 2]],
]


def _scipy(cost: npt.NDArray[np.float64], maximize: bool) -> tuple[int, float]:
    r, c = linear_sum_assignment(cost, maximize=maximize)
    return len(r), float(cost[r, c].sum())


@pytest.mark.parametrize("case", range(len(SCIPY_CASES)))
@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("rescale", [(1.0, 0.0), (1e6, 0.0), (1e-6, 0.0), (1.0, -500.0)])
def test_every_exact_backend_agrees_with_scipy_on_its_own_cases(
        case: int, maximize: bool, rescale: tuple[float, float]) -> None:
    factor, shift = rescale
    cost = np.asarray(SCIPY_CASES[case], dtype=np.float64) * factor + shift
    finite = np.isfinite(cost)
    if maximize and not finite.all():
        cost = np.where(finite, cost, -INF)  # scipy maximises over -inf as "forbidden"
    want_pairs, want = _scipy(cost, maximize)
    for solver in EXACT:
        sol = rm.solve_matrix(cost, feasible=finite, maximize=maximize, solver=solver)
        assert len(sol.pairs) == want_pairs, solver
        assert sol.objective == pytest.approx(want, rel=1e-9, abs=1e-9 * factor), solver
        assert sol.objective == pytest.approx(sum(cost[r, c] for r, c in sol.pairs))
        # The bound is on the right side of the objective, and tight.
        assert (sol.bound >= sol.objective - 1e-9 * abs(want) if maximize
                else sol.bound <= sol.objective + 1e-9 * abs(want)), solver
        assert sol.gap <= 1e-6, solver


def _highs(scores: npt.NDArray[np.float64], feasible: npt.NDArray[np.bool_],
           cap_j: npt.NDArray[np.int64], cap_s: npt.NDArray[np.int64]) -> tuple[int, float]:
    """The most pairs, then the best total, by two LPs (the assignment polytope is integral)."""
    rows, cols = np.nonzero(feasible)
    n, m = feasible.shape
    k = len(rows)
    a = np.zeros((n + m, k))
    a[rows, np.arange(k)] = 1
    a[n + cols, np.arange(k)] = 1
    b = np.concatenate([cap_j, cap_s]).astype(np.float64)
    most = linprog(-np.ones(k), A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    pairs = round(-most.fun)
    best = linprog(-scores[rows, cols], A_ub=a, b_ub=b, A_eq=np.ones((1, k)), b_eq=[pairs],
                   bounds=(0, 1), method="highs")
    return pairs, float(-best.fun)


@pytest.mark.parametrize("seed", range(12))
def test_random_sparse_matrices_against_highs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 100, int(rng.integers(60, 140))
    feasible = rng.random((n, m)) < rng.uniform(0.02, 0.3)
    scores = rng.normal(0, 10 ** rng.uniform(-3, 6), (n, m))
    scores[~feasible] = np.nan  # never read: excluded by the mask
    cap_j = rng.integers(1, 3, n) if seed % 3 == 0 else np.ones(n, np.int64)
    cap_s = np.ones(m, np.int64)
    want_pairs, want = _highs(np.nan_to_num(scores), feasible, cap_j, cap_s)
    for solver in EXACT:
        sol = rm.solve_matrix(scores, feasible=feasible, junior_capacity=cap_j,
                              senior_capacity=cap_s, solver=solver)
        assert len(sol.pairs) == want_pairs, solver
        assert sol.objective == pytest.approx(want, rel=1e-7, abs=1e-9), solver
        assert sol.bound >= sol.objective


@pytest.mark.parametrize("seed", range(20))
def test_small_instances_with_capacities_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(1, 4)), int(rng.integers(1, 5))
    feasible = rng.random((n, m)) < 0.7
    while feasible.sum() > 12:
        feasible[rng.integers(n), rng.integers(m)] = False
    scores = np.round(rng.normal(0, 50, (n, m)), 2)
    cap_j, cap_s = rng.integers(0, 3, n), rng.integers(0, 3, m)
    pairs, best = brute_force(scores, feasible, cap_j, cap_s)
    best_score = brute_force_score(scores, feasible, cap_j, cap_s)
    for solver in ("flow", "cpsat"):  # both sides may take several partners
        sol = rm.solve_matrix(scores, feasible=feasible, junior_capacity=cap_j,
                              senior_capacity=cap_s, solver=solver)
        assert len(sol.pairs) == pairs, solver
        assert sol.objective == pytest.approx(best), solver
        chosen = np.zeros((n, m), dtype=int)
        for r, c in sol.pairs:
            chosen[r, c] += 1
        assert (chosen <= feasible).all()
        assert (chosen.sum(axis=1) <= cap_j).all()
        assert (chosen.sum(axis=0) <= cap_s).all()
        top = rm.solve_matrix(scores, feasible=feasible, junior_capacity=cap_j,
                              senior_capacity=cap_s, objective="max_score", solver=solver)
        assert top.objective == pytest.approx(best_score), solver


@pytest.mark.parametrize("seed", range(10))
def test_a_dataframe_is_solved_by_its_labels_whatever_the_order_of_mask_and_capacities(
        seed: int) -> None:
    # A notebook's own scores: people as labels, a mask and capacities read from
    # other tables in another order. Each is taken by label, and the pairs come
    # back by label too.
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(300 + seed)
    n, m = int(rng.integers(1, 4)), int(rng.integers(1, 5))
    juniors, seniors = [f"j{i}" for i in range(n)], [f"s{k}" for k in range(m)]
    scores = np.round(rng.normal(0, 5, (n, m)), 2)
    feasible = rng.random((n, m)) < 0.7
    while feasible.sum() > 12:
        feasible[rng.integers(n), rng.integers(m)] = False
    scores[~feasible & (rng.random((n, m)) < 0.5)] = np.nan  # excluded cells may be NaN
    cap_j, cap_s = rng.integers(0, 3, n), rng.integers(0, 3, m)
    frame = pd.DataFrame(scores, index=juniors, columns=seniors)
    rows_back, cols_back = juniors[::-1], list(rng.permutation(seniors))
    mask = pd.DataFrame(feasible, index=juniors, columns=seniors).loc[rows_back, cols_back]
    sol = rm.solve_matrix(frame, feasible=mask,
                          junior_capacity=pd.Series(cap_j, index=juniors)[rows_back],
                          senior_capacity=pd.Series(cap_s, index=seniors)[cols_back],
                          solver="flow")
    pairs, best = brute_force(np.nan_to_num(scores), feasible, cap_j, cap_s)
    assert len(sol.pairs) == pairs
    assert sol.objective == pytest.approx(best)
    assert sol.labels == [(juniors[r], seniors[c]) for r, c in sol.pairs]
    assert all(feasible[r, c] for r, c in sol.pairs)
    # A NaN the mask does not exclude is named by its labels.
    if np.isnan(scores).any():
        r, c = (int(v) for v in np.argwhere(np.isnan(scores))[0])
        with pytest.raises(ValueError, match=rf"scores\['{juniors[r]}', '{seniors[c]}'\] is nan"):
            rm.solve_matrix(frame)
    # A capacity Series that lacks someone: said, never misaligned.
    with pytest.raises(rm.InputError, match="junior_capacity has no value for 'j0'"):
        rm.solve_matrix(frame, feasible=mask,
                        junior_capacity=pd.Series(cap_j, index=juniors).iloc[1:])


def test_bad_matrices_get_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"scores\[0, 1\] is nan: give finite scores"):
        rm.solve_matrix([[1.0, np.nan]])
    with pytest.raises(ValueError, match=r"scores\[1, 0\] is inf"):
        rm.solve_matrix([[1.0], [np.inf]])
    with pytest.raises(ValueError, match="2-D matrix"):
        rm.solve_matrix([1.0, 2.0])
    with pytest.raises(ValueError, match=r"the scores' shape \(1, 1\), not \(1, 2\)"):
        rm.solve_matrix([[1.0]], feasible=[[True, False]])
    with pytest.raises(ValueError, match=r"feasible\[0, 1\] is 2: give True/False \(or 1/0\) "
                                         r"\(2 such cell"):
        rm.solve_matrix([[1.0, 2.0, 3.0]], feasible=[[1, 2, 3]])
    with pytest.raises(ValueError, match=r"feasible\[0, 0\] is nan"):
        rm.solve_matrix([[1.0]], feasible=[[np.nan]])
    with pytest.raises(ValueError, match=r"True/False \(or 1/0\), not <U3 values"):
        rm.solve_matrix([[1.0]], feasible=[["yes"]])
    # 1/0, as a spreadsheet or pandas writes a mask, is the same mask as True/False.
    scores = [[5.0, 1.0], [1.0, 5.0]]
    ones = rm.solve_matrix(scores, feasible=[[0, 1], [1, 1]])
    bools = rm.solve_matrix(scores, feasible=[[False, True], [True, True]])
    assert ones.pairs == bools.pairs == [(0, 1), (1, 0)]
    assert rm.solve_matrix(scores, feasible=np.array([[0.0, 1.0], [1.0, 1.0]])).pairs == \
        bools.pairs
    with pytest.raises(rm.InputError, match=r"junior_capacity must be one whole number or one "
                       r"per row \(2\)"):
        rm.solve_matrix([[1.0], [2.0]], junior_capacity=[1, 2, 3])
    with pytest.raises(rm.InputError, match="at least 0"):
        rm.solve_matrix([[1.0]], senior_capacity=-1)
    with pytest.raises(ValueError, match="unknown solver"):
        rm.solve_matrix([[1.0]], solver="magic")
    # Rows of different lengths, text: said as such, not numpy's words alone.
    with pytest.raises(ValueError, match="a rectangular matrix of numbers"):
        rm.solve_matrix([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="a rectangular matrix of numbers"):
        rm.solve_matrix([["a"]])
    # Finite but so large that a total overflows: said, never scipy's "invalid
    # numeric entries" after an overflow warning. Large but summable: solved.
    with pytest.raises(ValueError, match="a total of the pairs could exceed the largest float"):
        rm.solve_matrix([[1e308, 1e308], [1e308, -1e308]])
    big = rm.solve_matrix([[1e150, 2e150], [3e150, 1.0]], solver="flow")
    assert (big.pairs, big.objective) == ([(0, 1), (1, 0)], 5e150)
    assert big.pairs == rm.solve_matrix(np.array([[1e150, 2e150], [3e150, 1.0]]) / 1e150).pairs
    # All pairs excluded: nothing to choose, and that is optimal.
    empty = rm.solve_matrix([[np.nan]], feasible=[[False]])
    assert (empty.pairs, empty.objective, empty.bound) == ([], 0.0, 0.0)


@pytest.mark.parametrize("solver", EXACT)
def test_the_backends_take_raw_scores_above_one(solver: str) -> None:
    # The one-more-pair bonus once assumed scores of at most 1: with raw
    # values the hungarian and CP-SAT backends returned too few pairs.
    from rmatch.solvers import run
    from rmatch.solvers.problem import Problem

    cost = np.asarray(SCIPY_CASES[5], dtype=np.float64)
    feasible = np.isfinite(cost)
    problem = Problem(np.where(feasible, -cost, 0.0), feasible, np.ones(3, np.int64),
                      np.ones(3, np.int64))
    _, sol = run(solver, problem)
    assert sorted(zip(sol.rows.tolist(), sol.cols.tolist(), strict=True)) == [
        (0, 0), (1, 2), (2, 1)]
