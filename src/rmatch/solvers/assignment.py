r"""One place each: the candidates' optimum by OR-Tools' assignment solver, where it applies.

When every junior and every senior has exactly one place and the objective
is ``max_pairs``, the candidates' optimum (the most pairs, then the most
weight) is a minimum-cost *perfect* assignment of a slightly larger graph:
with :math:`\nu` the most pairs the candidates hold, add :math:`n - \nu`
dummy seniors joined to every junior some maximum matching leaves alone,
and :math:`m - \nu` dummy juniors joined to every senior some maximum
matching leaves alone (the Dulmage-Mendelsohn sets; the arcs to anyone else
could be in no perfect assignment), all at cost 0. A perfect assignment of
that graph leaves at most :math:`n - \nu` juniors to dummies, so its real
pairs number :math:`\nu`; every maximum matching extends to one. OR-Tools'
cost-scaling assignment code (Goldberg and Kennedy) solves it faster than
its min-cost flow solves the candidates: on organisation 1's three full
solves at 100,000 per side (5.3 to 6.2 million candidates, side by side in
one process on 2026-12-07, a slow day), the maximum matching, the
assignment and the residual step took 14.4, 11.1 and 14.7 s against 18.4,
15.4 and 16.4 s for the flow and the residual step.

Re-solves run on the costs reduced by the last solve's potentials, cut to
``[-clamp, clamp]`` (as :func:`rmatch.solvers.sparse._flow` does): the
dummies take the source's and the sink's potentials, so a perfect
assignment's cost moves by a constant and the optimum stays the same
until the cut. Whether the cut held is what the caller's check says
(:func:`rmatch.solvers.sparse.checked`: the residual graph of the answer
has no negative cycle and no path that adds a pair), and the flow runs
when it does not. The answer never depends on which solver ran first: the
assignment solver runs whenever it applies, the flow only when it does not
or its answer fails the check (each is deterministic).

It gives no prices: the caller's check computes them, as after a flow.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from ortools.graph.python import linear_sum_assignment

from rmatch.solvers.fill import most_pairs
from rmatch.solvers.sparse import BoolArray, IntArray, _reach

__all__ = ["ASSIGNMENT_FROM", "assigned", "in_range"]


ASSIGNMENT_FROM = 200_000
"""Fewer candidates are solved by the min-cost flow alone (a few tenths of a second).
Measured side by side (``python -m benchmarks scale --solves``, 2026-12-07): with its
maximum matching and the residual step, the assignment solver took 0.57-0.86 of the
flow's time on 230,000 to 980,000 candidates (5,000 to 20,000 per side, organisations
0-2), 0.61-1.02 on 5 to 6 million (100,000 per side)."""


_ALPHA = 5
"""OR-Tools' divisor of epsilon at each refinement (``assignment_alpha``)."""


