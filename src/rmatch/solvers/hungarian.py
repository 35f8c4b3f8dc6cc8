"""Exact solver on scipy's ``linear_sum_assignment`` (dense, Jonker-Volgenant).

Capacities above 1 are handled by repeating rows (or columns). That is only
exact when one side has all capacities <= 1: with both sides above 1, two
copies of a junior could take two copies of the same senior, a duplicate
pair. :func:`rmatch.match` routes that case to the flow solver.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from rmatch.errors import InputError
from rmatch.solvers._common import Problem, Solution


def solve_hungarian(problem: Problem) -> Solution:
    """Solve exactly with one dense assignment on the capacity-expanded matrix.

    The lexicographic objective (most pairs, then most score) becomes one
    weight per pair: ``big + total`` where feasible and 0 elsewhere, with
    ``big`` larger than any total a matching can lose (every score is at
    most 1, so ``min(n, m) + 1`` suffices). One more feasible pair always
    outweighs any score difference; a chosen 0-weight pair means "unmatched".
    """
    cap_j, cap_s = problem.cap_j, problem.cap_s
    if cap_j.max(initial=0) > 1 and cap_s.max(initial=0) > 1:
        raise InputError(
            "solver 'hungarian' needs capacities <= 1 on at least one side "
            "(both sides have capacities above 1); use solver 'flow' or 'auto'"
        )
    rows_of = np.repeat(np.arange(len(cap_j)), cap_j)
    cols_of = np.repeat(np.arange(len(cap_s)), cap_s)
    empty = np.zeros(0, dtype=np.int64)
    if len(rows_of) == 0 or len(cols_of) == 0:
        return Solution(empty, empty, "optimal")
    big = float(min(len(rows_of), len(cols_of)) + 1)
    feasible = problem.feasible
    total = problem.total
    if len(rows_of) != len(cap_j) or not np.all(cap_j == 1):
        feasible, total = feasible[rows_of], total[rows_of]
    if len(cols_of) != len(cap_s) or not np.all(cap_s == 1):
        feasible, total = feasible[:, cols_of], total[:, cols_of]
    if feasible.all():
        # Every assignment has min(n, m) pairs: no lexicographic offset needed.
        cost = -total.astype(np.float64)
    else:
        # Minimise the negated weight ourselves: scipy's maximize=True would
        # make one more full copy of the matrix.
        cost = np.where(feasible, -(total.astype(np.float64) + big), 0.0)
    r, c = linear_sum_assignment(cost)
    keep = feasible[r, c]
    return Solution(rows_of[r[keep]].astype(np.int64), cols_of[c[keep]].astype(np.int64),
                    "optimal")
