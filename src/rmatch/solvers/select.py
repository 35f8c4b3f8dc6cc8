"""The candidate path's passes over a scored block, compiled: candidates and bounds in one read.

Each block of scores the candidate path reads (the first pass over every
pair, the certificate's scans after) yields a few candidates and one bound
per junior and group of seniors. As numpy passes that took eight to ten
sweeps over the block (add the prices, mask, group maxima, partitions,
compares, gathers): about four times the time of scoring the block. The
kernels below, compiled by numba like the scoring kernel, read each row of
the block once or twice while it sits in the CPU cache.

They choose exactly what the numpy passes of :mod:`rmatch.solvers.scan`
choose (same float32 arithmetic, same order among equal values: the lower
column for a junior's best, the lower row for a senior's), so the answer
does not depend on which ran; ``tests/solvers/test_select.py`` compares them.
(One exception, never met by the benchmarks: with fewer than 32 groups of
seniors, under 2,048 seniors, the numpy pass breaks a junior's ties in the
order of a partition; either way the answer is exact and deterministic.)
Programmes of :data:`COMPILED_FROM_PAIRS` pairs or more use the kernels;
smaller ones never wait for the compiler (more compiled passes, over
prices, are in :mod:`rmatch.solvers.prices`).

Examples
--------
>>> total = np.array([[0.9, 0.2, 0.4]], np.float32)
>>> tops = ColumnTops(3, 1)
>>> out = first_block(total, np.ones((1, 3), bool), np.zeros(3, np.float32),
...                   np.array([0, 3]), 1, 0, tops)
>>> out.cols.tolist(), out.offer.tolist()  # the junior's best, at its score
([0], [0.8999999761581421])
>>> tops.result()[1].tolist()  # every senior's best junior (the only one)
[0, 1, 2]
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from rmatch.jit import compiled, helper

__all__ = ["COMPILED_FROM_PAIRS", "ColumnTops", "FirstBlock", "ScanBlock", "column_block",
           "first_block", "large", "scan_block"]

IntArray = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

COMPILED_FROM_PAIRS = 10_000_000
"""Programmes with fewer pairs select with numpy passes (no compiling: a few
seconds the first time on a machine); larger ones with the kernels."""


def large(n: int, m: int) -> bool:
    """Whether an ``n`` x ``m`` programme uses the compiled kernels (:data:`COMPILED_FROM_PAIRS`).

    Examples
    --------
    >>> large(100, 100), large(10_000, 10_000)
    (False, True)
    """
    return n * m >= COMPILED_FROM_PAIRS


CHUNK = 64
"""Seniors the first pass's offers to the seniors' lists test at once (branch-free)."""


@helper
def _offer_row(red: Any, o: Any, row: int, total_row: Any, wbuf: Any, bkey: Any, bcol: Any,
               btot: Any, n_buf: int, thrkey: Any, cthr: Any) -> int:  # pragma: no cover
    # Compiled by numba. Every senior's k best juniors by ``red - o`` (the score minus
    # both prices), ties to the lower row: a pair beating the senior's k-th best so far
    # goes to the buffer (one sequential write; sorted lists cost a cache miss per
    # insertion). The key orders by value, then by lower row. Each chunk of CHUNK
    # seniors is tested first without a branch (vectorised), and its pairs looked at one
    # by one only when one can enter: a row offers a few hundred of 100,000, and one loop
    # over all of them with a branch in every step took as long as the rest of the row.
    # Returns the buffer's new length (the caller leaves room for a row).
    m = red.shape[0]
    neg = np.float32(-np.inf)
    wbits = wbuf.view(np.int32)
    for c0 in range(0, m, CHUNK):
        c1 = min(c0 + CHUNK, m)
        rr, tt = red[c0:c1], cthr[c0:c1]  # from 0: indices the compiler can vectorise
        hits = 0
        for q in range(c1 - c0):
            hits += np.int64((rr[q] - o >= tt[q]) & (rr[q] > neg))
        if hits == 0:
            continue
        for c in range(c0, c1):
            w = red[c] - o
            if w < cthr[c] or w == neg:
                continue
            wbuf[0] = w
            bits = np.int64(wbits[0])
            key = ((bits if bits >= 0 else bits ^ 0x7FFFFFFF) << 32) + (0xFFFFFFFF - row)
            if key <= thrkey[c]:
                continue
            bkey[n_buf] = key
            bcol[n_buf] = c
            btot[n_buf] = total_row[c]
            n_buf += 1
    return n_buf


@helper
def _masked_row(total: Any, ok: Any, ps: Any, i: int, red: Any) -> None:  # pragma: no cover
    # Compiled by numba: row i's scores plus prices, -inf where infeasible (branch-free).
    neg = np.float32(-np.inf)
    for c in range(total.shape[1]):
        red[c] = total[i, c] + ps[c] if ok[i, c] else neg


def _column_rows(total: Any, ok: Any, ps: Any, pj: Any, rows: Any, i0: int, bkey: Any,
                 bcol: Any, btot: Any, bn: Any, thrkey: Any, cthr: Any) -> int:  # pragma: no cover
    # Compiled by numba: each row's pairs offered to the columns' lists by
    # ``total + ps - pj`` (numpy's float32 order). Returns the rows done:
    # fewer than the block's when the buffer needs compacting first.
    b, m = total.shape
    red = np.empty(m, np.float32)
    wbuf = np.empty(1, np.float32)
    n_buf, i = bn[0], i0
    while i < b and n_buf + m <= bkey.shape[0]:  # room for the row's every pair
        _masked_row(total, ok, ps, i, red)
        n_buf = _offer_row(red, pj[i], rows[i], total[i], wbuf, bkey, bcol, btot, n_buf,
                           thrkey, cthr)
        i += 1
    bn[0] = n_buf
    return i


def _first_rows(total: Any, ok: Any, ps: Any, edges: Any, group_of: Any, kk: int, row0: int,
                i0: int, out_cols: Any, out_tot: Any, out_n: Any, offer: Any, best: Any,
                left: Any, bkey: Any, bcol: Any, btot: Any, bn: Any, thrkey: Any, cthr: Any
                ) -> int:  # pragma: no cover
    # Compiled by numba (coverage cannot see inside). Returns the rows done:
    # fewer than the block's when the seniors' buffer needs compacting first.
    b, m = total.shape
    n_groups = edges.shape[0] - 1
    neg = np.float32(-np.inf)
    red = np.empty(m, np.float32)
    mark = np.zeros(m, np.bool_)
    gmax = np.empty(n_groups, np.float32)
    rv = np.empty(max(kk, 1), np.float32)
    rc = np.empty(max(kk, 1), np.int64)
    gtop = np.empty(max(kk, 1), np.float32)  # the row's kk largest group maxima
    lanes = np.empty(8, np.float32)
    wbuf = np.empty(1, np.float32)  # one value, read back as its bits
    n_buf = bn[0]
    for i in range(i0, b):
        if n_buf + m > bkey.shape[0]:
            bn[0] = n_buf
            return i
        # Reduced scores (score plus the senior's price), group maxima, the
        # row's best: branch-free loops, which the compiler vectorises (a
        # branch in them made this pass five times slower).
        _masked_row(total, ok, ps, i, red)
        top = neg
        for g in range(n_groups):
            gmax[g] = _group_max(red, edges[g], edges[g + 1], lanes)
            top = gmax[g] if gmax[g] > top else top
        # The row's kk best, ties to the lower column. Each is at least the
        # kk-th largest group maximum (the kk best groups hold one such value
        # each): only groups and values reaching that floor are looked at.
        n_top = 0
        for g in range(n_groups):
            v = gmax[g]
            if v == neg or (n_top == kk and v <= gtop[kk - 1]):
                continue
            pos = n_top if n_top < kk else kk - 1
            n_top = min(n_top + 1, kk)
            while pos > 0 and gtop[pos - 1] < v:
                gtop[pos] = gtop[pos - 1]
                pos -= 1
            gtop[pos] = v
        floor = gtop[kk - 1] if kk > 0 and n_top == kk else neg
        cnt = 0
        for g in range(n_groups):
            if gmax[g] == neg or gmax[g] < floor or (cnt == kk and gmax[g] <= rv[kk - 1]):
                continue
            for c in range(edges[g], edges[g + 1]):
                v = red[c]
                if v == neg or v < floor:
                    continue
                if cnt < kk:
                    pos = cnt
                    cnt += 1
                elif v > rv[kk - 1]:
                    pos = kk - 1
                else:
                    continue
                while pos > 0 and rv[pos - 1] < v:
                    rv[pos] = rv[pos - 1]
                    rc[pos] = rc[pos - 1]
                    pos -= 1
                rv[pos] = v
                rc[pos] = c
        o = top if top > neg else np.float32(0.0)
        offer[i] = o
        out_n[i] = cnt
        for g in range(n_groups):
            left[i, g] = gmax[g] > neg
            best[i, g] = gmax[g] - o  # max(x) - o == max(x - o): rounding is monotone
        for j in range(cnt):
            c = rc[j]
            out_cols[i, j] = c
            out_tot[i, j] = total[i, c]
            mark[c] = True
        # The bound leaves the row's candidates out: their groups again, without them.
        for j in range(cnt):
            g = group_of[rc[j]]
            gm = neg
            for c in range(edges[g], edges[g + 1]):
                v = neg if mark[c] else red[c]
                gm = v if v > gm else gm
            best[i, g] = gm - o
        for j in range(cnt):
            mark[rc[j]] = False
        n_buf = _offer_row(red, o, row0 + i, total[i], wbuf, bkey, bcol, btot, n_buf, thrkey,
                           cthr)
    bn[0] = n_buf
    return int(b)


@helper
def _kth(work: Any, n: int, want: int) -> Any:  # pragma: no cover
    # Compiled by numba: the want-th smallest (from 0) of work[:n], which it
    # reorders (Hoare's quickselect in place: no array made per call).
    lo, hi = 0, n - 1
    while lo < hi:
        pivot = work[(lo + hi) // 2]
        i, j = lo, hi
        while i <= j:
            while work[i] < pivot:
                i += 1
            while work[j] > pivot:
                j -= 1
            if i <= j:
                work[i], work[j] = work[j], work[i]
                i += 1
                j -= 1
        if want <= j:
            hi = j
        elif want >= i:
            lo = i
        else:  # between j and i: equal to the pivot, in place
            break
    return work[want]


def _compact(bkey: Any, bcol: Any, btot: Any, bn: Any, thrkey: Any, cthr: Any, k: int
             ) -> None:  # pragma: no cover
    # Compiled by numba. Keeps each senior's k best entries of the buffer
    # (grouped by senior, a counting sort) and raises the thresholds to them.
    n_e = bn[0]
    m = thrkey.shape[0]
    start = np.zeros(m + 1, np.int64)
    for e in range(n_e):
        start[bcol[e] + 1] += 1
    for c in range(m):
        start[c + 1] += start[c]
    pos = start[:m].copy()
    tkey = np.empty(n_e, np.int64)
    ttot = np.empty(n_e, np.float32)
    for e in range(n_e):
        c = bcol[e]
        tkey[pos[c]] = bkey[e]
        ttot[pos[c]] = btot[e]
        pos[c] += 1
    one = np.zeros(1, np.int32)
    one_f = one.view(np.float32)
    most = 1
    for c in range(m):
        most = max(most, start[c + 1] - start[c])
    work = np.empty(most, np.int64)
    out = 0
    for c in range(m):
        a, z = start[c], start[c + 1]
        cut = np.iinfo(np.int64).min
        if z - a >= k:
            # The k-th best (kept, with all above it): a quickselect in one
            # scratch array. np.sort made an array per senior, 100,000 a
            # compaction: 0.23 s of each, 0.15 s this way (100,000 per side).
            for p in range(a, z):
                work[p - a] = tkey[p]
            cut = _kth(work, z - a, z - a - k)
        for p in range(a, z):
            if tkey[p] >= cut:
                bkey[out] = tkey[p]
                bcol[out] = c
                btot[out] = ttot[p]
                out += 1
        if z - a >= k:
            thrkey[c] = cut
            hi = cut >> 32
            one[0] = np.int32(hi if hi >= 0 else hi ^ 0x7FFFFFFF)
            cthr[c] = one_f[0]
    bn[0] = out


@helper
def _group_max(red: Any, start: int, stop: int, lanes: Any) -> Any:  # pragma: no cover
    # Compiled by numba: the largest of red[start:stop], in eight lanes (independent
    # maxima vectorise; one running maximum, a chain of dependent compares, took 30%
    # longer on a scan's rows of 98-senior groups).
    neg = np.float32(-np.inf)
    lanes[:] = neg
    c = start
    while c + 8 <= stop:
        part = red[c:c + 8]
        for q in range(8):
            lanes[q] = part[q] if part[q] > lanes[q] else lanes[q]
        c += 8
    gm = neg
    for q in range(8):
        gm = lanes[q] if lanes[q] > gm else gm
    for rest in range(c, stop):
        gm = red[rest] if red[rest] > gm else gm
    return gm


def _scan_rows(total: Any, ok: Any, pj: Any, ps: Any, rj: Any, rs: Any, starts: Any,
               low: Any, most: int, out_r: Any, out_c: Any, out_t: Any, best: Any
               ) -> int:  # pragma: no cover
    # Compiled by numba (coverage cannot see inside).
    b, w = total.shape
    n_groups = starts.shape[0]
    neg = np.float32(-np.inf)
    lift = np.float32(1e6)
    red = np.empty(w, np.float32)
    pick = np.empty(w, np.bool_)
    rest = np.empty(w, np.float32)
    ckey = np.empty(w, np.int64)
    key1 = np.empty(1, np.float32)  # one value, read back as its bits
    kbits = key1.view(np.int32)
    zero = np.float32(0.0)
    lanes = np.empty(8, np.float32)
    out = 0
    for i in range(b):
        p = pj[i]
        a = rj[i]
        # Branch-free, so vectorised: ``a > rs`` is "adds a pair" (junior
        # reached, senior not), ``rs <= a`` rules out "only the senior reached".
        cnt = 0
        for c in range(w):
            v = (total[i, c] - p) + ps[c]
            red[c] = v
            pk = ((v > low) | (a > rs[c])) & ok[i, c] & (rs[c] <= a)
            pick[c] = pk
            rest[c] = v if ok[i, c] & ~pk else neg  # what the bound covers (in this pass)
            cnt += np.int64(pk)
        if cnt > most:
            # Too many for one round: the ``most`` best (a pair that adds one
            # first), ties to the lower column; the rest stay in the bound.
            # Each as one integer (the float32 key's bits, made to sort as the
            # floats, then the column): the ``most`` smallest are a stable sort's
            # first ``most``, found by a quickselect (the price sample's first
            # scan sorted thousands of picks a row: 1.8 of its 9 s at 100,000).
            n_p = 0
            for c in range(w):
                if pick[c]:
                    # + 0 makes -0.0 into 0.0: equal as floats, so equal here
                    key1[0] = (-(red[c] + lift) if (a and not rs[c]) else -red[c]) + zero
                    bits = np.int64(kbits[0])
                    ckey[n_p] = ((bits if bits >= 0 else bits ^ 0x7FFFFFFF) << 32) + c
                    n_p += 1
            cut = _kth(ckey, n_p, most - 1) if most > 0 else np.iinfo(np.int64).min
            for c in range(w):
                if pick[c]:
                    key1[0] = (-(red[c] + lift) if (a and not rs[c]) else -red[c]) + zero
                    bits = np.int64(kbits[0])
                    pick[c] = ((bits if bits >= 0 else bits ^ 0x7FFFFFFF) << 32) + c <= cut
            for c in range(w):
                rest[c] = red[c] if ok[i, c] & ~pick[c] else neg
        if cnt:
            for c in range(w):
                if pick[c]:
                    out_r[out] = i
                    out_c[out] = c
                    out_t[out] = total[i, c]
                    out += 1
        for g in range(n_groups):
            stop = starts[g + 1] if g + 1 < n_groups else w
            if stop - starts[g] >= 32:
                best[i, g] = _group_max(rest, starts[g], stop, lanes)
            else:  # a riser's few: a call costs more than the loop
                gm = neg
                for c in range(starts[g], stop):
                    gm = rest[c] if rest[c] > gm else gm
                best[i, g] = gm
    return out


class ColumnTops:
    """Every senior's ``k`` best juniors so far: one buffer per thread, merged by :meth:`result`.

    A pair enters a thread's buffer when it beats the senior's ``k``-th best
    the buffer has kept so far; a full buffer is compacted to ``k`` a senior.

    Examples
    --------
    >>> tops = ColumnTops(2, 1)
    >>> tops.mine().cthr.tolist()  # nothing offered yet
    [-inf, -inf]
    """

    class Lists(NamedTuple):
        """One thread's buffer (keys, seniors, totals, length) and the seniors' thresholds."""

        bkey: IntArray
        bcol: npt.NDArray[np.int32]
        btot: F32
        bn: IntArray
        thrkey: IntArray
        cthr: F32

    def __init__(self, m: int, k: int, *, room: int | None = None) -> None:
        self.m, self.k = m, max(k, 1)
        # Room for k a senior after a compaction, as many again and a row (k and a row at least).
        self.room = max(room or (2 * self.k + 1) * m, (self.k + 1) * m, 1)
        self._lists: dict[int, ColumnTops.Lists] = {}
        self._lock = threading.Lock()

    def _new(self, room: int) -> ColumnTops.Lists:
        return self.Lists(np.empty(room, np.int64), np.empty(room, np.int32),
                          np.empty(room, np.float32), np.zeros(1, np.int64),
                          np.full(self.m, np.iinfo(np.int64).min, np.int64),
                          np.full(self.m, -np.inf, np.float32))

    def mine(self) -> ColumnTops.Lists:
        """Return the calling thread's buffer (made on its first call)."""
        me = threading.get_ident()
        with self._lock:
            if me not in self._lists:
                self._lists[me] = self._new(self.room)
            return self._lists[me]

    def compact(self, lists: ColumnTops.Lists) -> None:
        """Keep each senior's ``k`` best entries of a buffer (thresholds raised to them)."""
        compiled(_compact)(*lists, self.k)

    def result(self) -> tuple[IntArray, IntArray, F32]:
        """Rows, columns and totals of every senior's ``k`` best over all threads' buffers."""
        parts = list(self._lists.values())
        for lists in parts:
            self.compact(lists)
        n_all = sum(int(lists.bn[0]) for lists in parts)
        merged = self._new(max(n_all, 1))
        at = 0
        for lists in parts:
            n_e = int(lists.bn[0])
            merged.bkey[at:at + n_e] = lists.bkey[:n_e]
            merged.bcol[at:at + n_e] = lists.bcol[:n_e]
            merged.btot[at:at + n_e] = lists.btot[:n_e]
            at += n_e
        merged.bn[0] = n_all
        self.compact(merged)
        n_e = int(merged.bn[0])
        rows = 0xFFFFFFFF - (merged.bkey[:n_e] & 0xFFFFFFFF)
        return rows.astype(np.int64), merged.bcol[:n_e].astype(np.int64), merged.btot[:n_e]


