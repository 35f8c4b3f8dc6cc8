"""What forcing one pair into an optimal assignment costs, without solving again.

An assignment without programme-wide rules is a circulation in a network:
the source sends each junior up to their capacity, a junior sends one unit
to each senior they pair with (cost: minus the pair's weight), each senior
up to their capacity to the sink, and the sink returns the flow to the
source. The weight is the pair's score, plus a bonus larger than any total
score under ``max_pairs`` (so that more pairs always weigh more), in the
integer units of :data:`rmatch.constraints.compiled.SCALE`.

Let ``x`` be an optimal circulation and ``y`` the optimal one with the pair
``(j, s)`` forced. ``y - x`` splits into cycles of ``x``'s residual graph;
exactly one of them takes the arc ``j -> s``, and each of the others costs
at least 0 (``x`` is optimal), so ``x`` plus that one cycle is optimal with
the pair too. Forcing ``(j, s)`` therefore costs the cheapest residual cycle
through ``j -> s``: minus the pair's weight plus the shortest path from ``s``
back to ``j``. With valid potentials (the shortest distances from a virtual
root, found once per result), one Dijkstra search from ``j`` over the
reversed graph prices every senior ``j`` could be forced with, and one from
``s`` every junior; the path says which pairs the forced optimum drops and
which it adds, so the change in pairs and in total score is read off exactly.

:meth:`rmatch.MatchResult.force` solves the whole programme again instead:
at 3,000 per side about 1.2 s a pair, against milliseconds here after the
potentials. It is the oracle of this module's tests.

Examples
--------
>>> total = np.array([[0.9, 0.8], [0.7, 0.1]], np.float32)
>>> f = Forcing.of(total, np.ones((2, 2), bool), np.ones(2, np.int64),
...                np.ones(2, np.int64), np.array([0, 1]), np.array([1, 0]), "max_pairs")
>>> change = f.for_junior(0, [0])[0]  # force (0, 0): junior 1 moves to senior 1
>>> change.pairs, round(change.score, 3), change.added
(0, -0.5, [(1, 1)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from rmatch.constraints.compiled import SCALE
from rmatch.jit import BLOCKS_COMPILED_FROM, compiled, helper, is_compiled

__all__ = ["Change", "Forcing", "exchange", "loaded", "unit_scores", "units_of"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_FAR = np.iinfo(np.int64).max // 4
"""Not reached yet (far above any path's cost: no sum of two overflows)."""


class Change(NamedTuple):
    """What forcing one pair does to an optimal assignment.

    ``pairs`` and ``score`` are the changes in the number of pairs and the
    total score (both at most 0 from an optimum); ``dropped`` and ``added``
    the other pairs the forced optimum drops and takes, as (row, column), in
    the exchange's order from the forced pair's senior to its junior.
    """

    pairs: int
    score: float
    dropped: list[tuple[int, int]]
    added: list[tuple[int, int]]


@dataclass(frozen=True)
class Forcing:
    """An optimal assignment's residual network and potentials, ready to price forced pairs.

    Build it with :meth:`of`; see the module notes. Required pairs are left
    out (they cannot be undone): ``cap_j`` and ``cap_s`` given to :meth:`of`
    are the places beside them.
    """

    # The scores, read for the few pairs of an exchange: a matrix, or a programme's
    # scores on demand (rmatch.scoring.blocks.LazyMatrix) where none is kept.
    total: Any
    # Each pair that could be added: its score in integer units; -1 where no arc
    # (ruled out, or chosen already). Juniors by seniors, and the transpose,
    # made on first use, for the searches that read a senior's column.
    units: npt.NDArray[np.int32]
    by_j: tuple[IntArray, IntArray, IntArray]  # each junior's chosen seniors, with weights
    by_s: tuple[IntArray, IntArray, IntArray]  # each senior's chosen juniors, with weights
    spare_j: BoolArray
    loaded_j: BoolArray
    spare_s: BoolArray
    loaded_s: BoolArray
    bonus: int
    potential: IntArray
    _columns: list[npt.NDArray[np.int32]]

    @classmethod
    def of(cls, total: npt.NDArray[np.floating[Any]], feasible: BoolArray, cap_j: IntArray,
           cap_s: IntArray, rows: IntArray, cols: IntArray,
           objective: Literal["max_pairs", "max_score"]) -> Forcing | None:
        """Price the assignment ``(rows, cols)``; None when it is not optimal to the last unit.

        ``rows`` and ``cols`` are the chosen pairs but the required ones;
        ``feasible`` leaves the required pairs out, and ``cap_j``/``cap_s``
        are the places beside them. None also when a score is outside [0, 1]
        (the integer units assume it).

        Examples
        --------
        >>> f = Forcing.of(np.ones((1, 1), np.float32), np.ones((1, 1), bool),
        ...                np.ones(1, np.int64), np.ones(1, np.int64),
        ...                np.zeros(0, np.int64), np.zeros(0, np.int64), "max_pairs")
        >>> f is None  # the one pair left out: not optimal
        True
        """
        units = unit_scores(total, feasible)
        return None if units is None else cls.on(units, total, cap_j, cap_s, rows, cols,
                                                 objective)

    @classmethod
    def on(cls, units: npt.NDArray[np.int32], total: Any, cap_j: IntArray, cap_s: IntArray,
           rows: IntArray, cols: IntArray, objective: Literal["max_pairs", "max_score"]
           ) -> Forcing | None:
        """Price the assignment from its scores in units (:func:`unit_scores`), as :meth:`of`.

        ``units`` is taken over (the chosen pairs are marked in it); ``total``
        need only answer single pairs and aligned lists of pairs (a programme
        solved on candidates scores them on demand).

        Examples
        --------
        >>> total = np.array([[0.5]], np.float32)
        >>> units = unit_scores(total, np.ones((1, 1), bool))
        >>> Forcing.on(units, total, np.ones(1, np.int64), np.ones(1, np.int64),
        ...            np.array([0]), np.array([0]), "max_pairs") is not None
        True
        """
        n, m = units.shape
        places = int(min(np.maximum(cap_j, 0).sum(), np.maximum(cap_s, 0).sum()))
        # Under max_pairs one more pair outweighs any total score (at most 1 a pair).
        bonus = SCALE * (places + 1) if objective == "max_pairs" else 0
        if (n + m + 2) * (bonus + SCALE) >= _FAR:
            return None
        units[rows, cols] = -1
        weights = units_of(total, rows, cols) + bonus
        load_j = np.bincount(rows, minlength=n)
        load_s = np.bincount(cols, minlength=m)
        potential = np.zeros(n + m + 2, np.int64)
        forcing = cls(total, units, _grouped(rows, cols, weights, n),
                      _grouped(cols, rows, weights, m), load_j < cap_j, load_j > 0,
                      load_s < cap_s, load_s > 0, bonus, potential, [])
        if not compiled(_potentials)(*forcing._network(), units, potential):
            return None  # a cycle that gains: the assignment is not optimal in these units
        return forcing

    def _network(self) -> tuple[Any, ...]:
        return (*self.by_j, *self.by_s, self.spare_j, self.loaded_j, self.spare_s,
                self.loaded_s, self.bonus, len(self.by_j[1]) > 0)

    def for_junior(self, row: int, cols: Sequence[int]) -> list[Change]:
        """Say what forcing junior ``row`` with each senior of ``cols`` does (one search).

        Each pair must be feasible, not chosen, and both people must have a
        place beside any required pairs.

        Examples
        --------
        See the module's example.
        """
        if not self._columns:
            self._columns.append(np.ascontiguousarray(self.units.T))
        return self._changes(row, [self.total.shape[0] + c for c in cols], reverse=True)

    def for_senior(self, col: int, rows: Sequence[int]) -> list[Change]:
        """Say what forcing senior ``col`` with each junior of ``rows`` does (one search).

        Examples
        --------
        >>> total = np.array([[0.9, 0.8], [0.7, 0.1]], np.float32)
        >>> f = Forcing.of(total, np.ones((2, 2), bool), np.ones(2, np.int64),
        ...                np.ones(2, np.int64), np.array([0, 1]), np.array([1, 0]),
        ...                "max_pairs")
        >>> f.for_senior(0, [0])[0].added
        [(1, 1)]
        """
        return self._changes(self.total.shape[0] + col, list(rows), reverse=False)

    def _changes(self, start: int, targets: list[int], *, reverse: bool) -> list[Change]:
        n, m = self.total.shape
        dist = np.full(n + m + 2, _FAR, np.int64)
        link = np.full(n + m + 2, -1, np.int64)
        arcs = self._columns[0] if reverse else self.units
        compiled(_dijkstra)(*self._network(), arcs, self.potential, start,
                            np.asarray(targets, np.int64), reverse, dist, link)
        return [exchange(self.total, start, target, link, reverse=reverse) for target in targets]


def exchange(total: Any, start: int, target: int, link: IntArray, *, reverse: bool) -> Change:
    """Read what forcing a pair does off a search's links (see :class:`Forcing`).

    The search ran from ``start`` to ``target``: from the junior over the
    reversed network (``reverse``), or from the senior forward; ``link[v]``
    is the node ``v`` was reached from. The cycle is the forced arc, then the
    path from its senior back to its junior; ``total`` scores its pairs.

    Examples
    --------
    Nodes are juniors, then seniors, the source and the sink. Forcing junior 1
    with senior 1 (node 3), whose partner junior 0 moves to senior 0, whose
    partner was junior 1: the search from node 3 reached 0, then 2, then 1.

    >>> total = np.array([[0.9, 0.8], [0.7, 0.1]], np.float32)
    >>> c = exchange(total, 3, 1, np.array([3, 2, 0, -1, -1, -1]), reverse=False)
    >>> c.pairs, c.dropped, c.added, round(c.score, 3)
    (0, [(0, 1), (1, 0)], [(0, 0)], -0.5)
    """
    n, m = total.shape
    junior, senior = (start, target) if reverse else (target, start)
    arcs = []
    node = target
    while node != start:
        nxt = int(link[node])
        if nxt < 0:
            raise AssertionError("no residual path: a person without a place was forced")
        # reverse: link points towards the junior (node -> nxt); else back to the senior.
        arcs.append((node, nxt) if reverse else (nxt, node))
        node = nxt
    path = arcs if reverse else arcs[::-1]
    added = [(u, v - n) for u, v in path if u < n <= v < n + m]
    dropped = [(v, u - n) for u, v in path if v < n <= u < n + m]
    score = float(total[junior, senior - n])
    score += sum(float(total[i, k]) for i, k in added)
    score -= sum(float(total[i, k]) for i, k in dropped)
    return Change(1 + len(added) - len(dropped), score, dropped, added)


def loaded() -> bool:
    """Whether this process has the compiled searches already (no compiler to wait for).

    Examples
    --------
    >>> isinstance(loaded(), bool)
    True
    """
    return is_compiled(_potentials)


def units_of(total: npt.NDArray[np.floating[Any]], rows: IntArray, cols: IntArray) -> IntArray:
    """Return the pairs' scores in integer units of 2**-30, as the flow solver counts them.

    Examples
    --------
    >>> units_of(np.array([[0.5]], np.float32), np.array([0]), np.array([0])).tolist()
    [536870912]
    """
    return np.rint(total[rows, cols].astype(np.float64) * SCALE).astype(np.int64)


def unit_scores(total: npt.NDArray[np.floating[Any]], feasible: BoolArray
                ) -> npt.NDArray[np.int32] | None:
    """Return each pair's score in integer units of 2**-30, -1 where ruled out; None off [0, 1].

    The bonus that puts pairs first assumes scores of at most 1 a pair (the
    contract's; a user's components may break it). Scaling by a power of two
    is exact in the scores' own type, and so is the rounding (float32 holds
    every whole number below 2**24, and is whole above 2**23): the units of
    the flow solver.

    Examples
    --------
    >>> unit_scores(np.array([[0.5, 0.25]], np.float32), np.array([[True, False]])).tolist()
    [[536870912, -1]]
    >>> unit_scores(np.array([[2.0]], np.float32), np.ones((1, 1), bool)) is None
    True
    """
    units: npt.NDArray[np.int32]
    if total.size >= BLOCKS_COMPILED_FROM or is_compiled(_units):
        # One compiled pass: the numpy passes below took 7.5 ns a pair (12 s of a first
        # explanation's 26 s at 40,000 per side), this about 2 ns on one thread.
        units = np.empty(total.shape, np.int32)
        ok = compiled(_units)(total.reshape(-1, total.shape[-1]), feasible.reshape(
            -1, total.shape[-1]), total.dtype.type(SCALE), units.reshape(-1, total.shape[-1]))
        return units if ok else None
    if feasible.any():
        allowed = total[feasible]
        if not (allowed.min() >= 0 and allowed.max() <= 1):  # NaN too
            return None
    units = np.rint(np.where(feasible, total, 0) * total.dtype.type(SCALE)).astype(np.int32)
    units[~feasible] = -1
    return units


def _units(total: Any, feasible: Any, scale: Any, out: Any) -> bool:  # pragma: no cover
    # Compiled by numba: unit_scores in one pass (the same rounding, half to even, in
    # the scores' own type); False at a feasible score outside [0, 1].
    rows, m = total.shape
    for r in range(rows):
        for k in range(m):
            if feasible[r, k]:
                x = total[r, k]
                if not (x >= 0 and x <= 1):  # NaN too
                    return False
                out[r, k] = np.int32(np.rint(x * scale))
            else:
                out[r, k] = -1
    return True


def _grouped(keys: IntArray, values: IntArray, weights: IntArray, size: int
             ) -> tuple[IntArray, IntArray, IntArray]:
    """``values`` and ``weights`` grouped by ``keys``: group ``g`` at ``ptr[g]:ptr[g+1]``."""
    order = np.argsort(keys, kind="stable")
    ptr = np.zeros(size + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=size), out=ptr[1:])
    return ptr, values[order].astype(np.int64), weights[order]


