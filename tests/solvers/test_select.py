"""The compiled selection passes against their definitions and against the numpy passes."""

from __future__ import annotations

import threading
from typing import Any, Literal

import numpy as np
import pytest

from rmatch.constraints.compiled import SCALE
from rmatch.errors import SolverError
from rmatch.solvers import certificate, prices, select, sparse
from rmatch.solvers.certificate import Certified, DenseSource, certify_and_solve
from rmatch.solvers.repair import repair
from rmatch.solvers.sparse import Duals

NEG = np.float32(-np.inf)


def _ties(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Scores on a coarse grid: many equal values, so every tie rule is exercised."""
    return (rng.integers(0, 8, shape) / 8).astype(np.float32)


def _first_by_definition(total: np.ndarray, ok: np.ndarray, ps: np.ndarray, edges: np.ndarray,
                         kk: int, k: int) -> tuple[dict[int, list[int]], np.ndarray, np.ndarray,
                                                   np.ndarray, dict[int, list[int]]]:
    """Row candidates, offers, bounds, "left" and every column's k best, pair by pair."""
    b, m = total.shape
    red = np.where(ok, total + ps[None, :], NEG).astype(np.float32)
    rows: dict[int, list[int]] = {}
    offer = np.zeros(b, np.float32)
    best = np.full((b, len(edges) - 1), NEG, np.float32)
    left = np.zeros((b, len(edges) - 1), bool)
    for i in range(b):
        feas = [c for c in range(m) if ok[i, c]]
        rows[i] = sorted(feas, key=lambda c: (-red[i, c], c))[:kk]
        offer[i] = red[i].max() if feas else 0
        for g in range(len(edges) - 1):
            span = range(edges[g], edges[g + 1])
            left[i, g] = any(ok[i, c] for c in span)
            rest = [red[i, c] - offer[i] for c in span if ok[i, c] and c not in rows[i]]
            best[i, g] = max(rest) if rest else NEG
    cols = {}
    for c in range(m):
        w = [(np.float32(red[i, c] - offer[i]), i) for i in range(b) if ok[i, c]]
        cols[c] = [i for _, i in sorted(w, key=lambda x: (-x[0], x[1]))[:k]]
    return rows, offer, best, left, cols


@pytest.mark.parametrize("seed", range(12))
def test_first_block_is_its_definition_ties_included(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Up to a few CHUNKs of seniors: the offers to the seniors' lists test
    # each chunk at once, the last one partly full.
    b, m = int(rng.integers(5, 30)), int(rng.integers(5, 3 * select.CHUNK + 10))
    total, ok = _ties(rng, (b, m)), rng.random((b, m)) < 0.7
    ok[0] = False  # a junior with no feasible pair: offer 0, no candidates
    ps = _ties(rng, (1, m))[0] / 4
    # From 2 to 16 groups, of fewer and more than the 8 lanes of a group's
    # maximum: with more groups than kk, a row's kk best are looked for only
    # at or above the kk-th largest group maximum (ties on that floor included).
    edges = np.unique(np.r_[0, rng.integers(1, m, int(rng.integers(1, 16))), m])
    kk, k = int(rng.integers(1, 6)), int(rng.integers(1, 5))
    # A buffer of one row beyond the k kept: compacted after nearly every row.
    tops = select.ColumnTops(m, k, room=1)
    out = select.first_block(total, ok, ps, edges, kk, 0, tops)
    rows, offer, best, left, cols = _first_by_definition(total, ok, ps, edges, kk, k)
    got: dict[int, list[int]] = {i: [] for i in range(b)}
    for r, c in zip(out.rows.tolist(), out.cols.tolist(), strict=True):
        got[r].append(c)
    assert got == rows
    assert np.array_equal(out.totals, total[out.rows, out.cols])
    assert np.array_equal(out.offer, offer)
    assert np.array_equal(out.best, best)
    assert np.array_equal(out.left, left)
    r, c, t = tops.result()
    by_col: dict[int, list[int]] = {j: [] for j in range(m)}
    for row, col in zip(r.tolist(), c.tolist(), strict=True):
        by_col[col].append(row)
    assert {j: sorted(v) for j, v in by_col.items()} == {j: sorted(v) for j, v in cols.items()}
    assert np.array_equal(t, total[r, c])


def test_column_tops_merge_threads_like_one() -> None:
    """Blocks split over threads (each its own buffer) give the lists of one thread."""
    rng = np.random.default_rng(7)
    total, ok = _ties(rng, (60, 25)), rng.random((60, 25)) < 0.8
    ps, edges = np.zeros(25, np.float32), np.array([0, 25])
    one = select.ColumnTops(25, 3)
    for start in range(0, 60, 10):
        select.first_block(total[start:start + 10], ok[start:start + 10], ps, edges, 2, start, one)
    many = select.ColumnTops(25, 3)
    # Both threads alive at once: a thread's id may be reused once it ends, and
    # the buffers are kept by thread id (a first thread done before the second
    # started made one buffer in a CI run).
    both = threading.Barrier(2)

    def run(starts: list[int]) -> None:
        both.wait()
        for start in starts:
            select.first_block(total[start:start + 10], ok[start:start + 10], ps, edges, 2,
                               start, many)

    threads = [threading.Thread(target=run, args=(s,)) for s in ([50, 0, 20], [10, 40, 30])]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(many._lists) == 2
    a, b = one.result(), many.result()
    key_a = sorted(zip(a[1].tolist(), a[0].tolist(), strict=True))
    key_b = sorted(zip(b[1].tolist(), b[0].tolist(), strict=True))
    assert key_a == key_b
    assert len(key_a) == 25 * 3 - (~ok).all(axis=0).sum() * 3


@pytest.mark.parametrize("seed", range(12))
def test_scan_block_is_its_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Half the seeds wide rows with many picks: a crowded row's best are
    # chosen by a quickselect over thousands (ties on the grid included).
    wide = seed % 2 == 1
    b, w = int(rng.integers(3, 20)), int(rng.integers(3, 2000 if wide else 50))
    total, ok = _ties(rng, (b, w)), rng.random((b, w)) < 0.8
    pj, ps = _ties(rng, (1, b))[0], _ties(rng, (1, w))[0] / 2
    rj, rs = rng.random(b) < 0.3, rng.random(w) < 0.3
    starts = np.unique(np.r_[0, rng.integers(1, w, 2)])
    most, margin = int(rng.integers(1, 60 if wide else 6)), 0.01
    out = select.scan_block(total, ok, pj, ps, rj, rs, starts, margin, most)
    red = (total - pj[:, None]) + ps[None, :]
    got = {(r, c) for r, c in zip(out.rows.tolist(), out.cols.tolist(), strict=True)}
    want = set()
    for i in range(b):
        adds = rj[i] & ~rs
        pick = [c for c in range(w) if ok[i, c] and not (rs[c] and not rj[i])
                and (red[i, c] > np.float32(-margin) or adds[c])]
        # A crowded row keeps its best (adding a pair first), ties to the lower column.
        prio = {c: np.float32(red[i, c] + np.float32(1e6)) if adds[c] else red[i, c]
                for c in pick}
        kept = sorted(pick, key=lambda c: (-prio[c], c))[:most]
        want |= {(i, c) for c in kept}
        ends = [*starts[1:], w]
        for g, (a, z) in enumerate(zip(starts, ends, strict=True)):
            rest = [red[i, c] for c in range(a, z) if ok[i, c] and c not in kept]
            assert out.best[i, g] == (max(rest) if rest else NEG)
    assert got == want
    assert np.array_equal(out.totals, total[out.rows, out.cols])


@pytest.mark.parametrize("seed", range(6))
def test_shifted_bounds_are_the_numpy_shift_to_the_bit(seed: int) -> None:
    """The compiled shift of the scan bounds against numpy's expressions, near the cut too."""
    rng = np.random.default_rng(seed)
    n, n_groups = int(rng.integers(1, 60)), int(rng.integers(1, 40))
    best = (rng.random((n, n_groups)) - 0.9).astype(np.float32)
    best[rng.random((n, n_groups)) < 0.2] = NEG  # groups with nothing left out
    up, dj = rng.random(n_groups) * 0.01, rng.random(n) * 0.01
    # The risers' rise: above the others' (or none in a group: -inf).
    up_high = up + rng.random(n_groups) * 0.05
    up_high[rng.random(n_groups) < 0.3] = -np.inf
    # Some bounds land within float32 rounding of the cut after the shift.
    near = rng.random((n, n_groups)) < 0.3
    best[near] = (np.float64(-1e-4) - up[None, :] + dj[:, None])[near].astype(np.float32)
    left = rng.random((n, n_groups)) < 0.5
    reach_j, open_g = rng.random(n) < 0.5, rng.random(n_groups) < 0.5
    low = np.float32(-1e-4)
    got, need, part = prices.shifted_bounds(best, up, up_high, dj, left, reach_j, open_g, low)
    v = best + (up[None, :] - dj[:, None]).astype(np.float32)
    h = best + (up_high[None, :] - dj[:, None]).astype(np.float32)
    want_need = (v > low) | (reach_j[:, None] & left & open_g[None, :])
    want_part = (h > low) & ~want_need
    want = np.maximum(v, h)
    assert np.array_equal(got.view(np.int32), want.view(np.int32))
    assert np.array_equal(need, want_need)
    assert np.array_equal(part, want_part)
    assert 0 < np.count_nonzero(v[near] > low) < np.count_nonzero(near)  # both sides met
    assert want_part.any()
    numpy_way = prices.shifted_bounds(best, up, up_high, dj, left, reach_j, open_g, low,
                                      compile_it=False)
    assert np.array_equal(numpy_way[0].view(np.int32), got.view(np.int32))
    assert np.array_equal(numpy_way[1], need)
    assert np.array_equal(numpy_way[2], part)
    # With no risers anywhere, the bound is the one shift of every senior by up.
    plain = prices.shifted_bounds(best, up, np.full(n_groups, -np.inf), dj, left, reach_j,
                                  open_g, low)
    assert np.array_equal(plain[0].view(np.int32), v.view(np.int32))
    assert not plain[2].any()
    # The others' bound recovered from max(v, h): at least v, by no more than the slack.
    others = prices.others_bound(got, up, up_high, dj)
    finite = np.isfinite(v) & np.isfinite(h)
    assert (others[finite] >= v[finite]).all()
    assert (others[finite] <= v[finite] + 2 * prices.SLACK).all()


@pytest.mark.parametrize("seed", range(6))
def test_risers_scanned_compiled_is_numpys_update_to_the_bit(seed: int) -> None:
    """A risers-only task's bounds: the others' bound raised to the risers' best, where needed."""
    rng = np.random.default_rng(seed)
    n, n_groups = int(rng.integers(5, 60)), int(rng.integers(3, 40))
    best = (rng.random((n, n_groups)) - 0.9).astype(np.float32)
    best[rng.random((n, n_groups)) < 0.2] = NEG
    left = rng.random((n, n_groups)) < 0.5
    up, dj = rng.random(n_groups) * 0.01, rng.random(n) * 0.01
    up_high = up + rng.random(n_groups) * 0.05
    up_high[rng.random(n_groups) < 0.3] = -np.inf  # groups without risers
    part = rng.random((n, n_groups)) < 0.5
    need = prices.Need(np.zeros_like(part), part, np.arange(n_groups), up, up_high, dj)
    rows = np.sort(rng.choice(n, int(rng.integers(1, n)), replace=False))
    groups = np.sort(rng.choice(n_groups, int(rng.integers(1, n_groups)), replace=False))
    got = (rng.random((len(rows), len(groups))) - 0.95).astype(np.float32)
    got[rng.random(got.shape) < 0.3] = NEG
    got_left = rng.random(got.shape) < 0.5
    edges = np.arange(n_groups + 1) * 4
    out = {}
    for compile_it in (False, True):
        b = prices._Bounds(edges, best.copy(), left.copy(), np.zeros(n), np.zeros(edges[-1]))
        prices.risers_scanned(b, need, rows, groups, got, got_left, compile_it=compile_it)
        out[compile_it] = b
    assert np.array_equal(out[True].best.view(np.int32), out[False].best.view(np.int32))
    assert np.array_equal(out[True].left, out[False].left)
    # The definition: blocks needed alone get max(others' bound, risers' best), others stay.
    at = np.ix_(rows, groups)
    others = prices.others_bound(best[at], up[groups], up_high[groups], dj[rows])
    want = best.copy()
    want[at] = np.where(part[at], np.maximum(others, got), best[at])
    assert np.array_equal(out[True].best, want)
    want_left = left.copy()
    want_left[at] |= part[at] & got_left
    assert np.array_equal(out[True].left, want_left)
    changed = out[True].best != best
    assert changed.any()
    assert not changed[~part].any()


@pytest.mark.parametrize("seed", range(8))
def test_scans_of_risers_alone_still_prove_scipys_optimum(seed: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide groups, few candidates: blocks scanned against their risers only, the optimum kept.

    After every scan no candidate is picked again, and each (junior, group)
    bound must be at least the best reduced score of the group's pairs left
    out of the candidates, computed here from the whole matrix; and the
    answer must be scipy's optimum.
    """
    from scipy.optimize import linear_sum_assignment

    from rmatch.solvers import scan

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(120, 200)), int(rng.integers(120, 200))
    total = rng.random((n, m), dtype=np.float32)
    parts: list[int] = []
    real_shift, real_scan = prices._Bounds.shift, scan._scan

    def counted(self: prices._Bounds, duals: Duals, reach: np.ndarray) -> prices.Need:
        need = real_shift(self, duals, reach)
        parts.append(int(need.part.sum()))
        return need

    def checked_scan(source: Any, bounds: prices._Bounds, *args: Any) -> Any:
        out = real_scan(source, bounds, *args)
        # Candidates are never picked again (each task clears its own from the mask).
        assert not np.isin(out[0], args[2]).any()
        keys = np.union1d(args[2], out[0])  # the candidates, those just added included
        red = (total - bounds.pj.astype(np.float32)[:, None]) \
            + bounds.ps.astype(np.float32)[None, :]
        red.ravel()[keys] = -np.inf
        truth = np.maximum.reduceat(red, bounds.edges[:-1], axis=1)
        assert (bounds.best >= truth - 1e-5).all()
        return out

    monkeypatch.setattr(prices._Bounds, "shift", counted)
    monkeypatch.setattr(certificate, "_scan", checked_scan)
    # Against every riser at once (128), or each such group whole (0).
    for compiled_from, riser_block in ((0, 128), (10**12, 128), (0, 0)):
        monkeypatch.setattr(select, "COMPILED_FROM_PAIRS", compiled_from)
        monkeypatch.setattr(scan, "RISER_BLOCK", riser_block)
        out = certify_and_solve(DenseSource(total, np.ones((n, m), bool), block_rows=16),
                                np.ones(n, np.int64), np.ones(m, np.int64), "max_score",
                                k=1, groups=3, price_sample=0)
        r, c = linear_sum_assignment(total.astype(np.float64), maximize=True)
        weights = np.rint(total.astype(np.float64) * SCALE).astype(np.int64)
        got = weights[out.rows[out.chosen], out.cols[out.chosen]].sum()
        assert got == weights[r, c].sum()
        assert out.violations[-1] == 0
    assert sum(parts) > 0  # some blocks were scanned against their risers alone


@pytest.mark.parametrize("seed", range(4))
def test_best_offers_are_numpys_column_minima(seed: int) -> None:
    """The price sample's extension to every senior, compiled against its numpy expression."""
    rng = np.random.default_rng(seed)
    b, w = int(rng.integers(1, 50)), int(rng.integers(1, 70))
    total = rng.random((b, w), dtype=np.float32)
    ok = rng.random((b, w)) < 0.6
    ok[:, 0] = False  # a senior no sampled junior may pair with: no offer
    offer = rng.random(b) * 2
    got = prices.best_offers(total, ok, offer)
    want = np.where(ok, offer[:, None] - total, np.inf).min(axis=0, initial=np.inf)
    assert np.array_equal(got, want)
    assert got[0] == np.inf


@pytest.mark.parametrize("seed", range(8))
def test_compiled_and_numpy_passes_prove_the_same(seed: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole candidate loop, both ways: same candidates, scans, answer (float scores)."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(30, 160)), int(rng.integers(30, 160))
    total = rng.random((n, m), dtype=np.float32)
    ok = rng.random((n, m)) < rng.uniform(0.3, 1)
    k, groups = int(rng.integers(1, 6)), int(rng.integers(1, 20))
    objective: Literal["max_pairs", "max_score"] = "max_pairs" if seed % 2 else "max_score"
    cap_j = rng.integers(1, 3, n)

    def run(compiled_from: int) -> Certified:
        monkeypatch.setattr(select, "COMPILED_FROM_PAIRS", compiled_from)
        return certify_and_solve(DenseSource(total, ok, block_rows=9), cap_j,
                                 np.ones(m, np.int64), objective, k=k, groups=groups,
                                 price_sample=0)

    a, b = run(10**12), run(0)
    assert a.candidates == b.candidates
    assert a.violations == b.violations
    assert a.scanned == b.scanned
    for name in ("rows", "cols", "chosen"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert a.violations[-1] == 0


@pytest.mark.parametrize("seed", range(6))
def test_compiled_column_picks_are_the_numpy_picks(seed: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Each senior's best juniors (the support's picks) both ways, ties and threads included."""
    from concurrent.futures import ThreadPoolExecutor

    from rmatch.solvers import scan

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(40, 200)), int(rng.integers(20, 120))
    total, ok = _ties(rng, (n, m)), rng.random((n, m)) < 0.8
    bounds = prices._Bounds(np.array([0, m]), np.zeros((n, 1), np.float32),
                          np.zeros((n, 1), bool), _ties(rng, (1, n))[0].astype(np.float64),
                          (_ties(rng, (1, m))[0] / 2).astype(np.float64))
    juniors = np.sort(rng.choice(n, int(rng.integers(5, n)), replace=False)).astype(np.int64)
    seniors = np.sort(rng.choice(m, int(rng.integers(1, m)), replace=False)).astype(np.int64)
    most = int(rng.integers(1, 8))
    # Blocks of about 3 juniors each: many offers to the lists, from two threads below.
    source = DenseSource(total, ok, block_rows=max(1, 3 * len(seniors) // m))

    def picks(compiled_from: int, pool: ThreadPoolExecutor | None) -> list[tuple[int, float]]:
        monkeypatch.setattr(select, "COMPILED_FROM_PAIRS", compiled_from)
        keys, tot, scored = scan._column_picks(source, bounds, juniors, seniors, most, pool)
        assert scored == len(juniors) * len(seniors)
        return sorted(zip(keys.tolist(), tot.tolist(), strict=True))

    want = picks(10**12, None)
    with ThreadPoolExecutor(2) as pool:
        assert picks(0, pool) == want
    assert picks(0, None) == want
    # The definition: each senior's most best by total + ps - pj, ties to the lower row.
    red = (total + bounds.ps.astype(np.float32)[None, :]) - bounds.pj.astype(np.float32)[:, None]
    by_def = []
    for c in seniors.tolist():
        cand = [(-red[r, c], r) for r in juniors.tolist() if ok[r, c]]
        by_def += [(r * m + c, float(total[r, c])) for _, r in sorted(cand)[:most]]
    assert sorted(by_def) == want


@pytest.mark.parametrize("seed", range(5))
def test_compiled_distances_are_the_numpy_sweeps(seed: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Residual graphs of real optimal flows: both ways give the same shortest distances."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 80)), int(rng.integers(20, 80))
    rows, cols = np.nonzero(rng.random((n, m)) < 0.3)
    weights = rng.integers(0, 1000, len(rows))
    caps = rng.integers(1, 3, n), rng.integers(1, 3, m)

    def duals(compiled_from: int) -> tuple[np.ndarray, Duals]:
        monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", compiled_from)
        return sparse.solve_candidates(n, m, rows.astype(np.int64), cols.astype(np.int64),
                                       weights, *caps, ("max_pairs", "max_score")[seed % 2])

    (chosen_a, a), (chosen_b, b) = duals(10**12), duals(0)
    assert np.array_equal(chosen_a, chosen_b)
    assert np.array_equal(a.pot_j, b.pot_j)
    assert np.array_equal(a.pot_s, b.pot_s)
    assert (a.ref_j, a.ref_s) == (b.ref_j, b.ref_s)


@pytest.mark.parametrize("seed", range(4))
def test_compiled_distances_on_graphs_with_many_negative_arcs(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Costs that some potentials make non-negative (no negative cycle), most arcs below 0.

    The compiled queue takes a node whose distance falls below the next one's
    first: the same distances as the numpy sweeps, on graphs where that
    reordering happens again and again.
    """
    rng = np.random.default_rng(seed)
    n_nodes = int(rng.integers(50, 400))
    tails = rng.integers(0, n_nodes, 8 * n_nodes)
    heads = rng.integers(0, n_nodes, 8 * n_nodes)
    pot = rng.integers(-10_000, 10_000, n_nodes)
    costs = rng.integers(0, 50, len(tails)) - pot[tails] + pot[heads]
    assert (costs < 0).mean() > 0.3
    want = sparse._distances(n_nodes, tails, heads, costs)
    monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", 0)
    got = sparse._distances(n_nodes, tails, heads, costs)
    assert np.array_equal(got, want)
    assert (costs + got[tails] - got[heads] >= 0).all()  # valid potentials: the proof


@pytest.mark.parametrize("seed", range(4))
def test_compiled_search_reaches_what_scipy_reaches(seed: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Who a node reaches, compiled (large residual graphs) and by scipy's search."""
    rng = np.random.default_rng(seed)
    n_nodes = int(rng.integers(30, 300))
    n_arcs = int(rng.integers(n_nodes // 2, 2 * n_nodes))  # sparse: some parts unreached
    tails, heads = rng.integers(0, n_nodes, n_arcs), rng.integers(0, n_nodes, n_arcs)
    sizes = []
    for start in rng.integers(0, n_nodes, 8).tolist():
        want = sparse._reach(n_nodes, tails, heads, start)
        monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", 0)
        got = sparse._reach(n_nodes, tails, heads, start)
        monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", 10**12)
        assert np.array_equal(got, want)
        assert got[start]
        assert not (got[tails] & ~got[heads]).any()  # closed: no arc leaves it
        sizes.append(int(got.sum()))
    assert max(sizes) > 1  # some search went somewhere: tested something


def test_compiled_distances_find_a_negative_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", 0)
    tails, heads = np.array([0, 1, 2]), np.array([1, 2, 0])
    with pytest.raises(SolverError, match="negative cycle"):
        sparse._distances(3, tails, heads, np.array([1, -3, 1]))
    # A cycle of cost 0: node 2 at -2, node 0 at -1 through it, node 1 at 0.
    assert sparse._distances(3, tails, heads, np.array([1, -2, 1])).tolist() == [-1, 0, -2]


@pytest.mark.parametrize("seed", range(5))
def test_compiled_distances_give_the_same_reduced_costs(seed: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reduced costs first try a graph that may hold a negative cycle: both ways agree."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(10, 40)), int(rng.integers(10, 40))
    rows, cols = np.nonzero(rng.random((n, m)) < 0.4)
    weights = rng.integers(0, 50, len(rows))  # few values: ties, zero-cost cycles

    def run(compiled_from: int) -> sparse.Reduced:
        monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", compiled_from)
        return sparse.reduced_costs(n, m, rows.astype(np.int64), cols.astype(np.int64),
                                    weights, np.ones(n, np.int64), np.ones(m, np.int64))

    a, b = run(10**12), run(0)
    for name in ("chosen", "rc", "pot_j", "pot_s"):
        assert np.array_equal(getattr(a, name), getattr(b, name))


def test_a_long_negative_cycle_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ring of 2,000 nodes whose arcs sum to -1, with a tail hanging off it."""
    monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", 0)
    ring = np.arange(2000)
    tails = np.r_[ring, np.arange(2000, 2999)]
    heads = np.r_[(ring + 1) % 2000, np.arange(2001, 3000)]
    costs = np.r_[np.full(1999, 1), -2000, np.ones(999, np.int64)]
    with pytest.raises(SolverError, match="negative cycle"):
        sparse._distances(3000, tails, heads, costs)


@pytest.mark.parametrize("seed", range(10))
def test_repaired_resolves_reach_the_full_solves_optimum(seed: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Repairing the last optimum after each scan: the same optimum, certified, as full solves."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(40, 200)), int(rng.integers(40, 200))
    total = (rng.random((n, m)) ** 3).astype(np.float32)
    ok = rng.random((n, m)) < rng.uniform(0.5, 1)
    objective: Literal["max_pairs", "max_score"] = "max_pairs" if seed % 2 else "max_score"
    cap_j = rng.integers(1, 3, n)
    used = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        out = repair(*args, **kwargs)
        used.append(out is not None)
        return out

    def run() -> Certified:
        return certify_and_solve(DenseSource(total, ok, block_rows=16), cap_j,
                                 np.ones(m, np.int64), objective, k=1, price_sample=0)

    monkeypatch.setattr(certificate, "repair", spy)
    monkeypatch.setattr("rmatch.solvers.repair.SEARCH_GUESS", 0)  # small: always try
    monkeypatch.setattr(certificate, "REPAIR_BUDGET", 10**6)
    monkeypatch.setattr(certificate, "REPAIR_FROM", 0)
    a = run()
    monkeypatch.setattr(certificate, "repair", lambda *_, **__: None)
    b = run()
    assert a.violations[-1] == 0
    assert a.found[-1][0] == b.found[-1][0]
    assert a.found[-1][1] == pytest.approx(b.found[-1][1], abs=1e-6)
    weights = np.rint(a.totals.astype(np.float64) * 2**30).astype(np.int64)
    assert not a.duals.improves(a.rows[~a.chosen], a.cols[~a.chosen], weights[~a.chosen]).any()
    assert len(used) == len(a.found) - 1  # every re-solve tried a repair
    assert all(used)  # and every repair held
    if seed == 0:
        assert len(used) > 0


def test_small_programmes_never_call_the_repair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below REPAIR_FROM candidates a re-solve is a min-cost flow: no kernel to compile."""
    rng = np.random.default_rng(1)
    n, m = 120, 150
    total = (rng.random((n, m)) ** 3).astype(np.float32)
    calls: list[int] = []
    monkeypatch.setattr(certificate, "repair", lambda *_, **__: calls.append(1))
    out = certify_and_solve(DenseSource(total, np.ones((n, m), np.bool_), block_rows=16),
                            np.ones(n, np.int64), np.ones(m, np.int64), "max_pairs", k=1,
                            price_sample=0)
    assert len(out.found) > 1  # there were re-solves
    assert calls == []
    monkeypatch.setattr(certificate, "REPAIR_FROM", 0)
    certify_and_solve(DenseSource(total, np.ones((n, m), np.bool_), block_rows=16),
                      np.ones(n, np.int64), np.ones(m, np.int64), "max_pairs", k=1,
                      price_sample=0)
    assert calls  # the same programme tries it once the threshold allows


def test_the_seniors_best_juniors_fit_the_memory_budget() -> None:
    """Four threads' buffers and their merge stay within ``BYTES_PER_SENIOR`` a senior.

    ``block_memory`` sizes the scored blocks with that figure; a larger ``k``
    or buffer would leave less room than it thinks.
    """
    import tracemalloc

    from rmatch.scoring.memory import BYTES_PER_SENIOR
    from rmatch.solvers.scan import CANDIDATES_PER_PERSON
    k = CANDIDATES_PER_PERSON
    m, rows, threads = 1000, k + 8, 4  # certify_and_solve's most threads
    rng = np.random.default_rng(0)
    blocks = [rng.random((rows, m)).astype(np.float32) for _ in range(threads)]
    tops = select.ColumnTops(m, k)
    ps, edges, ok = np.zeros(m, np.float32), np.array([0, m]), np.ones((rows, m), np.bool_)
    together = threading.Barrier(threads)  # alive at once: one buffer each

    def run(i: int) -> None:
        together.wait()
        select.first_block(blocks[i], ok, ps, edges, k, i * rows, tops)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for th in workers:
        th.start()
    for th in workers:
        th.join()
    assert len(tops._lists) == threads
    buffers = sum(a.nbytes for lists in tops._lists.values() for a in lists)
    tracemalloc.start()
    rows_out, _, _ = tops.result()
    merge = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(rows_out) == k * m  # every senior's k best: the buffers were full
    assert (buffers + merge) / m <= BYTES_PER_SENIOR


def test_a_compaction_that_frees_nothing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A compaction that kept too much would make the first pass loop for ever: it raises."""
    tops = select.ColumnTops(4, 1, room=1)  # room for two a senior: full after two rows
    monkeypatch.setattr(select.ColumnTops, "compact", lambda self, lists: None)
    total = np.arange(12, dtype=np.float32).reshape(3, 4)
    with pytest.raises(RuntimeError, match="did not shrink"):
        select.first_block(total, np.ones((3, 4), bool), np.zeros(4, np.float32),
                           np.array([0, 4]), 1, 0, tops)


@pytest.mark.parametrize("seed", range(4))
def test_sample_prices_by_row_blocks_are_the_c_transform(seed: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's extension, a few sampled juniors a block (minima across blocks), compiled
    and numpy, against one block of all of them: the same prices, to the bit."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(40, 90)), int(rng.integers(40, 90))
    total, ok = _ties(rng, (n, m)), rng.random((n, m)) < 0.6
    ok[:, 0] = False  # a senior no sampled junior can take: priced at the reference
    one = np.ones(n, np.int64), np.ones(m, np.int64)

    def prices(block_rows: int, compiled_from: int) -> np.ndarray:
        monkeypatch.setattr(select, "COMPILED_FROM_PAIRS", compiled_from)
        source = DenseSource(total, ok, block_rows=block_rows)
        return certificate._estimate_prices(source, *one, 20, 1, seed, None)

    want = prices(10**6, 10**12)
    assert np.isfinite(want).all()
    assert want[0] == want.max()  # the reference: the most any senior is priced at
    for block_rows, compiled_from in [(3, 10**12), (3, 0), (7, 0), (10**6, 0)]:
        assert np.array_equal(prices(block_rows, compiled_from), want)
