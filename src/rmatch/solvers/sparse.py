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

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from rmatch.errors import SolverError

__all__ = ["SCALE", "BlockSource", "Certified", "Duals", "certify_and_solve", "solve_candidates"]

SCALE = 2**30
"""Scores become integer weights ``rint(score * SCALE)`` (the flow solver's scale)."""

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F32 = npt.NDArray[np.float32]


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

    def reduced(self, rows: slice | IntArray, cols: slice | IntArray | None,
                total: F32) -> tuple[F32, BoolArray, BoolArray]:
        """Float32 reduced scores of a dense block (score units), for ranking and pre-filtering.

        Returns ``(reduced, always, never)``: ``always`` marks the pairs that
        would add a pair under ``max_pairs`` (they improve whatever their
        score), ``never`` those that cannot improve at all.
        """
        cols_ = slice(None) if cols is None else cols
        a = (self.pot_j[rows] / SCALE).astype(np.float32)
        b = (self.pot_s[cols_] / SCALE).astype(np.float32)
        red = total - a[:, None]
        red += b[None, :]
        rj, rk = self.reach_j[rows], self.reach_s[cols_]
        return red, rj[:, None] & ~rk[None, :], ~rj[:, None] & rk[None, :]


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
"""``k``: candidates per person and round (measured best of 8, 16, 32, 64 at 10,000)."""