def in_range(largest_cost: int, left: int) -> bool:
    """Whether OR-Tools' assignment code proves its arithmetic safe for these costs.

    The code scales every cost by ``left + 1`` and bounds how far a price can
    fall over all its refinements; when that bound leaves the 64-bit range it
    answers ``POSSIBLE_OVERFLOW`` (and writes a warning on standard error)
    instead of solving. This repeats its computation, so that such a problem
    is never handed to it.

    Examples
    --------
    >>> in_range(2**26, 100_001), in_range(2**30, 100_001)
    (True, False)
    """
    eps = max(int(largest_cost), 1) * (left + 1)
    if eps >= 2**62:
        return False
    half = max(1, left - 1)  # the code's max(1, nodes / 2 - 1)
    bound = 0.0
    while True:
        new = max(eps // _ALPHA, 1)
        bound += 2.0 * half * (eps + new)
        eps = new
        if new == 1:
            break
    return bound < 2.0**62  # a margin under 2**63 for the double's rounding


def assigned(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray,
             cap_j: IntArray, cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
             *, near: IntArray | None = None, clamp: int = 0,
             matching: BoolArray | None = None) -> BoolArray | None:
    """Solve the candidates with the assignment solver; None where it does not apply.

    ``rows``/``cols``/``weights`` are the candidates, sorted by row then
    column and each pair once (the certificate's keys). Applies under
    ``max_pairs`` with one place for everyone, when the dummies' arcs number
    at most the candidates and people and the costs are in the solver's range
    (:func:`in_range`). ``near``/``clamp`` as in
    :func:`rmatch.solvers.sparse.solved`: a pair that gains more than
    ``clamp`` under ``near`` means the true costs. The answer is an optimum
    unless the cut showed: check it (see the module). ``matching``: the
    candidates of a known matching (the last optimum's pairs), used as the
    maximum matching the dummies need when no path adds a pair to it.

    Examples
    --------
    >>> one = np.ones(2, np.int64)
    >>> assigned(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8]),
    ...          one, one, "max_pairs").tolist()  # two pairs beat the one best pair
    [False, True, True]
    """
    if objective != "max_pairs" or not len(rows) or (cap_j != 1).any() or (cap_s != 1).any():
        return None
    keys = rows * m + cols
    if (np.diff(keys) <= 0).any():
        return None
    most, alone_j, alone_s = _alone(n, m, rows, cols, matching)
    dummies_j, dummies_s = m - most, n - most  # dummy juniors, dummy seniors
    if dummies_s * len(alone_j) + dummies_j * len(alone_s) > len(rows) + n + m:
        return None
    red = None if near is None else near[rows] - near[n + cols] - weights
    if near is not None and red is not None and -red.min(initial=0) <= clamp:
        cost = np.clip(red, -clamp, clamp)
        cost_j = np.clip(near[:n] - near[n + m], -clamp, clamp)  # a junior left alone
        cost_s = np.clip(near[n + m + 1] - near[n:n + m], -clamp, clamp)  # a senior alone
    else:
        # The true costs, their common factor out (a float32 score in 2**30 units
        # is a multiple of 16 or more), which keeps large programmes in range.
        cost = -(weights // max(int(np.gcd.reduce(weights)), 1))
        cost_j, cost_s = np.zeros(n, np.int64), np.zeros(m, np.int64)
    largest = max(int(np.abs(c).max(initial=0)) for c in (cost, cost_j, cost_s))
    if not in_range(largest, n + dummies_j):
        return None
    tails = np.concatenate([rows, np.repeat(n + np.arange(dummies_j), len(alone_s)),
                            np.tile(alone_j, dummies_s)])
    heads = np.concatenate([cols, np.tile(alone_s, dummies_j),
                            np.repeat(m + np.arange(dummies_s), len(alone_j))])
    costs = np.concatenate([cost, np.tile(cost_s[alone_s], dummies_j),
                            np.tile(cost_j[alone_j], dummies_s)])
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(tails.astype(np.int32), heads.astype(np.int32),
                              costs.astype(np.int64))
    # Never a mate after another answer: asking for one after POSSIBLE_OVERFLOW
    # (or INFEASIBLE) reads an unmatched node and ends the process (a segfault,
    # OR-Tools 9.15), which is why in_range keeps such problems from it.
    if solver.solve() != solver.OPTIMAL:  # pragma: no cover - a perfect one exists, in range
        return None
    mate = np.fromiter((solver.right_mate(j) for j in range(n)), np.int64, count=n)
    paired = np.flatnonzero(mate < m)
    chosen = np.zeros(len(rows), np.bool_)
    chosen[np.searchsorted(keys, paired * m + mate[paired])] = True
    return chosen


def _alone(n: int, m: int, rows: IntArray, cols: IntArray, matching: BoolArray | None
           ) -> tuple[int, IntArray, IntArray]:
    """Return the most pairs, and the juniors and seniors some maximum matching leaves alone.

    From one maximum matching (``matching`` when no alternating path joins
    a junior and a senior it leaves alone, else Hopcroft-Karp's,
    :func:`rmatch.solvers.fill.most_pairs`): those an alternating path from
    someone left alone reaches, on each side. A re-solve's last optimum is
    nearly always maximum still: its two searches replace Hopcroft-Karp's
    0.75 s at 100,000 per side.
    """
    if matching is not None:
        alone_j, alone_s, grows = _reached(n, m, rows, cols, matching)
        if not grows:  # no path adds a pair: maximum
            return int(matching.sum()), alone_j, alone_s
    used = most_pairs(n, m, rows, cols)
    alone_j, alone_s, _ = _reached(n, m, rows, cols, used)
    return int(used.sum()), alone_j, alone_s


def _reached(n: int, m: int, rows: IntArray, cols: IntArray, used: BoolArray
             ) -> tuple[IntArray, IntArray, bool]:
    """Return who alternating paths from the free people reach, and whether one more pair fits.

    The juniors such paths from the free juniors (those ``used`` leaves
    alone) reach, the seniors such paths from the free seniors reach (each
    set holding its free ones), and whether a path from a free junior
    reaches a free senior (one more pair: the matching is not maximum).
    From the juniors: out by a pair not used, back by a used one; from the
    seniors the other way round.
    """
    free_j = np.flatnonzero(np.bincount(rows[used], minlength=n) == 0)
    free_s = np.flatnonzero(np.bincount(cols[used], minlength=m) == 0)
    root = n + m
    tails = np.concatenate([rows[~used], n + cols[used], np.full(len(free_j), root)])
    heads = np.concatenate([n + cols[~used], rows[used], free_j])
    from_j = _reach(n + m + 1, tails, heads, root)
    tails = np.concatenate([n + cols[~used], rows[used], np.full(len(free_s), root)])
    heads = np.concatenate([rows[~used], n + cols[used], n + free_s])
    from_s = _reach(n + m + 1, tails, heads, root)
    grows = bool(from_j[n + free_s].any())
    return np.flatnonzero(from_j[:n]), np.flatnonzero(from_s[n:n + m]), grows