class FirstBlock(NamedTuple):
    """One block's part of the first pass: each row's candidates, price and bounds."""

    rows: IntArray
    cols: IntArray
    totals: F32
    offer: F32
    best: F32
    left: BoolArray


def first_block(total: F32, ok: BoolArray, ps: F32, edges: IntArray, kk: int, row0: int,
                tops: ColumnTops) -> FirstBlock:
    """Select a block's candidates of the first pass (see :func:`rmatch.solvers.scan._first_pass`).

    Each row's ``kk`` best by ``total + ps`` (ties: lower column) become
    candidates; ``offer`` is each row's best (0 without a feasible pair),
    ``best[i, g]`` the best ``total + ps - offer`` of group ``g`` left out
    (``-inf`` if none), ``left`` whether the group has a feasible pair at
    all; every pair is offered to the seniors' lists in ``tops`` by
    ``total + ps - offer`` (rows numbered from ``row0``).

    Examples
    --------
    >>> tops = ColumnTops(2, 1)
    >>> out = first_block(np.array([[0.5, 0.7], [0.6, 0.1]], np.float32),
    ...                   np.array([[True, True], [True, False]]), np.zeros(2, np.float32),
    ...                   np.array([0, 1, 2]), 1, 0, tops)
    >>> out.rows.tolist(), out.cols.tolist(), out.best.tolist()
    ([0, 1], [1, 0], [[-0.19999998807907104, -inf], [-inf, -inf]])
    """
    b = total.shape[0]
    n_groups = len(edges) - 1
    group_of = np.repeat(np.arange(n_groups, dtype=np.int64), np.diff(edges))
    width = max(kk, 1)
    out_cols = np.zeros((b, width), np.int64)
    out_tot = np.zeros((b, width), np.float32)
    out_n = np.zeros(b, np.int64)
    offer = np.zeros(b, np.float32)
    best = np.empty((b, n_groups), np.float32)
    left = np.empty((b, n_groups), np.bool_)
    lists = tops.mine()
    args = (np.ascontiguousarray(total), np.ascontiguousarray(ok),
            np.ascontiguousarray(ps, np.float32), edges.astype(np.int64), group_of, kk, row0)
    kernel = compiled(_first_rows)
    _until_done(lambda done: int(kernel(*args, done, out_cols, out_tot, out_n, offer, best, left,
                                        *lists)), b, tops, lists)
    have = np.arange(width)[None, :] < out_n[:, None]
    r, j = np.nonzero(have)
    return FirstBlock(r.astype(np.int64) + row0, out_cols[r, j], out_tot[r, j], offer, best,
                      left)


