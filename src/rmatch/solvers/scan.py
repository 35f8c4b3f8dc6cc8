"""Scanning every pair of a programme, block by block, against dual prices.

The first pass picks each person's best candidates by reduced score, and
seniors whose candidates are crowded juniors get the best of the others
(:func:`_support`); later scans find the pairs outside the candidates that
could improve the assignment. Per-block bounds skip the blocks that cannot
hold one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

import numpy as np

from rmatch.constraints.compiled import SCALE
from rmatch.model.arrays import spans
from rmatch.solvers import select
from rmatch.solvers.groups import keys_by_group, rows_by_group
from rmatch.solvers.prices import TOLERANCE, Need, _Bounds, risers_scanned
from rmatch.solvers.problem import Step, StepFn
from rmatch.solvers.sparse import F32, BoolArray, Duals, IntArray

__all__ = ["CANDIDATES_PER_PERSON", "CROWDED_SHARE", "GROUPS", "GROUP_SIZE", "MARGIN",
           "PRICE_SAMPLE", "TOLERANCE", "BlockSource"]

_T = TypeVar("_T")


_R = TypeVar("_R")


CANDIDATES_PER_PERSON = 32
"""``k``: candidates per person in the first round (each junior's and each senior's best)."""


PRICE_SAMPLE = (2000, 12000)
"""People of the larger side in the sample whose exact solve sets the first prices: a
sixth of ``sqrt(n m)`` within these limits (at 30,000 per side, 5,000 left 443 pairs
to add after the first solve where 2,000 left 8,894; at 100,000 per side, organisation 1,
12,000 left 869,000 where 6,000 left 1.4 million, and one round less followed)."""


GROUPS = 1024
"""Most blocks of seniors each junior's scan bound is kept for (each of 64 seniors at least)."""


GROUP_SIZE = 64
"""Fewest seniors in a block: smaller blocks cost more in bookkeeping than they skip."""


_LOWEST = np.float32(np.finfo(np.float32).min)  # above -inf: thresholds that skip the infeasible


MARGIN = 2e-3
"""Scans add the pairs within ``MARGIN`` of improving too: the next prices move by about
that much, and pairs added now are not found (and solved for) one round later. At
100,000 per side this took one round (a solve of 5 million candidates) off."""


class BlockSource(Protocol):
    """Scores of a programme, served one block of rows and columns at a time."""

    shape: tuple[int, int]
    block_rows: int
    """Rows of a block as wide as the programme that fits the block budget."""

    def totals(self, rows: IntArray | slice, cols: IntArray | slice
               ) -> tuple[F32, BoolArray]:
        """Return ``(total, feasible)`` of a block (``np.ix_`` indexing); threads may call it."""
        ...


def _ordered(pool: ThreadPoolExecutor | None, fn: Callable[[_T], _R], tasks: Sequence[_T]
             ) -> Iterator[_R]:
    """``map(fn, tasks)`` in order, a few tasks ahead on the pool (bounded memory)."""
    if pool is None:
        yield from map(fn, tasks)
        return
    ahead = 4  # two per core of this machine class: the next blocks ready, memory bounded
    futures = [pool.submit(fn, t) for t in tasks[:ahead]]
    for pos in range(len(tasks)):
        out = futures[pos].result()
        futures[pos] = None  # type: ignore[call-overload]  # let the block go
        if pos + ahead < len(tasks):
            futures.append(pool.submit(fn, tasks[pos + ahead]))
        yield out


