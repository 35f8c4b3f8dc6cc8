"""Feasible starts for CP-SAT: the assignment optimum without the programme-wide rules, repaired.

Without a feasible start, large programmes can time out with no assignment
at all; with the relaxed optimum repaired (pairs dropped until every rule
holds) and improved by the Lagrangian search, CP-SAT starts close to the
optimum and mostly proves it.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from rmatch.constraints.compiled import ShareRule
from rmatch.solvers.lagrange import balance_swaps, improve, price_shares
from rmatch.solvers.problem import Problem, first_violation, objective, rules_hold

__all__ = ["Starts", "relaxed_optimum", "repair", "score_key", "warm_starts"]


def repair(problem: Problem, rows: np.ndarray,
            cols: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Drop pairs from an assignment until the global rules hold (None if it cannot).

    Dropping never breaks capacities, and a quota or a balance can always be
    met by dropping the right pairs (the fixed ones excepted), so this gives
    CP-SAT a feasible start: without one, large programmes can time out with
    no assignment at all.
    """
    keep = np.ones(len(rows), dtype=bool)
    fixed = np.isin(rows * problem.feasible.shape[1] + cols,
                    problem.fixed_rows * problem.feasible.shape[1] + problem.fixed_cols)
    scores = problem.total[rows, cols].astype(np.float64)
    for _ in range(len(rows) + 1):
        rule = first_violation(problem, rows[keep], cols[keep])
        if rule is None:
            return rows[keep], cols[keep]
        movable = keep & ~fixed
        order = rule.repair_order(rows, cols, keep, movable, scores)
        if order is None:
            return None  # a rule dropping pairs cannot meet (MatchAll)
        if len(order) == 0:
            return None
        keep[order[0]] = False
    return None


def relaxed_optimum(problem: Problem,
             weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """Solve without the global rules (required pairs kept), on ``weights`` if given.

    Returns the chosen pairs and the flow solver's rounding allowance (0: exact).
    """
    cap_j = problem.cap_j.copy()
    cap_s = problem.cap_s.copy()
    np.subtract.at(cap_j, problem.fixed_rows, 1)
    np.subtract.at(cap_s, problem.fixed_cols, 1)
    feasible = problem.feasible.copy()
    feasible[problem.fixed_rows, problem.fixed_cols] = False
    total = problem.total if weights is None else weights
    # The fastest exact solver for the residual problem (scipy's assignment
    # solver on dense 1:1 problems is tens of times faster than flow here).
    from rmatch.solvers import run

    _, sol = run("auto", Problem(total, feasible, np.maximum(cap_j, 0), np.maximum(cap_s, 0),
                                 objective=problem.objective))
    rows = np.concatenate([problem.fixed_rows, sol.rows]).astype(np.int64)
    cols = np.concatenate([problem.fixed_cols, sol.cols]).astype(np.int64)
    order = np.lexsort((cols, rows))
    slack = 0.0 if sol.bound is None else sol.bound - float(
        total[sol.rows, sol.cols].astype(np.float64).sum())
    return rows[order], cols[order], max(slack, 0.0)


def score_key(problem: Problem, pairs: tuple[np.ndarray, np.ndarray]) -> tuple[int, float]:
    """Order assignments as the programme does: more pairs first, then more score."""
    return len(pairs[0]), objective(problem, *pairs)


def warm_starts(problem: Problem, relaxed: tuple[np.ndarray, np.ndarray], slack: float,
                deadline: float) -> Starts:
    """Find the best assignment meeting every rule before CP-SAT, and a Lagrangian bound.

    Candidates: the relaxed optimum, and the optimum with the share rules
    priced in; each moved towards the balance rules by exchanging partners,
    then repaired by dropping pairs, then improved by exchanges that keep
    every rule. The bound (None without share rules) holds for assignments
    with as many pairs as the relaxed optimum; ``multiplier`` is the share
    rules' price that gave it (0 without them).
    """
    now = time.perf_counter()
    candidates = [relaxed]
    bound, lam = None, 0.0
    if any(isinstance(r, ShareRule) for r in problem.rules):
        # The pricing takes at most 60% of the time: the exchanges need the rest.
        priced, bound, _, lam = price_shares(
            problem, lambda w: relaxed_optimum(problem, w), deadline=now + 0.6 * (deadline - now),
            relaxed=(relaxed[0], relaxed[1], slack))
        if priced is not None:
            candidates.insert(0, priced)  # it meets the share rules with every pair
    best = None
    for pairs in candidates:
        if best is not None and len(best[0]) >= len(pairs[0]) and not rules_hold(problem,
                                                                                 *pairs):
            continue  # repairing drops pairs: it could not beat the best any more
        moved = balance_swaps(problem, pairs, deadline)
        repaired = repair(problem, *moved)
        if repaired is not None and (best is None or
                                     score_key(problem, repaired) > score_key(problem, best)):
            best = repaired
    if best is not None:
        best = improve(problem, best, deadline)
    return Starts(best, bound, lam)


class Starts(NamedTuple):
    """What :func:`warm_starts` found: the best start, the Lagrangian bound and its multiplier."""

    best: tuple[np.ndarray, np.ndarray] | None
    bound: float | None
    multiplier: float
