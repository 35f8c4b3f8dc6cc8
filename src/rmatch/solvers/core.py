"""Close the gap under programme-wide rules: solve the pairs whose reduced cost fits in it.

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

The search (a "core" method): HiGHS (CP-SAT where a rule has no linear
rows) solves, with the most pairs, the pairs of smallest reduced cost
(``rc <= t``) under every rule. Its optimum
``z`` is the optimum of the whole programme once ``L - t <= z`` (an
assignment with any other pair scores less than ``L - t``); otherwise the
core grows to every pair with ``rc <= L - z`` and is solved again, until
it closes or the time limit comes. Measured on bench_global (run at
6796f6a): the share rule at 1,000 per side keeps 2,144 of 874,553 pairs, at
2,000 per side 8,000 of 3.4 million.

:func:`solve_core` does this on a dense programme, with CP-SAT as the
fallback; :mod:`rmatch.solvers.candidate_core` on the candidate path, where
the reduced costs of the pairs outside the candidates come from a block scan.

Only for the lexicographic objective (the most pairs, then the most score):
the bound holds for assignments with as many pairs as the optimum without
the rules. When the core has no such assignment under the rules, it grows;
when none of the pairs has, the caller searches for fewer pairs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from itertools import product
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from rmatch.constraints.compiled import SCALE, ShareRule
from rmatch.constraints.linear import LinearRows
from rmatch.solvers.lagrange import share_help
from rmatch.solvers.problem import (
    Problem,
    Progress,
    Solution,
    heartbeat,
    rules_hold,
)
from rmatch.solvers.sat import CANDIDATE_S, Model, ProgressFn, Reporter, new_solver, run_model
from rmatch.solvers.sparse import reduced_costs

__all__ = ["CORE_MIN", "CORE_PER_PERSON", "CorePairs", "Follow", "Pool", "highs", "search",
           "solve_core"]

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
MOST_SPLITS = 8
"""The most ways the balance rules' groups may fall short for HiGHS to try them one by one."""
OBJECTIVE_SCALE = float(2**16)
"""HiGHS stops within 1e-6 of its objective: scores scaled by this stop within 1.5e-11."""


@dataclass
class CorePairs:
    """The pairs of one core (a :class:`~rmatch.constraints.linear.PairModel`).

    ``forced`` marks the required pairs; capacities and ``count`` include them.

    Examples
    --------
    >>> core = CorePairs(np.array([0, 1]), np.array([1, 0]), np.array([0.5, 0.25]),
    ...                  np.zeros(2, bool), np.ones(2, np.int64), np.ones(2, np.int64), 2, (2, 2))
    >>> core.keys().tolist(), core.weights.tolist()
    ([1, 2], [536870912, 268435456])
    """

    rows: IntArray
    cols: IntArray
    totals: F64
    forced: BoolArray
    cap_j: IntArray
    cap_s: IntArray
    count: int
    shape: tuple[int, int]

    @property
    def weights(self) -> IntArray:
        """Integer weights, as every exact check of the rules reads them."""
        return np.rint(self.totals * SCALE).astype(np.int64)

    def keys(self) -> IntArray:
        """Each pair as ``row * columns + column``."""
        return self.rows * self.shape[1] + self.cols