class _ColumnBest:
    """The best ``k`` rows of every column over a stream of row blocks (exact, deterministic).

    Offers below a column's current ``k``-th best are dropped by the caller
    (``thr``); the rest pile up and are merged now and then. Offers arrive
    in row order, and a stable sort keeps that order among equal values, so
    ties go to the lower row whatever the merging.
    """

    def __init__(self, m: int, k: int) -> None:
        self.m, self.k = m, k
        self.thr = np.full(m, -np.inf, dtype=np.float32)
        self._parts: list[tuple[IntArray, IntArray, F32, F32]] = []
        self._pending = 0

    def offer(self, rows: IntArray, cols: IntArray, vals: F32, totals: F32) -> None:
        """Add entries (row, column, reduced score, total), rows after all earlier offers."""
        self._parts.append((rows, cols, vals, totals))
        self._pending += len(rows)
        if self._pending > max(4 * self.k * self.m, 1 << 20):
            self._merge()

    def _merge(self) -> None:
        if not self._parts:
            return
        rows, cols, vals, tots = (np.concatenate([p[i] for p in self._parts]) for i in range(4))
        # One stable integer sort by (column, value descending): float32 bits
        # mapped to unsigned integers that sort like the floats, then flipped.
        bits = vals.astype(np.float32).view(np.uint32)
        bits = np.where(bits >> 31, ~bits, bits | np.uint32(1 << 31))
        key = (cols.astype(np.uint64) << np.uint64(32)) | (~bits).astype(np.uint64)
        order = np.argsort(key, kind="stable")
        rows, cols, vals, tots = rows[order], cols[order], vals[order], tots[order]
        first = np.searchsorted(cols, cols, side="left")
        keep = np.arange(len(cols)) - first < self.k
        rows, cols, vals, tots = rows[keep], cols[keep], vals[keep], tots[keep]
        full = np.bincount(cols, minlength=self.m) >= self.k
        last = np.searchsorted(cols, np.arange(self.m), side="right") - 1
        thr = self.thr.copy()
        thr[full] = vals[last[full]]
        self.thr = thr  # one assignment: scanning threads see the old or the new array
        self._parts = [(rows, cols, vals, tots)]
        self._pending = 0

    def result(self) -> tuple[IntArray, IntArray, F32]:
        """Return the rows, columns and totals of every column's ``k`` best."""
        self._merge()
        if not self._parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows, cols, _, tots = self._parts[0]
        return rows, cols, tots


RISER_BLOCK = 128
"""What a (junior, group) piece of a scan costs beyond its pairs, in pairs scored: a
junior needing more groups' risers alone than the risers / RISER_BLOCK is scanned against
every group's risers at once, the others' such groups whole (see :func:`_scan`)."""


def _merged(keys: IntArray, totals: F32, more: tuple[IntArray, F32] | None = None
            ) -> tuple[IntArray, F32]:
    """Candidate keys sorted, each once, with their totals.

    With ``more`` (keys in any order, their totals): ``keys`` are already
    so, and ``more`` join them; a key in both keeps its total from ``keys``. Only ``more`` is
    sorted, then slotted in: 400,000 new keys against 6 million (a round at
    100,000 per side) in about 70 ms instead of 170-430 ms for sorting all
    of them again.

    Examples
    --------
    >>> k, t = _merged(np.array([2, 5]), np.array([0.2, 0.5], np.float32),
    ...                (np.array([7, 2, 1, 7]), np.array([0.7, 0.9, 0.1, 0.8], np.float32)))
    >>> k.tolist(), t.tolist()
    ([1, 2, 5, 7], [0.10000000149011612, 0.20000000298023224, 0.5, 0.699999988079071])
    """
    if more is None:
        keys, first = np.unique(keys, return_index=True)
        return keys, totals[first]
    more_k, first = np.unique(more[0], return_index=True)
    more_t = more[1][first]
    at = np.searchsorted(keys, more_k)
    new = (at == len(keys)) | (keys[np.minimum(at, len(keys) - 1)] != more_k) if len(keys) \
        else np.ones(len(more_k), np.bool_)
    # Each new key's place in the result: its place among the old keys plus
    # the new keys before it.
    slot = at[new] + np.arange(int(new.sum()))
    is_new = np.zeros(len(keys) + len(slot), np.bool_)
    is_new[slot] = True
    out_k = np.empty(len(is_new), np.int64)
    out_t = np.empty(len(is_new), np.float32)
    out_k[slot], out_t[slot] = more_k[new], more_t[new]
    out_k[~is_new], out_t[~is_new] = keys, totals
    return out_k, out_t


class _Clock:
    """Progress reports at most once a second (and when forced)."""

    def __init__(self, report: StepFn | None,
                 cells: int) -> None:
        self.report, self.cells, self.last = report, cells, time.perf_counter()

    def say(self, step: Step, *, force: bool = False) -> None:
        if self.report is not None and (force or step.stage == "solve"
                                        or time.perf_counter() - self.last >= 1.0):
            self.last = time.perf_counter()
            self.report(step)


