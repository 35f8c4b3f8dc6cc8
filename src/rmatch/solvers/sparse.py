r"""Exact matching on candidate pairs, proven optimal for every pair by its duals.

The programme's pairs are never all handed to a solver. A small candidate
set (each person's best few partners by *reduced* score, the score minus
estimated dual prices) is solved exactly by OR-Tools min-cost flow; dual
prices are then recovered from that solution and every pair of the
programme is scanned, block by block: a pair outside the candidates whose
reduced score is positive could improve the assignment, so it joins the
candidates and the loop repeats. When no pair does, the dual prices are a
certificate that the candidate optimum is the optimum of the whole
programme.

The duals. Costs are integers (``-rint(score * 2**30)``, as in the flow
solver). After the min-cost flow, shortest distances :math:`\pi` in its
residual graph (from a virtual root joined to every node) are valid node
potentials: every residual arc has a non-negative reduced cost (after a
repair, the repair's own potentials, checked so). A pair left out of the
candidates is one more forward arc, of cost :math:`-w`: when none is below
zero under :math:`\pi`, the whole programme's residual graph has no
negative cycle, and the candidates' flow is the best over all pairs. With
:math:`S` and :math:`T` the source and sink, :math:`u_j = \max(0, \pi_j -
\pi_S)` (junior :math:`j`) and :math:`v_k = \max(0, \pi_T - \pi_k)`
(senior :math:`k`) are the prices, clamped at 0 (which breaks no arc).
Under ``objective="max_pairs"`` the programme also fixes the number of pairs,
which adds a price :math:`\mu` on "one more pair": the nodes of a set
:math:`R` that holds the source, not the sink, and that no residual arc
leaves can have their potentials lowered by any :math:`\delta \ge 0`
without breaking a residual arc, and as :math:`\delta \to \infty` that
is the lexicographic objective (such a set is a minimum cut: its capacity
is the number of pairs). Two such sets are at hand: the nodes the source
reaches (the smallest) and those that cannot reach the sink (the largest);
:math:`R` is the one with the fewer (junior, senior) pairs across it, which
are the pairs the scan must look at whatever their score. (With one
junior left over at the most pairs, the source can reach almost everyone
while only the senior left over reaches the sink.) So a pair
:math:`(j, k)` outside the candidates can improve the assignment only if

- :math:`j \in R` and :math:`k \notin R` (it would add a pair), or
- both or neither are in :math:`R` and :math:`w_{jk} > p_j - p_k`,

with :math:`p_j = \max(\pi_j, \pi_S)` for juniors in :math:`R`,
:math:`p_k = \min(\pi_k, \pi_T)` for seniors outside it (the clamping of
the prices at 0) and the plain potentials otherwise. Under ``max_score``
:math:`R` plays no part. ``docs/scale.md`` gives the full argument; the
tests check the certificate against brute force and dense solvers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from rmatch.errors import SolverError
from rmatch.jit import compiled
from rmatch.model.arrays import spans
from rmatch.solvers.paths import topological_paths

__all__ = ["F32", "BoolArray", "Duals", "IntArray", "Reduced", "checked", "choose_candidates",
           "duals_of", "reduced_costs", "solve_candidates", "solved"]

IntArray = npt.NDArray[np.int64]


BoolArray = npt.NDArray[np.bool_]


F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Duals:
    """Dual prices of an optimal candidate solution, in integer weight units.

    ``pot_j`` and ``pot_s`` are the (clamped) potentials, ``reach_j`` and
    ``reach_s`` the people in the closed set ``R`` (the people the source
    reaches in the residual graph, or those who cannot reach the sink: see
    the module notes; used under ``max_pairs`` only). :meth:`improves` says
    which pairs could improve the assignment; none outside the candidates
    means proven optimal.
    """

    pot_j: IntArray
    pot_s: IntArray
    reach_j: BoolArray
    reach_s: BoolArray
    # Potentials of the source and the sink: the prices are ``pot_j - ref_j``
    # (juniors) and ``ref_s - pot_s`` (seniors), both >= 0 outside R.
    ref_j: int = 0
    ref_s: int = 0

    def improves(self, rows: IntArray, cols: IntArray, weights: IntArray) -> BoolArray:
        """For pairs given as (row, column, integer weight), which could improve.

        Examples
        --------
        >>> d = Duals(np.array([5]), np.array([0]), np.array([False]), np.array([False]))
        >>> d.improves(np.array([0, 0]), np.array([0, 0]), np.array([5, 6])).tolist()
        [False, True]
        """
        rj, rk = self.reach_j[rows], self.reach_s[cols]
        better = weights > self.pot_j[rows] - self.pot_s[cols]
        return np.asarray((rj & ~rk) | ((rj == rk) & better))


def _distances(n_nodes: int, tails: IntArray, heads: IntArray, costs: IntArray) -> IntArray:
    """Shortest distances from a virtual root joined to every node by a 0-cost arc.

    A vectorised Bellman-Ford that relaxes, each sweep, only the arcs out of
    nodes whose distance just fell. The residual graph of an optimal flow
    has no negative cycle, so it stops within ``n_nodes`` sweeps (far fewer
    in practice: the longest alternating path). Large graphs get them from
    compiled passes (:mod:`rmatch.solvers.paths`, then a queue if needed).
    """
    dist = np.zeros(n_nodes, dtype=np.int64)
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    if len(tails) >= COMPILED_FROM_ARCS:
        # The arcs grouped by tail in one counting pass, no sort (0.03 s for
        # the 5-6 million residual arcs at 100,000 per side).
        h_sorted, c_sorted = np.empty_like(heads), np.empty_like(costs)
        compiled(_by_tail)(tails, heads, costs, indptr, h_sorted, c_sorted)
        # Goldberg-Radzik passes first (half the queue's time at 100,000 per
        # side); the queue finishes when they stop short (a negative cycle).
        if topological_paths(indptr, h_sorted, c_sorted, dist):
            return dist
        if not compiled(_queue_paths)(indptr, h_sorted, c_sorted, dist):
            raise SolverError("the residual graph of the candidate solution has a negative cycle")
        return dist
    order = np.argsort(tails, kind="stable")
    t_sorted, h_sorted, c_sorted = tails[order], heads[order], costs[order]
    np.cumsum(np.bincount(t_sorted, minlength=n_nodes), out=indptr[1:])
    active = np.arange(n_nodes)
    is_active = np.zeros(n_nodes, dtype=np.bool_)
    for _ in range(n_nodes + 1):
        if len(active) == n_nodes:
            arcs = np.arange(len(t_sorted))
        elif len(active) > n_nodes // 8:  # many: one pass over all arcs
            is_active[:] = False
            is_active[active] = True
            arcs = np.flatnonzero(is_active[t_sorted])
        else:  # few: gather their arcs through the index by tail
            arcs = spans(indptr[active], indptr[active + 1] - indptr[active])
        if len(arcs) == 0:
            return dist
        t, h = t_sorted[arcs], h_sorted[arcs]
        cand = dist[t] + c_sorted[arcs]
        better = cand < dist[h]
        if not better.any():
            return dist
        h, cand = h[better], cand[better]
        np.minimum.at(dist, h, cand)
        active = np.unique(h)
    raise SolverError("the residual graph of the candidate solution has a negative cycle")


COMPILED_FROM_ARCS = 500_000
"""Residual graphs with at least this many arcs get their distances from the compiled
queue (about a third of a solve at 30,000 per side as numpy sweeps); smaller ones from
the numpy sweeps, which need no compiler. Shortest distances are unique: both give them."""


def _by_tail(tails: Any, heads: Any, costs: Any, indptr: Any, h_out: Any,
             c_out: Any) -> None:  # pragma: no cover
    # Compiled by numba: a stable counting sort of the arcs by tail (heads
    # and costs into h_out and c_out, each tail's arcs from indptr[tail]);
    # an empty costs array sorts the heads alone.
    with_costs = costs.shape[0] > 0
    for a in range(tails.shape[0]):
        indptr[tails[a] + 1] += 1
    for v in range(indptr.shape[0] - 1):
        indptr[v + 1] += indptr[v]
    at = indptr[:-1].copy()
    for a in range(tails.shape[0]):
        t = tails[a]
        h_out[at[t]] = heads[a]
        if with_costs:
            c_out[at[t]] = costs[a]
        at[t] += 1


def _search(indptr: Any, heads: Any, start: int, seen: Any) -> None:  # pragma: no cover
    # Compiled by numba: breadth-first from start, marking what it reaches.
    queue = np.empty(seen.shape[0], np.int64)
    seen[start] = True
    queue[0] = start
    first, last = 0, 1
    while first < last:
        u = queue[first]
        first += 1
        for a in range(indptr[u], indptr[u + 1]):
            h = heads[a]
            if not seen[h]:
                seen[h] = True
                queue[last] = h
                last += 1


def _queue_paths(indptr: Any, heads: Any, costs: Any, dist: Any) -> bool:  # pragma: no cover
    # Compiled by numba: Bellman-Ford with a queue of the nodes whose distance
    # fell (each node queued at most once at a time), from a virtual root at
    # distance 0 to every node (``dist`` at 0, or already lowered to costs of
    # paths from the root: the passes of rmatch.solvers.paths). False when a
    # node's best path so far has as many arcs as there are nodes: it repeats
    # a node, so a cycle on it is negative (a strict fall is needed to move).
    # Found as soon as a path around it has wound n arcs, not after n passes
    # over the graph (the reduced costs try a graph that may have one, see
    # reduced_costs).
    # A node whose distance falls below the next one's goes first (Bertsekas'
    # small-label-first rule): its arcs are then relaxed from a distance closer
    # to the final one, and fewer nodes fall twice. On first solves at 100,000 per
    # side, 41% fewer nodes taken from the queue on organisation 1 (3.8 s to
    # 2.3 s), 20% on organisation 0; the distances are the same (shortest
    # distances are unique).
    n = dist.shape[0]
    queue = np.arange(n)
    queued = np.ones(n, np.bool_)
    arcs = np.zeros(n, np.int64)
    head, size = 0, n
    while size:
        u = queue[head]
        head = head + 1 if head + 1 < n else 0
        size -= 1
        queued[u] = False
        du = dist[u]
        for a in range(indptr[u], indptr[u + 1]):
            h = heads[a]
            d = du + costs[a]
            if d < dist[h]:
                dist[h] = d
                arcs[h] = arcs[u] + 1
                if arcs[h] >= n:
                    return False
                if not queued[h]:
                    queued[h] = True
                    if size and d < dist[queue[head]]:
                        head = head - 1 if head else n - 1
                        queue[head] = h
                    else:
                        queue[(head + size) % n] = h
                    size += 1
    return True


def choose_candidates(
    n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
    cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
) -> BoolArray:
    """Solve the candidate pairs exactly; return which are chosen (no duals: faster).

    Examples
    --------
    >>> choose_candidates(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8]),
    ...                   np.ones(2, np.int64), np.ones(2, np.int64), "max_pairs").tolist()
    [False, True, True]
    """
    flows = _flow(n, m, rows, cols, weights, cap_j, cap_s, objective)[4]
    return np.asarray(flows[n:n + len(rows)] > 0)


def _arcs(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
          cap_s: IntArray) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Return the flow network's arcs: source -> junior -> senior (a pair) -> sink."""
    source, sink = n + m, n + m + 1
    ar_j, ar_s = np.arange(n, dtype=np.int64), np.arange(m, dtype=np.int64)
    tails = np.concatenate([np.full(n, source), rows, n + ar_s])
    heads = np.concatenate([ar_j, n + cols, np.full(m, sink)])
    caps = np.concatenate([cap_j, np.ones(len(rows), np.int64), cap_s])
    unit = np.concatenate([np.zeros(n, np.int64), -weights, np.zeros(m, np.int64)])
    return tails, heads, caps, unit


