"""The candidate path: solve the candidates exactly, scan every pair, repeat until none improves.

When a scan finds no improving pair, the dual prices prove the candidate
optimum optimal for the whole programme (see :mod:`rmatch.solvers.sparse`
for why).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from rmatch.constraints.compiled import SCALE
from rmatch.errors import SolverError
from rmatch.scoring.malloc import reuse_freed_memory
from rmatch.solvers import select
from rmatch.solvers.assignment import ASSIGNMENT_FROM, assigned
from rmatch.solvers.fill import fill
from rmatch.solvers.prices import _Bounds, best_offers
from rmatch.solvers.problem import Step, StepFn
from rmatch.solvers.repair import repair
from rmatch.solvers.scan import (
    CANDIDATES_PER_PERSON,
    GROUP_SIZE,
    GROUPS,
    PRICE_SAMPLE,
    BlockSource,
    _Clock,
    _first_pass,
    _merged,
    _ordered,
    _scan,
    _support,
)
from rmatch.solvers.sparse import F32, BoolArray, Duals, IntArray, checked, solved

__all__ = ["Certified", "DenseSource", "certify_and_solve", "pair_totals"]

_Last = tuple[IntArray, IntArray, F32, BoolArray, Duals, IntArray] | None
"""The last solve: its candidates (rows, columns, totals), choice, duals and raw potentials."""


@dataclass(frozen=True)
class Certified:
    """The optimum on the candidates, with how it was proven for every pair.

    ``rows``/``cols``/``totals`` are the final candidate pairs (``chosen``
    marks the assignment); ``rounds`` counts the scans after the first
    (each ends with a solve, the last with the proof); ``violations`` the
    pairs each scan found that could improve (0 in the last: the
    certificate); ``candidates`` the candidate count of each solve;
    ``found`` the (pairs, total score) of each solve; ``scanned`` the pairs
    each pass scored (the first pass scores all; later ones skip the blocks
    their bounds rule out).
    """

    rows: IntArray
    cols: IntArray
    totals: F32
    chosen: BoolArray
    duals: Duals
    rounds: int
    violations: list[int]
    candidates: list[int]
    found: list[tuple[int, float]]
    scanned: list[int]
    stopped: bool = False
    """Ctrl-C stopped the loop: the last solve stands, not proven optimal."""
    bound: float | None = None
    """When stopped: an upper bound on the total score of any assignment."""


def _estimate_prices(source: BlockSource, cap_j: IntArray, cap_s: IntArray, size: int,
                     k: int, seed: int, pool: ThreadPoolExecutor | None
                     ) -> npt.NDArray[np.float64]:
    """First prices of the seniors (score units): the exact solve of a sample, extended.

    A random sample of both sides (in the programme's proportions) is solved
    exactly; its juniors' prices then price every senior at the best offer
    any sampled junior makes (``min_i p_i - w_ik``, the c-transform). The
    first scan ranks each junior's seniors by score minus these prices, which
    makes most of the optimum's pairs candidates from the start. Zero (raw
    scores) when the programme is too small for a sample to save anything.
    """
    n, m = source.shape
    big = max(n, m, 1)
    s_r, s_c = max(1, round(size * n / big)), max(1, round(size * m / big))
    if size <= 0 or n * m <= 4 * s_r * s_c:
        return np.zeros(m, dtype=np.float64)
    rng = np.random.default_rng(seed)
    r_idx = np.sort(rng.choice(n, s_r, replace=False)).astype(np.int64)
    c_idx = np.sort(rng.choice(m, s_c, replace=False)).astype(np.int64)
    # The sample's matrix, scored a block of rows at a time (one call would
    # take a block's scratch memory for every pair of the sample).
    rows_step = max(1, source.block_rows * m // max(s_c, 1))
    parts = list(_ordered(pool, lambda r0: source.totals(r_idx[r0:r0 + rows_step], c_idx),
                          list(range(0, s_r, rows_step))))
    total = np.concatenate([t for t, _ in parts])
    ok = np.concatenate([f for _, f in parts])
    del parts
    sub = _certify(DenseSource(total, ok), cap_j[r_idx], cap_s[c_idx], "max_score", k, 50, 0,
                   None, seed, pool, None)
    del total, ok
    offer = sub.duals.pot_j / SCALE
    ref = sub.duals.ref_s / SCALE
    prices = np.full(m, ref, dtype=np.float64)

    fast = select.large(n, m)  # small programmes never wait for the compiler

    # By blocks of sampled juniors against every senior, as the first pass
    # scores, the minima taken across blocks (exact: any order gives the
    # same). Blocks of all the sampled juniors against a few hundred seniors
    # repeated each junior's part of the scoring kernel for so few seniors:
    # at 100,000 per side (organisation 1) the extension took 3.2-3.3 s that
    # way, 2.0-2.3 s this way.
    def transform(r0: int) -> npt.NDArray[np.float64]:
        total, ok = source.totals(r_idx[r0:r0 + source.block_rows], slice(None))
        part = offer[r0:r0 + source.block_rows]
        best = best_offers(total, ok, part) if fast else \
            np.where(ok, part[:, None] - total, np.inf).min(axis=0, initial=np.inf)
        return np.asarray(best, dtype=np.float64)

    for part in _ordered(pool, transform, list(range(0, s_r, source.block_rows))):
        np.minimum(prices, part, out=prices)
    return prices


def certify_and_solve(
    source: BlockSource, cap_j: IntArray, cap_s: IntArray,
    objective: Literal["max_pairs", "max_score"], *, k: int = CANDIDATES_PER_PERSON,
    max_rounds: int = 50, price_sample: int | None = None, groups: int | None = None,
    seed: int = 0, workers: int | None = None,
    report: StepFn | None = None,
) -> Certified:
    """Solve on candidates, scan the pairs, add what improves, until nothing does.

    The first pass scores every pair and keeps each junior's ``k`` best and
    each senior's ``k`` best by reduced score (under prices from a solved
    sample). After each solve, a pass scans again only the (junior, block of
    seniors) pairs whose bound says a pair might improve; when a pass finds
    none, the duals prove the optimum for every pair of the programme.
    ``workers`` threads score blocks side by side (default: the machine's
    cores, at most 4); the answer does not depend on their number.

    Examples
    --------
    >>> from rmatch.solvers.certificate import DenseSource
    >>> total = np.array([[0.9, 0.8], [0.85, 0.1]], np.float32)
    >>> out = certify_and_solve(DenseSource(total, np.ones((2, 2), bool)),
    ...                         np.ones(2, np.int64), np.ones(2, np.int64), "max_pairs", k=1)
    >>> sorted(zip(out.rows[out.chosen].tolist(), out.cols[out.chosen].tolist()))
    [(0, 1), (1, 0)]
    >>> out.violations[-1]
    0
    """
    n, m = source.shape
    if n == 0 or m == 0:  # no pairs at all: the empty assignment, proven at once
        e_int, e_bool = np.zeros(0, np.int64), np.zeros(0, np.bool_)
        duals = Duals(np.zeros(n, np.int64), np.zeros(m, np.int64), np.zeros(n, np.bool_),
                      np.zeros(m, np.bool_))
        return Certified(e_int, e_int, np.zeros(0, np.float32), e_bool, duals, 0, [0], [0],
                         [(0, 0.0)], [0])
    n_workers = workers or min(4, os.cpu_count() or 1)
    with ExitStack() as stack:
        stack.enter_context(reuse_freed_memory())  # blocks reuse the last ones' pages
        pool = None
        if n_workers > 1 and n * m > 4 * source.block_rows * max(m, 1):
            pool = stack.enter_context(ThreadPoolExecutor(n_workers))
            # BLAS threads would fight the block threads for the same cores.
            stack.enter_context(threadpool_limits(limits=1, user_api="blas"))
        return _certify(source, cap_j, cap_s, objective, k, max_rounds, price_sample,
                        groups, seed, pool, report)


def _certify(source: BlockSource, cap_j: IntArray, cap_s: IntArray,
             objective: Literal["max_pairs", "max_score"], k: int, max_rounds: int,
             price_sample: int | None, groups: int | None, seed: int,
             pool: ThreadPoolExecutor | None,
             report: StepFn | None) -> Certified:
    n, m = source.shape
    if groups is None:
        groups = m // GROUP_SIZE
    n_groups = max(1, min(groups, GROUPS, m))
    edges = np.linspace(0, m, n_groups + 1).round().astype(np.int64)
    if price_sample is None:
        low, high = PRICE_SAMPLE
        price_sample = int(np.clip(np.sqrt(float(n) * m) / 6, low, high))
    prices = _estimate_prices(source, cap_j, cap_s, price_sample, k, seed, pool)
    bounds = _Bounds(edges, np.full((n, n_groups), -np.inf, np.float32),
                     np.zeros((n, n_groups), np.bool_), np.zeros(n), prices)
    clock = _Clock(report, n * m)
    keys, totals, scanned = _first_pass(source, bounds, k, pool, clock)
    keys, totals = _merged(keys, totals)
    more, more_t, n_more = _support(source, bounds, keys, k, pool)
    keys, totals = _merged(keys, totals, (more, more_t))
    scanned[0] += n_more
    flowed = None  # the pairs of a maximum flow of the first candidates, when fill found one
    if objective == "max_pairs":
        keys, totals, n_more, flowed = fill(source, bounds, keys, totals, cap_j, cap_s, k,
                                            pool)
        scanned[0] += n_more
    violations: list[int] = []
    counts: list[int] = []
    found: list[tuple[int, float]] = []
    last: _Last = None
    try:
        for rnd in range(max_rounds + 1):
            counts.append(len(keys))
            rows, cols = keys // max(m, 1), keys % max(m, 1)
            weights = np.rint(totals.astype(np.float64) * SCALE).astype(np.int64)
            chosen, duals, pot = _resolve(n, m, keys, rows, cols, weights, last, cap_j,
                                          cap_s, objective, flowed if last is None else None)
            last = (rows, cols, totals, chosen, duals, pot)
            found.append((int(chosen.sum()), float(totals[chosen].astype(np.float64).sum())))
            new_keys, new_tot, n_viol = _round(source, bounds, duals, keys, k, pool, clock, rnd,
                                               scanned, found[-1][0])
            violations.append(n_viol)
            if n_viol == 0:
                return Certified(rows, cols, totals, chosen, duals, len(violations), violations,
                                 counts, found, scanned)
            # One statement: a Ctrl-C never sees keys and totals of different lengths.
            keys, totals = _merged(keys, totals, (new_keys, new_tot))
    except KeyboardInterrupt:
        if last is None:  # nothing solved yet: nothing to return
            raise
        # Every pair known so far counts in the bound: a completed scan has
        # taken its new pairs out of the bounds before they reach a solve.
        bound = bounds.score_bound(last[4], keys // max(m, 1), keys % max(m, 1), totals,
                                   cap_j, cap_s)
        rows, cols, totals, chosen, duals, _ = last
        return Certified(rows, cols, totals, chosen, duals, len(violations), violations,
                         counts, found, scanned, stopped=True, bound=bound)
    raise SolverError(f"no certificate after {max_rounds} rounds of candidates")


REPAIR_FROM = 500_000
"""Re-solves of fewer candidates are min-cost flows from nothing (a second or less): the
repair's kernel takes numba several seconds to compile on a machine's first use, which
small programmes never wait for."""


REPAIR_BUDGET = 50
"""A re-solve after a scan first repairs the last optimum (:mod:`rmatch.solvers.repair`),
looking at no more than this many arcs per candidate (a repair that would cost more is
cut short, or not tried, and the full solve runs). At 100,000 per side the 300 million
arcs of :data:`REPAIR_MOST` take about as long as a flow (11 s against 11.5-12 s on 6
million candidates, 2026-12-07); the repair gives up as soon as its growing searches say
it would overrun, so a doomed one costs a few tenths of a second, not the budget."""


REPAIR_MOST = 300_000_000
"""And never more than this many arcs: the repairs that held looked at fewer (at most 50
per candidate of 6 million at 100,000 per side), while one given up at 50 per candidate of
20 million cost about 24 s before its flow (organisation 5 at 100,000 per side: 87 s for a
re-solve the commit before the repair did in 63 s)."""


RESOLVE_CLAMP = 0.03
"""A full re-solve whose added pairs gain at most this many score units under the last
solve's potentials runs on the costs reduced by them, cut to as many either way
(:func:`rmatch.solvers.sparse._flow`: the same optimum, or a second flow on the true
costs when the cut shows). At 100,000 per side the added pairs gain at most 0.013 to 0.02
and the new optimum's pairs lay within 0.0017 to 0.015 of tight under the last prices:
the cut held, and the flows took 5.6-8.3 s against 8.6-10.0 s (0.08: 7.4-9.4 s; 0.01
and below: the cut showed). A price sample's early re-solves, whose pairs gain 0.05 to
0.6, run on the true costs (cut, they needed a second flow)."""


def _resolve(n: int, m: int, keys: IntArray, rows: IntArray, cols: IntArray,
             weights: IntArray, last: _Last, cap_j: IntArray, cap_s: IntArray,
             objective: Literal["max_pairs", "max_score"], flowed: BoolArray | None = None
             ) -> tuple[BoolArray, Duals, IntArray]:
    """Solve the candidates after a scan: repair the last optimum when that is cheap, else solve.

    The last optimum and its potentials are where a repair starts: the pairs
    the scan added that gain under them (a negative reduced cost) are taken
    (or their junior lets its pairs go) and the flow is mended by shortest
    paths. Its answer is checked on all the candidates (:func:`checked`:
    its potentials leave no residual arc below zero, no pair to add), so a
    repair that went wrong costs time, never a wrong certificate; those
    potentials are then the duals, with no search for distances. At
    100,000 per side the last scans add a handful of pairs to 6 million
    candidates: a repair and its check of a few seconds instead of a
    20-second solve. A full solve starts near the last potentials
    (:data:`RESOLVE_CLAMP`), by the assignment solver where it applies
    (:mod:`rmatch.solvers.assignment`: one place each; its answer checked
    like a repair's, the flow when it fails), else by the min-cost flow.
    ``flowed``: before the first solve, the pairs of :func:`fill`'s last
    maximum flow (the matching the assignment solver's dummies start from).
    """
    start = None
    if last is not None:
        rows_l, cols_l, _, chosen_l, _, pot = last
        old = rows_l * max(m, 1) + cols_l  # the last candidates' keys: sorted
        start = np.zeros(len(keys), np.bool_)
        start[np.searchsorted(keys, old[chosen_l])] = True  # every last candidate is still one
    if start is not None and len(keys) >= REPAIR_FROM:
        mended = repair(n, m, rows, cols, weights, cap_j, cap_s, objective, start, pot,
                        budget=min(REPAIR_BUDGET * len(keys), REPAIR_MOST))
        proof = None if mended is None else checked(n, m, rows, cols, weights, cap_j, cap_s,
                                                    objective, mended[0], pot=mended[1])
        if mended is not None and proof is not None:
            return mended[0], proof[0], proof[1]
    near, clamp = (None, 0) if last is None else (last[5], round(RESOLVE_CLAMP * SCALE))
    if len(keys) >= ASSIGNMENT_FROM:
        chosen = assigned(n, m, rows, cols, weights, cap_j, cap_s, objective, near=near,
                          clamp=clamp, matching=start if start is not None else flowed)
        proof = None if chosen is None else checked(n, m, rows, cols, weights, cap_j, cap_s,
                                                    objective, chosen)
        if chosen is not None and proof is not None:
            return chosen, proof[0], proof[1]
    return solved(n, m, rows, cols, weights, cap_j, cap_s, objective, near=near, clamp=clamp)


def _round(source: BlockSource, bounds: _Bounds, duals: Duals, keys: IntArray, k: int,
           pool: ThreadPoolExecutor | None, clock: _Clock, rnd: int, scanned: list[int],
           pairs: int) -> tuple[IntArray, F32, int]:
    """Report a solve, move the bounds to its prices and scan what they do not rule out."""
    m = source.shape[1]
    clock.say(Step("solve", round=rnd, candidates=len(keys), pairs=pairs))
    reach_in_group = np.logical_and.reduceat(duals.reach_s, bounds.edges[:-1]) if m else \
        np.zeros(0, np.bool_)
    need = bounds.shift(duals, reach_in_group)
    new_keys, new_tot, n_viol, n_scanned = _scan(source, bounds, need, duals, keys, k, pool,
                                                 clock, rnd + 1)
    scanned.append(n_scanned)
    clock.say(Step("certificate", round=rnd + 1, violations=n_viol, candidates=len(keys),
                   scanned=n_scanned, done=True), force=True)
    return new_keys, new_tot, n_viol


class DenseSource:
    """A :class:`BlockSource` over score and feasibility matrices already in memory.

    Examples
    --------
    >>> src = DenseSource(np.zeros((3, 2), np.float32), np.ones((3, 2), bool), block_rows=2)
    >>> src.totals(slice(0, 2), np.array([1]))[0].shape
    (2, 1)
    """

    def __init__(self, total: F32, feasible: BoolArray, *, block_rows: int | None = None
                 ) -> None:
        self.total, self.feasible = total, feasible
        self.shape = (int(total.shape[0]), int(total.shape[1]))
        cells = 2_000_000  # ~8 MB of float32 per block: in cache-friendly passes
        self.block_rows = block_rows or max(1, cells // max(self.shape[1], 1))

    def totals(self, rows: IntArray | slice, cols: IntArray | slice) -> tuple[F32, BoolArray]:
        """Return the block (views for slices, copies for index arrays)."""
        # Columns first, then one gather: indexing the rows first copied
        # whole rows, about 190 times the block for a group of 64 seniors in
        # the price sample's scans (12,000 wide at 100,000 per side).
        if isinstance(cols, slice):
            return self.total[:, cols][rows], self.feasible[:, cols][rows]
        if isinstance(rows, slice):
            return self.total[rows][:, cols], self.feasible[rows][:, cols]
        at = np.ix_(rows, cols)
        return self.total[at], self.feasible[at]


def pair_totals(source: BlockSource, rows: IntArray, cols: IntArray) -> F32:
    """Totals of aligned (row, column) pairs, one value each, scored a few hundred at a time.

    Examples
    --------
    >>> src = DenseSource(np.arange(6, dtype=np.float32).reshape(2, 3), np.ones((2, 3), bool))
    >>> pair_totals(src, np.array([1, 0]), np.array([2, 1])).tolist()
    [5.0, 1.0]
    """
    out = np.zeros(len(rows), np.float32)
    order = np.argsort(rows, kind="stable")
    for start in range(0, len(order), 256):
        pick = order[start:start + 256]
        ur, r_inv = np.unique(rows[pick], return_inverse=True)
        uc, c_inv = np.unique(cols[pick], return_inverse=True)
        out[pick] = source.totals(ur, uc)[0][r_inv.reshape(-1), c_inv.reshape(-1)]
    return out