def _potentials(j_ptr: Any, j_idx: Any, j_w: Any, s_ptr: Any, s_idx: Any, s_w: Any,
                spare_j: Any, loaded_j: Any, spare_s: Any, loaded_s: Any, bonus: int,
                has_flow: bool, units: Any, dist: Any) -> bool:  # pragma: no cover
    # Compiled by numba: shortest distances from a virtual root (every node at
    # 0) by a first-in-first-out label-correcting search on the dense residual
    # network. Nodes: juniors 0..n-1, seniors n..n+m-1, source n+m, sink n+m+1.
    # False on a cycle of negative cost (the assignment is not optimal in these
    # units): each node's last lowering is kept (``parent``), and a cycle among
    # those links, looked for after every ``size`` nodes taken, is one (a
    # queue alone would take a node ``size`` times first: minutes when dense).
    n, m = units.shape
    size = n + m + 2
    source, sink = n + m, n + m + 1
    queue = np.arange(size)  # a ring: a node is in it at most once
    queued = np.ones(size, np.bool_)
    parent = np.full(size, -1, np.int64)
    head, count, taken = 0, size, 0
    while count > 0:
        u = queue[head]
        head = (head + 1) % size
        count -= 1
        queued[u] = False
        taken += 1
        if taken % size == 0 and _has_cycle(parent):
            return False
        du = dist[u]
        if u < n:
            if loaded_j[u]:
                count = _push(dist, queue, queued, parent, head, count, u, source, du)
            row = units[u]
            base = du - bonus
            for k in range(m):
                if row[k] >= 0 and base - row[k] < dist[n + k]:
                    count = _push(dist, queue, queued, parent, head, count, u, n + k,
                                  base - row[k])
        elif u < n + m:
            k = u - n
            for a in range(s_ptr[k], s_ptr[k + 1]):
                count = _push(dist, queue, queued, parent, head, count, u, s_idx[a],
                              du + s_w[a])
            if spare_s[k]:
                count = _push(dist, queue, queued, parent, head, count, u, sink, du)
        elif u == source:
            for i in range(n):
                if spare_j[i]:
                    count = _push(dist, queue, queued, parent, head, count, u, i, du)
            if has_flow:
                count = _push(dist, queue, queued, parent, head, count, u, sink, du)
        else:
            count = _push(dist, queue, queued, parent, head, count, u, source, du)
            for k in range(m):
                if loaded_s[k]:
                    count = _push(dist, queue, queued, parent, head, count, u, n + k, du)
    return True