def _first_pass(source: BlockSource, bounds: _Bounds, k: int, pool: ThreadPoolExecutor | None,
                clock: _Clock) -> tuple[IntArray, F32, list[int]]:
    """Score every pair once: each junior's and each senior's best ``k`` by reduced score."""
    n, m = source.shape
    kk = min(k, m)
    ps = bounds.ps.astype(np.float32)
    best_cols = _ColumnBest(m, k)
    pj = np.zeros(n, dtype=np.float64)

    edges = bounds.edges
    n_groups = len(edges) - 1
    # Large programmes: one compiled read per block, every senior's k best in
    # per-thread buffers (merged once at the end).
    tops = select.ColumnTops(m, k) if select.large(n, m) else None

    def task(span: tuple[int, int]) -> tuple[IntArray, IntArray, F32, F32, F32, BoolArray,
                                              tuple[IntArray, IntArray, F32, F32] | None]:
        start, stop = span
        total, ok = source.totals(slice(start, stop), slice(None))
        if tops is not None:
            out = select.first_block(total, ok, ps, edges, kk, start, tops)
            return out.rows, out.cols, out.totals, out.offer, out.best, out.left, None
        red = total + ps[None, :]
        np.putmask(red, ~ok, -np.inf)
        gmax = np.maximum.reduceat(red, edges[:-1], axis=1)
        top = gmax.max(axis=1, initial=-np.inf)
        offer = np.where(np.isfinite(top), top, 0).astype(np.float32)
        red -= offer[:, None]
        gmax -= offer[:, None]
        thr = best_cols.thr  # a snapshot: only ever rises, so nothing of the best is lost
        if stop - start > k and np.isneginf(thr).any():  # no column takes more than its k
            thr = np.maximum(thr, np.partition(red, stop - start - k, axis=0)[stop - start - k])
        # Thresholds above -inf leave the infeasible pairs out in the same compare.
        orow, ocol = np.nonzero(red >= np.maximum(thr, _LOWEST)[None, :])
        offers = (orow.astype(np.int64) + start, ocol.astype(np.int64), red[orow, ocol],
                  total[orow, ocol])
        if kk < n_groups:
            # Each junior's k best lie at or above the k-th best of its
            # groups' maxima (k groups hold one such pair each): one compare
            # pass finds a few more than k, sorted then (ties: lower column).
            cut = np.partition(gmax, n_groups - kk, axis=1)[:, n_groups - kk]
            r, c = np.nonzero(red >= np.maximum(cut, _LOWEST)[:, None])
            v = red[r, c]
            order = np.lexsort((c, -v, r))
            r, c = r[order], c[order]
            first = np.searchsorted(r, r, side="left")
            keep = np.arange(len(r)) - first < kk
            r, c = r[keep], c[keep]
        else:
            col = np.argpartition(-red, kk - 1, axis=1)[:, :kk] if kk < m else \
                np.broadcast_to(np.arange(m), red.shape)
            r = np.repeat(np.arange(stop - start), col.shape[1])
            c = col.reshape(-1)
            keep = np.isfinite(red[r, c])
            r, c = r[keep], c[keep]
        red[r, c] = -np.inf  # candidates now: out of the bounds
        best = np.maximum.reduceat(red, edges[:-1], axis=1) if m else red
        t = total[r, c]
        return (r.astype(np.int64) + start, c.astype(np.int64), t, offer, best,
                np.isfinite(gmax), offers)

    spans = [(s, min(s + source.block_rows, n)) for s in range(0, n, source.block_rows)]
    rows_l, cols_l, tot_l = [], [], []
    for (start, stop), (r, c, t, offer, best, left, offers) in zip(
            spans, _ordered(pool, task, spans), strict=True):
        rows_l.append(r)
        cols_l.append(c)
        tot_l.append(t)
        pj[start:stop] = offer
        bounds.best[start:stop], bounds.left[start:stop] = best, left
        if offers is not None:
            best_cols.offer(*offers)
        clock.say(Step("scoring", scanned=stop * m))
    bounds.pj = pj
    cr, cc, ct = (tops or best_cols).result()
    rows = np.concatenate([*rows_l, cr])
    cols = np.concatenate([*cols_l, cc])
    totals = np.concatenate([*tot_l, ct])
    return rows * max(m, 1) + cols, totals, [n * m]