@dataclass
class Pool:
    """The pairs a core search draws from, with the Lagrangian bound.

    ``pairs`` holds free pairs with their reduced cost ``rc`` (score units)
    and the required pairs (``forced``, reduced cost -inf: in every core).
    ``reach``: every pair of the programme with reduced cost at most this is
    in the pool (inf: all of them are).

    Examples
    --------
    >>> pairs = CorePairs(np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([0.9, 0.5, 0.4]),
    ...                   np.zeros(3, bool), np.ones(2, np.int64), np.ones(2, np.int64), 1,
    ...                   (2, 2))
    >>> pool = Pool(pairs, np.array([0.0, 0.4, 0.5]), bound=0.9)
    >>> pool.smallest(2), pool.core(0.4).keys().tolist()
    (0.4, [0, 1])
    """

    pairs: CorePairs
    rc: F64
    bound: float
    reach: float = np.inf

    @classmethod
    def gather(cls, parts: list[tuple[IntArray, F64, F64]], required: int,
               caps: tuple[IntArray, IntArray], count: int, shape: tuple[int, int],
               bound: float, reach: float = np.inf) -> Pool:
        """Build a pool from parts ``(keys, totals, reduced costs)``, in row-major order.

        The first ``required`` pairs of the first part are the required ones.

        Examples
        --------
        >>> ones = np.ones(2, np.int64)
        >>> pool = Pool.gather([(np.array([3]), np.array([0.5]), np.array([0.0])),
        ...                     (np.array([0]), np.array([0.9]), np.array([0.1]))],
        ...                    0, (ones, ones), 1, (2, 2), bound=0.9)
        >>> pool.pairs.keys().tolist(), pool.rc.tolist()
        ([0, 3], [0.1, 0.0])
        """
        keys = np.concatenate([k for k, _, _ in parts])
        forced = np.zeros(len(keys), bool)
        forced[:required] = True
        order = np.argsort(keys, kind="stable")  # row-major, as the models read them
        keys = keys[order]
        pairs = CorePairs(keys // shape[1], keys % shape[1],
                          np.concatenate([t for _, t, _ in parts])[order], forced[order],
                          caps[0], caps[1], count, shape)
        return cls(pairs, np.concatenate([r for _, _, r in parts])[order], bound, reach)

    def core(self, threshold: float, extra: IntArray | None = None) -> CorePairs:
        """Return the pairs of reduced cost at most ``threshold``, plus the ``extra`` keys."""
        keep = self.rc <= threshold
        if extra is not None:
            keep |= np.isin(self.pairs.keys(), extra)
        p = self.pairs
        return CorePairs(p.rows[keep], p.cols[keep], p.totals[keep], p.forced[keep], p.cap_j,
                         p.cap_s, p.count, p.shape)

    def smallest(self, size: int) -> float:
        """Return the threshold that keeps the ``size`` free pairs of least reduced cost."""
        free = self._sorted
        if len(free) == 0:
            return 0.0
        return float(free[min(size, len(free)) - 1])

    def size(self, threshold: float) -> int:
        """Count the free pairs the core at ``threshold`` keeps."""
        return int(np.searchsorted(self._sorted, threshold, side="right"))

    @cached_property
    def _sorted(self) -> F64:
        """The free pairs' reduced costs, sorted (once: the search asks several times)."""
        return np.sort(self.rc[~self.pairs.forced])


Check = Callable[[IntArray, IntArray, F64], bool]
"""Whether pairs (rows, columns, plain totals) meet every rule, in exact arithmetic."""
Answer = tuple[str, BoolArray | None, float]
"""A core solve: status ("optimal", "feasible", "infeasible", "unknown"), which of the core's
pairs it chose (None: none found) and its proven bound on the core."""
Fallback = Callable[[CorePairs, IntArray | None, float, "Follow"], Answer]


@dataclass(frozen=True)
class Follow:
    """What a core solve reports its progress against."""

    began: float
    progress: ProgressFn | None
    incumbent: float
    bound: float


