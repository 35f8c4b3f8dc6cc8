"""The scan's work by group of seniors: compiled and numpy passes against their definitions."""

from __future__ import annotations

import numpy as np
import pytest

from rmatch.solvers.groups import keys_by_group, rows_by_group


@pytest.mark.parametrize("compile_it", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_rows_by_group_splits_the_need_as_defined(seed: int, compile_it: bool) -> None:
    """Whole rows (more than half the groups), then each group's other rows, in order."""
    rng = np.random.default_rng(seed)
    n, n_groups = int(rng.integers(0, 50)), int(rng.integers(1, 12))
    need = rng.random((n, n_groups)) < rng.choice([0.05, 0.5, 0.9])
    if n:
        need[0] = False  # a row needing nothing
        need[-1] = np.arange(n_groups) < n_groups // 2  # exactly half: not whole
    whole, ptr, rows = rows_by_group(need, compile_it=compile_it)
    want_whole = [2 * int(need[i].sum()) > n_groups for i in range(n)]
    assert whole.tolist() == want_whole
    assert ptr[0] == 0
    assert len(ptr) == n_groups + 1
    for g in range(n_groups):
        want = [i for i in range(n) if need[i, g] and not want_whole[i]]
        assert rows[ptr[g]:ptr[g + 1]].tolist() == want
    assert len(rows) == ptr[-1]
    assert rows.dtype == np.int64


@pytest.mark.parametrize("compile_it", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_keys_by_group_is_a_stable_sort_by_the_columns_group(seed: int, compile_it: bool
                                                             ) -> None:
    """Each group's keys, in their order, and nothing lost or repeated."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 30)), int(rng.integers(1, 40))
    n_groups = int(rng.integers(1, m + 1))
    edges = np.linspace(0, m, n_groups + 1).round().astype(np.int64)
    keys = np.flatnonzero(rng.random(n * m) < rng.choice([0.0, 0.2, 0.7])).astype(np.int64)
    ptr, out = keys_by_group(keys, m, edges, compile_it=compile_it)
    assert len(ptr) == n_groups + 1
    assert ptr[0] == 0
    assert ptr[-1] == len(keys)
    for g in range(n_groups):
        want = [int(k) for k in keys if edges[g] <= k % m < edges[g + 1]]
        assert out[ptr[g]:ptr[g + 1]].tolist() == want
