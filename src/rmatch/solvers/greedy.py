"""Greedy baseline: take the best remaining pair, repeatedly. Not optimal.

Sequential greedy (highest score first, ties by lowest junior then senior
index) is computed in rounds of numpy work: in each round every junior's
best remaining senior and every senior's best remaining junior are found by
``argmax``, and all *mutually* best pairs are taken at once. A mutually best
pair is one that sequential greedy also takes (no better remaining pair
touches either partner), and the globally best pair is always mutually best,
so every round makes progress and the result equals sequential greedy.
"""

from __future__ import annotations

import numpy as np

from rmatch.solvers.problem import Problem, Solution


def solve_greedy(problem: Problem) -> Solution:
    """Pick pairs in descending score order, respecting capacities and feasibility."""
    cap_j, cap_s = problem.cap_j.copy(), problem.cap_s.copy()
    w = np.where(problem.feasible, problem.total.astype(np.float64), -np.inf)
    w[cap_j == 0] = -np.inf
    w[:, cap_s == 0] = -np.inf
    rows_out: list[np.ndarray] = []
    cols_out: list[np.ndarray] = []
    n = w.shape[0]
    while w.size:
        best_col = np.argmax(w, axis=1)
        best_val = w[np.arange(n), best_col]
        best_row = np.argmax(w, axis=0)
        r = np.flatnonzero(np.isfinite(best_val) & (best_row[best_col] == np.arange(n)))
        if len(r) == 0:
            break
        c = best_col[r]  # distinct: each column has one best row
        rows_out.append(r)
        cols_out.append(c)
        w[r, c] = -np.inf  # a pair is taken at most once
        cap_j[r] -= 1
        cap_s[c] -= 1
        w[r[cap_j[r] == 0]] = -np.inf
        w[:, c[cap_s[c] == 0]] = -np.inf
    rows = np.concatenate(rows_out) if rows_out else np.zeros(0, np.int64)
    cols = np.concatenate(cols_out) if cols_out else np.zeros(0, np.int64)
    return Solution(rows.astype(np.int64), cols.astype(np.int64), "feasible",
                    score_bound(problem))


def score_bound(problem: Problem) -> float:
    """Bound any matching's score: each person's best ``capacity`` pairs.

    Every pair counts once for its junior and once for its senior, so the
    smaller of the two per-side sums bounds any feasible matching's total.
    """
    w = np.where(problem.feasible, problem.total.astype(np.float64), 0.0)
    sides = []
    for mat, cap in ((w, problem.cap_j), (w.T, problem.cap_s)):
        if mat.size == 0:
            return 0.0
        ranked = -np.sort(-mat, axis=1)
        csum = np.concatenate([np.zeros((mat.shape[0], 1)), np.cumsum(ranked, axis=1)], axis=1)
        take = np.minimum(cap, mat.shape[1])
        sides.append(float(csum[np.arange(mat.shape[0]), take].sum()))
    return min(sides)
