"""Exact solver on OR-Tools CP-SAT, for programme-wide (global) rules.

One boolean per feasible pair, capacity rows, and each rule:

- ``ShareRule`` (MinShare): ``sum (den * q_e - num) x_e >= 0`` (or ``<= 0``)
  with ``share = num / den``, which is "qualifying pairs >= share * pairs"
  without division;
- ``BalanceRule`` (GroupBalance): per senior group ``S_g`` (sum of scores) and
  ``N_g`` (pairs); for every two groups ``S_g N_h - S_h N_g <= G N_g N_h``
  (both ways), i.e. ``|S_g / N_g - S_h / N_h| <= G`` whenever both groups
  have pairs, through CP-SAT's exact integer products;
- ``CoverRule`` (MatchAll): every person on that side in at least one pair.

The contract's lexicographic objective is solved in two phases: first the
most pairs, then, with that many pairs, the highest total score. First of
all, the optimum without the global rules is computed: when it already meets
them it is optimal and returned at once. Otherwise :mod:`rmatch.solvers.lagrange`
builds a start that meets the rules (MinShare priced in, GroupBalance met by
exchanges, then local search) and a Lagrangian bound; when the start reaches
the bound it is optimal, else it hints both phases and the bound cuts phase 2.

Scores are scaled by 2**30 to integers, exact for float32 scores of at least
2**-7 (as in the flow solver); otherwise the reported bound carries the
rounding. Runs are deterministic for a seed (one search worker) when they
finish within the time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from rmatch.constraints.compiled import SCALE, BalanceRule
from rmatch.errors import InfeasibleError, SolverError
from rmatch.solvers.greedy import score_bound as any_matching_bound
from rmatch.solvers.problem import (
    Problem,
    Progress,
    Rule,
    Solution,
    heartbeat,
    objective,
    rules_hold,
)
from rmatch.solvers.starts import relaxed_optimum, warm_starts

# Python-side cost of CP-SAT per candidate pair (model, hints, objective, answer).
CANDIDATE_S = 100e-6


ProgressFn = Callable[[Progress], None]


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Progress of one CP-SAT search: at its start, at each solution and each better bound.

    The bound callback matters: a search that starts from the optimum finds
    no new solution, and only its bound moves while it proves it.
    """

    def __init__(self, phase: int, scale: float, start: float, fn: ProgressFn,
                 incumbent: float = 0.0, bound: float = 0.0) -> None:
        super().__init__()
        self._phase, self._scale, self._start, self._fn = phase, scale, start, fn
        self._incumbent, self._bound = incumbent, max(bound, incumbent)

    def attach(self, solver: cp_model.CpSolver) -> None:
        """Follow the solver's bound, and report once as the search starts."""
        solver.best_bound_callback = self._on_bound
        self._report()

    def on_solution_callback(self) -> None:
        self._incumbent = self.objective_value / self._scale
        self._bound = self.best_objective_bound / self._scale
        self._report()

    def _on_bound(self, bound: float) -> None:
        self._bound = bound / self._scale
        self._report()

    def _report(self) -> None:
        self._fn(Progress(self._phase, self._incumbent, max(self._bound, self._incumbent),
                          time.perf_counter() - self._start))


