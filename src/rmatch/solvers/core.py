"""Close the gap under programme-wide rules: CP-SAT on the pairs whose reduced cost fits in it.

The dense CP-SAT model of a large programme takes longer to build than a
solve may last (about 100 us a pair: 87 s at 1,000 per side), so global
rules used to stop at "feasible" with a Lagrangian bound. But almost none
of the pairs can be in a better assignment. With the share rules priced in
at the multiplier of the best Lagrangian bound (:mod:`rmatch.solvers.lagrange`),
one min-cost flow gives the bound ``L`` and every pair's reduced cost
``rc`` (:func:`rmatch.solvers.sparse.reduced_costs`): every assignment with
the most pairs that meets the rules scores at most ``L - sum(rc)`` over its
pairs. So with the best assignment found scoring ``z``, a pair with
``rc > L - z`` is in no better one (reduced-cost fixing).

The search (a "core" method): CP-SAT solves, with the most pairs, the
pairs of smallest reduced cost (``rc <= t``) under every rule. Its optimum
``z`` is the optimum of the whole programme once ``L - t <= z`` (an
assignment with any other pair scores less than ``L - t``); otherwise the
core grows to every pair with ``rc <= L - z`` and is solved again, until
it closes or the time limit comes. Measured on bench_global (run at the commit that added
it): the share rule at 1,000 per side keeps 2,144 of 874,553 pairs, at
2,000 per side 16,000 of 3.4 million.

Only for the lexicographic objective (the most pairs, then the most score):
the bound holds for assignments with as many pairs as the optimum without
the rules. When the core has no such assignment under the rules, it grows;
when none of the pairs has, the caller searches for fewer pairs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from rmatch.constraints.compiled import SCALE, LinearRows, ShareRule
from rmatch.solvers.lagrange import share_help
from rmatch.solvers.problem import (
    Problem,
    Progress,
    Solution,
    heartbeat,
    objective,
    rules_hold,
)
from rmatch.solvers.sat import CANDIDATE_S, Model, ProgressFn, Reporter, new_solver, run_model
from rmatch.solvers.sparse import reduced_costs

__all__ = ["CORE_PER_PERSON", "solve_core"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]
Pairs = tuple[IntArray, IntArray]

CORE_PER_PERSON = 2
"""The first core: this many pairs per person (both sides), those of least reduced cost."""
CORE_MIN = 2000
"""The first core has at least this many pairs."""
FIRST_SHARE = 0.25
"""Each core solve before an assignment with the most pairs is known gets this share of the
time limit at most."""
OBJECTIVE_SCALE = float(2**16)
"""HiGHS stops within 1e-6 of its objective: scores scaled by this stop within 1.5e-11."""


class _Priced:
    """The Lagrangian bound ``L`` at one multiplier, and each free pair's reduced cost."""

    def __init__(self, problem: Problem, lam: float) -> None:
        n, m = self.shape = problem.feasible.shape
        f_rows, f_cols = problem.fixed_rows, problem.fixed_cols
        free = problem.feasible.copy()
        free[f_rows, f_cols] = False
        cap_j = np.maximum(problem.cap_j - np.bincount(f_rows, minlength=n), 0)
        cap_s = np.maximum(problem.cap_s - np.bincount(f_cols, minlength=m), 0)
        self.rows, self.cols = (a.astype(np.int64) for a in np.nonzero(free))
        shares = [r for r in problem.rules if isinstance(r, ShareRule)]
        priced = problem.total[self.rows, self.cols].astype(np.float64)
        f_value = objective(problem, f_rows, f_cols)
        if shares and lam > 0:
            # An assignment meeting the shares has sum(help) >= 0 with the
            # required pairs counted: pricing the free pairs bounds it.
            help_ = share_help(problem, shares)
            priced = priced + lam * help_[self.rows, self.cols]
            f_value += lam * float(help_[f_rows, f_cols].sum())
        weights = np.rint(priced * SCALE).astype(np.int64)
        chosen, rc = reduced_costs(n, m, self.rows, self.cols, weights, cap_j, cap_s)
        self.count = int(chosen.sum()) + len(f_rows)
        # Each integer weight is within half a unit of its priced score.
        self.bound = (float(weights[chosen].sum()) + 0.5 * int(chosen.sum())) / SCALE + f_value
        self.rc: F64 = rc.astype(np.float64) / SCALE
        self.sorted_rc = np.sort(self.rc)

    def core(self, threshold: float) -> npt.NDArray[np.bool_]:
        """Return the free pairs of reduced cost at most ``threshold``, as a mask."""
        keep = self.rc <= threshold
        return self.mask(self.rows[keep], self.cols[keep])

    def smallest(self, size: int) -> float:
        """Return the threshold that keeps the ``size`` pairs of least reduced cost."""
        if len(self.sorted_rc) == 0:
            return 0.0
        return float(self.sorted_rc[min(size, len(self.sorted_rc)) - 1])

    def size(self, threshold: float) -> int:
        """Count the free pairs the core at ``threshold`` keeps."""
        return int(np.searchsorted(self.sorted_rc, threshold, side="right"))

    def mask(self, rows: IntArray, cols: IntArray) -> npt.NDArray[np.bool_]:
        """Return pairs as a juniors x seniors mask."""
        out = np.zeros(self.shape, dtype=np.bool_)
        out[rows, cols] = True
        return out


