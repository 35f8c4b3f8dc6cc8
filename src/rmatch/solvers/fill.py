"""First candidates that hold the most pairs: bridges out of a Hall violator, before the solve.

Under ``objective="max_pairs"`` the first solve should reach the most pairs
of the whole programme. When the candidates cannot, the first scan pays
for it: the juniors the source reaches in the residual graph form the
closed set ``R`` of the certificate, every pair from ``R`` to a senior
outside it "could add a pair", and the bounds must then look at almost
every block. At 100,000 per side, organisation 1: the first solve held
99,848 pairs where 99,999 are possible, 99,038 juniors had their
candidates among 98,886 seniors (a Hall violator), the first scan scored
9.8 of 10 billion pairs and seven rounds followed. The 1,114 seniors
outside were young (nearly all level 1 and born after 1980): every
junior scores them low, so no junior lists them; their own lists name
the 962 youngest juniors, who cannot take them all. Three checks (8.9 s)
bring the candidates to 99,999 pairs.

:func:`fill` finds that set without a min-cost flow: a maximum flow on the
candidates (OR-Tools, 2 s on 5.5 million), then the juniors and seniors
the source reaches in its residual graph (``ZJ``, ``ZS``; the
Dulmage-Mendelsohn decomposition makes them the same for every maximum
flow, so the result does not depend on which one the solver returns).
Every augmenting path of the whole programme leaves ``ZJ`` by a pair to a
senior outside ``ZS``; each such senior gets its ``k`` best juniors of
``ZJ`` by reduced score as candidates, and the check repeats while a
senior outside ``ZS`` has room and the flow grows. It only adds
candidates: the certificate is the proof, whatever it adds.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from ortools.graph.python import max_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from rmatch.errors import SolverError
from rmatch.solvers.prices import _Bounds
from rmatch.solvers.scan import BlockSource, _column_picks, _merged
from rmatch.solvers.sparse import F32, BoolArray, IntArray, _reach

__all__ = ["FILL_ROUNDS", "FILL_SHARE", "fill", "most_pairs", "reached"]


FILL_ROUNDS = 3
"""Most checks (maximum flow, then the bridges' scan) before the first solve."""


FILL_SHARE = 1 / 16
"""A check scans at most this share of the programme's pairs (``ZJ`` times the seniors
outside ``ZS``), or 16 million pairs if more (a fraction of a second); a larger violator
is left to the certificate's own rounds."""


def reached(n: int, m: int, rows: IntArray, cols: IntArray, cap_j: IntArray,
            cap_s: IntArray) -> tuple[int, BoolArray, BoolArray, BoolArray]:
    """Return the most pairs on the given pairs, and who the source reaches after a maximum flow.

    Returns ``(pairs, zj, zs, used)``: ``zj``/``zs`` mark the juniors and
    seniors reachable in the residual graph from the juniors with room left
    (the same sets for every maximum flow). No senior in ``zs`` has room
    left: that would be one more pair. ``used`` marks the pairs the maximum
    flow takes (which :func:`fill` hands to the first solve).

    Examples
    --------
    >>> one = np.ones(3, np.int64)
    >>> pairs, zj, zs, _ = reached(3, 3, np.array([0, 1, 2]), np.array([0, 0, 1]), one, one)
    >>> pairs, zj.tolist(), zs.tolist()
    (2, [True, True, False], [True, False, False])
    """
    source = n + m
    if n and m and (cap_j == 1).all() and (cap_s == 1).all():
        used = most_pairs(n, m, rows, cols)
        room = np.bincount(rows[used], minlength=n) == 0
        pairs = int(used.sum())
    else:
        used, room, pairs = _max_flow(n, m, rows, cols, cap_j, cap_s)
    # The residual graph: unused pairs forward, used pairs back, the source
    # to every junior with room.
    r_t = np.concatenate([rows[~used], n + cols[used], np.full(int(room.sum()), source)])
    r_h = np.concatenate([n + cols[~used], rows[used], np.flatnonzero(room)])
    seen = _reach(n + m + 1, r_t, r_h, source)
    return pairs, seen[:n], seen[n:n + m], used


def most_pairs(n: int, m: int, rows: IntArray, cols: IntArray) -> BoolArray:
    """Return which of the pairs a maximum matching uses (one place each).

    Scipy's Hopcroft-Karp: 0.75 s on organisation 1's 5.3 million first
    candidates at 100,000 per side, against 1.2-1.9 s for a maximum flow.

    Examples
    --------
    >>> most_pairs(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0])).tolist()
    [False, True, True]
    """
    graph = csr_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(n, m))
    partner = maximum_bipartite_matching(graph, perm_type="column")  # a column a row, or -1
    return np.asarray(partner[rows] == cols)