def _flow(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
          cap_s: IntArray, objective: Literal["max_pairs", "max_score"], *,
          near: IntArray | None = None, clamp: int = 0,
          ) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Run the min-cost flow of the candidates; return its arcs and their flows.

    ``near``: potentials of a nearby optimum (one per junior, senior, source
    and sink). The flow then runs on the reduced costs (the same problem)
    cut to ``[-clamp, clamp]``: OR-Tools' cost scaling starts from the
    largest cost, and with the last solve's potentials few arcs lie far
    from 0 (the optimum of one re-solve at 100,000 per side in 5.6-6.5 s
    instead of 8.6 s). Its answer is the true optimum when it leaves every
    arc cut up to ``-clamp`` full and every arc cut down to ``clamp``
    empty: the cut raised costs only where this flow is full and lowered
    them only where it is empty, so no other flow gains on it under the
    true costs. When it does not, the flow runs again on the true costs. A
    pair that gains more than ``clamp`` under ``near`` means the prices will
    move more than that: the true costs at once.
    """
    source, sink = n + m, n + m + 1
    tails, heads, caps, unit = _arcs(n, m, rows, cols, weights, cap_j, cap_s)
    supply = int(min(cap_j.sum(), cap_s.sum()))
    net = (tails, heads, caps, unit)
    if objective == "max_score":
        # A circulation: the return arc never fills, so its residual arc always
        # exists (pi_S <= pi_T) and, with any pair chosen, so does its reverse.
        net = (np.append(tails, sink), np.append(heads, source), np.append(caps, supply + 1),
               np.append(unit, 0))
    flows = None
    if near is not None:
        red = net[3] + near[net[0]] - near[net[1]]
        # Only near the last optimum: prices move by about the most a pair
        # gains under them, and a cut below that shows (a second flow).
        if -red[n:n + len(rows)].min(initial=0) <= clamp:
            flows = _min_cost(net[0], net[1], net[2], np.clip(red, -clamp, clamp), source,
                              sink, supply, objective)
            low = red < -clamp
            if (flows[red > clamp] > 0).any() or (flows[low] < net[2][low]).any():
                flows = None
    if flows is None:
        flows = _min_cost(*net, source, sink, supply, objective)
    return tails, heads, caps, unit, flows[:len(tails)]


def _min_cost(tails: IntArray, heads: IntArray, caps: IntArray, costs: IntArray, source: int,
              sink: int, supply: int, objective: Literal["max_pairs", "max_score"]) -> IntArray:
    """OR-Tools' min-cost flow on the arcs (a circulation under ``max_score``); the flows."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              caps, costs)
    if objective == "max_score":
        status = smcf.solve()
    else:
        smcf.set_node_supply(source, supply)
        smcf.set_node_supply(sink, -supply)
        status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow on the candidates ended with status {status!r}")
    return np.asarray(smcf.flows(np.arange(len(tails), dtype=np.int32)), dtype=np.int64)