@dataclass
class _Pairs:
    """The pairs of one core (a :class:`~rmatch.constraints.compiled.PairModel`)."""

    rows: IntArray
    cols: IntArray
    weights: IntArray
    cap_j: IntArray
    cap_s: IntArray
    count: int | None


def _linear_rules(problem: Problem, pairs: _Pairs) -> list[LinearRows] | None:
    """Every rule as linear rows over the core's pairs (None: one has no linear form)."""
    out = []
    for rule in problem.rules:
        # A rule that only writes itself into CP-SAT (``encode``) is solved there.
        linear = getattr(rule, "linear", None)
        rows = linear(pairs) if linear is not None else None
        if rows is None:
            return None
        out.append(rows)
    return out


def _highs(problem: Problem, mask: BoolArray, count: int, time_left: float
           ) -> tuple[str, Pairs | None, float] | None:
    """Solve a core as a mixed-integer programme with HiGHS (scipy); None if a rule is not linear.

    An assignment with a few side rows is what LP-based branch and bound is
    made for: on bench_global's share rule at 2,000 per side, HiGHS proved
    an 8,000-pair core in 3 s where CP-SAT had not in 47 s. Returns the
    status ("optimal", "feasible" or "infeasible"), the pairs (checked in
    exact arithmetic: None if HiGHS's tolerances let a rule slip) and the
    proven bound on the core.
    """
    e_rows, e_cols = (a.astype(np.int64) for a in np.nonzero(mask))
    total = problem.total[e_rows, e_cols].astype(np.float64)
    pairs = _Pairs(e_rows, e_cols, np.rint(total * SCALE).astype(np.int64), problem.cap_j,
                   problem.cap_s, count)
    rules = _linear_rules(problem, pairs)
    if rules is None:
        return None
    n, m = mask.shape
    k = len(e_rows)
    if k == 0:  # HiGHS wants a variable: the empty assignment is the only one
        ok = count == 0 and rules_hold(problem, e_rows, e_cols)
        return ("optimal", (e_rows, e_cols), 0.0) if ok else ("infeasible", None, -np.inf)
    by_person = [csr_matrix((np.ones(k), (people, np.arange(k))), shape=(size, k))
                 for people, size in ((e_rows, n), (e_cols, m))]
    constraints = [LinearConstraint(by_person[0], 0, problem.cap_j),
                   LinearConstraint(by_person[1], 0, problem.cap_s),
                   LinearConstraint(np.ones((1, k)), count, count)]
    constraints += [LinearConstraint(a, lo, hi) for a, lo, hi in rules]
    lower = np.zeros(k)
    flat = e_rows * m + e_cols  # row-major, so sorted
    lower[np.searchsorted(flat, problem.fixed_rows * m + problem.fixed_cols)] = 1.0
    res = milp(-total * OBJECTIVE_SCALE, constraints=constraints, integrality=np.ones(k),
               bounds=Bounds(lower, np.ones(k)),
               options={"time_limit": max(0.1, time_left), "mip_rel_gap": 0.0})
    if res.status == 2:
        return "infeasible", None, -np.inf
    if res.x is None:
        return "feasible", None, np.inf
    pick = res.x > 0.5
    rows, cols = e_rows[pick], e_cols[pick]
    bound = (-float(res.mip_dual_bound) / OBJECTIVE_SCALE if res.mip_dual_bound is not None
             else np.inf)
    exact = (len(rows) == count and rules_hold(problem, rows, cols)
             and np.all(np.bincount(rows, minlength=n) <= problem.cap_j)
             and np.all(np.bincount(cols, minlength=m) <= problem.cap_s))
    return ("optimal" if res.status == 0 else "feasible",
            (rows, cols) if exact else None, bound)