def _max_flow(n: int, m: int, rows: IntArray, cols: IntArray, cap_j: IntArray,
              cap_s: IntArray) -> tuple[BoolArray, BoolArray, int]:
    """Run a maximum flow of the pairs (OR-Tools): which pairs it uses, who has room, its value."""
    source, sink = n + m, n + m + 1
    tails = np.concatenate([rows, np.full(n, source), n + np.arange(m)]).astype(np.int64)
    heads = np.concatenate([n + cols, np.arange(n), np.full(m, sink)]).astype(np.int64)
    caps = np.concatenate([np.ones(len(rows), np.int64), cap_j, cap_s]).astype(np.int64)
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tails, heads, caps)
    if solver.solve(source, sink) != solver.OPTIMAL:  # pragma: no cover - capacities are finite
        raise SolverError("the maximum flow of the candidates failed")
    flow = solver.flows(np.arange(len(tails))).astype(np.int64)
    return flow[:len(rows)] > 0, flow[len(rows):len(rows) + n] < cap_j, int(solver.optimal_flow())


def fill(source: BlockSource, bounds: _Bounds, keys: IntArray, totals: F32, cap_j: IntArray,
         cap_s: IntArray, k: int, pool: ThreadPoolExecutor | None
         ) -> tuple[IntArray, F32, int, BoolArray]:
    """Add bridges until the candidates hold the most pairs they can reach (see the module).

    ``keys``/``totals`` are the candidates, merged (sorted, each once); the
    result is merged too, with the pairs scored, and the pairs of the last
    maximum flow, marked on it (a maximum matching of the result unless a
    last round's bridges could add to it): the first solve's assignment
    solver starts from it instead of finding one again (Hopcroft-Karp, 0.75 s
    at 100,000 per side). Each senior outside ``ZS`` gets its ``k`` best
    juniors of ``ZJ`` by the first pass's reduced score.
    """
    n, m = source.shape
    scanned = 0
    last = -1
    used_keys = keys[:0]
    for _ in range(FILL_ROUNDS):
        pairs, zj, zs, used = reached(n, m, keys // m, keys % m, cap_j, cap_s)
        used_keys = keys[used]
        juniors = np.flatnonzero(zj).astype(np.int64)
        seniors = np.flatnonzero(~zs & (cap_s > 0)).astype(np.int64)
        wide = len(juniors) * len(seniors) > max(FILL_SHARE * n * m, 1 << 24)
        # Stop when the flow stopped growing, a side is full (the most pairs of
        # the programme), no junior has room, or the bridges' scan is too wide.
        if pairs <= last or pairs >= min(int(cap_j.sum()), int(cap_s.sum())) \
                or not len(juniors) or wide:
            break
        last = pairs
        more, more_t, n_more = _column_picks(source, bounds, juniors, seniors,
                                             min(k, len(juniors)), pool)
        scanned += n_more
        before = len(keys)
        keys, totals = _merged(keys, totals, (more, more_t))
        if len(keys) == before:  # nothing new: the flow cannot grow
            break
    flowed = np.zeros(len(keys), np.bool_)
    flowed[np.searchsorted(keys, used_keys)] = True  # merging only adds keys
    return keys, totals, scanned, flowed