def highs(core: CorePairs, rules: tuple[object, ...], check: Check,
          time_left: float) -> Answer | None:
    """Solve a core as a mixed-integer programme with HiGHS (scipy); None if a rule is not linear.

    An assignment with a few side rows is what LP-based branch and bound is
    made for: on bench_global's share rule at 2,000 per side, HiGHS proved
    an 8,000-pair core in 3 s where CP-SAT had not in 47 s. A balance whose
    groups the pair count does not fill is solved once per way its groups
    can fall short (:meth:`~rmatch.constraints.compiled.BalanceRule.splits`).
    The pairs it chooses are checked in exact arithmetic (None if HiGHS's
    tolerances let a rule slip).

    Examples
    --------
    >>> rule = ShareRule("r", np.array([[True, False], [False, True]]), 0.5, at_most=False)
    >>> core = CorePairs(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]),
    ...                  np.array([0.2, 0.9, 0.8, 0.3]), np.zeros(4, bool),
    ...                  np.ones(2, np.int64), np.ones(2, np.int64), 2, (2, 2))
    >>> status, pick, bound = highs(core, (rule,), lambda r, c, t: True, 10.0)
    >>> status, pick.tolist(), round(bound, 6)
    ('optimal', [True, False, False, True], 0.5)
    """
    written: list[LinearRows] = []
    choices: list[list[LinearRows]] = []
    for rule in rules:
        # A rule that only writes itself into CP-SAT (``encode``) is solved there.
        linear = getattr(rule, "linear", None)
        rows = linear(core) if linear is not None else None
        if rows is not None:
            written.append(rows)
            continue
        splits = getattr(rule, "splits", None)
        options = splits(core) if splits is not None else None
        if options is None:
            return None
        choices.append([linear(core, counts) for counts in options])  # type: ignore[misc]
    combos = list(product(*choices))
    if len(combos) > MOST_SPLITS:
        return None
    started = time.perf_counter()
    answers: list[Answer] = []
    for i, combo in enumerate(combos):
        # Each way gets an even part of the time that is left. (A cut "better
        # than the best known" made each of them slower, not faster: measured.)
        left = (time_left - (time.perf_counter() - started)) / (len(combos) - i)
        answers.append(_milp(core, [*written, *combo], check, left))
    solved = [a for a in answers if a[1] is not None]
    if not solved:
        if all(a[0] == "infeasible" for a in answers):
            return "infeasible", None, -np.inf
        return "unknown", None, np.inf
    best = max(solved, key=lambda a: float(core.totals[a[1]].sum()))
    done = all(a[0] in ("optimal", "infeasible") for a in answers)
    return ("optimal" if done else "feasible", best[1], max(a[2] for a in answers))


def _milp(core: CorePairs, rules_rows: list[LinearRows], check: Check,
          time_left: float) -> Answer:
    """Solve one mixed-integer programme: the core's assignment and the rules' rows."""
    n, m = core.shape
    k = len(core.rows)
    if k == 0:  # HiGHS wants a variable: the empty assignment is the only one
        empty = np.zeros(0, np.int64)
        ok = core.count == 0 and all(np.all(lo <= 0) and np.all(hi >= 0)
                                     for _, lo, hi in rules_rows) and check(empty, empty,
                                                                            np.zeros(0))
        return ("optimal", np.zeros(0, np.bool_), 0.0) if ok else ("infeasible", None, -np.inf)
    by_person = [csr_matrix((np.ones(k), (people, np.arange(k))), shape=(size, k))
                 for people, size in ((core.rows, n), (core.cols, m))]
    constraints = [LinearConstraint(by_person[0], 0, core.cap_j),
                   LinearConstraint(by_person[1], 0, core.cap_s),
                   LinearConstraint(np.ones((1, k)), core.count, core.count)]
    constraints += [LinearConstraint(a, lo, hi) for a, lo, hi in rules_rows]
    res = milp(-core.totals * OBJECTIVE_SCALE, constraints=constraints,
               integrality=np.ones(k), bounds=Bounds(core.forced.astype(np.float64), np.ones(k)),
               options={"time_limit": max(0.1, time_left), "mip_rel_gap": 0.0})
    if res.status == 2:
        return "infeasible", None, -np.inf
    if res.x is None:
        return "unknown", None, np.inf
    pick = np.asarray(res.x > 0.5)
    bound = (-float(res.mip_dual_bound) / OBJECTIVE_SCALE if res.mip_dual_bound is not None
             else np.inf)
    rows, cols = core.rows[pick], core.cols[pick]
    exact = (len(rows) == core.count and check(rows, cols, core.totals[pick])
             and np.all(np.bincount(rows, minlength=n) <= core.cap_j)
             and np.all(np.bincount(cols, minlength=m) <= core.cap_s))
    return ("optimal" if res.status == 0 else "feasible", pick if exact else None, bound)


