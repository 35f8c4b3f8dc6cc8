"""The core search on the candidate path: reduced costs of every pair from one block scan.

On the candidate path the share rules end with an assignment and a
Lagrangian bound proven for every pair (:mod:`rmatch.solvers.candidate_rules`),
often a hair apart. :mod:`rmatch.solvers.core` closes such a gap on a dense
programme; here the programme is never in memory, so:

1. the candidates are solved with the share rules priced in at the
   multiplier of the bound (:func:`rmatch.solvers.sparse.reduced_costs`),
   which gives node potentials;
2. one scan scores every pair block by block and computes its reduced cost
   from them: a pair with a negative one joins the candidates and step 1
   runs again (the potentials must be valid for every pair for the bound
   to hold); the others whose reduced cost fits in the gap are kept, the
   smallest :data:`POOL_MOST` of them when more do;
3. the core search runs on what was kept, and knows up to which reduced
   cost it holds every pair of the programme (``Pool.reach``).

Examples
--------
>>> from fractions import Fraction
>>> from rmatch.constraints.compiled import PairShare
>>> from rmatch.solvers.certificate import DenseSource
>>> total = np.array([[0.9, 0.2], [0.3, 0.8]], np.float32)
>>> source, ones = DenseSource(total, np.ones((2, 2), bool)), np.ones(2, np.int64)
>>> share = PairShare("s", np.array([0, 1]), np.array([0, 1]), same=False,
...                   share=Fraction(1, 2), at_most=False)
>>> keys = np.array([0, 1, 2, 3])
>>> out = close_on_candidates(source, keys, total.ravel().astype(np.float64), (share,),
...                           (share,), 0.5, ones, ones, None, None, time.perf_counter() + 10)
>>> out.rows.tolist(), out.cols.tolist(), out.status
([0, 1], [1, 0], 'optimal')
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from rmatch.constraints.compiled import SCALE, BalanceRule, BlockRule, PairShare
from rmatch.solvers.core import Check, Follow, Pool, search
from rmatch.solvers.problem import Solution
from rmatch.solvers.scan import BlockSource
from rmatch.solvers.sparse import Reduced, reduced_costs

__all__ = ["POOL_MOST", "broken_rules", "close_on_candidates", "exchange_start", "pair_help"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

POOL_MOST = 400_000
"""The most pairs a scan keeps for the core search (those of least reduced cost)."""
ROUNDS = 4
"""The most scans that may bring in pairs of negative reduced cost before giving up."""


def pair_help(shares: tuple[PairShare, ...], rows: IntArray, cols: IntArray) -> F64:
    """Sum the share rules' :meth:`PairShare.help` (aligned pairs, or a block by broadcasting).

    Examples
    --------
    >>> from fractions import Fraction
    >>> rule = PairShare("s", np.array([0, 1]), np.array([1]), same=False,
    ...                  share=Fraction(1, 4), at_most=False)
    >>> pair_help((rule,), np.array([0, 1]), np.array([0, 0])).tolist()
    [0.75, -0.25]
    """
    out = np.zeros(np.broadcast_shapes(rows.shape, cols.shape))
    for rule in shares:
        out += rule.help(rows, cols)
    return out


def close_on_candidates(source: BlockSource, keys: IntArray, base: F64,
                        shares: tuple[PairShare, ...], rules: tuple[BlockRule, ...], lam: float,
                        cap_j: IntArray, cap_s: IntArray,
                        fixed: tuple[IntArray, IntArray, F64] | None,
                        start: tuple[IntArray, IntArray] | None,
                        deadline: float) -> Solution | None:
    """Prove or improve an assignment under the rules by the core search (see the module).

    ``keys`` (``row * columns + column``) and ``base`` (plain totals) are
    the candidates, ``lam`` the share rules' multiplier, ``cap_j``/``cap_s``
    what the required pairs ``fixed`` (rows, columns, totals) leave; ``start``
    the best free pairs known to meet the rules; ``deadline`` a
    ``time.perf_counter()`` time. Returns the free pairs with
    their status and bound (the required pairs' score left out), or None
    when the search cannot run or found nothing.
    """
    n, m = source.shape
    empty = np.zeros(0, np.int64)
    f_rows, f_cols, f_tot = fixed if fixed is not None else (empty, empty, np.zeros(0))
    began, time_limit = time.perf_counter(), max(0.0, deadline - time.perf_counter())
    for _ in range(ROUNDS):
        rows, cols = keys // m, keys % m
        weights = np.rint((base + lam * pair_help(shares, rows, cols)) * SCALE).astype(np.int64)
        red = reduced_costs(n, m, rows, cols, weights, cap_j, cap_s)
        count = int(red.chosen.sum())
        bound = ((float(weights[red.chosen].sum()) + 0.5 * count) / SCALE
                 + float(f_tot.sum()) + lam * float(pair_help(shares, f_rows, f_cols).sum()))
        value = -np.inf
        if start is not None and len(start[0]) == count:
            value = float(f_tot.sum()) + _plain(source, start).sum()
        scanned = _scan(source, keys[red.chosen], red.pot_j, red.pot_s, shares, lam,
                        bound - value if np.isfinite(value) else np.inf)
        if time.perf_counter() > deadline:
            return None
        if scanned.negative is not None:
            keys = np.concatenate([keys, scanned.negative[0]])
            base = np.concatenate([base, scanned.negative[1]])
            continue
        pool = _pool(scanned, (f_rows, f_cols, f_tot), cap_j, cap_s, count, (n, m), bound)
        check = _checker(rules, (n, m))
        start_keys = None
        if np.isfinite(value) and start is not None:
            start_keys = np.concatenate([f_rows * m + f_cols, start[0] * m + start[1]])
            pool = _with(pool, start, source, red, lam, shares)
        elif any(isinstance(r, BalanceRule) for r in rules):
            # No start: exchange partners in the optimum without the rules.
            start_keys = exchange_start(pool, keys[red.chosen], rules, check, deadline)
            if start_keys is not None:
                value = float(pool.pairs.totals[np.isin(pool.pairs.keys(), start_keys)].sum())
        if start is not None and scanned.reach < bound - value:
            # More pairs could be in a better assignment than a pool holds:
            # measured at 5,000 per side (479,000 kept of more), the search
            # then spent the time left without a proof, and the caller has an
            # answer already. (Without one, the search's answer and bound are
            # still the best there is: the dense fallback took longer for less.)
            return None
        found = search(pool, rules, check, start_keys, Follow(began, None, 0.0, bound),
                       deadline, time_limit)
        if found is None:
            return None
        free = ~np.isin(found.rows * m + found.cols, f_rows * m + f_cols)
        return Solution(found.rows[free], found.cols[free], found.status,
                        None if found.bound is None else found.bound - float(f_tot.sum()))
    return None


def broken_rules(rules: tuple[BlockRule, ...], rows: IntArray, cols: IntArray, totals: F32,
                 shape: tuple[int, int]) -> list[BlockRule]:
    """Return the rules a set of pairs breaks (``totals``: their scores), as the dense checks do.

    Examples
    --------
    >>> from rmatch.constraints.compiled import CoverRule
    >>> cover = CoverRule("MatchAll(side='juniors')", "juniors")
    >>> broken_rules((cover,), np.array([0]), np.array([0]), np.ones(1, np.float32), (2, 2))
    [CoverRule(label="MatchAll(side='juniors')", side='juniors')]
    """
    weights = np.rint(totals.astype(np.float64) * SCALE).astype(np.int64)
    return [rule for rule in rules if not rule.holds(rows, cols, weights, shape)]


def exchange_start(pool: Pool, chosen: IntArray, rules: tuple[BlockRule, ...], check: Check,
                   deadline: float, sample: int = 300, most: int = 5000) -> IntArray | None:
    """Meet the balance rules from the optimum without them by exchanging juniors (None: not met).

    ``chosen`` holds the free pairs of that optimum (keys); the required
    pairs of the pool stay. Each step exchanges the juniors of a pair of the
    best-served group of seniors and one of the worst-served group, both new
    pairs in the pool, choosing among the ``sample`` best and worst pairs of
    the two the exchange that most narrows the spread (then loses least):
    the candidate path's form of :func:`rmatch.solvers.lagrange.balance_swaps`.

    Examples
    --------
    >>> from rmatch.solvers.core import CorePairs
    >>> rule = BalanceRule("b", np.array([0, 1]), 0.1)
    >>> pairs = CorePairs(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]),
    ...                   np.array([0.9, 0.5, 0.5, 0.3]), np.zeros(4, bool),
    ...                   np.ones(2, np.int64), np.ones(2, np.int64), 2, (2, 2))
    >>> pool = Pool(pairs, np.zeros(4), bound=1.2)
    >>> check = _checker((rule,), (2, 2))
    >>> exchange_start(pool, np.array([0, 3]), (rule,), check, time.perf_counter() + 5).tolist()
    [1, 2]
    """
    p = pool.pairs
    keys = p.keys()
    m = p.shape[1]
    required = keys[p.forced]
    current = np.union1d(required, chosen)
    balances = [r for r in rules if isinstance(r, BalanceRule)]
    for _ in range(most):
        at = np.searchsorted(keys, current)
        rows, cols, tot = current // m, current % m, p.totals[at]
        if check(rows, cols, tot):
            return current
        if time.perf_counter() > deadline:
            return None
        rule = next((r for r in balances if not r.holds(rows, cols, np.rint(tot * SCALE)
                                                          .astype(np.int64))), None)
        if rule is None:
            return None  # another rule is broken: exchanges for the balance cannot help
        group = rule.group_of_senior[cols]
        kinds = np.unique(group)
        sums = np.array([tot[group == g].sum() for g in kinds])
        sizes = np.array([(group == g).sum() for g in kinds], dtype=np.float64)
        means = sums / sizes
        top, low = int(np.argmax(means)), int(np.argmin(means))
        movable = ~np.isin(current, required)
        in_top = np.flatnonzero((group == kinds[top]) & movable)
        in_low = np.flatnonzero((group == kinds[low]) & movable)
        # The best-served group's best pairs and the worst-served group's worst.
        x = in_top[np.argsort(-tot[in_top], kind="stable")[:sample]]
        y = in_low[np.argsort(tot[in_low], kind="stable")[:sample]]
        xx, yy = np.repeat(x, len(y)), np.tile(y, len(x))
        new_x = rows[yy] * m + cols[xx]  # y's junior takes x's senior
        new_y = rows[xx] * m + cols[yy]
        pos_x = np.minimum(np.searchsorted(keys, new_x), len(keys) - 1)
        pos_y = np.minimum(np.searchsorted(keys, new_y), len(keys) - 1)
        ok = ((keys[pos_x] == new_x) & (keys[pos_y] == new_y) & ~np.isin(new_x, current)
              & ~np.isin(new_y, current) & (rows[xx] != rows[yy]))
        if not ok.any():
            return None
        xx, yy, pos_x, pos_y = xx[ok], yy[ok], pos_x[ok], pos_y[ok]
        d_top = p.totals[pos_x] - tot[xx]
        d_low = p.totals[pos_y] - tot[yy]
        after = np.repeat(means[None, :], len(xx), axis=0)
        after[:, top] = (sums[top] + d_top) / sizes[top]
        after[:, low] = (sums[low] + d_low) / sizes[low]
        spread = after.max(axis=1) - after.min(axis=1)
        k = int(np.lexsort((-(d_top + d_low), spread))[0])
        if spread[k] >= means[top] - means[low] - 1e-12:
            return None  # no exchange narrows the spread
        current = np.sort(np.concatenate([np.delete(current, [xx[k], yy[k]]),
                                          [new_x[ok][k], new_y[ok][k]]]))
    return None


def _checker(rules: tuple[BlockRule, ...], shape: tuple[int, int]) -> Check:
    """Whether pairs meet every rule, as the candidate path checks them."""

    def check(rows: IntArray, cols: IntArray, totals: F64) -> bool:
        return not broken_rules(rules, rows, cols, totals.astype(np.float32), shape)

    return check


class _Scanned:
    """What one scan kept: pairs of negative reduced cost (or None), and those that fit."""

    def __init__(self, negative: tuple[IntArray, F64] | None, keys: IntArray, totals: F64,
                 rc: F64, reach: float) -> None:
        self.negative, self.keys, self.totals, self.rc, self.reach = (negative, keys, totals,
                                                                      rc, reach)


def _scan(source: BlockSource, chosen: IntArray, pot_j: IntArray, pot_s: IntArray,
          shares: tuple[PairShare, ...], lam: float, room: float) -> _Scanned:
    """Score every pair; keep those of negative reduced cost and those within ``room``."""
    n, m = source.shape
    step = max(1, source.block_rows)
    neg_k: list[IntArray] = []
    neg_t: list[F64] = []
    kept_k: list[IntArray] = []
    kept_t: list[F64] = []
    kept_r: list[F64] = []
    reach = room
    held = 0
    chosen_rows = chosen // m
    for r0 in range(0, n, step):
        r1 = min(n, r0 + step)
        total, ok = source.totals(slice(r0, r1), slice(None))
        plain = total.astype(np.float64)
        block = (np.arange(r0, r1)[:, None], np.arange(m)[None, :])
        priced = plain + lam * pair_help(shares, *block) if shares and lam else plain
        rc = (pot_j[r0:r1, None] - pot_s[None, :]
              - np.rint(priced * SCALE).astype(np.int64)).astype(np.float64) / SCALE
        rc[~ok] = np.inf
        mine = chosen[(chosen_rows >= r0) & (chosen_rows < r1)]
        rc[mine // m - r0, mine % m] = 0.0  # chosen pairs: at most 0, counted as 0
        bad = np.argwhere(rc < 0)
        if len(bad):
            neg_k.append((bad[:, 0] + r0) * m + bad[:, 1])
            neg_t.append(plain[bad[:, 0], bad[:, 1]])
        if neg_k:
            continue  # the potentials will change: keep looking for such pairs only
        fit = np.argwhere((rc <= reach) & ok)
        kept_k.append((fit[:, 0] + r0) * m + fit[:, 1])
        kept_t.append(plain[fit[:, 0], fit[:, 1]])
        kept_r.append(rc[fit[:, 0], fit[:, 1]])
        held += len(fit)
        if held > 2 * POOL_MOST:  # keep the smallest: the pool then holds up to a lower reach
            all_r = np.concatenate(kept_r)
            reach = float(np.partition(all_r, POOL_MOST - 1)[POOL_MOST - 1])
            keep = all_r <= reach
            kept_k = [np.concatenate(kept_k)[keep]]
            kept_t = [np.concatenate(kept_t)[keep]]
            kept_r = [all_r[keep]]
            held = int(keep.sum())
    if neg_k:
        return _Scanned((np.concatenate(neg_k), np.concatenate(neg_t)), np.zeros(0, np.int64),
                        np.zeros(0), np.zeros(0), 0.0)
    cat = (np.concatenate(kept_k) if kept_k else np.zeros(0, np.int64),
           np.concatenate(kept_t) if kept_t else np.zeros(0),
           np.concatenate(kept_r) if kept_r else np.zeros(0))
    return _Scanned(None, *cat, reach)


def _plain(source: BlockSource, pairs: tuple[IntArray, IntArray]) -> F64:
    from rmatch.solvers.certificate import pair_totals

    return pair_totals(source, pairs[0], pairs[1]).astype(np.float64)


def _pool(scanned: _Scanned, fixed: tuple[IntArray, IntArray, F64], cap_j: IntArray,
          cap_s: IntArray, count: int, shape: tuple[int, int], bound: float) -> Pool:
    """Put the kept pairs and the required ones (forced) in a pool."""
    n, m = shape
    f_rows, f_cols, f_tot = fixed
    full = (cap_j + np.bincount(f_rows, minlength=n), cap_s + np.bincount(f_cols, minlength=m))
    return Pool.gather([(f_rows * m + f_cols, f_tot, np.full(len(f_rows), -np.inf)),
                        (scanned.keys, scanned.totals, scanned.rc)],
                       len(f_rows), full, count + len(f_rows), shape, bound, scanned.reach)


def _with(pool: Pool, start: tuple[IntArray, IntArray], source: BlockSource, red: Reduced,
          lam: float, shares: tuple[PairShare, ...]) -> Pool:
    """Add the start's pairs to the pool (each with its reduced cost)."""
    m = pool.pairs.shape[1]
    keys = start[0] * m + start[1]
    new = ~np.isin(keys, pool.pairs.keys())
    if not new.any():
        return pool
    rows, cols = start[0][new], start[1][new]
    plain = _plain(source, (rows, cols))
    weights = np.rint((plain + lam * pair_help(shares, rows, cols)) * SCALE).astype(np.int64)
    pot_j, pot_s = red.pot_j, red.pot_s
    rc = np.maximum((pot_j[rows] - pot_s[cols] - weights).astype(np.float64) / SCALE, 0.0)
    p = pool.pairs
    # Required pairs first, as gather reads them.
    old = np.argsort(~p.forced, kind="stable")
    return Pool.gather([(p.keys()[old], p.totals[old], pool.rc[old]), (keys[new], plain, rc)],
                       int(p.forced.sum()), (p.cap_j, p.cap_s), p.count, p.shape, pool.bound,
                       pool.reach)
