"""The scan's work sorted by group of seniors: which juniors each group needs, and its candidates.

Each certificate scan splits its work by the groups of seniors the bounds
mark (:class:`rmatch.solvers.prices._Bounds`): a junior needing most groups is
scanned against every senior, the others group by group, each group seeing
only its own candidates. Sorting that out took about 1.1 s a scan at
100,000 per side however few pairs were left to look at (a strided column of
the 100,000 x 1,024 need matrix per group, and a search and sort of 6
million candidate keys): more than the scoring itself in the last scans.
Large programmes do it here in two compiled counting passes (about 0.1 s);
smaller ones in numpy, to the same arrays.

Examples
--------
>>> need = np.array([[True, True, False], [False, True, False]])
>>> whole, ptr, rows = rows_by_group(need, compile_it=False)
>>> whole.tolist(), ptr.tolist(), rows.tolist()  # junior 0 needs 2 of 3 groups: all of them
([True, False], [0, 0, 1, 1], [1])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rmatch.jit import compiled

__all__ = ["keys_by_group", "rows_by_group"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _rows_by_group(need: Any, whole: Any, ptr: Any) -> Any:  # pragma: no cover
    # Compiled by numba: row by row (need is row-major), a count pass and a fill pass.
    n, n_groups = need.shape
    for i in range(n):
        c = 0
        for g in range(n_groups):
            c += need[i, g]
        whole[i] = c * 2 > n_groups
    counts = np.zeros(n_groups, np.int64)
    for i in range(n):
        if not whole[i]:
            for g in range(n_groups):
                counts[g] += need[i, g]
    for g in range(n_groups):
        ptr[g + 1] = ptr[g] + counts[g]
    rows = np.empty(ptr[n_groups], np.int64)
    at = ptr[:n_groups].copy()
    for i in range(n):  # rows in order: each group's list comes out sorted
        if not whole[i]:
            for g in range(n_groups):
                if need[i, g]:
                    rows[at[g]] = i
                    at[g] += 1
    return rows


def rows_by_group(need: BoolArray, *, compile_it: bool) -> tuple[BoolArray, IntArray, IntArray]:
    """Split the blocks a scan needs into whole rows and each group's other rows.

    ``need[i, g]`` marks the (junior, group of seniors) blocks to scan.
    Returns ``whole`` (the juniors needing more than half the groups: they
    are scanned against every senior) and, for the others, the juniors each
    group needs: ``rows[ptr[g]:ptr[g + 1]]``, sorted. ``compile_it`` (for
    large programmes) runs the compiled passes, else numpy.

    Examples
    --------
    See the module's example.
    """
    n, n_groups = need.shape
    ptr = np.zeros(n_groups + 1, np.int64)
    if compile_it:
        whole = np.empty(n, np.bool_)
        rows = compiled(_rows_by_group)(np.ascontiguousarray(need), whole, ptr)
        return whole, ptr, rows
    whole = np.count_nonzero(need, axis=1) * 2 > n_groups
    r, g = np.nonzero(need & ~whole[:, None])
    np.cumsum(np.bincount(g, minlength=n_groups), out=ptr[1:])
    return whole, ptr, r[np.argsort(g, kind="stable")].astype(np.int64)


def _keys_by_group(keys: Any, m: Any, group_of: Any, ptr: Any,
                   out: Any) -> None:  # pragma: no cover
    # Compiled by numba: a counting sort, stable (each group's keys stay sorted).
    n_groups = len(ptr) - 1
    counts = np.zeros(n_groups, np.int64)
    for key in keys:
        counts[group_of[key % m]] += 1
    for g in range(n_groups):
        ptr[g + 1] = ptr[g] + counts[g]
    at = ptr[:n_groups].copy()
    for key in keys:
        g = group_of[key % m]
        out[at[g]] = key
        at[g] += 1


def keys_by_group(keys: IntArray, m: int, edges: IntArray, *, compile_it: bool
                  ) -> tuple[IntArray, IntArray]:
    """Sort candidate keys (``row * m + column``, sorted) by their column's group, stably.

    The groups are the columns ``edges[g]:edges[g + 1]``. Returns ``ptr``
    and the keys: group ``g``'s are ``out[ptr[g]:ptr[g + 1]]``, still sorted.

    Examples
    --------
    >>> ptr, out = keys_by_group(np.array([0, 3, 5, 6]), 4, np.array([0, 2, 4]),
    ...                          compile_it=False)
    >>> ptr.tolist(), out.tolist()  # columns 0, 3, 1, 2: groups 0, 1, 0, 1
    ([0, 2, 4], [0, 5, 3, 6])
    """
    n_groups = len(edges) - 1
    ptr = np.zeros(n_groups + 1, np.int64)
    if compile_it:
        group_of = np.repeat(np.arange(n_groups, dtype=np.int32), np.diff(edges))
        out = np.empty_like(keys)
        compiled(_keys_by_group)(keys, m, group_of, ptr, out)
        return ptr, out
    key_group = np.searchsorted(edges, keys % max(m, 1), side="right") - 1
    np.cumsum(np.bincount(key_group, minlength=n_groups), out=ptr[1:])
    return ptr, keys[np.argsort(key_group, kind="stable")]