def solve_candidates(
    n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
    cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
) -> tuple[BoolArray, Duals]:
    """Solve the candidate pairs exactly; return which are chosen and the duals.

    Examples
    --------
    >>> chosen, duals = solve_candidates(
    ...     2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8]),
    ...     np.ones(2, np.int64), np.ones(2, np.int64), "max_pairs")
    >>> chosen.tolist()  # (0, 1) and (1, 0): two pairs beat one better pair
    [False, True, True]
    >>> bool(duals.improves(np.array([1]), np.array([1]), np.array([1]))[0])  # adds a pair
    True
    """
    chosen, duals, _ = solved(n, m, rows, cols, weights, cap_j, cap_s, objective)
    return chosen, duals


def solved(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
           cap_s: IntArray, objective: Literal["max_pairs", "max_score"], *,
           near: IntArray | None = None, clamp: int = 0,
           ) -> tuple[BoolArray, Duals, IntArray]:
    """:func:`solve_candidates`, also returning the residual graph's raw distances.

    The distances (one per junior, senior, source and sink, unclamped) are
    potentials under which every residual arc has a non-negative reduced
    cost: what :func:`rmatch.solvers.repair.repair` starts from. ``near``
    and ``clamp``: a nearby optimum's such distances, which speed up the
    flow (:func:`_flow`; the answer is the same).

    Examples
    --------
    >>> one = np.ones(2, np.int64)
    >>> _, _, dist = solved(2, 2, np.array([0, 1]), np.array([0, 0]), np.array([9, 8]),
    ...                     one, one, "max_pairs")
    >>> dist.tolist()  # juniors, seniors, source, sink
    [0, 0, -8, 0, 0, 0]
    """
    arcs = _flow(n, m, rows, cols, weights, cap_j, cap_s, objective, near=near, clamp=clamp)
    dist, reach = _residual(n, m, len(rows), arcs, objective)
    return arcs[4][n:n + len(rows)] > 0, _prices(n, m, dist, reach, objective), dist