def _until_done(step: Callable[[int], int], b: int, tops: ColumnTops,
                lists: ColumnTops.Lists) -> None:
    """Run a kernel over a block's ``b`` rows, compacting the seniors' buffer when it is full."""
    done = 0
    while True:
        done = step(done)
        if done == b:
            return
        tops.compact(lists)  # the buffer is full: keep each senior's k best, go on
        if lists.bn[0] + tops.m > len(lists.bkey):
            # A compaction keeps at most k a senior, and the room holds k + 1:
            # a row always fits after one. If not, the next call would return
            # at once, again and again; an error says so instead of a hang.
            raise RuntimeError("the seniors' buffer did not shrink when compacted")


def column_block(total: F32, ok: BoolArray, ps: F32, pj: F32, rows: IntArray,
                 tops: ColumnTops) -> None:
    """Offer a block's pairs to the seniors' lists in ``tops`` by ``total + ps - pj``.

    Row ``i`` of the block is junior ``rows[i]``; ties go to the lower row
    whatever the order of the blocks and threads (the lists' keys hold the
    row). Infeasible pairs are never offered.

    Examples
    --------
    >>> tops = ColumnTops(2, 1)
    >>> column_block(np.array([[0.5, 0.7], [0.6, 0.1]], np.float32),
    ...              np.array([[True, True], [True, False]]), np.zeros(2, np.float32),
    ...              np.array([0.0, 0.0], np.float32), np.array([4, 9]), tops)
    >>> tops.result()[0].tolist()  # each senior's best junior
    [9, 4]
    """
    b = total.shape[0]
    lists = tops.mine()
    args = (np.ascontiguousarray(total), np.ascontiguousarray(ok),
            np.ascontiguousarray(ps, np.float32), np.ascontiguousarray(pj, np.float32),
            np.ascontiguousarray(rows, np.int64))
    kernel = compiled(_column_rows)
    _until_done(lambda done: int(kernel(*args, done, *lists)), b, tops, lists)


