r"""What forcing a pair costs on a programme solved on candidates: the certificate's prices.

:mod:`rmatch.solvers.forcing` prices a forced pair ``(j, s)`` as the
cheapest residual cycle through the arc ``j -> s`` of the optimum's
circulation, with potentials found by a search over every pair's score
kept in memory (4 bytes a pair, and as much again for the seniors' side).
A programme solved on candidate pairs (:mod:`rmatch.solvers.certificate`)
has better at hand: the certificate's potentials already prove that no
pair of the programme, candidate or not, leaves a residual arc below zero.
Moved into the forcing network (:func:`certified_potentials`), they price
any forced pair by one Dijkstra search over the reduced costs, with no
juniors x seniors matrix: the pairs within a reach of tight (reduced cost
at most :data:`_FIRST_REACH`, a few percent of them) are scored again once
by blocks and kept, which is exact for every exchange no longer than the
reach (each of its pairs is within it); a longer one is searched again with
the pairs within its length.

The move, under ``max_pairs`` (the forcing network puts a bonus ``B`` on
every pair and returns the flow from the sink to the source): with the
certificate's potentials :math:`P` (the clamped ones of its duals, and the
source's and sink's) and its closed set :math:`R`, take
:math:`\phi_j = P_j + B - \delta [j \in R]`, :math:`\phi_k = P_k - \delta [k
\in R]`, :math:`\phi_S = P_S + B - \delta`, :math:`\phi_T = P_T`, with
:math:`\delta = B + P_S - P_T` (so :math:`\phi_S = \phi_T`, as the return
arc needs). A pair arc's reduced cost is then its reduced cost under
:math:`P` plus :math:`\delta` ([senior in R] - [junior in R]): unchanged
for a pair within or outside :math:`R`, where the certificate proved it
non-negative; larger by :math:`\delta` (about ``B``) from outside :math:`R`
into it; and no pair leaves :math:`R` unchosen (the certificate again).
Every candidate's arcs and every person's arcs to the source and sink are
checked here, with the bound on :math:`\delta` the pairs into :math:`R`
need; the certificate covers the other pairs. Under ``max_score`` there
is no bonus and :math:`\phi = P`.

An optimal dual prices every optimal assignment, so :meth:`RowForcing.on`
takes another optimum's pairs too (a matching judged by
:func:`rmatch.evaluate` that reaches the optimum), checking the arcs the
two assignments differ on.

Examples
--------
>>> from rmatch.solvers.certificate import DenseSource, certify_and_solve
>>> total = np.array([[0.9, 0.8], [0.7, 0.1]], np.float32)
>>> one = np.ones(2, np.int64)
>>> source = DenseSource(total, np.ones((2, 2), bool))
>>> cert = certify_and_solve(source, one, one, "max_pairs", k=1)
>>> w = units_of(total, cert.rows, cert.cols)
>>> pot, bonus = certified_potentials(2, 2, cert.duals, cert.rows, cert.cols, w,
...                                   cert.chosen, one, one, "max_pairs")
>>> rows, cols = cert.rows[cert.chosen], cert.cols[cert.chosen]  # (0, 1) and (1, 0)
>>> f = RowForcing.on(rows_of(source), total, one, one, rows, cols, pot, bonus)
>>> change = f.for_junior(0, [0])[0]  # force (0, 0): junior 1 moves to senior 1
>>> change.pairs, round(change.score, 3), change.added
(0, -0.5, [(1, 1)])
>>> f.for_senior(0, [0])[0].added
[(1, 1)]
>>> f.to(np.array([0]), np.array([1]), one, one) is None  # one pair short: not optimal
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from rmatch.constraints.compiled import SCALE
from rmatch.jit import compiled, helper
from rmatch.solvers.forcing import Change, _grouped, exchange, unit_scores, units_of
from rmatch.solvers.scan import _ordered
from rmatch.solvers.sparse import Duals

__all__ = ["RowForcing", "certified_potentials", "rows_of"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
RowUnits = Callable[[IntArray], npt.NDArray[np.int32]]
"""Juniors' rows: each senior's score in integer units, -1 where the pair is ruled out."""

_FAR = np.iinfo(np.int64).max // 4
_FIRST_REACH = SCALE // 20
"""The searches first keep the arcs within 0.05 score units of tight (reduced cost), about
4% of the pairs at 10,000 per side (and 0.5% within 0.02, 17% within 0.1): a path whose
length is at most that is the shortest over all pairs (every arc of a shorter one would
be within it too). A farther target is searched again with the arcs within its distance."""

_MOST_ARCS = 40_000_000
"""Arcs kept at most (320 MB): beyond that the explanation solves the programme again."""

_BLOCK_PAIRS = 2_000_000
"""Pairs scored at once when the arcs near tight are kept (8 MB of integer units)."""

_SAMPLE_ROWS = 256
"""Juniors sampled at least (a 32nd of them otherwise) to choose a first reach that fits."""

_FILL = 0.6
"""The share of :data:`_MOST_ARCS` a first reach chosen from a sample aims at (a sample's
estimate is off by a few percent; a reach that still holds too many solves again)."""


def rows_of(source: Any) -> RowUnits:
    """Juniors' rows of a programme's scores in integer units (-1: ruled out), on demand.

    ``source`` is a :class:`rmatch.solvers.scan.BlockSource` (any object whose
    ``totals(rows, cols)`` scores a block); the rows asked for together are
    scored as one block.

    Examples
    --------
    >>> from rmatch.solvers.certificate import DenseSource
    >>> src = DenseSource(np.array([[0.5, 0.25]], np.float32), np.array([[True, False]]))
    >>> rows_of(src)(np.array([0])).tolist()
    [[536870912, -1]]
    """
    return _Rows(source)


class _Rows:
    """:func:`rows_of`'s answer: a class, not a closure, so that a result keeping it pickles."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def __call__(self, which: IntArray) -> npt.NDArray[np.int32]:
        units = unit_scores(*self.source.totals(which, slice(None)))
        if units is None:
            raise ValueError("a score outside [0, 1]: the bonus would not put pairs first")
        return units