class _Model:
    """The CP-SAT model of one problem; rules can be switched by literals."""

    def __init__(self, problem: Problem, *, with_switches: bool = False,
                 count: int | None = None) -> None:
        self.problem = problem
        self.cap_j, self.cap_s = problem.cap_j, problem.cap_s
        # With the number of pairs fixed (``count``), a balance rule whose
        # groups must then all be full has constant group sizes and is linear.
        self.count = count
        self.linear_balance = True
        self.rows, self.cols = np.nonzero(problem.feasible)
        self.weights = np.rint(problem.total[self.rows, self.cols].astype(np.float64)
                               * SCALE).astype(np.int64)
        self.exact = bool(np.all(problem.total[self.rows, self.cols].astype(np.float64) * SCALE
                                 == self.weights))
        m = self.model = cp_model.CpModel()
        k = len(self.rows)
        self.x = [m.new_bool_var(f"x{e}") for e in range(k)]
        self.switches: dict[str, Any] = {}
        n_j, n_s = problem.feasible.shape
        self.by_row = _groups(self.rows, n_j)
        self.by_col = _groups(self.cols, n_s)
        for groups, caps in ((self.by_row, problem.cap_j), (self.by_col, problem.cap_s)):
            for person, edges in enumerate(groups):
                if len(edges) > caps[person]:
                    m.add(_sum(self.x, edges) <= int(caps[person]))
        flat = self.rows * n_s + self.cols  # row-major, so sorted
        for e in np.searchsorted(flat, problem.fixed_rows * n_s + problem.fixed_cols).tolist():
            m.add(self.x[e] == 1)
        if count is not None:
            m.add(cp_model.LinearExpr.sum(self.x) == count)
        for rule in problem.rules:
            lit = None
            if with_switches:
                lit = self.switches[rule.label] = m.new_bool_var(rule.label)
            for con in self._rule(rule):
                if lit is not None:
                    con.only_enforce_if(lit)

    def _rule(self, rule: Rule) -> list[Any]:
        # Each rule writes itself (rmatch.constraints.compiled): this class is
        # the CpsatModel it writes into.
        return rule.encode(self)


def _groups(keys: np.ndarray, size: int) -> list[np.ndarray]:
    """Edge indices by person: entry ``p`` lists the edges whose key is ``p``."""
    order = np.argsort(keys, kind="stable")
    ends = np.cumsum(np.bincount(keys, minlength=size))
    return [order[end - c:end] for end, c in
            zip(ends.tolist(), np.bincount(keys, minlength=size).tolist(), strict=True)]


def _sum(x: list[Any], edges: np.ndarray) -> Any:
    return cp_model.LinearExpr.sum([x[e] for e in edges.tolist()])


def _solver(problem: Problem, time_left: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_left)
    # One worker: deterministic for a seed, and on this 2-core class of machine
    # measured faster than a parallel portfolio (interleaved search, the
    # deterministic parallel mode, was 100x slower on a 30 x 30 programme).
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = problem.seed
    return solver


def _full_groups(problem: Problem, count: int,
                 start_pairs: tuple[np.ndarray, np.ndarray] | None,
                 lagrange_bound: float | None, relaxed_score: float,
                 progress: ProgressFn | None, start: float) -> Solution | None:
    """Solve at the most pairs possible when that count fills every balance group.

    With ``count`` pairs (the most without the rules, so the most with them)
    and every group of seniors then full, the balance rules are linear
    (``rmatch.constraints.compiled.BalanceRule.encode``) and CP-SAT proves
    optimality where the general model's products stall. Returns None when the groups would not
    all be full, when no assignment has ``count`` pairs under the rules (the
    general search then looks for fewer), or when time ran out before any
    assignment was found.
    """
    built = _Model(problem, count=count)
    if not built.linear_balance:
        return None
    model, x = built.model, built.x
    if start_pairs is not None and len(start_pairs[0]) == count:
        chosen = np.zeros(problem.feasible.shape, dtype=bool)
        chosen[start_pairs] = True
        for var, value in zip(x, chosen[built.rows, built.cols].tolist(), strict=True):
            model.add_hint(var, value)
    bound = relaxed_score if lagrange_bound is None else min(relaxed_score, lagrange_bound)
    score = cp_model.LinearExpr.weighted_sum(x, built.weights.tolist())
    model.add(score <= int(np.floor(SCALE * bound + 0.5 * count)) + 1)
    model.maximize(score)
    solver = _solver(problem, problem.time_limit_s - (time.perf_counter() - start))
    # The model is now linear (an assignment with a few side constraints):
    # CP-SAT's full LP relaxation proves it. Measured on bench_global's
    # share+balance programme at 300 per side: no assignment in 55 s at the
    # default level 1, the proven optimum in 18 s at level 2.
    solver.parameters.linearization_level = 2
    initial = 0.0 if start_pairs is None else objective(problem, *start_pairs)
    cb = _Reporter(2, SCALE, start, progress, initial, bound) if progress else None
    status = run_model(solver, model, cb)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    pick = np.array([bool(solver.value(v)) for v in x], dtype=bool)
    rows, cols = built.rows[pick].astype(np.int64), built.cols[pick].astype(np.int64)
    if status == cp_model.OPTIMAL and built.exact:
        return Solution(rows, cols, "optimal")
    rounding = 0.0 if built.exact else len(x) * 2.0**-31
    proven = min(solver.best_objective_bound / SCALE, bound)
    return Solution(rows, cols, "optimal" if status == cp_model.OPTIMAL else "feasible",
                    max(objective(problem, rows, cols), proven) + rounding)