class ScanBlock(NamedTuple):
    """One block's part of a certificate scan: pairs to add (block positions) and bounds."""

    rows: IntArray
    cols: IntArray
    totals: F32
    best: F32


def scan_block(total: F32, ok: BoolArray, pj: F32, ps: F32, reach_j: BoolArray,
               reach_s: BoolArray, starts: IntArray, margin: float, most: int) -> ScanBlock:
    """Pick a block's pairs that could improve (see :func:`rmatch.solvers.scan._scan`).

    A feasible pair is picked when ``total - pj + ps > -margin`` (in float32)
    or when it would add a pair (``reach_j`` and not ``reach_s``), never when
    only the senior is reached; a row with more than ``most`` picks keeps its
    ``most`` best (adding pairs first). ``best[i, g]`` is the best reduced
    score of the group starting at ``starts[g]`` that was not picked.

    Examples
    --------
    >>> out = scan_block(np.array([[0.5, 0.9]], np.float32), np.ones((1, 2), bool),
    ...                  np.array([0.8], np.float32), np.zeros(2, np.float32),
    ...                  np.zeros(1, bool), np.zeros(2, bool), np.array([0]), 1e-3, 4)
    >>> out.cols.tolist(), out.best.tolist()
    ([1], [[-0.30000001192092896]])
    """
    b, w = total.shape
    cap = b * min(w, most)
    out_r = np.empty(cap, np.int64)
    out_c = np.empty(cap, np.int64)
    out_t = np.empty(cap, np.float32)
    best = np.empty((b, len(starts)), np.float32)
    c = np.ascontiguousarray
    got = compiled(_scan_rows)(c(total), c(ok), c(pj, np.float32), c(ps, np.float32),
                               c(reach_j), c(reach_s), starts.astype(np.int64),
                               np.float32(-margin), most, out_r, out_c, out_t, best)
    # Copies: the buffers have room for every row's most, and outlive the task.
    return ScanBlock(out_r[:got].copy(), out_c[:got].copy(), out_t[:got].copy(), best)