def certified_potentials(n: int, m: int, duals: Duals, rows: IntArray, cols: IntArray,
                         weights: IntArray, chosen: BoolArray, cap_j: IntArray,
                         cap_s: IntArray, objective: Literal["max_pairs", "max_score"]
                         ) -> tuple[IntArray, int] | None:
    """Return the forcing network's potentials and bonus from a certificate, or None.

    ``duals`` prove the assignment ``chosen`` of the candidates
    ``rows``/``cols``/``weights`` optimal for every pair of the programme;
    ``cap_j``/``cap_s`` are the places the solve had. None when a check
    fails (see the module notes): the caller then prices another way.

    Examples
    --------
    >>> from rmatch.solvers.sparse import solved
    >>> one = np.ones(2, np.int64)
    >>> r, c, w = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8])
    >>> chosen, duals, _ = solved(2, 2, r, c, w, one, one, "max_pairs")
    >>> pot, bonus = certified_potentials(2, 2, duals, r, c, w, chosen, one, one, "max_pairs")
    >>> bonus == SCALE * 3
    True
    """
    source, sink = n + m, n + m + 1
    pot = np.concatenate([duals.pot_j, duals.pot_s, [duals.ref_j, duals.ref_s]]
                         ).astype(np.int64)
    bonus = 0
    if objective == "max_pairs":
        places = int(min(cap_j.sum(), cap_s.sum()))
        bonus = SCALE * (places + 1)
        in_r = np.concatenate([duals.reach_j, duals.reach_s]).astype(np.int64)
        shift = bonus + int(pot[source]) - int(pot[sink])
        # Pairs from outside R into it gain shift: enough for any score (at most 1).
        low_j = pot[:n][~duals.reach_j].min(initial=_FAR)
        high_s = pot[n:n + m][duals.reach_s].max(initial=-_FAR)
        if low_j < _FAR and high_s > -_FAR and shift < SCALE - low_j + high_s:
            return None
        pot[:n + m] -= shift * in_r
        pot[:n] += bonus
        pot[source] += bonus - shift
    if not _valid(n, m, pot, bonus, rows, cols, weights, chosen, cap_j, cap_s):
        return None
    return pot, bonus


