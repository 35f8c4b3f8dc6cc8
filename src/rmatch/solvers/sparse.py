r"""Exact matching on candidate pairs, proven optimal for every pair by its duals.

The programme's pairs are never all handed to a solver. A small candidate
set (each person's best few partners by *reduced* score, the score minus
estimated dual prices) is solved exactly by OR-Tools min-cost flow; dual
prices are then recovered from that solution and every pair of the
programme is scanned, block by block: a pair outside the candidates whose
reduced score is positive could improve the assignment, so it joins the
candidates and the loop repeats. When no pair does, the dual prices are a
certificate that the candidate optimum is the optimum of the whole
programme.

The duals. Costs are integers (``-rint(score * 2**30)``, as in the flow
solver). After the min-cost flow, shortest distances :math:`\pi` in its
residual graph (from a virtual root joined to every node) are valid node
potentials: every residual arc has a non-negative reduced cost. With
:math:`S` and :math:`T` the source and sink, :math:`u_j = \max(0, \pi_j -
\pi_S)` (junior :math:`j`) and :math:`v_k = \max(0, \pi_T - \pi_k)`
(senior :math:`k`) are dual prices of the capacity constraints of the
linear programme :math:`\max \sum w x` over the b-matchings, and by
complementary slackness their dual objective equals the flow's. Under
``objective="max_pairs"`` the programme also fixes the number of pairs,
which adds a price :math:`\mu` on "one more pair": the nodes reachable from
the source in the residual graph (set :math:`R`) can have their potentials
lowered by any :math:`\delta \ge 0` without breaking a residual arc, and as
:math:`\delta \to \infty` that is the lexicographic objective. So a pair
:math:`(j, k)` outside the candidates can improve the assignment only if

- :math:`j \in R` and :math:`k \notin R` (it would add a pair), or
- both or neither are in :math:`R` and :math:`w_{jk} > p_j - p_k`,

with :math:`p_j = \max(\pi_j, \pi_S)` for juniors in :math:`R`,
:math:`p_k = \min(\pi_k, \pi_T)` for seniors outside it (the clamping of
the prices at 0) and the plain potentials otherwise. Under ``max_score``
:math:`R` plays no part. ``docs/scale.md`` gives the full argument; the
tests check the certificate against brute force and dense solvers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order
from threadpoolctl import threadpool_limits

from rmatch._malloc import reuse_freed_memory
from rmatch.errors import SolverError

__all__ = ["SCALE", "BlockSource", "Certified", "Duals", "certify_and_solve", "choose_candidates",
           "pair_totals", "solve_candidates"]

SCALE = 2**30
"""Scores become integer weights ``rint(score * SCALE)`` (the flow solver's scale)."""

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F32 = npt.NDArray[np.float32]
_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass(frozen=True)
class Duals:
    """Dual prices of an optimal candidate solution, in integer weight units.

    ``pot_j`` and ``pot_s`` are the (clamped) potentials, ``reach_j`` and
    ``reach_s`` the people reachable from the source (used under
    ``max_pairs`` only). :meth:`improves` says which pairs could improve the
    assignment; none outside the candidates means proven optimal.
    """

    pot_j: IntArray
    pot_s: IntArray
    reach_j: BoolArray
    reach_s: BoolArray
    # Potentials of the source and the sink: the prices are ``pot_j - ref_j``
    # (juniors) and ``ref_s - pot_s`` (seniors), both >= 0 outside R.
    ref_j: int = 0
    ref_s: int = 0

    def improves(self, rows: IntArray, cols: IntArray, weights: IntArray) -> BoolArray:
        """For pairs given as (row, column, integer weight), which could improve.

        Examples
        --------
        >>> d = Duals(np.array([5]), np.array([0]), np.array([False]), np.array([False]))
        >>> d.improves(np.array([0, 0]), np.array([0, 0]), np.array([5, 6])).tolist()
        [False, True]
        """
        rj, rk = self.reach_j[rows], self.reach_s[cols]
        better = weights > self.pot_j[rows] - self.pot_s[cols]
        return np.asarray((rj & ~rk) | ((rj == rk) & better))


def _distances(n_nodes: int, tails: IntArray, heads: IntArray, costs: IntArray) -> IntArray:
    """Shortest distances from a virtual root joined to every node by a 0-cost arc.

    A vectorised Bellman-Ford that relaxes, each sweep, only the arcs out of
    nodes whose distance just fell. The residual graph of an optimal flow
    has no negative cycle, so it stops within ``n_nodes`` sweeps (far fewer
    in practice: the longest alternating path).
    """
    dist = np.zeros(n_nodes, dtype=np.int64)
    order = np.argsort(tails, kind="stable")
    t_sorted, h_sorted, c_sorted = tails[order], heads[order], costs[order]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(t_sorted, minlength=n_nodes), out=indptr[1:])
    active = np.arange(n_nodes)
    is_active = np.zeros(n_nodes, dtype=np.bool_)
    for _ in range(n_nodes + 1):
        if len(active) == n_nodes:
            arcs = np.arange(len(t_sorted))
        elif len(active) > n_nodes // 8:  # many: one pass over all arcs
            is_active[:] = False
            is_active[active] = True
            arcs = np.flatnonzero(is_active[t_sorted])
        else:  # few: gather their arcs through the index by tail
            starts, stops = indptr[active], indptr[active + 1]
            counts = stops - starts
            arcs = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        if len(arcs) == 0:
            return dist
        t, h = t_sorted[arcs], h_sorted[arcs]
        cand = dist[t] + c_sorted[arcs]
        better = cand < dist[h]
        if not better.any():
            return dist
        h, cand = h[better], cand[better]
        np.minimum.at(dist, h, cand)
        active = np.unique(h)
    raise SolverError("the residual graph of the candidate solution has a negative cycle")


