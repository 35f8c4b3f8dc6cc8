"""Shortest distances in a residual graph by Goldberg and Radzik's passes, compiled.

The candidate path prices every junior and senior by the shortest distances
of the residual graph of each optimal flow, from a virtual root joined to
every node by an arc of cost 0 (:func:`rmatch.solvers.sparse._distances`).
A queue of the nodes whose distance fell (Bellman-Ford with the
small-label-first rule) took each node from the queue 59 times on average
at 100,000 per side (11.8 million times for 200,000 nodes; 3 to 3.7 s a
solve): a distance falls by a little, again and again, as better paths
reach it one after another.

Goldberg and Radzik's method (*A heuristic improvement of the Bellman-Ford
algorithm*, Applied Mathematics Letters 6(3), 1993) looks at the nodes in
a better order: each pass takes the nodes whose distance fell in the last
one, keeps those with an arc that would lower a neighbour, orders every node
they reach along arcs of reduced cost at most 0 (a depth-first search) and
relaxes the arcs of those nodes in that topological order, so that a
distance is settled before the arcs out of its node are read. On the same
three residual graphs: 23 to 26 passes, 1.8 to 1.9 s against 3.5 to 3.7 s
for the queue, and the same distances (shortest distances are unique).

A negative cycle has no shortest distances; the queue finds one as soon as
a node's best path so far has wound as many arcs as there are nodes, but a
pass here would go round such a cycle once a pass. So after
:data:`MOST_PASSES` passes :func:`topological_paths` stops and returns
False, and the caller finishes with the queue from the distances reached
(any distances that are costs of paths from the root and at most 0 lead the
queue to the shortest ones).

Examples
--------
>>> indptr = np.array([0, 1, 2, 2])  # arcs 0 -> 1 (cost -2), 1 -> 2 (cost -3)
>>> dist = np.zeros(3, np.int64)
>>> topological_paths(indptr, np.array([1, 2]), np.array([-2, -3]), dist)
True
>>> dist.tolist()
[0, -2, -5]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rmatch.jit import compiled

__all__ = ["MOST_PASSES", "topological_paths"]

IntArray = npt.NDArray[np.int64]

MOST_PASSES = 64
"""Passes before the queue takes over (the optimal flows' residual graphs at 100,000 per side
need 23 to 26; a graph with a negative cycle would need one per turn around it)."""


def _passes(indptr: Any, heads: Any, costs: Any, dist: Any, most: int) -> bool:  # pragma: no cover
    # Compiled by numba (coverage cannot see inside). The depth-first search
    # keeps its own stack (the next arc of each node on it in ``nxt``); a node
    # is visited once a pass (``seen`` holds the pass it was last seen in).
    n = dist.shape[0]
    fell = np.ones(n, np.bool_)  # every node starts at 0: each may lower another
    seen = np.zeros(n, np.int64)
    order = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    nxt = np.empty(n, np.int64)
    for rnd in range(1, most + 1):
        n_order = 0
        for b in range(n):
            if not fell[b]:
                continue
            fell[b] = False
            if seen[b] == rnd:
                continue
            db = dist[b]
            lowers = False
            for a in range(indptr[b], indptr[b + 1]):
                if db + costs[a] < dist[heads[a]]:
                    lowers = True
                    break
            if not lowers:
                continue
            top = 0
            stack[0] = b
            nxt[b] = indptr[b]
            seen[b] = rnd
            while top >= 0:
                u = stack[top]
                du = dist[u]
                a = nxt[u]
                stop = indptr[u + 1]
                while a < stop:
                    h = heads[a]
                    if seen[h] != rnd and du + costs[a] <= dist[h]:
                        break
                    a += 1
                if a < stop:  # go down to h
                    nxt[u] = a + 1
                    h = heads[a]
                    seen[h] = rnd
                    top += 1
                    stack[top] = h
                    nxt[h] = indptr[h]
                else:  # u is finished: after every node it leads to
                    order[n_order] = u
                    n_order += 1
                    top -= 1
        if n_order == 0:
            return True
        # Reverse finishing order is topological: relax in it.
        for q in range(n_order - 1, -1, -1):
            u = order[q]
            du = dist[u]
            for a in range(indptr[u], indptr[u + 1]):
                h = heads[a]
                d = du + costs[a]
                if d < dist[h]:
                    dist[h] = d
                    fell[h] = True
    return False


def topological_paths(indptr: IntArray, heads: IntArray, costs: IntArray, dist: IntArray,
                      most: int = MOST_PASSES) -> bool:
    """Lower ``dist`` towards the shortest distances from a virtual root; True when reached.

    ``indptr``, ``heads`` and ``costs`` are the arcs grouped by tail (node
    ``u``'s arcs are ``indptr[u]:indptr[u + 1]``); ``dist`` starts at 0
    everywhere (the root's arcs) and is lowered in place. False after
    ``most`` passes with distances still falling (a negative cycle, or a
    graph that needs more): ``dist`` then holds costs of paths from the root,
    from which a label-correcting search reaches the shortest distances.

    Examples
    --------
    >>> dist = np.zeros(2, np.int64)  # a cycle 0 -> 1 -> 0 of cost -1
    >>> topological_paths(np.array([0, 1, 2]), np.array([1, 0]), np.array([-2, 1]), dist,
    ...                   most=3)
    False
    """
    return bool(compiled(_passes)(indptr, heads, costs, dist, most))