def search(pool: Pool, rules: tuple[object, ...], check: Check, start: IntArray | None,
           follow: Follow, deadline: float, time_limit: float,
           fallback: Fallback | None = None) -> Solution | None:
    """Solve growing cores of least reduced cost until one is proven for every pair.

    ``start`` holds the keys (``row * columns + column``) of an assignment
    with ``pool.pairs.count`` pairs meeting every rule, or None. Returns the
    best assignment found (required pairs included) with its status and
    bound, or None when no assignment with that many pairs meets the rules
    (or time ran out before one was found).
    """
    bound = known = pool.bound  # known: the best bound proven so far
    best: IntArray | None = None  # keys of the best assignment
    value = -np.inf
    keys = pool.pairs.keys()
    if start is not None and np.isin(start, keys).all():
        best = start
        value = float(pool.pairs.totals[np.isin(keys, start)].sum())
    shape = pool.pairs.shape
    threshold = pool.smallest(max(CORE_MIN, CORE_PER_PERSON * sum(shape)))
    if best is not None:
        # Every pair that could be in a better assignment, if that is fewer.
        threshold = min(threshold, max(bound - value, 0.0))
    everything = int((~pool.pairs.forced).sum())
    while True:
        if threshold > pool.reach:
            break  # the pool does not hold every pair this core needs
        kept = pool.size(threshold)
        left = deadline - time.perf_counter()
        if left < CANDIDATE_S * kept + 0.5:
            break  # no time to build this core
        core = pool.core(threshold, best)
        # Until an assignment with the most pairs is known, a core may have
        # none, and proving that can take long: each such try gets a part.
        limit = left if best is not None else min(left, FIRST_SHARE * time_limit)
        follow = Follow(follow.began, follow.progress, max(value, 0.0), known)
        status, pick, inside = _solve_one(core, rules, check, best, limit, follow, fallback)
        if status == "infeasible":
            if kept == everything:
                return None  # no assignment with the most pairs meets the rules
            threshold = pool.smallest(4 * max(kept, 1))
            continue
        if pick is None:
            break  # out of time with nothing new
        found = float(core.totals[pick].sum())
        if found > value:
            best, value = core.keys()[pick], found
        assert best is not None
        # Any assignment with a pair outside the core scores below bound - threshold.
        outside = -np.inf if kept == everything and np.isinf(pool.reach) else bound - threshold
        if status != "optimal":  # out of time: the core's bound, at most the pool's
            return _answer(best, shape, "feasible", max(min(inside, bound), outside, value))
        known = min(known, max(inside, outside, value))
        if known - value <= 1e-9 * max(1.0, abs(value)):
            return _answer(best, shape, "optimal", None)
        if outside <= value + 1e-9 * max(1.0, abs(value)):
            # Proven but for the solver's own tolerance: say how far it can be.
            return _answer(best, shape, "optimal", known)
        threshold = bound - value  # every pair that could still be in a better one
    if best is None:
        return None
    return _answer(best, shape, "feasible", max(known, value))