def duals_of(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray,
             cap_j: IntArray, cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
             chosen: BoolArray) -> Duals | None:
    """Duals of a given assignment of the candidates, or None when it is not their optimum.

    The assignment is optimal exactly when its residual graph has no negative
    cycle and, under ``max_pairs``, no path from the source to the sink (no
    pair could be added): both are checked, so a wrong guess costs a solve,
    never a wrong certificate.

    Examples
    --------
    >>> r, c, w = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8])
    >>> one = np.ones(2, np.int64)
    >>> duals_of(2, 2, r, c, w, one, one, "max_pairs", np.array([False, True, True])) is None
    False
    >>> duals_of(2, 2, r, c, w, one, one, "max_pairs", np.array([True, False, False])) is None
    True
    """
    out = checked(n, m, rows, cols, weights, cap_j, cap_s, objective, chosen)
    return None if out is None else out[0]


def checked(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray,
            cap_j: IntArray, cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
            chosen: BoolArray, pot: IntArray | None = None) -> tuple[Duals, IntArray] | None:
    """:func:`duals_of`, also returning the raw distances (see :func:`solved`).

    ``pot``, potentials that should prove the assignment optimal (one per
    junior, senior, source and sink), are checked first: a residual arc of
    negative reduced cost under them returns None at once. That is the
    proof of no negative cycle; without it the search for distances finds a
    cycle only once a path around it has wound every node, which can take
    minutes on a near-optimal assignment of millions of candidates. Once
    checked, they are the potentials returned: no search for distances at
    all (at 100,000 per side, about 4 s after each repair).

    Examples
    --------
    >>> one = np.ones(2, np.int64)
    >>> out = checked(2, 2, np.array([0, 1]), np.array([0, 0]), np.array([9, 8]), one, one,
    ...               "max_pairs", np.array([True, False]))
    >>> out[1].tolist()
    [0, 0, -8, 0, 0, 0]
    """
    sink = n + m + 1
    tails, heads, caps, unit = _arcs(n, m, rows, cols, weights, cap_j, cap_s)
    flows = np.concatenate([np.bincount(rows[chosen], minlength=n), chosen.astype(np.int64),
                            np.bincount(cols[chosen], minlength=m)])
    if (flows[:n] > cap_j).any() or (flows[n + len(rows):] > cap_s).any():
        return None
    try:
        dist, reach = _residual(n, m, len(rows), (tails, heads, caps, unit, flows), objective,
                                pot=pot)
    except SolverError:  # a negative cycle (or potentials that fail): a better one exists
        return None
    if objective == "max_pairs" and reach[sink]:  # a path adds a pair
        return None
    return _prices(n, m, dist, reach, objective), dist