def _valid(n: int, m: int, pot: IntArray, bonus: int, rows: IntArray, cols: IntArray,
           weights: IntArray, chosen: BoolArray, cap_j: IntArray, cap_s: IntArray) -> bool:
    """Whether no residual arc of these pairs, or to the source or sink, is below zero."""
    source, sink = n + m, n + m + 1
    red = pot[rows] - pot[n + cols] - weights - bonus  # each pair's forward arc
    if (red[~chosen] < 0).any() or (red[chosen] > 0).any():
        return False
    load_j = np.bincount(rows[chosen], minlength=n)
    load_s = np.bincount(cols[chosen], minlength=m)
    p_j, p_s = pot[:n], pot[n:n + m]
    return bool(not (p_j[load_j < cap_j] > pot[source]).any()
                and not (p_j[load_j > 0] < pot[source]).any()
                and not (p_s[load_s < cap_s] < pot[sink]).any()
                and not (p_s[load_s > 0] > pot[sink]).any()
                and pot[sink] >= pot[source]
                and (not chosen.any() or pot[source] >= pot[sink]))


@dataclass
class RowForcing:
    """An optimum's certified potentials and pairs, pricing forced pairs without a matrix.

    The same questions as :class:`rmatch.solvers.forcing.Forcing`, the same
    answers; build it with :meth:`on`. The pairs near tight are scored and
    kept on the first question (see the module notes).
    """

    total: Any  # the scores, read for the few pairs of an exchange
    row_units: RowUnits
    shape: tuple[int, int]
    by_j: tuple[IntArray, IntArray]  # each junior's chosen seniors
    by_s: tuple[IntArray, IntArray, IntArray]  # each senior's chosen juniors, with weights
    spare_j: BoolArray
    loaded_j: BoolArray
    spare_s: BoolArray
    loaded_s: BoolArray
    bonus: int
    potential: IntArray
    # The juniors' arcs forward within ``reach`` of tight, grouped by junior (the
    # pointers, the seniors, the reduced costs), made on first use.
    _arcs: list[tuple[int, IntArray, npt.NDArray[np.int32], Any]] = field(
        default_factory=list)
    _over: list[int] = field(default_factory=list)  # a reach found to hold too many arcs
    _first: list[int] = field(default_factory=list)  # the first reach, once chosen

    @classmethod
    def on(cls, row_units: RowUnits, total: Any, cap_j: IntArray, cap_s: IntArray,
           rows: IntArray, cols: IntArray, potential: IntArray, bonus: int, *,
           left: tuple[IntArray, IntArray] | None = None, weights: IntArray | None = None
           ) -> RowForcing | None:
        """Price the assignment ``(rows, cols)`` with certified potentials; None if they fail it.

        ``potential`` and ``bonus`` are :func:`certified_potentials`' for an
        optimum of the same programme; ``left``, that optimum's pairs these
        ones do not hold (their arcs forward are checked; the other pairs'
        the certificate covers). ``row_units`` scores juniors' rows; ``weights``,
        the pairs' scores in units when known (else ``total`` scores them).

        Examples
        --------
        See the module's example.
        """
        n, m = len(cap_j), len(cap_s)
        if weights is None:
            weights = units_of(total, rows, cols) if len(rows) else np.zeros(0, np.int64)
        chosen = np.ones(len(rows), np.bool_)
        if left is not None and len(left[0]):
            l_w = units_of(total, *left)
            rows, cols = np.concatenate([rows, left[0]]), np.concatenate([cols, left[1]])
            weights = np.concatenate([weights, l_w])
            chosen = np.concatenate([chosen, np.zeros(len(l_w), np.bool_)])
        if not _valid(n, m, potential, bonus, rows, cols, weights, chosen, cap_j, cap_s):
            return None
        rows, cols, weights = rows[chosen], cols[chosen], weights[chosen]
        load_j = np.bincount(rows, minlength=n)
        load_s = np.bincount(cols, minlength=m)
        return cls(total, row_units, (n, m), _grouped(rows, cols, weights, n)[:2],
                   _grouped(cols, rows, weights, m), load_j < cap_j, load_j > 0,
                   load_s < cap_s, load_s > 0, bonus, potential.astype(np.int64))

    def to(self, rows: IntArray, cols: IntArray, cap_j: IntArray, cap_s: IntArray
           ) -> RowForcing | None:
        """Price another assignment of the programme the same way; None unless it is optimal too.

        Examples
        --------
        See the module's example.
        """
        n, m = self.shape
        ptr, seniors = self.by_j
        mine = np.repeat(np.arange(n), np.diff(ptr)) * m + seniors
        left = np.setdiff1d(mine, rows * m + cols)
        return RowForcing.on(self.row_units, self.total, cap_j, cap_s, rows, cols,
                             self.potential, self.bonus, left=(left // m, left % m))

    def for_junior(self, row: int, cols: Sequence[int]) -> list[Change]:
        """Say what forcing junior ``row`` with each senior of ``cols`` does (a search each).

        Examples
        --------
        See the module's example.
        """
        n = self.shape[0]
        return [self._changes(n + c, [row])[0] for c in cols]

    def for_senior(self, col: int, rows: Sequence[int]) -> list[Change]:
        """Say what forcing senior ``col`` with each junior of ``rows`` does (one search).

        Examples
        --------
        See the module's example.
        """
        return self._changes(self.shape[0] + col, list(rows))

    def _near(self, reach: int) -> tuple[IntArray, npt.NDArray[np.int32], Any] | None:
        """Every junior's arcs forward of reduced cost at most ``reach``; None beyond the budget.

        Scored by blocks of rows (the programme's own), filtered by a compiled
        pass; kept until a search needs a longer reach.
        """
        if self._arcs and self._arcs[0][0] >= reach:
            return self._arcs[0][1:]
        if self._over and self._over[0] <= reach:  # found too many before: not again
            return None
        n, m = self.shape
        step = max(1, min(n, _BLOCK_PAIRS // max(m, 1)))
        ptr = np.zeros(n + 1, np.int64)
        cols: list[npt.NDArray[np.int32]] = []
        costs: list[npt.NDArray[np.int32] | IntArray] = []
        kept = 0
        starts = range(0, n, step)
        workers = min(4, os.cpu_count() or 1) if len(starts) > 4 else 1
        with ThreadPoolExecutor(workers) if workers > 1 else nullcontext() as pool:
            # Blocks scored and filtered on every core (compiled passes that free the
            # interpreter lock): 2.0 times as quick on two at 40,000 per side.
            blocks = _ordered(pool, lambda start: self._kept(
                np.arange(start, min(start + step, n), dtype=np.int64), reach, 0), starts)
            for start, (col, red, counts) in zip(starts, blocks, strict=True):
                kept += len(col)
                if kept > _MOST_ARCS:
                    self._over[:] = [reach]
                    return None
                cols.append(col)
                costs.append(red)
                ptr[start + 1:start + 1 + len(counts)] = counts
        np.cumsum(ptr, out=ptr)
        arcs = (ptr, np.concatenate(cols) if cols else np.zeros(0, np.int32),
                np.concatenate(costs) if costs else np.zeros(0, np.int64))
        self._arcs[:] = [(reach, *arcs)]
        return arcs

    def _kept(self, which: IntArray, reach: int, room: int
              ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32] | IntArray, IntArray]:
        """Return the arcs forward of the juniors ``which`` within ``reach``.

        As their seniors, reduced costs and each junior's count; the juniors are
        scored as one block, ``room`` is the arcs expected.
        """
        n, m = self.shape
        ptr_j, seniors = self.by_j
        block = self.row_units(which)
        for r, j in enumerate(which.tolist()):  # chosen already: no arc forward
            block[r, seniors[ptr_j[j]:ptr_j[j + 1]]] = -1
        small = np.int32 if reach < 2**31 else np.int64  # 8 bytes an arc within the first reach
        # Room for an eighth of the block's pairs unless told more (within 0.05 of tight:
        # 4% at 10,000 per side); a block with more arcs is filtered again, with twice.
        col = np.empty(max(4 * m, len(which) * m // 8, room), np.int32)
        red = np.empty(len(col), small)
        counts = np.zeros(len(which), np.int64)
        while True:
            got = compiled(_keep)(block, self.potential[which], self.potential[n:n + m],
                                  self.bonus, reach, col, red, counts)
            if got >= 0:
                return col[:got].copy(), red[:got].copy(), counts
            if got == _BELOW_ZERO:
                raise ArithmeticError("a residual arc below zero: the potentials do not hold")
            col = np.empty(2 * len(col), np.int32)  # more arcs than room: again, larger
            red = np.empty(len(col), small)

    def _first_reach(self) -> int:
        """Return the reach the searches keep first (chosen once).

        :data:`_FIRST_REACH`, or less where a sample of juniors says its arcs
        would not fit the budget (they grow with the square of a side: 48.6
        million at 40,000 per side).
        """
        n, m = self.shape
        if self._first:
            return self._first[0]
        self._first[:] = [_FIRST_REACH]
        if n * m <= _MOST_ARCS:
            return _FIRST_REACH
        picked = np.unique(np.linspace(0, n - 1, min(n, max(_SAMPLE_ROWS, n // 32))).astype(
            np.int64))  # spread evenly over the programme
        step = max(1, _BLOCK_PAIRS // max(m, 1))
        red = np.sort(np.concatenate([self._kept(picked[i:i + step], _FIRST_REACH, 0)[1]
                                      for i in range(0, len(picked), step)]))
        fits = int(_FILL * _MOST_ARCS * len(picked) / n)  # arcs the sample may hold
        if len(red) > fits:
            self._first[:] = [max(int(red[fits]) - 1, 0)]
        return self._first[0]

    def _changes(self, start: int, targets: list[int]) -> list[Change]:
        """Dijkstra from the senior node ``start`` until every junior of ``targets`` is settled.

        Over the arcs within :data:`_FIRST_REACH` of tight first (less where they would not
        fit the budget); a target farther than that is searched again with the arcs within
        its distance.
        """
        n, m = self.shape
        reach = self._arcs[0][0] if self._arcs else self._first_reach()
        while True:
            arcs = self._near(reach)
            if arcs is None:
                raise ValueError("too many pairs near tight to keep: solve again instead")
            dist = np.full(n + m + 2, _FAR, np.int64)
            link = np.full(n + m + 2, -1, np.int64)
            wanted = np.zeros(n + m + 2, np.bool_)
            wanted[targets] = True
            done = compiled(_search)(n, m, start, dist, link, wanted, *arcs, *self.by_s,
                                     self.spare_j, self.loaded_j, self.spare_s, self.loaded_s,
                                     self.bonus, self.potential)
            if done == _BELOW_ZERO:
                raise ArithmeticError("a residual arc below zero: the potentials do not hold")
            far = int(dist[targets].max())
            if far <= reach:
                break
            if reach == _FAR - 1:
                raise AssertionError("no residual path: a person without a place was forced")
            reach = min(far, _FAR - 1)  # none within reach: every arc (within the budget)
        return [exchange(self.total, start, junior, link, reverse=False) for junior in targets]


_DONE, _NO_PATH, _BELOW_ZERO = -1, -2, -3


def _keep(block: Any, pot_rows: Any, pot_s: Any, bonus: int, reach: int, col: Any,
          red: Any, counts: Any) -> int:  # pragma: no cover
    # Compiled by numba: each row's arcs (units >= 0) of reduced cost at most
    # ``reach``, appended to col/red with each row's count; their number, -1 when
    # they do not fit (the caller makes room), _BELOW_ZERO on a negative one.
    got = 0
    rows, m = block.shape
    for r in range(rows):
        base = pot_rows[r] - bonus
        c = 0
        for k in range(m):
            w = block[r, k]
            if w >= 0:
                cost = base - w - pot_s[k]
                if cost < 0:
                    return _BELOW_ZERO
                if cost <= reach:
                    if got >= col.shape[0]:
                        return -1
                    col[got] = k
                    red[got] = cost
                    got += 1
                    c += 1
        counts[r] = c
    return got


def _search(n: int, m: int, start: int, dist: Any, link: Any, wanted: Any, a_ptr: Any,
            a_col: Any, a_red: Any, s_ptr: Any, s_idx: Any, s_w: Any, spare_j: Any,
            loaded_j: Any, spare_s: Any, loaded_s: Any, bonus: int,
            pot: Any) -> int:  # pragma: no cover
    # Compiled by numba: Dijkstra on the reduced costs (cost + pot[tail] -
    # pot[head], never below zero) over the residual network, an indexed binary
    # heap on ``dist``, from ``start`` until every wanted node is settled
    # (_DONE) or nothing more is reached (_NO_PATH). A junior's arcs forward are
    # its kept ones (a_ptr/a_col/a_red, reduced costs already).
    size = n + m + 2
    source, sink = n + m, n + m + 1
    settled = np.zeros(size, np.bool_)
    heap = np.zeros(size, np.int64)
    where = np.full(size, -1, np.int64)
    counts = np.zeros(2, np.int64)  # the heap's size, the wanted nodes left
    for v in range(size):
        if wanted[v]:
            counts[1] += 1
    has_flow = False
    for i in range(n):
        if loaded_j[i]:
            has_flow = True
            break
    dist[start] = 0
    _push(heap, where, counts, dist, start)
    while counts[1] > 0:
        if counts[0] == 0:
            return _NO_PATH
        u = heap[0]
        _pop(heap, where, counts, dist)
        settled[u] = True
        if wanted[u]:
            counts[1] -= 1
        du = dist[u]
        if u < n:
            if loaded_j[u] and _arc(dist, link, settled, heap, where, counts, pot, u, source,
                                    0):
                return _BELOW_ZERO
            for a in range(a_ptr[u], a_ptr[u + 1]):
                v = n + a_col[a]
                if not settled[v] and du + a_red[a] < dist[v]:
                    dist[v] = du + a_red[a]
                    link[v] = u
                    _push(heap, where, counts, dist, v)
        elif u < n + m:
            k = u - n
            for a in range(s_ptr[k], s_ptr[k + 1]):
                if _arc(dist, link, settled, heap, where, counts, pot, u, s_idx[a],
                        s_w[a] + bonus):
                    return _BELOW_ZERO
            if spare_s[k] and _arc(dist, link, settled, heap, where, counts, pot, u, sink, 0):
                return _BELOW_ZERO
        elif u == source:
            for i in range(n):
                if spare_j[i] and _arc(dist, link, settled, heap, where, counts, pot, u, i, 0):
                    return _BELOW_ZERO
            if has_flow and _arc(dist, link, settled, heap, where, counts, pot, u, sink, 0):
                return _BELOW_ZERO
        else:
            if _arc(dist, link, settled, heap, where, counts, pot, u, source, 0):
                return _BELOW_ZERO
            for k in range(m):
                if loaded_s[k] and _arc(dist, link, settled, heap, where, counts, pot, u,
                                        n + k, 0):
                    return _BELOW_ZERO
    return _DONE


@helper
def _arc(dist: Any, link: Any, settled: Any, heap: Any, where: Any, counts: Any, pot: Any,
         u: int, v: int, cost: int) -> bool:  # pragma: no cover
    # The arc u -> v at its reduced cost; True when that is below zero.
    reduced = cost + pot[u] - pot[v]
    if reduced < 0:
        return True
    if not settled[v] and dist[u] + reduced < dist[v]:
        dist[v] = dist[u] + reduced
        link[v] = u
        _push(heap, where, counts, dist, v)
    return False


@helper
def _push(heap: Any, where: Any, counts: Any, dist: Any, v: int) -> None:  # pragma: no cover
    # Put v in the heap, or move it up after its distance fell.
    i = where[v]
    if i < 0:
        i = counts[0]
        counts[0] += 1
        heap[i] = v
        where[v] = i
    while i > 0:
        up = (i - 1) // 2
        if dist[heap[up]] <= dist[v]:
            break
        heap[i] = heap[up]
        where[heap[i]] = i
        i = up
    heap[i] = v
    where[v] = i


@helper
def _pop(heap: Any, where: Any, counts: Any, dist: Any) -> None:  # pragma: no cover
    # Take the top off the heap.
    where[heap[0]] = -1
    counts[0] -= 1
    size = counts[0]
    if size == 0:
        return
    v = heap[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and dist[heap[child + 1]] < dist[heap[child]]:
            child += 1
        if dist[heap[child]] >= dist[v]:
            break
        heap[i] = heap[child]
        where[heap[i]] = i
        i = child
    heap[i] = v
    where[v] = i
