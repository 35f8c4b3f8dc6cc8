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
the bound it is optimal. Else :mod:`rmatch.solvers.core` solves the few pairs
whose reduced cost fits in the gap (HiGHS, or CP-SAT where a rule is not
linear) and proves that optimum for every pair; only when no assignment with
the most pairs meets the rules, or time runs out first, does the whole model
(:mod:`rmatch.solvers.sat`) search, hinted by the start and cut by the bound.

Scores are scaled by 2**30 to integers, exact for float32 scores of at least
2**-7 (as in the flow solver); otherwise the reported bound carries the
rounding. Runs are deterministic for a seed (one search worker) when they
finish within the time limit.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from rmatch.constraints.compiled import SCALE, BalanceRule
from rmatch.errors import InfeasibleError, SolverError
from rmatch.solvers.core import solve_core
from rmatch.solvers.greedy import score_bound as any_matching_bound
from rmatch.solvers.problem import (
    Problem,
    Solution,
    heartbeat,
    objective,
    rules_hold,
)
from rmatch.solvers.sat import CANDIDATE_S, Model, ProgressFn, Reporter, new_solver, run_model
from rmatch.solvers.starts import relaxed_optimum, warm_starts


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
    built = Model(problem, count=count)
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
    solver = new_solver(problem, problem.time_limit_s - (time.perf_counter() - start))
    # The model is now linear (an assignment with a few side constraints):
    # CP-SAT's full LP relaxation proves it. Measured on bench_global's
    # share+balance programme at 300 per side: no assignment in 55 s at the
    # default level 1, the proven optimum in 18 s at level 2.
    solver.parameters.linearization_level = 2
    initial = 0.0 if start_pairs is None else objective(problem, *start_pairs)
    cb = Reporter(2, SCALE, start, progress, initial, bound) if progress else None
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
    built = Model(problem)
    model, x = built.model, built.x
    score = cp_model.LinearExpr.weighted_sum(x, built.weights.tolist())
    bound = objective(problem, *relaxed) + slack
    model.add(score <= int(np.floor(SCALE * bound + 0.5 * len(x))) + 1)
    model.maximize(score)
    solver = new_solver(problem, problem.time_limit_s - (time.perf_counter() - start))
    cb = Reporter(2, SCALE, start, progress, 0.0, bound) if progress else None
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


def _conflict(problem: Problem) -> list[str]:
    """Name a set of global rules that cannot hold together (CP-SAT assumptions)."""
    model = Model(problem, with_switches=True)
    model.model.add_assumptions(list(model.switches.values()))
    solver = new_solver(problem, min(30.0, problem.time_limit_s))
    status = run_model(solver, model.model)
    if status != cp_model.INFEASIBLE:
        return []
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [label for label, lit in model.switches.items() if lit.index in core]


def _infeasible(problem: Problem) -> InfeasibleError:
    """Return the error for rules no assignment meets, naming a set of them that conflict."""
    labels = _conflict(problem)
    reasons = ([f"these rules cannot hold together: {', '.join(labels)}"] if labels else
               ["the required pairs and capacities leave no way to meet the global rules"])
    return InfeasibleError("no assignment meets every constraint", reasons)


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
        # The relaxed optimum is the empty assignment, and the rules did not
        # hold on it (a minimum, a cover): no assignment meets them.
        raise _infeasible(problem)
    # Building the CP-SAT model, hinting it twice, setting its objectives and
    # reading the answer back are Python loops over the candidate pairs:
    # about 100 us a candidate here (the constructor alone about 35 us; a
    # 60 s run at 1,000 x 1,000 with 874,000 candidates took 106 s when only
    # the constructor was counted). When that fits in half the time, the
    # starts get the other half; when it cannot fit, they get all of it.
    build_s = CANDIDATE_S * int(problem.feasible.sum()) + 1.0
    share = 0.5 if build_s < problem.time_limit_s / 2 else 0.9
    with heartbeat(progress, start, 2, 0.0, objective(problem, r_rows, r_cols) + slack):
        starts = warm_starts(problem, (r_rows, r_cols), slack,
                             start + share * problem.time_limit_s)
    repaired, lagrange_bound = starts.best, starts.bound
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
    # Most pairs cannot be in a better assignment: CP-SAT on the few that can
    # (reduced-cost fixing) closes the gap where the whole model would not fit.
    cored = solve_core(problem, relaxed_count, repaired, starts.multiplier, start, progress)
    if cored is not None:
        return cored
    if repaired is not None:
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
    built = Model(problem)
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
        solver = new_solver(problem, problem.time_limit_s - (time.perf_counter() - start))
        cb = (Reporter(1, 1.0, start, progress,
                        0.0 if repaired is None else len(repaired[0]), relaxed_count)
              if progress else None)
        status = run_model(solver, model, cb)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best_count = round(solver.objective_value)
            first = [int(solver.value(v)) for v in x]
    if status == cp_model.INFEASIBLE:
        raise _infeasible(problem)
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
    solver = new_solver(problem, left)
    first_value = float(problem.total[built.rows, built.cols][np.array(first, dtype=bool)]
                        .astype(np.float64).sum())
    cb = (Reporter(2, SCALE, start, progress, first_value,
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