@helper
def _push(dist: Any, queue: Any, queued: Any, parent: Any, head: int, count: int, u: int,
          v: int, reached: int) -> int:  # pragma: no cover
    # Lower v to ``reached`` (from u) if that is lower, queueing it; return the queue's length.
    if reached < dist[v]:
        dist[v] = reached
        parent[v] = u
        if not queued[v]:
            queued[v] = True
            queue[(head + count) % queue.shape[0]] = v
            return count + 1
    return count


@helper
def _has_cycle(parent: Any) -> bool:  # pragma: no cover
    # Whether following ``parent`` from some node comes back to it (each walk
    # stamps the nodes it passes; meeting its own stamp again is a cycle).
    stamp = np.zeros(parent.shape[0], np.int64)
    for first in range(parent.shape[0]):
        v = first
        while v >= 0 and stamp[v] == 0:
            stamp[v] = first + 1
            v = parent[v]
        if v >= 0 and stamp[v] == first + 1:
            return True
    return False


def _dijkstra(j_ptr: Any, j_idx: Any, j_w: Any, s_ptr: Any, s_idx: Any, s_w: Any,
              spare_j: Any, loaded_j: Any, spare_s: Any, loaded_s: Any, bonus: int,
              has_flow: bool, arcs: Any, pot: Any, start: int, targets: Any, reverse: bool,
              dist: Any, link: Any) -> None:  # pragma: no cover
    # Compiled by numba: Dijkstra on the reduced costs (cost + pot[tail] -
    # pot[head] >= 0) from start, over the residual network (reverse=False:
    # ``arcs`` are the units by junior) or its reverse (reverse=True: distances
    # to start; ``arcs`` by senior), until every target is settled. link[v] is
    # the node v was reached from: its tail (forward) or its head (reverse).
    # Arrays and a linear scan for the nearest node: the network is dense.
    size = dist.shape[0]
    n = j_ptr.shape[0] - 1
    m = size - n - 2
    source, sink = n + m, n + m + 1
    settled = np.zeros(size, np.bool_)
    wanted = np.zeros(size, np.bool_)
    left = 0
    for t in targets:
        if not wanted[t]:
            wanted[t] = True
            left += 1
    dist[start] = 0
    while left > 0:
        u, best = -1, _FAR
        for v in range(size):
            if not settled[v] and dist[v] < best:
                u, best = v, dist[v]
        if u < 0:
            return
        settled[u] = True
        if wanted[u]:
            left -= 1
        du = dist[u]
        # Each arc at its reduced cost: out of u (forward) or into u (reverse).
        if u < n:
            if reverse:
                if spare_j[u]:
                    _relax(dist, link, settled, pot, u, source, 0, du, reverse)
                for a in range(j_ptr[u], j_ptr[u + 1]):
                    _relax(dist, link, settled, pot, u, n + j_idx[a], j_w[a], du, reverse)
            else:
                if loaded_j[u]:
                    _relax(dist, link, settled, pot, u, source, 0, du, reverse)
                # The hot loops, written out: a call a pair costs ten times the work.
                row, base = arcs[u], du - bonus + pot[u]
                for k in range(m):
                    if row[k] >= 0 and not settled[n + k]:
                        reached = base - row[k] - pot[n + k]
                        if reached < dist[n + k]:
                            dist[n + k] = reached
                            link[n + k] = u
        elif u < n + m:
            k = u - n
            if reverse:
                if loaded_s[k]:
                    _relax(dist, link, settled, pot, u, sink, 0, du, reverse)
                col, base = arcs[k], du - bonus - pot[u]
                for i in range(n):
                    if col[i] >= 0 and not settled[i]:
                        reached = base - col[i] + pot[i]
                        if reached < dist[i]:
                            dist[i] = reached
                            link[i] = u
            else:
                if spare_s[k]:
                    _relax(dist, link, settled, pot, u, sink, 0, du, reverse)
                for a in range(s_ptr[k], s_ptr[k + 1]):
                    _relax(dist, link, settled, pot, u, s_idx[a], s_w[a], du, reverse)
        elif u == source:
            if reverse:
                _relax(dist, link, settled, pot, u, sink, 0, du, reverse)
                for i in range(n):
                    if loaded_j[i]:
                        _relax(dist, link, settled, pot, u, i, 0, du, reverse)
            else:
                if has_flow:
                    _relax(dist, link, settled, pot, u, sink, 0, du, reverse)
                for i in range(n):
                    if spare_j[i]:
                        _relax(dist, link, settled, pot, u, i, 0, du, reverse)
        elif reverse:
            if has_flow:
                _relax(dist, link, settled, pot, u, source, 0, du, reverse)
            for k in range(m):
                if spare_s[k]:
                    _relax(dist, link, settled, pot, u, n + k, 0, du, reverse)
        else:
            _relax(dist, link, settled, pot, u, source, 0, du, reverse)
            for k in range(m):
                if loaded_s[k]:
                    _relax(dist, link, settled, pot, u, n + k, 0, du, reverse)


@helper
def _relax(dist: Any, link: Any, settled: Any, pot: Any, u: int, v: int, cost: int, du: int,
           reverse: bool) -> None:  # pragma: no cover
    # The arc u -> v (forward) or v -> u (reverse), at its reduced cost.
    if settled[v]:
        return
    reduced = cost + pot[v] - pot[u] if reverse else cost + pot[u] - pot[v]
    if du + reduced < dist[v]:
        dist[v] = du + reduced
        link[v] = u