def _prices(n: int, m: int, dist: IntArray, reach: BoolArray,
            objective: Literal["max_pairs", "max_score"]) -> Duals:
    """Return the duals from the residual distances and who the source reaches."""
    source, sink = n + m, n + m + 1
    pot_j, pot_s = dist[:n].copy(), dist[n:n + m].copy()
    reach_j, reach_s = reach[:n], reach[n:n + m]
    # Prices are >= 0: clamp where the sign conditions allow it (see the module notes).
    np.maximum(pot_j, dist[source], out=pot_j, where=reach_j | (objective == "max_score"))
    np.minimum(pot_s, dist[sink], out=pot_s, where=~reach_s | (objective == "max_score"))
    return Duals(pot_j, pot_s, reach_j.copy(), reach_s.copy(), int(dist[source]),
                 int(dist[sink]))


class Reduced(NamedTuple):
    """The optimum of a min-cost flow and its reduced costs (see :func:`reduced_costs`).

    A pair ``(j, k)`` outside the solved ones has reduced cost
    ``pot_j[j] - pot_s[k] - weight``; ``rc`` holds it for the solved pairs.
    """

    chosen: BoolArray
    rc: IntArray
    pot_j: IntArray
    pot_s: IntArray


def reduced_costs(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray,
                  cap_j: IntArray, cap_s: IntArray) -> Reduced:
    r"""Solve (most pairs, then most weight) and return the chosen pairs and reduced costs.

    The reduced cost of pair :math:`e = (j, k)` is :math:`\pi_j - \pi_k - w_e`
    with :math:`\pi` the raw shortest distances of the residual graph (no
    clamping): at least 0 for every pair not chosen. For any assignment
    :math:`x` with as many pairs as the optimum :math:`x^*`, the potentials
    telescope, so :math:`\sum w x \le \sum w x^* - \sum_{e \notin x^*} rc_e x_e`:
    a pair whose reduced cost exceeds the room between that optimum and a
    known assignment cannot be in a better one (reduced-cost fixing).

    Examples
    --------
    >>> chosen, rc, _, _ = reduced_costs(2, 2, np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]),
    ...                                  np.array([9, 5, 8, 7]), np.ones(2, np.int64),
    ...                                  np.ones(2, np.int64))
    >>> chosen.tolist(), rc.tolist()  # the other diagonal loses 16 - 13 = 2 + 1
    ([True, False, False, True], [0, 2, 1, 0])
    """
    arcs = _flow(n, m, rows, cols, weights, cap_j, cap_s, "max_pairs")
    chosen = arcs[4][n:n + len(rows)] > 0
    try:
        # Chosen pairs also forward: potentials tight on them put all of a
        # move's loss on the pairs it brings in, which is what fixing reads.
        # Valid unless taking a chosen pair twice could gain (a cycle).
        dist, _ = _residual(n, m, len(rows), arcs, "max_pairs", reach=False, tight=True)
    except SolverError:
        dist, _ = _residual(n, m, len(rows), arcs, "max_pairs", reach=False)
    rc = dist[rows] - dist[n + cols] - weights
    rc[chosen] = 0  # at most 0 there; counted as 0 (the bound drops those terms)
    return Reduced(np.asarray(chosen), rc, dist[:n].copy(), dist[n:n + m].copy())