def _answer(keys: IntArray, shape: tuple[int, int], status: Literal["optimal", "feasible"],
            bound: float | None) -> Solution:
    keys = np.sort(keys)
    return Solution(keys // shape[1], keys % shape[1], status, bound)


def _solve_one(core: CorePairs, rules: tuple[object, ...], check: Check,
               best: IntArray | None, limit: float, follow: Follow,
               fallback: Fallback | None) -> Answer:
    """Solve one core: HiGHS when every rule is linear there, else the fallback (if any)."""
    started = time.perf_counter()
    with heartbeat(follow.progress, follow.began, 2, follow.incumbent, follow.bound):
        answer = highs(core, rules, check, limit)
    if answer is not None and (answer[1] is not None or answer[0] == "infeasible"):
        _, pick, inside = answer
        if follow.progress is not None and pick is not None:
            value = float(core.totals[pick].sum())
            follow.progress(Progress(2, value, max(value, min(inside, follow.bound)),
                                     time.perf_counter() - follow.began))
        return answer
    if fallback is None:
        return "unknown", None, np.inf
    return fallback(core, best, limit - (time.perf_counter() - started), follow)


def solve_core(problem: Problem, count: int, start: Pairs | None, lam: float, began: float,
               progress: ProgressFn | None = None) -> Solution | None:
    """Solve a dense programme exactly on growing cores of least reduced cost (see the module).

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
    pool = _dense_pool(problem, lam)
    if pool.pairs.count != count:
        return None  # the flow found another number of pairs: the bound is not for ``count``
    m = problem.feasible.shape[1]
    start_keys = None if start is None or len(start[0]) != count else start[0] * m + start[1]

    def check(rows: IntArray, cols: IntArray, totals: F64) -> bool:
        return rules_hold(problem, rows, cols)

    def fallback(core: CorePairs, best: IntArray | None, limit: float,
                 follow: Follow) -> Answer:
        return _cpsat(problem, core, best, limit, follow)

    return search(pool, problem.rules, check, start_keys, Follow(began, progress, 0.0, pool.bound),
                  began + problem.time_limit_s, problem.time_limit_s, fallback)


def _dense_pool(problem: Problem, lam: float) -> Pool:
    """Every allowed pair of a dense programme with its reduced cost at ``lam``."""
    n, m = problem.feasible.shape
    f_rows, f_cols = problem.fixed_rows, problem.fixed_cols
    free = problem.feasible.copy()
    free[f_rows, f_cols] = False
    cap_j = np.maximum(problem.cap_j - np.bincount(f_rows, minlength=n), 0)
    cap_s = np.maximum(problem.cap_s - np.bincount(f_cols, minlength=m), 0)
    rows, cols = (a.astype(np.int64) for a in np.nonzero(free))
    shares = [r for r in problem.rules if isinstance(r, ShareRule)]
    plain = problem.total[rows, cols].astype(np.float64)
    priced = plain
    f_plain = problem.total[f_rows, f_cols].astype(np.float64)
    f_value = float(f_plain.sum())
    if shares and lam > 0:
        # An assignment meeting the shares has sum(help) >= 0 with the
        # required pairs counted: pricing the free pairs bounds it.
        help_ = share_help(problem, shares)
        priced = plain + lam * help_[rows, cols]
        f_value += lam * float(help_[f_rows, f_cols].sum())
    weights = np.rint(priced * SCALE).astype(np.int64)
    chosen, rc, _, _ = reduced_costs(n, m, rows, cols, weights, cap_j, cap_s)
    # Each integer weight is within half a unit of its priced score.
    bound = (float(weights[chosen].sum()) + 0.5 * int(chosen.sum())) / SCALE + f_value
    return Pool.gather([(f_rows * m + f_cols, f_plain, np.full(len(f_rows), -np.inf)),
                        (rows * m + cols, plain, rc.astype(np.float64) / SCALE)],
                       len(f_rows), (problem.cap_j, problem.cap_s),
                       int(chosen.sum()) + len(f_rows), (n, m), bound)


def _cpsat(problem: Problem, core: CorePairs, best: IntArray | None, limit: float,
           follow: Follow) -> Answer:
    """Solve one core of a dense programme with CP-SAT (a rule without linear rows)."""
    n, m = problem.feasible.shape
    mask = np.zeros((n, m), np.bool_)
    mask[core.rows, core.cols] = True
    sub = Problem(problem.total, mask, problem.cap_j, problem.cap_s, problem.time_limit_s,
                  problem.seed, problem.fixed_rows, problem.fixed_cols, problem.rules,
                  problem.objective)
    built = Model(sub, count=core.count)
    if best is not None:
        on = np.isin(built.rows * m + built.cols, best)
        for var, value in zip(built.x, on.tolist(), strict=True):
            built.model.add_hint(var, value)
    built.model.maximize(cp_model.LinearExpr.weighted_sum(built.x, built.weights.tolist()))
    solver = new_solver(sub, limit)
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
    chosen = np.array([bool(solver.value(v)) for v in built.x], dtype=bool)
    pick = np.isin(core.keys(), built.rows[chosen] * m + built.cols[chosen])
    value = float(core.totals[pick].sum())
    if status == cp_model.OPTIMAL:
        # The integer weights' rounding, when the scores are not exact in them.
        return "optimal", pick, value if built.exact else value + core.count / SCALE
    return "feasible", pick, solver.best_objective_bound / SCALE
