"""Bridges out of a Hall violator before the first solve (rmatch.solvers.fill).

Oracles: every assignment of tiny instances (the most pairs, and who the
source reaches after each maximum assignment: the same sets for all of
them), and scipy's maximum bipartite matching on the whole programme.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from rmatch.solvers import prices, scan
from rmatch.solvers.certificate import DenseSource, certify_and_solve
from rmatch.solvers.fill import fill, reached
from tests.oracle import _assignments


def _reach(n: int, m: int, rows: np.ndarray, cols: np.ndarray, used: np.ndarray,
           cap_j: np.ndarray, cap_s: np.ndarray) -> tuple[set[int], set[int]]:
    """Who the juniors with room reach by unused pairs forward, used pairs back (a plain BFS)."""
    load = np.bincount(rows[used], minlength=n)
    todo = [j for j in range(n) if load[j] < cap_j[j]]
    zj, zs = set(todo), set()
    while todo:
        j = todo.pop()
        for p in np.flatnonzero((rows == j) & ~used):
            k = int(cols[p])
            if k not in zs:
                zs.add(k)
                for q in np.flatnonzero((cols == k) & used):
                    if int(rows[q]) not in zj:
                        zj.add(int(rows[q]))
                        todo.append(int(rows[q]))
    return zj, zs


@pytest.mark.parametrize(("seed", "one_place"), [(s, s % 2 == 1) for s in range(80)])
def test_reached_is_the_same_after_every_maximum_assignment(seed: int, one_place: bool) -> None:
    """Any places (a maximum flow), or one each (Hopcroft-Karp): the same as brute force."""
    rng = np.random.default_rng(seed)
    n, m = (int(x) for x in rng.integers(1, 6, 2))
    feasible = rng.random((n, m)) < 0.45
    while feasible.sum() > 12:
        feasible &= rng.random((n, m)) < 0.8
    cap_j, cap_s = rng.integers(0, 3, n), rng.integers(0, 3, m)
    if one_place:
        cap_j, cap_s = np.ones(n, np.int64), np.ones(m, np.int64)
    masks, rows, cols, ok = _assignments(feasible, cap_j, cap_s)
    sizes = np.where(ok, masks.sum(axis=1), -1)
    pairs, zj, zs, _ = reached(n, m, rows, cols, cap_j.astype(np.int64), cap_s.astype(np.int64))
    assert pairs == sizes.max()
    best = np.flatnonzero(sizes == sizes.max())
    for mask in masks[best]:
        want_j, want_s = _reach(n, m, rows, cols, mask.astype(bool), cap_j, cap_s)
        assert set(np.flatnonzero(zj).tolist()) == want_j
        assert set(np.flatnonzero(zs).tolist()) == want_s
    # No senior the juniors with room reach has room: that would be one more pair.
    full = np.bincount(cols[masks[best[0]].astype(bool)], minlength=m) >= cap_s
    assert full[zs].all()


def _young_and_old(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Everyone scores the first tenth of the seniors ('young') low; their own lists are short.

    With one candidate a person, every junior lists an 'old' senior and the
    young seniors list the same few juniors: the candidates hold far fewer
    pairs than the programme (a Hall violator).
    """
    rng = np.random.default_rng(seed)
    total = (0.5 + 0.5 * rng.random((n, n))).astype(np.float32)
    young = n // 10
    total[:, :young] = (0.1 * rng.random((n, young))).astype(np.float32)
    total[: 3, :young] += np.float32(0.5)  # three juniors every young senior wants
    feasible = rng.random((n, n)) < 0.9
    return total, feasible


@pytest.mark.parametrize("seed", range(6))
def test_fill_reaches_the_most_pairs_of_the_programme(seed: int) -> None:
    n, k = 60, 1
    total, feasible = _young_and_old(seed, n)
    one = np.ones(n, np.int64)
    src = DenseSource(total, feasible, block_rows=7)
    bounds = prices._Bounds(np.array([0, n]), np.full((n, 1), -np.inf, np.float32),
                          np.zeros((n, 1), bool), np.zeros(n), np.zeros(n))
    keys, totals, _ = scan._first_pass(src, bounds, k, None, scan._Clock(None, n * n))
    keys, totals = scan._merged(keys, totals)
    before, _, _, _ = reached(n, n, keys // n, keys % n, one, one)
    most = int((maximum_bipartite_matching(csr_matrix(feasible), perm_type="column")
                >= 0).sum())
    assert before < most  # the instance has a violator
    got, got_t, scored, flowed = fill(src, bounds, keys, totals, one, one, k, None)
    after, _, _, _ = reached(n, n, got // n, got % n, one, one)
    assert after == most
    assert np.isin(keys, got).all()  # only adds
    assert np.all(np.diff(got) > 0)  # sorted, each once
    assert feasible[got // n, got % n].all()
    assert np.array_equal(got_t, total[got // n, got % n])
    assert 0 < scored <= n * n
    # The last flow's pairs, on the result: a matching (one place each), of the
    # candidates, and no larger than the most pairs they hold.
    assert len(flowed) == len(got)
    fr, fc = got[flowed] // n, got[flowed] % n
    assert len(set(fr.tolist())) == len(fr)
    assert len(set(fc.tolist())) == len(fc)
    assert 0 < flowed.sum() <= after


def test_the_candidate_path_reaches_its_first_solve_with_the_most_pairs() -> None:
    total, feasible = _young_and_old(1, 80)
    one = np.ones(80, np.int64)
    most = int((maximum_bipartite_matching(csr_matrix(feasible), perm_type="column")
                >= 0).sum())
    out = certify_and_solve(DenseSource(total, feasible, block_rows=9), one, one, "max_pairs",
                            k=1, price_sample=0)
    assert out.found[0][0] == most  # the first solve, not only the last
    assert out.violations[-1] == 0