def _max_score(problem: Problem, relaxed: tuple[np.ndarray, np.ndarray], slack: float,
               progress: ProgressFn | None, start: float) -> Solution:
    """Maximise the score alone under the rules: one CP-SAT objective, bounded by the relaxed one.

    The relaxed optimum (no global rules) bounds the score; CP-SAT searches
    from an empty start (always allowed unless a rule asks for pairs).
    """
    built = _Model(problem)
    model, x = built.model, built.x
    score = cp_model.LinearExpr.weighted_sum(x, built.weights.tolist())
    bound = objective(problem, *relaxed) + slack
    model.add(score <= int(np.floor(SCALE * bound + 0.5 * len(x))) + 1)
    model.maximize(score)
    solver = _solver(problem, problem.time_limit_s - (time.perf_counter() - start))
    cb = _Reporter(2, SCALE, start, progress, 0.0, bound) if progress else None
    status = run_model(solver, model, cb)
    if status == cp_model.INFEASIBLE:
        labels = _conflict(problem)
        raise InfeasibleError("no assignment meets every constraint", [
            f"these rules cannot hold together: {', '.join(labels)}" if labels else
            "the required pairs and capacities leave no way to meet the global rules"])
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SolverError(
            f"CP-SAT found no assignment meeting the programme-wide rules within "
            f"{problem.time_limit_s:g} s; raise Program.time_limit_s (CLI: --time-limit)")
    chosen = np.array([bool(solver.value(v)) for v in x], dtype=bool)
    rows, cols = built.rows[chosen].astype(np.int64), built.cols[chosen].astype(np.int64)
    if status == cp_model.OPTIMAL and built.exact:
        return Solution(rows, cols, "optimal")
    rounding = 0.0 if built.exact else len(x) * 2.0**-31
    value = objective(problem, rows, cols)
    proven = min(solver.best_objective_bound / SCALE, bound)
    return Solution(rows, cols, "optimal" if status == cp_model.OPTIMAL else "feasible",
                    max(value, proven) + rounding)


def run_model(solver: cp_model.CpSolver, model: cp_model.CpModel,
           callback: cp_model.CpSolverSolutionCallback | None = None) -> Any:
    """Run CP-SAT; raise KeyboardInterrupt when Ctrl-C stopped it.

    CP-SAT catches SIGINT itself and returns its best assignment as if its
    time had run out, so a Ctrl-C used to end in a complete-looking result.
    With these parameters it stops early only when interrupted: a non-optimal
    status well before the time limit means the user pressed Ctrl-C.
    """
    if isinstance(callback, _Reporter):
        callback.attach(solver)
    started = time.perf_counter()
    status = solver.solve(model, callback)
    took = time.perf_counter() - started
    limit = solver.parameters.max_time_in_seconds
    if status in (cp_model.FEASIBLE, cp_model.UNKNOWN) and took < 0.9 * limit - 0.05:
        raise KeyboardInterrupt("CP-SAT was interrupted")
    return status


def _conflict(problem: Problem) -> list[str]:
    """Name a set of global rules that cannot hold together (CP-SAT assumptions)."""
    model = _Model(problem, with_switches=True)
    model.model.add_assumptions(list(model.switches.values()))
    solver = _solver(problem, min(30.0, problem.time_limit_s))
    status = run_model(solver, model.model)
    if status != cp_model.INFEASIBLE:
        return []
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [label for label, lit in model.switches.items() if lit.index in core]


