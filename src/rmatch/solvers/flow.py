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

from rmatch.constraints.compiled import SCALE, CoverRule
from rmatch.errors import SolverError
from rmatch.solvers.problem import Problem, Solution, objective


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
