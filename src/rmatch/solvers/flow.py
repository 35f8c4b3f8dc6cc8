"""Exact solver on OR-Tools min-cost flow, for capacities and sparse candidates.

Network: source -> junior (capacity ``cap_j``) -> senior (capacity 1 per
feasible pair, so no pair repeats) -> sink (capacity ``cap_s``).
``solve_max_flow_with_min_cost`` finds the most pairs first, then the
cheapest, which is the contract's lexicographic objective. For
``objective="max_score"`` a free arc from source to sink lets flow skip the
pairs, and a plain min-cost flow finds the highest total.

OR-Tools wants integer costs: each score is scaled by ``SCALE`` (2**30) and
rounded. Scores are float32, whose values in [2**-7, 1] are exact multiples
of 2**-30, so those costs are exact; only smaller scores round, by at most
2**-31 each. When every cost is exact the result is the float optimum
(bound = objective); otherwise its float objective is within ``k * 2**-31``
of the float optimum for ``k`` pairs (below 1e-6 for 2,000 pairs), and that
is the bound reported.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from rmatch.constraints.compiled import SCALE, CoverRule, LoadRule, MinRule
from rmatch.errors import InfeasibleError, InputError, SolverError
from rmatch.solvers.problem import Problem, Rule, Solution, objective


def solve_flow(problem: Problem) -> Solution:
    """Solve exactly by min-cost max-flow over the feasible pairs only."""
    n, m = problem.feasible.shape
    pr, pc = np.nonzero(problem.feasible)
    empty = np.zeros(0, dtype=np.int64)
    if len(pr) == 0:
        return Solution(empty, empty, "optimal")
    source, sink = n + m, n + m + 1
    scaled = problem.total[pr, pc].astype(np.float64) * SCALE
    costs = -np.rint(scaled).astype(np.int64)
    tails = np.concatenate([np.full(n, source), pr, n + np.arange(m)]).astype(np.int32)
    heads = np.concatenate([np.arange(n), n + pc, np.full(m, sink)]).astype(np.int32)
    caps = np.concatenate([problem.cap_j, np.ones(len(pr), np.int64), problem.cap_s])
    unit = np.concatenate([np.zeros(n, np.int64), costs, np.zeros(m, np.int64)])
    supply = int(min(problem.cap_j.sum(), problem.cap_s.sum()))
    flows = _run(tails, heads, caps, unit, source, sink, supply, problem.objective)
    chosen = flows[n:n + len(pr)] > 0
    rows, cols = pr[chosen].astype(np.int64), pc[chosen].astype(np.int64)
    if np.array_equal(scaled, -costs):
        return Solution(rows, cols, "optimal")  # every cost exact: the float optimum
    bound = objective(problem, rows, cols) + len(rows) * 2.0**-31
    return Solution(rows, cols, "optimal", bound)


def _run(tails: np.ndarray, heads: np.ndarray, caps: np.ndarray, unit: np.ndarray,
         source: int, sink: int, supply: int, goal: str) -> np.ndarray:
    """Solve one network; return the flow on each arc, in the order given.

    ``max_pairs``: the most flow, then the least cost. ``max_score``: a free
    arc around the pairs lets flow skip them, and the least cost alone counts.
    """
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    smcf.set_node_supply(source, supply)
    smcf.set_node_supply(sink, -supply)
    if goal == "max_score":
        smcf.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)
        status = smcf.solve()
    else:
        status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status!r}")
    return np.asarray(smcf.flows(np.arange(len(tails), dtype=np.int32)))


def solve_cover(problem: Problem) -> Solution:
    """Solve exactly with coverage rules (``MatchAll``) only: one min-cost flow.

    Each person a ``CoverRule`` names gets their capacity as two arcs from
    the source (or to the sink): the first unit earns a bonus larger than
    any total score, the rest earns nothing extra. An augmenting path never
    lowers anyone's number of pairs, so if some assignment covers everyone
    named, some maximum assignment does too: the most pairs come first, then
    the most people covered (the bonus), then the best score. Under
    ``max_score`` a free source-sink arc makes pairs optional and the bonus
    puts coverage first. Required pairs are fixed beforehand; who they cover
    needs no bonus. The caller checks who is left uncovered.
    """
    n, m = problem.feasible.shape
    cap_j, cap_s = problem.cap_j.copy(), problem.cap_s.copy()
    np.subtract.at(cap_j, problem.fixed_rows, 1)
    np.subtract.at(cap_s, problem.fixed_cols, 1)
    feasible = problem.feasible.copy()
    feasible[problem.fixed_rows, problem.fixed_cols] = False
    cover_j = np.zeros(n, dtype=bool)
    cover_s = np.zeros(m, dtype=bool)
    for rule in problem.rules:
        assert isinstance(rule, CoverRule)
        (cover_j if rule.side == "juniors" else cover_s)[:] = True
    cover_j[problem.fixed_rows] = False
    cover_s[problem.fixed_cols] = False
    cover_j &= cap_j > 0
    cover_s &= cap_s > 0
    pr, pc = np.nonzero(feasible)
    scaled = problem.total[pr, pc].astype(np.float64) * SCALE
    costs = -np.rint(scaled).astype(np.int64)
    # More than any total score: every pair scores at most 1, and there are at
    # most as many pairs as places on either side (or feasible pairs).
    most_pairs = min(int(np.maximum(cap_j, 0).sum()), int(np.maximum(cap_s, 0).sum()), len(pr))
    bonus = (most_pairs + 1) * SCALE
    source, sink = n + m, n + m + 1
    jr, sr = np.flatnonzero(cover_j), np.flatnonzero(cover_s)
    tails = np.concatenate([np.full(n, source), np.full(len(jr), source), pr, n + np.arange(m),
                            n + sr]).astype(np.int32)
    heads = np.concatenate([np.arange(n), jr, n + pc, np.full(m, sink),
                            np.full(len(sr), sink)]).astype(np.int32)
    caps = np.concatenate([cap_j - cover_j, np.ones(len(jr), np.int64),
                           np.ones(len(pr), np.int64), cap_s - cover_s,
                           np.ones(len(sr), np.int64)])
    unit = np.concatenate([np.zeros(n, np.int64), np.full(len(jr), -bonus), costs,
                           np.zeros(m, np.int64), np.full(len(sr), -bonus)])
    supply = int(min(np.maximum(cap_j, 0).sum(), np.maximum(cap_s, 0).sum()))
    flows = _run(tails, heads, np.maximum(caps, 0), unit, source, sink, supply,
                 problem.objective)
    first = n + len(jr)
    chosen = flows[first:first + len(pr)] > 0
    rows = np.concatenate([problem.fixed_rows, pr[chosen]]).astype(np.int64)
    cols = np.concatenate([problem.fixed_cols, pc[chosen]]).astype(np.int64)
    if np.array_equal(scaled, -costs):
        return Solution(rows, cols, "optimal")
    return Solution(rows, cols, "optimal", objective(problem, rows, cols) + len(rows) * 2.0**-31)


# Integer costs stay below this (OR-Tools' costs are int64, and a path sums them).
COST_ROOM = 2**61


def solve_bounded(problem: Problem) -> Solution:
    """Solve exactly with lower bounds and even loads: ``min_partners``, ``MatchAll``, ``EvenLoad``.

    One min-cost flow of fixed value, the most pairs ``P`` (a max flow
    first). Lower bounds (a person's ``min_partners``, and one partner for
    everyone a ``MatchAll`` names) are node supplies, exact: an augmenting
    path never lowers anyone's number of partners, so if any assignment meets
    every bound, one with the most pairs does. With ``EvenLoad``, a person's
    ``k``-th partner on its side (required pairs counted) costs ``B * (2k - 1)``,
    so a flow's load cost is ``B`` times the sum of the squared loads, and ``B``
    is more than any difference in total score. Among integer flows of value
    ``P`` the least sum of squares is the lexicographically smallest sorted
    load vector (Frank and Murota, *Discrete decreasing minimization*, 2019:
    the load vectors form an M-convex set, where least squares and decreasing
    minimality agree). Under ``objective="max_score"`` (without ``EvenLoad``)
    a free arc lets flow skip the pairs. Scores are scaled by a power of two
    small enough for every cost to fit; when that rounds a score the bound
    says by how much at most.

    Raises :class:`InfeasibleError` when the bounds cannot all hold (the
    caller says who and why).
    """
    from ortools.graph.python import max_flow

    load = next((r for r in problem.rules if isinstance(r, LoadRule)), None)
    if load is not None and load.side == "juniors":  # the same network, transposed
        flipped = Problem(problem.total.T, problem.feasible.T, problem.cap_s, problem.cap_j,
                          problem.time_limit_s, problem.seed, problem.fixed_cols,
                          problem.fixed_rows, tuple(_flip(r) for r in problem.rules),
                          objective=problem.objective)
        sol = solve_bounded(flipped)
        return Solution(sol.cols, sol.rows, sol.status, sol.bound)
    n, m = problem.feasible.shape
    taken_j = np.bincount(problem.fixed_rows, minlength=n)
    taken_s = np.bincount(problem.fixed_cols, minlength=m)
    cap_j = np.maximum(problem.cap_j - taken_j, 0)
    cap_s = np.maximum(problem.cap_s - taken_s, 0)
    feasible = problem.feasible.copy()
    feasible[problem.fixed_rows, problem.fixed_cols] = False
    pr, pc = np.nonzero(feasible)
    rows0, cols0 = problem.fixed_rows.astype(np.int64), problem.fixed_cols.astype(np.int64)
    need_j, need_s = _needs(problem, taken_j, taken_s, cap_j, cap_s)
    if (need_j > cap_j).any() or (need_s > cap_s).any():
        raise InfeasibleError("the programme cannot give everyone their minimum", [])
    if len(pr) == 0:
        if need_j.any() or need_s.any():
            raise InfeasibleError("the programme cannot give everyone their minimum", [])
        return Solution(rows0, cols0, "optimal")
    source, sink = n + m, n + m + 1
    # The most pairs: a max flow on the same network.
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(
        np.concatenate([np.full(n, source), pr, n + np.arange(m)]).astype(np.int32),
        np.concatenate([np.arange(n), n + pc, np.full(m, sink)]).astype(np.int32),
        np.concatenate([cap_j, np.ones(len(pr), np.int64), cap_s]))
    if mf.solve(source, sink) != mf.OPTIMAL:
        raise SolverError("max flow did not finish")
    most = int(mf.optimal_flow())
    if load is not None:
        # A senior's units beyond their lower bound: the k-th partner overall costs B(2k - 1).
        unit_s = np.repeat(np.arange(m), cap_s - need_s)
        first = np.concatenate([[0], np.cumsum(cap_s - need_s)[:-1]]).astype(np.int64)
        kth = taken_s[unit_s] + need_s[unit_s] + (np.arange(len(unit_s)) - first[unit_s]) + 1
        big = int(max(kth.max(initial=1), 1))
        # The score costs (at most P * S), B = P * S + 1 above them, and the load
        # costs (at most B * P * (2 * big - 1)) must all fit in COST_ROOM.
        exponent = min(30, int(np.floor(np.log2(COST_ROOM / ((most + 1) ** 2 * (2 * big))))))
        if exponent < 8:
            raise InputError(f"{load.label}: this programme is too large for the exact "
                             "even-load flow (its costs would overflow); split it into cohorts")
    else:
        unit_s, kth, exponent = np.arange(m), np.zeros(m, np.int64), 30
    scale = 2.0**exponent
    scaled = problem.total[pr, pc].astype(np.float64) * scale
    costs = -np.rint(scaled).astype(np.int64)
    weight = (most + 1) * int(scale) + 1
    tails = np.concatenate([np.full(n, source), pr, n + unit_s]).astype(np.int32)
    heads = np.concatenate([np.arange(n), n + pc, np.full(len(unit_s), sink)]).astype(np.int32)
    caps = np.concatenate([cap_j - need_j, np.ones(len(pr), np.int64),
                           np.ones(len(unit_s), np.int64) if load is not None
                           else cap_s - need_s])
    unit = np.concatenate([np.zeros(n, np.int64), costs,
                           weight * (2 * kth - 1) if load is not None
                           else np.zeros(m, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    if problem.objective == "max_score" and load is None:
        smcf.add_arc_with_capacity_and_unit_cost(source, sink, most, 0)  # pairs optional
    # Lower bounds as supplies: a junior's first units come from the source
    # outright, a senior's first units go to the sink outright.
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[:n] += need_j
    supplies[n:n + m] -= need_s
    supplies[source] += most - int(need_j.sum())
    supplies[sink] -= most - int(need_s.sum())
    smcf.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    status = smcf.solve()
    if status == smcf.INFEASIBLE:
        raise InfeasibleError("the programme cannot give everyone their minimum", [])
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status!r}")
    flows = np.asarray(smcf.flows(np.arange(len(tails), dtype=np.int32)))
    chosen = flows[n:n + len(pr)] > 0
    rows = np.concatenate([rows0, pr[chosen]]).astype(np.int64)
    cols = np.concatenate([cols0, pc[chosen]]).astype(np.int64)
    if np.array_equal(scaled, -costs):
        return Solution(rows, cols, "optimal")
    return Solution(rows, cols, "optimal",
                    objective(problem, rows, cols) + len(rows) / scale)


def _needs(problem: Problem, taken_j: np.ndarray, taken_s: np.ndarray, cap_j: np.ndarray,
           cap_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each person's lower bound beyond their required pairs: MinRule's, and MatchAll's one."""
    n, m = len(taken_j), len(taken_s)
    need_j, need_s = np.zeros(n, np.int64), np.zeros(m, np.int64)
    for rule in problem.rules:
        if isinstance(rule, MinRule):
            need_j = np.maximum(need_j, rule.min_j)
            need_s = np.maximum(need_s, rule.min_s)
        if isinstance(rule, CoverRule):  # someone with no place at all is named elsewhere
            if rule.side == "juniors":
                need_j = np.maximum(need_j, (problem.cap_j > 0).astype(np.int64))
            else:
                need_s = np.maximum(need_s, (problem.cap_s > 0).astype(np.int64))
    return np.maximum(need_j - taken_j, 0), np.maximum(need_s - taken_s, 0)


def _flip(rule: Rule) -> Rule:
    """Turn a rule to the transposed network (juniors and seniors swapped)."""
    if isinstance(rule, CoverRule):
        return CoverRule(rule.label, "seniors" if rule.side == "juniors" else "juniors")
    if isinstance(rule, LoadRule):
        return LoadRule(rule.label, "seniors" if rule.side == "juniors" else "juniors")
    if isinstance(rule, MinRule):
        return MinRule(rule.label, rule.min_s, rule.min_j)
    return rule
