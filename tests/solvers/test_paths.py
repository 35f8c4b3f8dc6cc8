"""Goldberg-Radzik passes against scipy's shortest paths, and the queue after them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from rmatch.errors import SolverError
from rmatch.jit import compiled
from rmatch.solvers import sparse
from rmatch.solvers.paths import topological_paths


def _graph(seed: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Arcs whose costs some potentials make >= 0 (no negative cycle), most below 0,
    a fifth of them exactly tight (cycles of cost 0) and parallel arcs."""
    rng = np.random.default_rng(seed)
    n_nodes = int(rng.integers(20, 300))
    n_arcs = int(rng.integers(2, 10)) * n_nodes
    tails, heads = rng.integers(0, n_nodes, n_arcs), rng.integers(0, n_nodes, n_arcs)
    pot = rng.integers(-10_000, 10_000, n_nodes)
    slack = rng.integers(0, 60, n_arcs) * (rng.random(n_arcs) > 0.2)
    return n_nodes, tails, heads, slack - pot[tails] + pot[heads]


def _by_tail(n_nodes: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(tails, kind="stable")
    indptr = np.zeros(n_nodes + 1, np.int64)
    np.cumsum(np.bincount(tails, minlength=n_nodes), out=indptr[1:])
    return indptr, heads[order].astype(np.int64), costs[order].astype(np.int64)


def _scipy(n_nodes: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Shortest distances from a root joined to every node at cost 0 (Johnson's method)."""
    best: dict[tuple[int, int], int] = {}  # a sparse matrix would add parallel arcs up
    for t, h, c in zip(tails.tolist(), heads.tolist(), costs.tolist(), strict=True):
        if t != h:  # a loop costs >= 0 here: never on a shortest path
            best[(t, h)] = min(c, best.get((t, h), c))
    root = n_nodes
    t = [k[0] for k in best] + [root] * n_nodes
    h = [k[1] for k in best] + list(range(n_nodes))
    c = [best[k] for k in best] + [0] * n_nodes  # explicit zeros: arcs of cost 0 to scipy
    graph = csr_matrix((np.array(c, np.float64), (np.array(t), np.array(h))),
                       shape=(n_nodes + 1, n_nodes + 1))
    out = shortest_path(graph, method="J", directed=True, indices=root)
    return np.asarray(np.minimum(out[:n_nodes], 0), dtype=np.int64)


@pytest.mark.parametrize("seed", range(8))
def test_passes_reach_scipys_shortest_distances(seed: int) -> None:
    n_nodes, tails, heads, costs = _graph(seed)
    assert (costs < 0).mean() > 0.3
    indptr, h, c = _by_tail(n_nodes, tails, heads, costs)
    dist = np.zeros(n_nodes, np.int64)
    assert topological_paths(indptr, h, c, dist)
    assert np.array_equal(dist, _scipy(n_nodes, tails, heads, costs))
    assert (costs + dist[tails] - dist[heads] >= 0).all()  # valid potentials: the proof


@pytest.mark.parametrize("seed", range(8))
def test_the_queue_finishes_what_the_passes_left(seed: int) -> None:
    """Stopped after one pass, the distances are paths' costs the queue brings to the shortest."""
    n_nodes, tails, heads, costs = _graph(seed)
    indptr, h, c = _by_tail(n_nodes, tails, heads, costs)
    dist = np.zeros(n_nodes, np.int64)
    assert not topological_paths(indptr, h, c, dist, most=1)  # these need more than one
    want = _scipy(n_nodes, tails, heads, costs)
    assert (dist >= want).all()
    assert compiled(sparse._queue_paths)(indptr, h, c, dist)
    assert np.array_equal(dist, want)


def test_a_negative_cycle_stops_the_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ring of 500 nodes whose arcs sum to -1: the passes stop, the queue names the cycle."""
    ring = np.arange(500)
    tails, heads = ring, (ring + 1) % 500
    costs = np.r_[np.full(499, 1), -500]
    indptr, h, c = _by_tail(500, tails, heads, costs)
    assert not topological_paths(indptr, h, c, np.zeros(500, np.int64))
    monkeypatch.setattr(sparse, "COMPILED_FROM_ARCS", 0)
    with pytest.raises(SolverError, match="negative cycle"):
        sparse._distances(500, tails, heads, costs)