def _residual(n: int, m: int, k: int,
              arcs: tuple[IntArray, IntArray, IntArray, IntArray, IntArray],
              objective: Literal["max_pairs", "max_score"], *, reach: bool = True,
              tight: bool = False, pot: IntArray | None = None) -> tuple[IntArray, BoolArray]:
    """Shortest distances in the residual graph of a flow, and the closed set ``R``.

    ``R`` (under ``max_pairs``) holds the source: the people it reaches, or
    those who cannot reach the sink when that leaves fewer pairs across.

    ``tight`` adds every chosen pair's arc forward too (see :func:`reduced_costs`);
    ``pot``, potentials to check, are the answer when no residual arc is
    below zero under them (raises :class:`SolverError` when one is).
    """
    tails, heads, caps, unit, flows = arcs
    source, sink = n + m, n + m + 1
    # The residual graph: each arc with room forward, each arc with flow backward.
    fwd, back = flows < caps, flows > 0
    if tight:
        fwd = fwd.copy()
        fwd[n:n + k] = True
    r_t = np.concatenate([tails[fwd], heads[back]])
    r_h = np.concatenate([heads[fwd], tails[back]])
    r_c = np.concatenate([unit[fwd], -unit[back]])
    if objective == "max_score":  # the return arc, and its reverse once it carries flow
        back_arc = [source] if flows[n:n + k].any() else []
        r_t = np.concatenate([r_t, [sink], back_arc])
        r_h = np.concatenate([r_h, [source], [sink] if back_arc else []])
        r_c = np.concatenate([r_c, np.zeros(len(r_t) - len(r_c), np.int64)])
    r_t, r_h = r_t.astype(np.int64), r_h.astype(np.int64)
    if pot is None:
        dist = _distances(n + m + 2, r_t, r_h, r_c)
    elif (r_c + pot[r_t] - pot[r_h] < 0).any():
        raise SolverError("the potentials leave a residual arc below zero")
    else:  # valid potentials already: they move the prices least from the last ones
        dist = pot.astype(np.int64)
    reached = np.zeros(n + m + 2, dtype=np.bool_)
    if objective == "max_pairs" and reach:
        reached = _reach(n + m + 2, r_t, r_h, source)
        if not reached[sink]:
            # Those who cannot reach the sink are the other closed set (the
            # largest): when the source reaches almost everyone, few people
            # may reach the sink (at 100,000 per side, one senior), and that
            # set leaves few pairs that could add one to scan for.
            stuck = ~_reach(n + m + 2, r_h, r_t, sink)
            if _across(stuck, n, m) < _across(reached, n, m):
                reached = stuck
    return dist, reached


def _reach(n_nodes: int, tails: IntArray, heads: IntArray, start: int) -> BoolArray:
    """Mark the nodes a path from ``start`` along the arcs reaches (``start`` included)."""
    # Large graphs compiled, as the distances: scipy's graph and search took
    # 0.4 s each way at 100,000 per side, this 0.05 s (and no compiler for small ones).
    if len(tails) >= COMPILED_FROM_ARCS:
        indptr = np.zeros(n_nodes + 1, dtype=np.int64)
        h_sorted = np.empty_like(heads)
        compiled(_by_tail)(tails, heads, np.zeros(0, np.int64), indptr, h_sorted,
                           np.zeros(0, np.int64))
        seen = np.zeros(n_nodes, dtype=np.bool_)
        compiled(_search)(indptr, h_sorted, start, seen)
        return seen
    graph = csr_matrix((np.ones(len(tails), np.int8), (tails, heads)), shape=(n_nodes,) * 2)
    seen = np.zeros(n_nodes, dtype=np.bool_)
    seen[breadth_first_order(graph, start, return_predecessors=False)] = True
    return seen


def _across(closed: BoolArray, n: int, m: int) -> int:
    """How many (junior, senior) pairs could cross a closed set: in it, to outside it."""
    return int(closed[:n].sum()) * int(m - closed[n:n + m].sum())