def sample_indices(n: int, m: int, sample: int | None, seed: int) -> tuple[IntArray, IntArray]:
    """Return the rows and columns whose scores set the candidate thresholds.

    A threshold keeping ``k`` of ``m`` needs a sample where the ``k``-th best
    is still resolved: at least ``2 m / k`` columns (512 at least). Fewer,
    and each row keeps ``m / sample`` candidates whatever ``k`` is.

    Examples
    --------
    >>> rows, cols = sample_indices(100_000, 100_000, None, 0)
    >>> len(rows), len(cols)
    (6250, 6250)
    """
    rng = np.random.default_rng(seed)
    size_r = sample or max(512, -(-2 * n // CANDIDATES_PER_PERSON))
    size_c = sample or max(512, -(-2 * m // CANDIDATES_PER_PERSON))
    rows = np.sort(rng.choice(n, min(n, size_r), replace=False)).astype(np.int64)
    cols = np.sort(rng.choice(m, min(m, size_c), replace=False)).astype(np.int64)
    return rows, cols


class BlockSource(Protocol):
    """Scores of a programme, served one block of juniors (rows) at a time."""

    shape: tuple[int, int]

    def blocks(self) -> Iterator[tuple[int, F32, BoolArray]]:
        """Yield ``(first row, total, feasible)`` for consecutive row blocks covering all rows."""
        ...

    def sample_rows(self) -> tuple[IntArray, F32, BoolArray]:
        """Return a fixed sample of rows with their full rows of scores (for thresholds)."""
        ...

    def sample_cols(self) -> tuple[IntArray, F32, BoolArray]:
        """Return a fixed sample of columns with their full columns of scores."""
        ...


@dataclass(frozen=True)
class Certified:
    """The optimum on the candidates, with how it was proven for every pair.

    ``rows``/``cols``/``weights`` are the final candidate pairs (``chosen``
    marks the assignment); ``rounds`` counts the scans of all pairs;
    ``violations`` the candidates each scan had to add (0 in the last: the
    certificate); ``candidates`` the candidate count after each round;
    ``found`` the (pairs, total score) of each round's solve.
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


def _thresholds(values: F32, ok: BoolArray, k: int, population: int) -> F32:
    """Per row of a sample, the score above which about ``k`` of ``population`` lie."""
    n_sample = values.shape[1]
    if n_sample == 0:
        return np.full(values.shape[0], np.inf, dtype=np.float32)
    keep = min(n_sample, max(1, int(np.ceil(k * n_sample / max(population, 1)))))
    masked = np.where(ok, values, -np.inf).astype(np.float32)
    part = np.partition(masked, n_sample - keep, axis=1)[:, n_sample - keep]
    return np.asarray(part, dtype=np.float32)


def certify_and_solve(
    source: BlockSource, cap_j: IntArray, cap_s: IntArray,
    objective: Literal["max_pairs", "max_score"], *, k: int = CANDIDATES_PER_PERSON,
    max_rounds: int = 50,
    report: Callable[[str, dict[str, float]], None] | None = None,
) -> Certified:
    """Solve on candidates, scan every pair, add what improves, until none does.

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
    srow_idx, srow_tot, srow_ok = source.sample_rows()
    scol_idx, scol_tot, scol_ok = source.sample_cols()
    # Round 0: the best k by raw score per row and per column (prices 0).
    duals = Duals(np.zeros(n, np.int64), np.zeros(m, np.int64), np.zeros(n, np.bool_),
                  np.zeros(m, np.bool_))
    keys = np.zeros(0, dtype=np.int64)
    totals = np.zeros(0, dtype=np.float32)
    violations: list[int] = []
    counts: list[int] = []
    found: list[tuple[int, float]] = []
    chosen = np.zeros(0, dtype=np.bool_)
    for rnd in range(max_rounds + 1):
        # Thresholds on reduced scores from the samples: about k per row and column.
        red_r, _, never_r = duals.reduced(slice(None), scol_idx, scol_tot)
        row_thr = _thresholds(red_r, scol_ok & ~never_r, k, m)
        red_c, _, never_c = duals.reduced(srow_idx, slice(None), srow_tot)
        col_thr = _thresholds(red_c.T, (srow_ok & ~never_c).T, k, n)
        new_keys: list[IntArray] = []
        new_tot: list[F32] = []
        n_viol = 0
        last = time.perf_counter()
        for start, tot, ok in source.blocks():
            stop = start + tot.shape[0]
            if report is not None and time.perf_counter() - last >= 1.0:
                last = time.perf_counter()
                report("scoring" if rnd == 0 else "certificate",
                       {"round": rnd, "violations": n_viol, "candidates": len(keys),
                        "scanned": start * m})
            red, always, never = duals.reduced(slice(start, stop), None, tot)
            pick = (red >= row_thr[start:stop, None]) | (red >= col_thr[None, :])
            if rnd:  # pairs that might improve: checked exactly below
                maybe = (red > -1e-4) | always
                pick |= maybe
            pick &= ok & ~never
            per_row = np.count_nonzero(pick, axis=1) if rnd else np.zeros(0, np.intp)
            crowded = np.flatnonzero(per_row > 2 * k)
            if len(crowded):
                # Too many for one round (a first solve short of pairs makes
                # every pair that adds one improve): those rows' best 2k.
                pick[crowded] = _best_of_rows(red[crowded], always[crowded], pick[crowded],
                                              2 * k)
            r, c = np.nonzero(pick)
            t = tot[r, c]
            r = r.astype(np.int64) + start
            c = c.astype(np.int64)
            new_keys.append(r * m + c)
            new_tot.append(t)
            if rnd:
                w = np.rint(t.astype(np.float64) * SCALE).astype(np.int64)
                imp = duals.improves(r, c, w)
                pos = np.minimum(np.searchsorted(keys, r * m + c), max(len(keys) - 1, 0))
                known = keys[pos] == r * m + c if len(keys) else np.zeros(len(r), np.bool_)
                n_viol += int((imp & ~known).sum())
        if rnd:
            violations.append(n_viol)
            if report is not None:
                report("certificate", {"round": rnd, "violations": n_viol,
                                       "candidates": len(keys), "scanned": n * m})
            if n_viol == 0:
                break
        all_keys = np.concatenate([keys, *new_keys])
        all_tot = np.concatenate([totals, *new_tot])
        keys, first = np.unique(all_keys, return_index=True)
        totals = all_tot[first]
        counts.append(len(keys))
        rows, cols = keys // m, keys % m
        weights = np.rint(totals.astype(np.float64) * SCALE).astype(np.int64)
        chosen, duals = solve_candidates(n, m, rows, cols, weights, cap_j, cap_s, objective)
        found.append((int(chosen.sum()), float(totals[chosen].astype(np.float64).sum())))
        if report is not None:
            report("solve", {"round": rnd, "candidates": len(keys),
                             "pairs": int(chosen.sum())})
    else:
        raise SolverError(f"no certificate after {max_rounds} rounds of candidates")
    return Certified(keys // m, keys % m, totals, chosen, duals, len(violations), violations,
                     counts, found)


def _best_of_rows(red: F32, always: BoolArray, pick: BoolArray, keep: int) -> BoolArray:
    """Of each row's picked entries, keep the ``keep`` best (adding a pair first)."""
    prio = np.where(pick, red, -np.inf).astype(np.float32)
    prio[always & pick] += np.float32(1e6)
    top = np.argpartition(-prio, keep - 1, axis=1)[:, :keep]
    out = np.zeros_like(pick)
    np.put_along_axis(out, top, True, axis=1)
    return out & pick


class DenseSource:
    """A :class:`BlockSource` over score and feasibility matrices already in memory.

    Examples
    --------
    >>> src = DenseSource(np.zeros((3, 2), np.float32), np.ones((3, 2), bool), block_rows=2)
    >>> [start for start, _, _ in src.blocks()]
    [0, 2]
    """

    def __init__(self, total: F32, feasible: BoolArray, *, block_rows: int | None = None,
                 sample: int | None = None, seed: int = 0) -> None:
        self.total, self.feasible = total, feasible
        self.shape = (int(total.shape[0]), int(total.shape[1]))
        cells = 2_000_000  # ~8 MB of float32 per block: in cache-friendly passes
        self.block_rows = block_rows or max(1, cells // max(self.shape[1], 1))
        self._rows, self._cols = sample_indices(*self.shape, sample, seed)

    def blocks(self) -> Iterator[tuple[int, F32, BoolArray]]:
        """Yield consecutive row blocks (views, no copies)."""
        for start in range(0, self.shape[0], self.block_rows):
            stop = start + self.block_rows
            yield start, self.total[start:stop], self.feasible[start:stop]

    def sample_rows(self) -> tuple[IntArray, F32, BoolArray]:
        """Return the sampled rows."""
        return self._rows, self.total[self._rows], self.feasible[self._rows]

    def sample_cols(self) -> tuple[IntArray, F32, BoolArray]:
        """Return the sampled columns."""
        return self._cols, self.total[:, self._cols], self.feasible[:, self._cols]