CROWDED_SHARE = 0.8
"""A senior is supported (:func:`_support`) when at least this share of its candidate
juniors are crowded: listed by more than ``2k`` candidates each."""


def _support(source: BlockSource, bounds: _Bounds, keys: IntArray, k: int,
             pool: ThreadPoolExecutor | None) -> tuple[IntArray, F32, int]:
    """Each senior whose candidates are crowded juniors: its ``2k`` best among the others.

    A junior with no good partner is about as happy with hundreds of seniors
    as with its best, so it tops many seniors' lists. A senior whose list
    is all such juniors has nothing in the candidates to hold its price up:
    a few hundred juniors cannot take a thousand seniors, the first solve
    prices those seniors far too low, and the first scan finds every
    junior who would take one at that price. At 100,000 per side,
    organisation 5: 2,820 seniors priced more than 0.02 below the general
    move, 205 of them by more than 0.1, and 12.8 million pairs on them that
    could improve. Each senior with at least :data:`CROWDED_SHARE` of its
    candidates crowded (listed by more than ``2k`` candidates) gets its
    ``2k`` best juniors by the first pass's reduced score among those who
    are not: in a trial on organisation 5 the first solve then priced 25
    seniors 0.05 too low instead of 242, reached the most pairs (99,999
    against 99,994) and left 0.9 million such pairs instead of 12.8.
    Returns the pairs (keys, totals) and how many were scored.
    """
    n, m = source.shape
    rows, cols = keys // max(m, 1), keys % max(m, 1)
    crowded = np.bincount(rows, minlength=n) > 2 * k
    share = np.bincount(cols, weights=crowded[rows], minlength=m) / np.maximum(
        np.bincount(cols, minlength=m), 1)
    seniors = np.flatnonzero(share >= CROWDED_SHARE).astype(np.int64)
    most = min(2 * k, int(n - crowded.sum()))
    if not len(seniors) or most == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), 0
    return _column_picks(source, bounds, np.flatnonzero(~crowded).astype(np.int64), seniors,
                         most, pool)


