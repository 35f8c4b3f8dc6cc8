r"""Re-solving the candidates after a scan added pairs: repair the last optimum.

A scan adds pairs to candidates whose optimum is known, with potentials
:math:`\pi` (the residual graph's shortest distances) under which every
residual arc has a reduced cost :math:`c + \pi_u - \pi_v \ge 0`. Only the
added pairs can break that. Each added pair with a negative reduced cost is
taken (its flow set to one), which leaves its senior one unit too many and
its junior one too few but every residual arc non-negative again; then
successive shortest paths (Dijkstra on the reduced costs, compiled) carry
each surplus to a shortage, and, under ``max_pairs``, pairs are added along
shortest source-to-sink paths while one exists. Each path keeps the
reduced costs non-negative, so the result is optimal on all the candidates
for its number of pairs, which is the most. A scan that adds few pairs
costs a few short searches instead of a solve from nothing (a min-cost
flow of 6 million candidates takes 20 s at 100,000 per side).

The caller checks the answer anyway (:func:`rmatch.solvers.sparse.duals_of`
rebuilds the duals from the residual graph and finds a negative cycle if
there is one), so this module needs to be fast, not trusted.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from rmatch.solvers.jit import compiled
from rmatch.solvers.sparse import BoolArray, IntArray

__all__ = ["repair"]

OK, OVER_BUDGET, BAD_POTENTIALS = 0, 1, 2


def repair(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray,
           cap_j: IntArray, cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
           chosen: BoolArray, pot: IntArray, *, budget: int) -> BoolArray | None:
    """Return the optimal assignment of the candidates, from a nearly optimal one.

    ``rows``/``cols``/``weights`` are the candidates (sorted by row, then
    column), ``chosen`` the last optimum on the earlier ones (False on the
    added pairs), ``pot`` its potentials: one per junior, senior, source and
    sink (``n + m + 2``, :func:`rmatch.solvers.sparse._residual`'s order).
    None when the search would look at more than ``budget`` arcs (many
    changes: a full solve is quicker) or the potentials do not hold. Under
    ``max_score`` the network is a circulation (a return arc from the sink
    to the source, as the solve's), and no pair is added for its own sake.

    Examples
    --------
    >>> from rmatch.solvers.sparse import solved
    >>> one = np.ones(2, np.int64)
    >>> # the optimum of the pairs (0, 0) and (1, 0), with its potentials
    >>> chosen, _, pot = solved(2, 2, np.array([0, 1]), np.array([0, 0]), np.array([9, 8]),
    ...                         one, one, "max_pairs")
    >>> # a scan adds (0, 1): junior 0 moves there and junior 1 takes senior 0
    >>> repair(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8]), one, one,
    ...        "max_pairs", np.array([True, False, False]), pot, budget=100).tolist()
    [False, True, True]
    """
    flow = chosen.astype(np.int8)
    fs = np.bincount(rows[chosen], minlength=n).astype(np.int64)
    ft = np.bincount(cols[chosen], minlength=m).astype(np.int64)
    j_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=j_ptr[1:])
    s_arcs = np.argsort(cols, kind="stable")
    s_ptr = np.zeros(m + 1, np.int64)
    np.cumsum(np.bincount(cols, minlength=m), out=s_ptr[1:])
    pi = pot.astype(np.int64).copy()
    status = compiled(_repair)(n, m, rows, cols, weights, j_ptr, s_ptr, s_arcs, cap_j, cap_s,
                               flow, fs, ft, pi, objective == "max_score", budget)
    return None if status != OK else flow.astype(np.bool_)


def _repair(n: Any, m: Any, rows: Any, cols: Any, weights: Any, j_ptr: Any, s_ptr: Any,
            s_arcs: Any, cap_j: Any, cap_s: Any, flow: Any, fs: Any, ft: Any, pi: Any,
            circulate: Any, budget: Any) -> int:  # pragma: no cover - compiled by numba
    # Nodes: juniors 0..n-1, seniors n..n+m-1, the source n+m, the sink n+m+1.
    # Costs are -weight on a pair, 0 elsewhere; reduced c + pi[u] - pi[v].
    src_node, sink_node = n + m, n + m + 1
    nodes = n + m + 2
    excess = np.zeros(nodes, np.int64)
    total = 0
    for j in range(n):
        total += fs[j]
    for p in range(rows.shape[0]):
        j, k = rows[p], n + cols[p]
        red = -weights[p] + pi[j] - pi[k]
        if flow[p] == 0 and red < 0:  # an added pair that gains: take it
            flow[p] = 1
            excess[k] += 1
            excess[j] -= 1
        elif flow[p] == 1 and red > 0:  # a chosen pair the potentials say to drop
            return BAD_POTENTIALS
    dist = np.zeros(nodes, np.int64)
    seen = np.zeros(nodes, np.int64)  # the search that last reached each node
    done = np.zeros(nodes, np.int64)  # the search that last settled it
    pred = np.full(nodes, -1, np.int64)
    pred_arc = np.full(nodes, -1, np.int64)
    settled = np.zeros(nodes, np.int64)
    cap_heap = 1024
    h_key = np.zeros(cap_heap, np.int64)
    h_node = np.zeros(cap_heap, np.int64)
    work = 0
    search = 0
    # Surpluses first (sources: nodes with excess > 0, targets: excess < 0),
    # then, for the most pairs, the source to the sink.
    phase_node = 0
    while True:
        start = -1
        while phase_node < nodes and start < 0:
            if excess[phase_node] > 0:
                start = phase_node
            else:
                phase_node += 1
        to_sink = start < 0
        if to_sink:
            if circulate:
                return OK  # a circulation with no arc below 0: optimal
            start = src_node
        search += 1
        size = 0
        dist[start] = 0
        seen[start] = search
        pred[start] = -1
        h_key[0] = 0
        h_node[0] = start
        size = 1
        n_settled = 0
        target = -1
        while size > 0:
            # pop the smallest key
            d = h_key[0]
            u = h_node[0]
            size -= 1
            if size > 0:
                key, node = h_key[size], h_node[size]
                i = 0
                while True:
                    c = 2 * i + 1
                    if c >= size:
                        break
                    if c + 1 < size and h_key[c + 1] < h_key[c]:
                        c += 1
                    if h_key[c] >= key:
                        break
                    h_key[i] = h_key[c]
                    h_node[i] = h_node[c]
                    i = c
                h_key[i] = key
                h_node[i] = node
            if done[u] == search or d > dist[u]:
                continue
            done[u] = search
            settled[n_settled] = u
            n_settled += 1
            if (to_sink and u == sink_node) or (not to_sink and excess[u] < 0):
                target = u
                break
            # the residual arcs out of u: (head, reduced cost, pair or -1)
            if u < n:
                lo, hi = j_ptr[u], j_ptr[u + 1]
                extra = 1 if fs[u] > 0 else 0
            elif u < n + m:
                lo, hi = s_ptr[u - n], s_ptr[u - n + 1]
                extra = 1 if ft[u - n] < cap_s[u - n] else 0
            elif u == src_node:  # back along the return arc while pairs flow through it
                lo, hi, extra = 0, n, 1 if circulate and total > 0 else 0
            else:  # the return arc to the source (a circulation only)
                lo, hi, extra = 0, m, 1 if circulate else 0
            work += hi - lo + extra
            if work > budget:
                return OVER_BUDGET
            for a in range(lo, hi + extra):
                v, red, arc = -1, 0, -1
                if a == hi:  # the extra arc, to the source or the sink
                    v = src_node if u < n or u == sink_node else sink_node
                    red = pi[u] - pi[v]
                elif u < n:
                    if flow[a] == 0:
                        v, arc = n + cols[a], a
                        red = -weights[a] + pi[u] - pi[v]
                elif u < n + m:
                    p = s_arcs[a]
                    if flow[p] == 1:
                        v, arc = rows[p], p
                        red = weights[p] + pi[u] - pi[v]
                elif u == src_node:
                    if fs[a] < cap_j[a]:
                        v, red = a, pi[u] - pi[a]
                else:
                    if ft[a] > 0:
                        v, red = n + a, pi[u] - pi[n + a]
                if v < 0:
                    continue
                if red < 0:
                    return BAD_POTENTIALS
                nd = d + red
                if seen[v] != search or nd < dist[v]:
                    if done[v] == search:
                        continue
                    seen[v] = search
                    dist[v] = nd
                    pred[v] = u
                    pred_arc[v] = arc
                    if size == cap_heap:
                        cap_heap *= 2
                        bigger_k = np.zeros(cap_heap, np.int64)
                        bigger_n = np.zeros(cap_heap, np.int64)
                        bigger_k[:size] = h_key[:size]
                        bigger_n[:size] = h_node[:size]
                        h_key, h_node = bigger_k, bigger_n
                    i = size
                    size += 1
                    while i > 0:
                        par = (i - 1) // 2
                        if h_key[par] <= nd:
                            break
                        h_key[i] = h_key[par]
                        h_node[i] = h_node[par]
                        i = par
                    h_key[i] = nd
                    h_node[i] = v
        if target < 0:
            if to_sink:
                return OK  # no pair can be added: optimal with the most pairs
            return BAD_POTENTIALS  # a surplus with nowhere to go cannot happen
        # Potentials: settled nodes move by their distance less the target's,
        # which keeps every reduced cost >= 0 and the path's at 0.
        top = dist[target]
        for i in range(n_settled):
            v = settled[i]
            pi[v] += dist[v] - top
        # Carry one unit along the path.
        v = target
        while v != start:
            u = pred[v]
            arc = pred_arc[v]
            if arc >= 0:
                flow[arc] = 1 if u < n else 0
            elif u == sink_node and v == src_node:
                total += 1
            elif u == src_node and v == sink_node:
                total -= 1
            elif v == sink_node:
                ft[u - n] += 1
            elif u == sink_node:
                ft[v - n] -= 1
            elif u == src_node:
                fs[v] += 1
            else:
                fs[u] -= 1
            v = u
        if not to_sink:
            excess[start] -= 1
            excess[target] += 1
