r"""Re-solving the candidates after a scan added pairs: repair the last optimum.

A scan adds pairs to candidates whose optimum is known, with potentials
:math:`\pi` (the residual graph's shortest distances) under which every
residual arc has a reduced cost :math:`c + \pi_u - \pi_v \ge 0`. Only the
added pairs can break that. A junior whose places are all taken lets its
pairs go and its potential rises by its largest gain, which makes every arc
out of it non-negative: the junior is left with a surplus and the seniors
it left with a shortage. Any other junior takes each added pair that gains
(its flow set to one): a surplus at the pair's senior, a shortage at the
junior, and the pair's reverse arc non-negative. Successive shortest paths
(Dijkstra on the reduced costs, compiled) then carry each surplus to a
shortage and, under ``max_pairs``, add pairs along shortest source-to-sink
paths while one exists. Each path keeps every reduced cost non-negative,
so the result is optimal on all the candidates for its number of pairs,
which is the most, and the final potentials prove it. A scan that adds few
pairs costs a few short searches instead of a solve from nothing (a
min-cost flow of 6 million candidates takes 20 s at 100,000 per side).

The caller checks the answer anyway (:func:`rmatch.solvers.sparse.checked`
with the returned potentials: no residual arc below zero under them), so
this module needs to be fast, not trusted.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from rmatch.jit import compiled
from rmatch.solvers.sparse import BoolArray, IntArray

__all__ = ["repair"]

OK, OVER_BUDGET, BAD_POTENTIALS = 0, 1, 2

PROJECT_AFTER = 8
"""Once one surplus in this many is carried, a repair whose searches so far, projected
over all its surpluses, would overrun twice its budget stops there (the first searches
often cost more than the average: a plain projection from the first 16 stopped repairs
that would have held)."""

MOST_SURPLUSES = 2_000
"""A repair with more surpluses to carry is not tried. Measured: repairs of 15 to 1,301
surpluses held (30,000 and 100,000 per side, 1.5 to 6 million candidates) and were
quicker than a flow; those of 3,801 and 10,837 were slower than a flow, and organisation 5
at 100,000 per side (19 to 21 million candidates, thousands of juniors touched a round)
spent 16 to 28 s a round in repairs that ended over budget."""

SEARCH_GUESS = 50_000
"""Arcs one search looks at, about (measured at 30,000 and 100,000 per side: 2,000 to
160,000 a surplus): a repair with more surpluses than its budget pays for at this rate
is not tried (the first scan after the first solve often brings thousands)."""


def repair(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray,
           cap_j: IntArray, cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
           chosen: BoolArray, pot: IntArray, *, budget: int, spent: list[int] | None = None
           ) -> tuple[BoolArray, IntArray] | None:
    """Return the optimal assignment of the candidates, from a nearly optimal one.

    ``rows``/``cols``/``weights`` are the candidates (sorted by row, then
    column), ``chosen`` the last optimum on the earlier ones (False on the
    added pairs), ``pot`` its potentials: one per junior, senior, source and
    sink (``n + m + 2``, :func:`rmatch.solvers.sparse._residual`'s order).
    Returned with the potentials that prove it optimal (every residual arc
    non-negative under them: :func:`rmatch.solvers.sparse.checked` checks).
    None when the searches would look at more than ``budget`` arcs (many
    changes: a full solve is quicker; not tried with more than
    :data:`MOST_SURPLUSES` surpluses to carry, or when they times
    :data:`SEARCH_GUESS` exceed it) or the potentials do not hold; ``spent``,
    when given, gets the arcs looked at appended (none when not tried). Under
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
    ...        "max_pairs", np.array([True, False, False]), pot, budget=10**6)[0].tolist()
    [False, True, True]
    """
    pi = pot.astype(np.int64).copy()
    red = pi[rows] - pi[n + cols] - weights  # a pair's reduced cost: below 0 gains
    if (chosen & (red > 0)).any():
        return None  # a chosen pair the potentials would drop: they are not its optimum's
    gain = ~chosen & (red < 0)
    fs = np.bincount(rows[chosen], minlength=n).astype(np.int64)
    ft = np.bincount(cols[chosen], minlength=m).astype(np.int64)
    # A junior whose places are all taken lets its pairs go and is priced up
    # by its largest gain: every arc out of it is then non-negative, and it
    # is one surplus per pair let go (a scan often adds dozens of gaining
    # pairs for one junior). Any other junior takes each of its gaining pairs,
    # a surplus at the pair's senior and a shortage at itself.
    lift = np.zeros(n, np.int64)
    np.maximum.at(lift, rows[gain], -red[gain])
    full = (lift > 0) & (fs == cap_j)
    at_full = full[rows]
    np.maximum.at(lift, rows[chosen & at_full], -red[chosen & at_full])  # its let-go pairs too
    pi[:n] += np.where(full, lift, 0)
    drop, take = chosen & at_full, gain & ~at_full
    surpluses = np.count_nonzero(drop) + np.count_nonzero(take)
    if surpluses > MOST_SURPLUSES or surpluses * SEARCH_GUESS > budget:
        return None  # each surplus costs a search: more than the budget pays for
    flow = ((chosen & ~drop) | take).astype(np.int8)
    excess = np.zeros(n + m + 2, np.int64)
    excess[:n] = np.bincount(rows[drop], minlength=n) - np.bincount(rows[take], minlength=n)
    excess[n:n + m] = np.bincount(cols[take], minlength=m) - np.bincount(cols[drop], minlength=m)
    j_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=j_ptr[1:])
    # Each senior's pairs in its own slots (-1 when empty): a senior's residual
    # arcs are back along those only, so a search never reads its other
    # candidates. A senior holds at most its places and its surplus.
    slot_ptr = np.zeros(m + 1, np.int64)
    np.cumsum(cap_s + np.bincount(cols[take], minlength=m), out=slot_ptr[1:])
    slots = np.full(int(slot_ptr[-1]), -1, np.int64)
    taken = np.flatnonzero(flow)
    by_col = taken[np.argsort(cols[taken], kind="stable")]
    c_sorted = cols[by_col]
    first = np.searchsorted(c_sorted, c_sorted)  # where each pair's senior starts
    slots[slot_ptr[c_sorted] + np.arange(len(by_col)) - first] = by_col
    work = np.zeros(1, np.int64)
    status = compiled(_repair)(n, m, rows, cols, weights, j_ptr, slot_ptr, slots, cap_j, cap_s,
                               flow, fs, ft, excess, pi, objective == "max_score", budget, work)
    if spent is not None:
        spent.append(int(work[0]))
    return None if status != OK else (flow.astype(np.bool_), pi)


def _repair(n: Any, m: Any, rows: Any, cols: Any, weights: Any, j_ptr: Any, slot_ptr: Any,
            slots: Any, cap_j: Any, cap_s: Any, flow: Any, fs: Any, ft: Any, excess: Any,
            pi: Any, circulate: Any, budget: Any, spent: Any) -> int:  # pragma: no cover
    # Compiled by numba. Nodes: juniors 0..n-1, seniors n..n+m-1, the source n+m,
    # the sink n+m+1. Costs are -weight on a pair, 0 elsewhere; reduced c + pi[u] -
    # pi[v]. The arcs looked at so far are kept in spent[0].
    src_node, sink_node = n + m, n + m + 1
    nodes = n + m + 2
    total = 0
    for j in range(n):
        total += fs[j]
    dist = np.zeros(nodes, np.int64)
    seen = np.zeros(nodes, np.int64)  # the search that last reached each node
    done = np.zeros(nodes, np.int64)  # the search that last settled it
    pred = np.full(nodes, -1, np.int64)
    pred_arc = np.full(nodes, -1, np.int64)
    settled = np.zeros(nodes, np.int64)
    # The most arcs out of one node: the source's n, the sink's m, a junior's
    # candidates or a senior's slots, and one extra arc.
    width = n + m + 2  # when either side is empty
    if n and m:
        width = max(n, m, np.max(np.diff(j_ptr)), np.max(np.diff(slot_ptr))) + 2
    nb_v = np.zeros(width, np.int64)  # the residual arcs out of the node being settled
    nb_red = np.zeros(width, np.int64)
    nb_arc = np.zeros(width, np.int64)
    cap_heap = 1024
    h_key = np.zeros(cap_heap, np.int64)
    h_node = np.zeros(cap_heap, np.int64)
    work = 0
    search = 0
    # Surpluses first (sources: nodes with excess > 0, targets: excess < 0),
    # then, for the most pairs, the source to the sink.
    phase_node = 0
    units = 0  # surpluses to carry, and carried so far
    for v in range(nodes):
        units += max(excess[v], 0)
    carried = 0
    last_work = 0  # the work when the last surplus was carried
    before = 0  # what carrying it took (0: no stop on the first search's size alone)
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
        dist[start] = 0
        seen[start] = search
        pred[start] = -1
        h_key[0] = 0
        h_node[0] = start
        size = 1
        n_settled = 0
        target = -1
        best = np.iinfo(np.int64).max  # the nearest target reached so far
        while size > 0:
            d = h_key[0]  # pop the nearest
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
            # Gather the residual arcs out of u: (head, reduced cost, pair or -1).
            deg = 0
            if u < n:  # its candidates not chosen, and back to the source
                for a in range(j_ptr[u], j_ptr[u + 1]):
                    if flow[a] == 0:
                        nb_v[deg], nb_arc[deg] = n + cols[a], a
                        nb_red[deg] = -weights[a] + pi[u] - pi[n + cols[a]]
                        deg += 1
                if fs[u] > 0:
                    nb_v[deg], nb_arc[deg], nb_red[deg] = src_node, -1, pi[u] - pi[src_node]
                    deg += 1
            elif u < n + m:  # back along its chosen pairs, and to the sink
                k = u - n
                for i in range(slot_ptr[k], slot_ptr[k + 1]):
                    p = slots[i]
                    if p >= 0:
                        nb_v[deg], nb_arc[deg] = rows[p], p
                        nb_red[deg] = weights[p] + pi[u] - pi[rows[p]]
                        deg += 1
                if ft[k] < cap_s[k]:
                    nb_v[deg], nb_arc[deg], nb_red[deg] = sink_node, -1, pi[u] - pi[sink_node]
                    deg += 1
            elif u == src_node:  # juniors with places left; back along the return arc
                for j in range(n):
                    if fs[j] < cap_j[j]:
                        nb_v[deg], nb_arc[deg], nb_red[deg] = j, -1, pi[u] - pi[j]
                        deg += 1
                if circulate and total > 0:
                    nb_v[deg], nb_arc[deg], nb_red[deg] = sink_node, -1, pi[u] - pi[sink_node]
                    deg += 1
            else:  # back to seniors with pairs; the return arc (a circulation only)
                for k in range(m):
                    if ft[k] > 0:
                        nb_v[deg], nb_arc[deg], nb_red[deg] = n + k, -1, pi[u] - pi[n + k]
                        deg += 1
                if circulate:
                    nb_v[deg], nb_arc[deg], nb_red[deg] = src_node, -1, pi[u] - pi[src_node]
                    deg += 1
            work += deg + 1
            spent[0] = work
            if work > budget:
                return OVER_BUDGET
            for i in range(deg):
                v, red = nb_v[i], nb_red[i]
                if red < 0:
                    return BAD_POTENTIALS
                nd = d + red
                if nd >= best or done[v] == search or (seen[v] == search and nd >= dist[v]):
                    continue  # no nearer than a target already reached, or than before
                if (to_sink and v == sink_node) or (not to_sink and excess[v] < 0):
                    best = nd
                seen[v] = search
                dist[v] = nd
                pred[v] = u
                pred_arc[v] = nb_arc[i]
                if size == cap_heap:
                    cap_heap *= 2
                    bigger_k = np.zeros(cap_heap, np.int64)
                    bigger_n = np.zeros(cap_heap, np.int64)
                    bigger_k[:size] = h_key[:size]
                    bigger_n[:size] = h_node[:size]
                    h_key, h_node = bigger_k, bigger_n
                c = size  # push: sift up
                size += 1
                while c > 0:
                    par = (c - 1) // 2
                    if h_key[par] <= nd:
                        break
                    h_key[c] = h_key[par]
                    h_node[c] = h_node[par]
                    c = par
                h_key[c] = nd
                h_node[c] = v
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
            if arc >= 0:  # a pair taken (from its junior) or given up: its senior's slots
                flow[arc] = 1 if u < n else 0
                old, new = (-1, arc) if u < n else (arc, -1)
                for i in range(slot_ptr[cols[arc]], slot_ptr[cols[arc] + 1]):
                    if slots[i] == old:
                        slots[i] = new
                        break
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
            carried += 1
            # Give up early when the searches so far, projected over every
            # surplus, would overrun the budget (one doomed repair at 20
            # million candidates spent 20 s before the budget cut it).
            if carried * PROJECT_AFTER >= units and work * units > 2 * budget * carried:
                return OVER_BUDGET
            # Or when the last two searches, each repeated for every surplus left, would:
            # the searches grow as the near shortages are used up (the last ones look at
            # every candidate), so the average of the first ones says too little. At
            # 100,000 per side one repair of 808 surpluses would have looked at 484
            # million arcs (26 s), its last 100 searches 6 million each; it ran out of
            # budget after 11 s, and this stops it after 259 searches and 5.3 million.
            # The repairs that held (13 to 429 surpluses, up to 99 million arcs of 300
            # million allowed) never meet this; of 20 random ones, two that needed more
            # than 83% of their budget did (a flow runs then, as it would have).
            this = work - last_work
            if min(this, before) * (units - carried) > budget - work:
                return OVER_BUDGET
            last_work, before = work, this