def solve_cpsat(problem: Problem, progress: ProgressFn | None = None) -> Solution:
    """Solve exactly (most pairs, then most score) under the problem's global rules."""
    start = time.perf_counter()
    r_rows, r_cols, slack = relaxed_optimum(problem)
    if problem.objective == "max_score" and not rules_hold(problem, r_rows, r_cols):
        return _max_score(problem, (r_rows, r_cols), slack, progress, start)
    if rules_hold(problem, r_rows, r_cols):
        # The optimum without the global rules meets them: no assignment under
        # the rules can do better, so it is the optimum. Checked before the
        # model is built, which takes seconds for a million candidate pairs.
        return Solution(r_rows, r_cols, "optimal",
                        None if slack == 0 else objective(problem, r_rows, r_cols) + slack)
    if not problem.feasible.any():
        empty = np.zeros(0, dtype=np.int64)
        return Solution(empty, empty, "optimal")
    # Building the CP-SAT model, hinting it twice, setting its objectives and
    # reading the answer back are Python loops over the candidate pairs:
    # about 100 us a candidate here (the constructor alone about 35 us; a
    # 60 s run at 1,000 x 1,000 with 874,000 candidates took 106 s when only
    # the constructor was counted). When that fits in half the time, the
    # starts get the other half; when it cannot fit, they get all of it.
    build_s = CANDIDATE_S * int(problem.feasible.sum()) + 1.0
    share = 0.5 if build_s < problem.time_limit_s / 2 else 0.9
    with heartbeat(progress, start, 2, 0.0, objective(problem, r_rows, r_cols) + slack):
        repaired, lagrange_bound = warm_starts(problem, (r_rows, r_cols), slack,
                                           start + share * problem.time_limit_s)
    relaxed_count = len(r_rows)
    if repaired is not None:
        value = objective(problem, *repaired)
        score_bound = objective(problem, r_rows, r_cols) + slack
        if lagrange_bound is not None:
            score_bound = min(score_bound, lagrange_bound)
        if len(repaired[0]) < relaxed_count:
            # More pairs might be possible: bound the score of any matching.
            score_bound = any_matching_bound(problem)
        elif score_bound - value <= 1e-9 * max(1.0, abs(value)):
            # The start meets the bound (to float64 rounding, the precision
            # the assignment solvers work at): optimal, no CP-SAT needed.
            return Solution(repaired[0], repaired[1], "optimal")
        # Without the time to build the CP-SAT model, the start and its bound stand.
        left = problem.time_limit_s - (time.perf_counter() - start)
        if left < build_s:
            return Solution(repaired[0], repaired[1], "feasible", max(value, score_bound))
    if any(isinstance(r, BalanceRule) for r in problem.rules):
        found = _full_groups(problem, relaxed_count, repaired, lagrange_bound,
                             objective(problem, r_rows, r_cols) + slack, progress, start)
        if found is not None:
            return found
    relaxed = np.zeros(problem.feasible.shape, dtype=np.bool_)
    relaxed[r_rows, r_cols] = True
    built = _Model(problem)
    model, x = built.model, built.x
    if repaired is not None:
        start_pairs = np.zeros(problem.feasible.shape, dtype=bool)
        start_pairs[repaired] = True
        hint = start_pairs[built.rows, built.cols]
    else:
        hint = relaxed[built.rows, built.cols]
    for var, value in zip(x, hint.tolist(), strict=True):
        model.add_hint(var, value)

    count = cp_model.LinearExpr.sum(x)
    # The rules only remove assignments: the optimum without them bounds both
    # the number of pairs and, at that number, the score.
    relaxed_score = objective(problem, r_rows, r_cols) + slack
    if lagrange_bound is not None:
        relaxed_score = min(relaxed_score, lagrange_bound)
    model.add(count <= relaxed_count)
    if repaired is not None and len(repaired[0]) == relaxed_count:
        # The start already has as many pairs as possible: phase 1 is proven.
        status = cp_model.OPTIMAL
        best_count = relaxed_count
        first = hint.astype(int).tolist()
    else:
        model.maximize(count)
        # The time limit covers the whole solve, model building included.
        solver = _solver(problem, problem.time_limit_s - (time.perf_counter() - start))
        cb = (_Reporter(1, 1.0, start, progress,
                        0.0 if repaired is None else len(repaired[0]), relaxed_count)
              if progress else None)
        status = run_model(solver, model, cb)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best_count = round(solver.objective_value)
            first = [int(solver.value(v)) for v in x]
    if status == cp_model.INFEASIBLE:
        labels = _conflict(problem)
        reasons = ([f"these rules cannot hold together: {', '.join(labels)}"] if labels else
                   ["the required pairs and capacities leave no way to meet the global rules"])
        raise InfeasibleError("no assignment meets every constraint", reasons)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and repaired is not None:
        # Out of time before CP-SAT settled on any assignment: keep the repaired one.
        rows, cols = repaired[0].astype(np.int64), repaired[1].astype(np.int64)
        return Solution(rows, cols, "feasible",
                        max(objective(problem, rows, cols), any_matching_bound(problem)))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SolverError(
            f"CP-SAT found no assignment meeting the programme-wide rules within "
            f"{problem.time_limit_s:g} s (status {solver.status_name(status)}); raise "
            "Program.time_limit_s (CLI: --time-limit) or loosen the rules")
    count_proven = status == cp_model.OPTIMAL or best_count == relaxed_count

    left = problem.time_limit_s - (time.perf_counter() - start)
    if left < 0.5 * CANDIDATE_S * len(x):
        # No time left to hint, set and solve phase 2: phase 1's answer stands.
        chosen = np.array(first, dtype=bool)
        rows, cols = built.rows[chosen].astype(np.int64), built.cols[chosen].astype(np.int64)
        bound = relaxed_score if best_count == relaxed_count else any_matching_bound(problem)
        return Solution(rows, cols, "feasible", max(objective(problem, rows, cols), bound))
    model.clear_hints()  # type: ignore[no-untyped-call]
    for var, value in zip(x, first, strict=True):
        model.add_hint(var, value)
    model.add(count == best_count) if count_proven else model.add(count >= best_count)
    score = cp_model.LinearExpr.weighted_sum(x, built.weights.tolist())
    if best_count == relaxed_count and lagrange_bound is not None:
        # The Lagrangian bound as a cut (valid for this many pairs): each
        # integer weight is within 0.5 of its scaled score.
        model.add(score <= int(np.floor(SCALE * lagrange_bound + 0.5 * best_count)) + 1)
    model.maximize(score)
    left = problem.time_limit_s - (time.perf_counter() - start)
    solver = _solver(problem, left)
    first_value = float(problem.total[built.rows, built.cols][np.array(first, dtype=bool)]
                        .astype(np.float64).sum())
    cb = (_Reporter(2, SCALE, start, progress, first_value,
                    relaxed_score if best_count == relaxed_count else any_matching_bound(problem))
          if progress else None)
    status = run_model(solver, model, cb)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = np.array([bool(solver.value(v)) for v in x])
        score_bound = solver.best_objective_bound / SCALE
        if best_count == relaxed_count:
            score_bound = min(score_bound, relaxed_score)
    else:  # out of time in phase 2: keep phase 1's assignment
        chosen = np.array(first, dtype=bool)
        score_bound = relaxed_score if best_count == relaxed_count else float("inf")
    rows, cols = built.rows[chosen].astype(np.int64), built.cols[chosen].astype(np.int64)
    optimal = count_proven and status == cp_model.OPTIMAL
    if not count_proven:
        # A bound on the score of any matching (more pairs may score higher).
        score_bound = any_matching_bound(problem)
    value = objective(problem, rows, cols)
    if optimal and built.exact:
        return Solution(rows, cols, "optimal")
    rounding = 0.0 if built.exact else len(built.rows) * 2.0**-31
    return Solution(rows, cols, "optimal" if optimal else "feasible",
                    max(value, min(score_bound, 1e18)) + rounding)