def solve_core(problem: Problem, count: int, start: Pairs | None, lam: float, began: float,
               progress: ProgressFn | None = None) -> Solution | None:
    """Solve the programme exactly on growing cores of least reduced cost (see the module).

    ``count`` is the most pairs without the global rules, ``start`` an
    assignment meeting every rule (or None), ``lam`` the share rules'
    multiplier (0 without them), ``began`` when the solve started (its time
    limit counts from there). Returns None when no assignment with ``count``
    pairs meets the rules, or time ran out before one was found.

    Examples
    --------
    >>> rule = ShareRule("r", np.array([[True, False], [False, True]]), 0.5, at_most=False)
    >>> total = np.array([[0.2, 0.9], [0.8, 0.3]], np.float32)
    >>> problem = Problem(total, np.ones((2, 2), bool), np.ones(2, np.int64),
    ...                   np.ones(2, np.int64), rules=(rule,))
    >>> found = solve_core(problem, 2, None, 0.5, time.perf_counter())
    >>> found.rows.tolist(), found.cols.tolist(), found.status
    ([0, 1], [0, 1], 'optimal')
    """
    priced = _Priced(problem, lam)
    if priced.count != count:
        return None  # the flow found another number of pairs: the bound is not for ``count``
    bound = known = priced.bound  # known: the best bound proven so far
    fixed = priced.mask(problem.fixed_rows, problem.fixed_cols)
    best: Pairs | None = None
    value = -np.inf
    if start is not None and len(start[0]) == count:
        best, value = start, objective(problem, *start)
    threshold = priced.smallest(max(CORE_MIN, CORE_PER_PERSON * sum(priced.shape)))
    if best is not None:
        # Every pair that could be in a better assignment, if that is fewer.
        threshold = min(threshold, max(bound - value, 0.0))
    everything = len(priced.rc)
    while True:
        kept = priced.size(threshold)
        left = problem.time_limit_s - (time.perf_counter() - began)
        if left < CANDIDATE_S * kept + 0.5:
            break  # no time to build this core
        mask = priced.core(threshold) | fixed
        if best is not None:
            mask[best] = True
        # Until an assignment with ``count`` pairs is known, a core may have
        # none, and proving that can take long: each such try gets a part.
        limit = left if best is not None else min(left, FIRST_SHARE * problem.time_limit_s)
        status, found, inside = _solve_one(problem, mask, count, best, limit,
                                           _Follow(began, progress, max(value, 0.0), known))
        if status == "infeasible":
            if kept == everything:
                return None  # no assignment with ``count`` pairs meets the rules
            threshold = priced.smallest(4 * max(kept, 1))
            continue
        if found is None:
            break  # out of time with nothing new
        if objective(problem, *found) > value:
            best, value = found, objective(problem, *found)
        assert best is not None
        # Any assignment with a pair outside the core scores below bound - threshold.
        outside = -np.inf if kept == everything else bound - threshold
        if status != "optimal":
            return Solution(best[0], best[1], "feasible", max(inside, outside, value))
        known = min(known, max(inside, outside, value))
        if known - value <= 1e-9 * max(1.0, abs(value)):
            return Solution(best[0], best[1], "optimal")
        if outside <= value + 1e-9 * max(1.0, abs(value)):
            # Proven but for the solver's own tolerance: say how far it can be.
            return Solution(best[0], best[1], "optimal", known)
        threshold = bound - value  # every pair that could still be in a better one
    if best is None:
        return None
    return Solution(best[0], best[1], "feasible", max(known, value))


@dataclass(frozen=True)
class _Follow:
    """What a core solve reports its progress against."""

    began: float
    progress: ProgressFn | None
    incumbent: float
    bound: float


def _solve_one(problem: Problem, mask: BoolArray, count: int, best: Pairs | None,
               limit: float, follow: _Follow) -> tuple[str, Pairs | None, float]:
    """Solve one core: HiGHS when every rule is linear there, else CP-SAT.

    Returns the status ("optimal", "feasible", "infeasible" or "unknown"),
    the best pairs (None if none) and the proven bound on the core.
    """
    started = time.perf_counter()
    with heartbeat(follow.progress, follow.began, 2, follow.incumbent, follow.bound):
        answer = _highs(problem, mask, count, limit)
    if answer is not None and (answer[1] is not None or answer[0] == "infeasible"):
        status, found, inside = answer
        if follow.progress is not None and found is not None:
            value = objective(problem, *found)
            follow.progress(Progress(2, value, max(value, min(inside, follow.bound)),
                                     time.perf_counter() - follow.began))
        return answer
    sub = Problem(problem.total, mask, problem.cap_j, problem.cap_s, problem.time_limit_s,
                  problem.seed, problem.fixed_rows, problem.fixed_cols, problem.rules,
                  problem.objective)
    built = Model(sub, count=count)
    if best is not None:
        on = np.zeros(mask.shape, dtype=np.bool_)
        on[best] = True
        for var, value in zip(built.x, on[built.rows, built.cols].tolist(), strict=True):
            built.model.add_hint(var, value)
    built.model.maximize(cp_model.LinearExpr.weighted_sum(built.x, built.weights.tolist()))
    solver = new_solver(sub, limit - (time.perf_counter() - started))
    # An assignment with a few side constraints: CP-SAT's full LP
    # relaxation helps it (as in rmatch.solvers.cpsat._full_groups).
    solver.parameters.linearization_level = 2
    cb = (Reporter(2, SCALE, follow.began, follow.progress, follow.incumbent, follow.bound)
          if follow.progress else None)
    status = run_model(solver, built.model, cb)
    if status == cp_model.INFEASIBLE:
        return "infeasible", None, -np.inf
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "unknown", None, np.inf
    pick = np.array([bool(solver.value(v)) for v in built.x], dtype=bool)
    rows, cols = built.rows[pick].astype(np.int64), built.cols[pick].astype(np.int64)
    value = objective(problem, rows, cols)
    if status == cp_model.OPTIMAL:
        # The integer weights' rounding, when the scores are not exact in them.
        return "optimal", (rows, cols), value if built.exact else value + count / SCALE
    return "feasible", (rows, cols), solver.best_objective_bound / SCALE