def _column_picks(source: BlockSource, bounds: _Bounds, juniors: IntArray, seniors: IntArray,
                  most: int, pool: ThreadPoolExecutor | None) -> tuple[IntArray, F32, int]:
    """Each of ``seniors``' ``most`` best ``juniors`` (both sorted) by reduced score.

    Blocks of juniors against all those seniors (wide blocks score fastest),
    each senior's best kept as in the first pass's numpy path (ties to the
    lower row). Returns the pairs (keys, totals) and how many were scored.
    """
    m = source.shape[1]
    best_cols = _ColumnBest(len(seniors), most)
    pj32, ps32 = bounds.pj.astype(np.float32), bounds.ps.astype(np.float32)[seniors]
    step = max(1, source.block_rows * max(m, 1) // max(len(seniors), 1))
    # Large programmes: the first pass's compiled lists (merging the numpy
    # lists sorted millions of offers: 1.4 s of the price sample's 1.7 s
    # here at 100,000 per side). Same pairs: both break ties to the lower row.
    tops = select.ColumnTops(len(seniors), most) if select.large(*source.shape) else None

    def task(start: int) -> tuple[IntArray, IntArray, F32, F32]:
        rows = juniors[start:start + step]
        total, ok = source.totals(rows, seniors)
        if tops is not None:
            select.column_block(total, ok, ps32, pj32[rows], rows, tops)
            return rows[:0], rows[:0], ps32[:0], ps32[:0]
        w = total + ps32[None, :]
        w -= pj32[rows, None]
        np.putmask(w, ~ok, -np.inf)
        r, c = np.nonzero(w >= np.maximum(best_cols.thr, _LOWEST)[None, :])
        return rows[r], c.astype(np.int64), w[r, c], total[r, c]

    for offers in _ordered(pool, task, list(range(0, len(juniors), step))):
        if tops is None:
            best_cols.offer(*offers)
    r, c, t = (tops or best_cols).result()
    return r * max(m, 1) + seniors[c], t, len(juniors) * len(seniors)


def _scan(source: BlockSource, bounds: _Bounds, need: Need, duals: Duals, keys: IntArray,
          k: int, pool: ThreadPoolExecutor | None, clock: _Clock, rnd: int,
          ) -> tuple[IntArray, F32, int, int]:
    """Score the blocks ``need`` marks; return the pairs to add, violations and pairs scored."""
    m = source.shape[1]
    edges = bounds.edges
    pj32, ps32 = bounds.pj.astype(np.float32), bounds.ps.astype(np.float32)
    n_groups = len(edges) - 1
    width = np.diff(edges)
    # Tasks of about one block of pairs: juniors needing most groups against
    # every senior, the others group by group (a part of a side slices the
    # arrays its side keeps, so small tasks cost little more than their pairs),
    # and the juniors needing many groups' risers alone against every group's
    # risers (the other groups masked). A (junior, group) piece of a task
    # costs about what scoring RISER_BLOCK pairs does (the juniors' side of
    # the task), so a junior needing few groups' risers gets those groups
    # whole instead: at 100,000 per side (organisation 1) the first scan took
    # 14.9 s with a task per group for its risers (2.1 billion pairs), 11.6 s
    # with every junior needing some against every riser (2.4 billion), and
    # the later scans, where few juniors need many, were the slower for both.
    budget = source.block_rows * max(m, 1)
    compiled = select.large(source.shape[0], m)
    n_risers = len(need.risers)
    many = np.count_nonzero(need.part, axis=1) * RISER_BLOCK > n_risers if n_risers \
        else np.zeros(len(need.part), np.bool_)
    blocks = need.whole | (need.part & ~many[:, None]) if n_risers else need.whole
    whole, row_ptr, group_rows = rows_by_group(blocks, compile_it=compiled)
    many &= ~whole
    rows_whole = np.flatnonzero(whole).astype(np.int64)
    tasks: list[tuple[IntArray, IntArray, IntArray | None]] = [
        (rows_whole[s:s + source.block_rows], np.arange(n_groups), None)
        for s in range(0, len(rows_whole), source.block_rows)]
    for g in np.flatnonzero(np.diff(row_ptr)):
        rows = group_rows[row_ptr[g]:row_ptr[g + 1]]
        step = max(1, budget // max(int(width[g]), 1))
        tasks += [(rows[s:s + step], np.array([g]), None) for s in range(0, len(rows), step)]
    riser_group = np.searchsorted(edges, need.risers, side="right") - 1
    riser_starts = np.flatnonzero(np.diff(riser_group, prepend=-1)).astype(np.int64)
    rows_many = np.flatnonzero(many).astype(np.int64)
    step = max(1, budget // max(n_risers, 1))
    tasks += [(rows_many[s:s + step], riser_group[riser_starts], need.risers)
              for s in range(0, len(rows_many), step)]

    is_riser = np.zeros(m, np.bool_)
    is_riser[need.risers] = True
    # The candidates by group of seniors (each group's keys still sorted): a
    # narrow block looks only at its group's.
    group_ptr, by_group = keys_by_group(keys, m, edges, compile_it=compiled)

    def task(spec: tuple[IntArray, IntArray, IntArray | None]
             ) -> tuple[IntArray, IntArray, F32, F32, BoolArray]:
        rows, groups, few = spec
        if few is not None:  # every group's risers
            cols: IntArray | slice = few
            col_idx = few
            starts = riser_starts
        elif len(groups) == n_groups:
            cols = slice(None)
            col_idx = np.arange(m)
            starts = edges[:-1]
        elif len(groups) == 1:
            cols = slice(int(edges[groups[0]]), int(edges[groups[0] + 1]))
            col_idx = np.arange(cols.start, cols.stop)
            starts = np.zeros(1, np.int64)
        else:
            col_idx = np.concatenate([np.arange(edges[g], edges[g + 1]) for g in groups])
            cols = col_idx
            starts = np.concatenate([[0], np.cumsum(width[groups])[:-1]])
        total, ok = source.totals(rows, cols)
        if few is not None:  # only the groups whose risers the junior needs alone
            ok = ok & need.part[rows][:, riser_group]
        # Candidates are neither pairs to add nor left out: a crowded row's
        # places go to the others, and the bound covers exactly what is left.
        if few is not None or len(groups) == n_groups:  # whole rows: each row's keys
            near = _keys_of_rows(keys, rows, m)
            if few is not None:  # the risers' own
                near = near[is_riser[near % m]]
        else:
            near = np.concatenate([by_group[group_ptr[g]:group_ptr[g + 1]] for g in groups])
        ok = _without_candidates(ok, near, rows, col_idx, m)
        if compiled:
            out = select.scan_block(total, ok, pj32[rows], ps32[col_idx], duals.reach_j[rows],
                                    duals.reach_s[col_idx], starts, MARGIN, 2 * k)
            return rows[out.rows], col_idx[out.cols], out.totals, out.best, \
                np.isfinite(out.best)
        red = total - pj32[rows, None]
        red += ps32[None, col_idx]
        rj, rk = duals.reach_j[rows, None], duals.reach_s[None, col_idx]
        always, never = rj & ~rk, ~rj & rk
        pick = ((red > -MARGIN) | always) & ok & ~never
        crowded = np.flatnonzero(np.count_nonzero(pick, axis=1) > 2 * k)
        if len(crowded):
            # Too many for one round (a solve short of pairs makes every pair
            # that adds one improve): those rows' best 2k, the rest stay bounded.
            pick[crowded] = _best_of_rows(red[crowded], always[crowded], pick[crowded], 2 * k)
        r, c = np.nonzero(pick)
        t = total[r, c]
        np.putmask(red, pick | ~ok, -np.inf)
        best = np.maximum.reduceat(red, starts, axis=1)
        return rows[r], col_idx[c], t, best, np.isfinite(best)

    new_r, new_c, new_t = [], [], []
    n_viol = n_scanned = 0
    updates = []  # applied once the scan is complete: until then the bounds stay whole
    for (rows, groups, only), (r, c, t, best, left) in zip(tasks, _ordered(pool, task, tasks),
                                                            strict=True):
        updates.append((rows, groups, best, left, only is not None))
        n_scanned += len(rows) * (len(only) if only is not None else int(width[groups].sum()))
        w = np.rint(t.astype(np.float64) * SCALE).astype(np.int64)
        n_viol += int(duals.improves(r, c, w).sum())  # never candidates (see task)
        new_r.append(r)
        new_c.append(c)
        new_t.append(t)
        clock.say(Step("certificate", round=rnd, violations=n_viol, candidates=len(keys),
                       scanned=n_scanned))
    r, c, t = (np.concatenate(new_r), np.concatenate(new_c), np.concatenate(new_t)) if new_r \
        else (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    keep, red = _senior_picks(r, c, t, duals, bounds, 2 * k)
    drop = ~keep
    for u_rows, u_groups, best, left, risers_only in updates:
        # A task's rows and groups: all groups (whole rows) or one (a column)
        # by plain indexing; np.ix_ took five times as long on one column.
        if risers_only:
            # Blocks scanned against their risers alone: the others' bound
            # (recovered from the shift's), raised to what the risers left out.
            risers_scanned(bounds, need, u_rows, u_groups, best, left, compile_it=compiled)
        elif len(u_groups) == n_groups:
            bounds.best[u_rows], bounds.left[u_rows] = best, left
        elif len(u_groups) == 1:
            one = int(u_groups[0])
            bounds.best[u_rows, one], bounds.left[u_rows, one] = best[:, 0], left[:, 0]
        else:
            at = np.ix_(u_rows, u_groups)
            bounds.best[at], bounds.left[at] = best, left
    groups = np.searchsorted(bounds.edges, c[drop], side="right") - 1
    np.maximum.at(bounds.best, (r[drop], groups), red[drop])
    bounds.left[r[drop], groups] = True
    return r[keep] * m + c[keep], t[keep], n_viol, n_scanned


def _senior_picks(r: IntArray, c: IntArray, t: F32, duals: Duals, bounds: _Bounds,
                  most: int) -> tuple[BoolArray, F32]:
    """Keep each senior's ``most`` best picks (adding a pair first); the rest go to the bounds.

    A senior the last solve priced too low is a pick of thousands of juniors
    (at 100,000 per side, organisation 5: 1,000 seniors held 99.8% of 7.5
    million pairs that could improve, about 7,500 juniors each). Its best juniors
    are enough for the next solve to price it; the others stay in the
    bounds of their (junior, group) blocks, which are scanned again after
    the solve, as a crowded row's are. A senior with any pair that could
    improve keeps at least one, so a scan that finds some adds some.

    Returns which picks to keep and the reduced scores of the picks of
    seniors with more than ``most`` (NaN for the others: all kept). Only
    those are sorted (a million picks, half of them crowded: 0.11 s instead
    of 0.26-0.30 s for sorting all).
    """
    keep = np.ones(len(c), np.bool_)
    red = np.full(len(c), np.nan, np.float32)
    if len(c) == 0:
        return keep, red
    crowded = np.flatnonzero(np.bincount(c)[c] > most)
    if len(crowded) == 0:
        return keep, red
    r, c, t = r[crowded], c[crowded], t[crowded]
    # The reduced scores as the scan computed them (float32, same order of operations).
    red_c = (t - bounds.pj.astype(np.float32)[r]) + bounds.ps.astype(np.float32)[c]
    lifted = np.where(duals.reach_j[r] & ~duals.reach_s[c], red_c + np.float32(1e6), red_c)
    order = np.lexsort((r, -lifted, c))  # by senior, best first, ties to the lower row
    first = np.searchsorted(c[order], c[order], side="left")
    keep[crowded[order]] = np.arange(len(c)) - first < most
    red[crowded] = red_c
    return keep, red


def _keys_of_rows(keys: IntArray, rows: IntArray, m: int) -> IntArray:
    """Return the keys (sorted, ``row * m + column``) of the given sorted rows, row by row.

    A task's rows are scattered juniors: the run of keys from its first row
    to its last held every junior's in between. At 100,000 per side
    (organisation 1) a scan's whole-row and riser tasks took 10 to 13
    million keys that way, 0.08 to 4.9 million this way, and clearing them
    from the blocks (:func:`_without_candidates`) 0.42-0.53 s of the
    threads' time a scan instead of 0.88-0.92 s.

    Examples
    --------
    >>> _keys_of_rows(np.array([1, 4, 5, 9, 10]), np.array([0, 3]), 3).tolist()
    [1, 9, 10]
    """
    lo, hi = np.searchsorted(keys, rows * m), np.searchsorted(keys, (rows + 1) * m)
    return keys[spans(lo, hi - lo)]


def _without_candidates(ok: BoolArray, keys: IntArray, rows: IntArray, col_idx: IntArray,
                        m: int) -> BoolArray:
    """``ok`` with the candidates among its (sorted) rows and columns cleared.

    ``keys`` (``row * m + column``) holds at least the block's candidates.
    A copy with a few entries cleared: a mask of the block's size cost
    several passes over every pair scanned (about a third of the first
    scan's time at 100,000 per side).

    Examples
    --------
    >>> ok = np.ones((2, 3), bool)
    >>> _without_candidates(ok, np.array([1, 5]), np.array([0, 1]), np.arange(3), 3).tolist()
    [[True, False, True], [True, True, False]]
    """
    if not len(keys) or not len(rows) or not len(col_idx):
        return ok
    r, c = keys // m, keys % m
    at = np.minimum(np.searchsorted(rows, r), len(rows) - 1)
    pos = np.minimum(np.searchsorted(col_idx, c), len(col_idx) - 1)
    hit = (rows[at] == r) & (col_idx[pos] == c)
    if not hit.any():
        return ok
    out: BoolArray = ok.copy()  # a view of the caller's matrix, for a DenseSource
    out[at[hit], pos[hit]] = False
    return out


def _best_of_rows(red: F32, always: BoolArray, pick: BoolArray, keep: int) -> BoolArray:
    """Of each row's picked entries, keep the ``keep`` best (adding a pair first)."""
    prio = np.where(pick, red, -np.inf).astype(np.float32)
    prio[always & pick] += np.float32(1e6)
    keep = min(keep, prio.shape[1])
    # A stable sort: ties (the lift rounds float32 values together) to the
    # lower column, as the compiled pass (rmatch.solvers.select) breaks them.
    top = np.argsort(-prio, axis=1, kind="stable")[:, :keep]
    out = np.zeros_like(pick)
    np.put_along_axis(out, top, True, axis=1)
    return out & pick