def choose_candidates(
    n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
    cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
) -> BoolArray:
    """Solve the candidate pairs exactly; return which are chosen (no duals: faster).

    Examples
    --------
    >>> choose_candidates(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8]),
    ...                   np.ones(2, np.int64), np.ones(2, np.int64), "max_pairs").tolist()
    [False, True, True]
    """
    flows = _flow(n, m, rows, cols, weights, cap_j, cap_s, objective)[4]
    return np.asarray(flows[n:n + len(rows)] > 0)


def _flow(n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
          cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
          ) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Run the min-cost flow of the candidates; return its arcs and their flows."""
    source, sink = n + m, n + m + 1
    ar_j, ar_s = np.arange(n, dtype=np.int64), np.arange(m, dtype=np.int64)
    tails = np.concatenate([np.full(n, source), rows, n + ar_s])
    heads = np.concatenate([ar_j, n + cols, np.full(m, sink)])
    caps = np.concatenate([cap_j, np.ones(len(rows), np.int64), cap_s])
    unit = np.concatenate([np.zeros(n, np.int64), -weights, np.zeros(m, np.int64)])
    supply = int(min(cap_j.sum(), cap_s.sum()))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              caps, unit)
    if objective == "max_score":
        # A circulation: the return arc never fills, so its residual arc always
        # exists (pi_S <= pi_T) and, with any pair chosen, so does its reverse.
        smcf.add_arc_with_capacity_and_unit_cost(sink, source, supply + 1, 0)
        status = smcf.solve()
    else:
        smcf.set_node_supply(source, supply)
        smcf.set_node_supply(sink, -supply)
        status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow on the candidates ended with status {status!r}")
    flows = np.asarray(smcf.flows(np.arange(len(tails), dtype=np.int32)), dtype=np.int64)
    return tails, heads, caps, unit, flows


def solve_candidates(
    n: int, m: int, rows: IntArray, cols: IntArray, weights: IntArray, cap_j: IntArray,
    cap_s: IntArray, objective: Literal["max_pairs", "max_score"],
) -> tuple[BoolArray, Duals]:
    """Solve the candidate pairs exactly; return which are chosen and the duals.

    Examples
    --------
    >>> chosen, duals = solve_candidates(
    ...     2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8]),
    ...     np.ones(2, np.int64), np.ones(2, np.int64), "max_pairs")
    >>> chosen.tolist()  # (0, 1) and (1, 0): two pairs beat one better pair
    [False, True, True]
    >>> bool(duals.improves(np.array([1]), np.array([1]), np.array([1]))[0])  # adds a pair
    True
    """
    tails, heads, caps, unit, flows = _flow(n, m, rows, cols, weights, cap_j, cap_s, objective)
    source, sink = n + m, n + m + 1
    # The residual graph: each arc with room forward, each arc with flow backward.
    fwd, back = flows < caps, flows > 0
    r_t = np.concatenate([tails[fwd], heads[back]])
    r_h = np.concatenate([heads[fwd], tails[back]])
    r_c = np.concatenate([unit[fwd], -unit[back]])
    if objective == "max_score":  # the return arc, and its reverse once it carries flow
        back_arc = [source] if flows[n:n + len(rows)].any() else []
        r_t = np.concatenate([r_t, [sink], back_arc])
        r_h = np.concatenate([r_h, [source], [sink] if back_arc else []])
        r_c = np.concatenate([r_c, np.zeros(len(r_t) - len(r_c), np.int64)])
    r_t, r_h = r_t.astype(np.int64), r_h.astype(np.int64)
    dist = _distances(n + m + 2, r_t, r_h, r_c)
    reach = np.zeros(n + m + 2, dtype=np.bool_)
    if objective == "max_pairs":
        graph = csr_matrix((np.ones(len(r_t), np.int8), (r_t, r_h)), shape=(n + m + 2,) * 2)
        reach[breadth_first_order(graph, source, return_predecessors=False)] = True
    pot_j, pot_s = dist[:n].copy(), dist[n:n + m].copy()
    reach_j, reach_s = reach[:n], reach[n:n + m]
    # Prices are >= 0: clamp where the sign conditions allow it (see the module notes).
    np.maximum(pot_j, dist[source], out=pot_j, where=reach_j | (objective == "max_score"))
    np.minimum(pot_s, dist[sink], out=pot_s, where=~reach_s | (objective == "max_score"))
    chosen = flows[n:n + len(rows)] > 0
    return chosen, Duals(pot_j, pot_s, reach_j.copy(), reach_s.copy(), int(dist[source]),
                         int(dist[sink]))


CANDIDATES_PER_PERSON = 32
"""``k``: candidates per person in the first round (each junior's and each senior's best)."""

PRICE_SAMPLE = (2000, 6000)
"""People of the larger side in the sample whose exact solve sets the first prices: a
sixth of ``sqrt(n m)`` within these limits (at 30,000 per side, 5,000 left 443 pairs
to add after the first solve where 2,000 left 8,894)."""

GROUPS = 1024
"""Most blocks of seniors each junior's scan bound is kept for (each of 64 seniors at least)."""

GROUP_SIZE = 64
"""Fewest seniors in a block: smaller blocks cost more in bookkeeping than they skip."""

_LOWEST = np.float32(np.finfo(np.float32).min)  # above -inf: thresholds that skip the infeasible

TOLERANCE = 1e-4
"""Float32 reduced scores above ``-TOLERANCE`` are checked exactly (integer weights)."""

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

    cols_step = max(1, source.block_rows * m // max(s_r, 1))

    def transform(c0: int) -> npt.NDArray[np.float64]:
        total, ok = source.totals(r_idx, slice(c0, c0 + cols_step))
        best = np.where(ok, offer[:, None] - total, np.inf).min(axis=0, initial=np.inf)
        return np.asarray(np.minimum(best, ref), dtype=np.float64)

    starts = list(range(0, m, cols_step))
    for c0, part in zip(starts, _ordered(pool, transform, starts), strict=True):
        prices[c0:c0 + cols_step] = part
    return prices


@dataclass
class _Bounds:
    """Per junior and block of seniors, the best reduced score left out of the candidates.

    ``best[i, g]`` bounds the reduced score (under the prices it was scanned
    with, shifted since) of every feasible pair of junior ``i`` and group
    ``g`` that is not a candidate; ``left[i, g]`` says whether there is any
    such pair (under ``max_pairs`` a pair can add one whatever its score).
    After a solve moves the prices by ``dj`` (juniors) and ``ds`` (seniors),
    ``best - dj_i + max_g ds`` still bounds them: a block whose bound stays
    below ``-TOLERANCE`` holds no pair that could improve, without scoring it.
    """

    edges: IntArray
    best: F32
    left: BoolArray
    pj: npt.NDArray[np.float64]
    ps: npt.NDArray[np.float64]

    def shift(self, duals: Duals, reach_in_group: BoolArray) -> BoolArray:
        """Move the bounds to new prices; return the (junior, group) blocks to scan again."""
        pj, ps = duals.pot_j / SCALE, duals.pot_s / SCALE
        up = np.maximum.reduceat(ps - self.ps, self.edges[:-1]) if len(ps) else ps
        # New arrays, assigned together: a Ctrl-C in between leaves the old bounds whole.
        best = self.best + (up[None, :] - (pj - self.pj)[:, None]).astype(np.float32)
        self.best, self.pj, self.ps = best, pj, ps
        adds = duals.reach_j[:, None] & self.left & ~reach_in_group[None, :]
        return np.asarray((self.best > -TOLERANCE) | adds)

    def score_bound(self, duals: Duals, rows: IntArray, cols: IntArray, totals: F32,
                    cap_j: IntArray, cap_s: IntArray) -> float:
        """Return an upper bound on the total score of any assignment of the programme.

        Any senior prices ``v >= 0`` with junior prices ``u_i = max(0,
        max_k w_ik - v_k)`` are feasible for the dual of the assignment's
        linear programme, so ``sum cap u + sum cap v`` bounds every
        assignment. The candidates give their part of ``u`` exactly, the
        bounds the rest (``w - v = reduced + p_j - p_k - v_k``).
        """
        v = np.maximum(duals.ref_s - duals.pot_s, 0) / SCALE
        u = np.zeros(len(self.pj), dtype=np.float64)
        np.maximum.at(u, rows, totals.astype(np.float64) - v[cols])
        if len(v):
            lift = np.maximum.reduceat(-self.ps - v, self.edges[:-1])
            left_out = (self.best.astype(np.float64) + lift[None, :]).max(axis=1) + self.pj
            # Float32 reduced scores: a margin well above their rounding.
            np.maximum(u, left_out + TOLERANCE, out=u, where=np.isfinite(left_out))
        return float(cap_j @ u + cap_s @ v)


def certify_and_solve(
    source: BlockSource, cap_j: IntArray, cap_s: IntArray,
    objective: Literal["max_pairs", "max_score"], *, k: int = CANDIDATES_PER_PERSON,
    max_rounds: int = 50, price_sample: int | None = None, groups: int | None = None,
    seed: int = 0, workers: int | None = None,
    report: Callable[[str, dict[str, float]], None] | None = None,
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
    >>> from rmatch.solvers.sparse import DenseSource
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
             report: Callable[[str, dict[str, float]], None] | None) -> Certified:
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
    violations: list[int] = []
    counts: list[int] = []
    found: list[tuple[int, float]] = []
    last: tuple[IntArray, IntArray, F32, BoolArray, Duals] | None = None
    try:
        for rnd in range(max_rounds + 1):
            keys, totals = _merged(keys, totals)
            counts.append(len(keys))
            rows, cols = keys // max(m, 1), keys % max(m, 1)
            weights = np.rint(totals.astype(np.float64) * SCALE).astype(np.int64)
            chosen, duals = solve_candidates(n, m, rows, cols, weights, cap_j, cap_s, objective)
            last = (rows, cols, totals, chosen, duals)
            found.append((int(chosen.sum()), float(totals[chosen].astype(np.float64).sum())))
            new_keys, new_tot, n_viol = _round(source, bounds, duals, keys, k, pool, clock, rnd,
                                               scanned, found[-1][0])
            violations.append(n_viol)
            if n_viol == 0:
                return Certified(rows, cols, totals, chosen, duals, len(violations), violations,
                                 counts, found, scanned)
            # One statement: a Ctrl-C never sees keys and totals of different lengths.
            keys, totals = np.concatenate([keys, new_keys]), np.concatenate([totals, new_tot])
    except KeyboardInterrupt:
        if last is None:  # nothing solved yet: nothing to return
            raise
        # Every pair known so far counts in the bound: a completed scan has
        # taken its new pairs out of the bounds before they reach a solve.
        bound = bounds.score_bound(last[4], keys // max(m, 1), keys % max(m, 1), totals,
                                   cap_j, cap_s)
        rows, cols, totals, chosen, duals = last
        return Certified(rows, cols, totals, chosen, duals, len(violations), violations,
                         counts, found, scanned, stopped=True, bound=bound)
    raise SolverError(f"no certificate after {max_rounds} rounds of candidates")


def _merged(keys: IntArray, totals: F32) -> tuple[IntArray, F32]:
    """Candidate keys sorted, each once, with their totals."""
    keys, first = np.unique(keys, return_index=True)
    return keys, totals[first]


def _round(source: BlockSource, bounds: _Bounds, duals: Duals, keys: IntArray, k: int,
           pool: ThreadPoolExecutor | None, clock: _Clock, rnd: int, scanned: list[int],
           pairs: int) -> tuple[IntArray, F32, int]:
    """Report a solve, move the bounds to its prices and scan what they do not rule out."""
    m = source.shape[1]
    clock.say("solve", {"round": rnd, "candidates": len(keys), "pairs": pairs})
    reach_in_group = np.logical_and.reduceat(duals.reach_s, bounds.edges[:-1]) if m else \
        np.zeros(0, np.bool_)
    need = bounds.shift(duals, reach_in_group)
    new_keys, new_tot, n_viol, n_scanned = _scan(source, bounds, need, duals, keys, k, pool,
                                                 clock, rnd + 1)
    scanned.append(n_scanned)
    clock.say("certificate", {"round": rnd + 1, "violations": n_viol, "candidates": len(keys),
                              "scanned": n_scanned, "done": 1}, force=True)
    return new_keys, new_tot, n_viol


class _Clock:
    """Progress reports at most once a second (and when forced)."""

    def __init__(self, report: Callable[[str, dict[str, float]], None] | None,
                 cells: int) -> None:
        self.report, self.cells, self.last = report, cells, time.perf_counter()

    def say(self, stage: str, info: dict[str, float], *, force: bool = False) -> None:
        if self.report is not None and (force or stage == "solve"
                                        or time.perf_counter() - self.last >= 1.0):
            self.last = time.perf_counter()
            self.report(stage, info)


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

    def task(span: tuple[int, int]) -> tuple[IntArray, IntArray, F32, F32, F32, BoolArray,
                                              tuple[IntArray, IntArray, F32, F32]]:
        start, stop = span
        total, ok = source.totals(slice(start, stop), slice(None))
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
        best_cols.offer(*offers)
        clock.say("scoring", {"round": 0, "violations": 0, "candidates": 0,
                              "scanned": stop * m})
    bounds.pj = pj
    cr, cc, ct = best_cols.result()
    rows = np.concatenate([*rows_l, cr])
    cols = np.concatenate([*cols_l, cc])
    totals = np.concatenate([*tot_l, ct])
    return rows * max(m, 1) + cols, totals, [n * m]


def _scan(source: BlockSource, bounds: _Bounds, need: BoolArray, duals: Duals, keys: IntArray,
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
    # arrays its side keeps, so small tasks cost little more than their pairs).
    budget = source.block_rows * max(m, 1)
    whole = need.sum(axis=1) * 2 > n_groups
    rows_whole = np.flatnonzero(whole).astype(np.int64)
    tasks: list[tuple[IntArray, IntArray]] = [
        (rows_whole[s:s + source.block_rows], np.arange(n_groups))
        for s in range(0, len(rows_whole), source.block_rows)]
    for g in range(n_groups):
        rows = np.flatnonzero(need[:, g] & ~whole).astype(np.int64)
        step = max(1, budget // max(int(width[g]), 1))
        tasks += [(rows[s:s + step], np.array([g])) for s in range(0, len(rows), step)]

    def task(spec: tuple[IntArray, IntArray]) -> tuple[IntArray, IntArray, F32, F32, BoolArray]:
        rows, groups = spec
        if len(groups) == n_groups:
            cols: IntArray | slice = slice(None)
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
    for (rows, groups), (r, c, t, best, left) in zip(tasks, _ordered(pool, task, tasks),
                                                      strict=True):
        updates.append((np.ix_(rows, groups), best, left))
        n_scanned += len(rows) * int(width[groups].sum())
        w = np.rint(t.astype(np.float64) * SCALE).astype(np.int64)
        imp = duals.improves(r, c, w)
        key = r * m + c
        pos = np.minimum(np.searchsorted(keys, key), max(len(keys) - 1, 0))
        known = keys[pos] == key if len(keys) else np.zeros(len(r), np.bool_)
        n_viol += int((imp & ~known).sum())
        new_r.append(r)
        new_c.append(c)
        new_t.append(t)
        clock.say("certificate", {"round": rnd, "violations": n_viol, "candidates": len(keys),
                                  "scanned": n_scanned})
    for at, best, left in updates:
        bounds.best[at], bounds.left[at] = best, left
    if not new_r:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), 0, 0
    return (np.concatenate(new_r) * m + np.concatenate(new_c), np.concatenate(new_t), n_viol,
            n_scanned)


def _best_of_rows(red: F32, always: BoolArray, pick: BoolArray, keep: int) -> BoolArray:
    """Of each row's picked entries, keep the ``keep`` best (adding a pair first)."""
    prio = np.where(pick, red, -np.inf).astype(np.float32)
    prio[always & pick] += np.float32(1e6)
    keep = min(keep, prio.shape[1])
    top = np.argpartition(-prio, keep - 1, axis=1)[:, :keep]
    out = np.zeros_like(pick)
    np.put_along_axis(out, top, True, axis=1)
    return out & pick


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
        return self.total[rows][:, cols], self.feasible[rows][:, cols]


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
