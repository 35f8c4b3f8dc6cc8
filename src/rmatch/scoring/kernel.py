"""The built-in components and their weighted sum in one compiled pass per tile.

Scoring a pair takes a few dozen arithmetic operations; as separate numpy
passes over juniors x seniors buffers, memory traffic cost several times the
arithmetic (about 4 ns a pair on this 2-core machine class, against 1 ns for
numpy writing a rank-32 matrix product). The kernel below, compiled by numba,
works on tiles of :data:`TILE` seniors that stay in the CPU cache and writes
each pair's total once.

The arithmetic is fixed, so every caller gets the same bits for the same
pair whatever the block, the thread or the machine's BLAS:

- generation and diversity are the float32 operations of the formulas in
  :mod:`rmatch.scoring.matrix`, in that order (tests compare them bit for bit with
  numpy broadcasts of the same formulas);
- skills sums ``left[j, t] * right[t, s]`` over ``t`` in order, in float32
  (terms where ``left[j, t]`` is 0 add exactly 0 and are skipped);
- the total adds ``component * weight`` in the order generation, skills,
  diversity (numpy adds any other component after, in the same order).

numba compiles the kernel on first use and keeps the machine code on disk
(``cache=True``), so only the first process on a machine waits for it.

Examples
--------
>>> import numpy as np
>>> total = np.empty((1, 1), np.float32)
>>> builtin_total(
...     bj=np.array([2000], np.float32), lj=np.array([0], np.float32),
...     bs=np.array([1970], np.float32), ls=np.array([4], np.float32),
...     generation=np.array([30, -4, 0.5], np.float32),
...     left=np.array([[1.0]], np.float32), right=np.array([[0.5]], np.float32),
...     cj=np.zeros((1, 0), np.int32), cs=np.zeros((0, 1), np.int32),
...     group_start=np.array([0], np.int64), group_weight=np.zeros(0, np.float32),
...     weights=np.array([0.5, 0.5, 0], np.float32), total=total, clip=True)
>>> float(total[0, 0])
0.75
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["TILE", "builtin_total", "ready"]

TILE = 1024
"""Seniors per tile: a tile's buffers (4 KB each) and the seniors' columns of
the skills factor (about 128 KB for 16 skills) stay in the per-core cache."""

F32 = npt.NDArray[np.float32]
_compiled: Any = None
_lock = threading.Lock()


def _kernel() -> Any:
    """Compile (or load from numba's disk cache) the kernel on first use."""
    global _compiled  # one compiled function per process
    with _lock:  # the candidate path's threads may all ask at once
        if _compiled is None:
            import numba

            try:
                _compiled = numba.njit(nogil=True, cache=True)(_tiles)
            except RuntimeError:
                # numba found nowhere to write its cache (a read-only install
                # without a home folder): compile in memory, once per process.
                _compiled = numba.njit(nogil=True)(_tiles)
    return _compiled


def ready() -> bool:
    """Whether this process has the kernel compiled (or loaded) already: no wait to use it.

    Examples
    --------
    >>> isinstance(ready(), bool)
    True
    """
    return _compiled is not None


def _tiles(bj: Any, lj: Any, bs: Any, ls: Any, gen: Any, left: Any, right: Any,
           cj: Any, cs: Any, group_start: Any, group_weight: Any, weights: Any,
           total: Any, comps: Any, keep: bool, clip: bool) -> None:  # pragma: no cover
    # Compiled by numba (coverage cannot see inside). Indices are loop counters
    # or slices, never computed, so that every inner loop is vectorised.
    n, m = total.shape
    zero, one = np.float32(0.0), np.float32(1.0)
    span_a, neg_span_l, share = gen[0], gen[1], gen[2]
    w_gen, w_skills, w_div = weights[0], weights[1], weights[2]
    g = np.empty(TILE, np.float32)
    sk = np.empty(TILE, np.float32)
    dv = np.empty(TILE, np.float32)
    cnt = np.empty(TILE, np.int32)
    terms = np.empty(left.shape[1], np.int64)
    fields = np.empty(cj.shape[1], np.int64)
    n_groups = group_weight.shape[0]
    for s0 in range(0, m, TILE):
        width = min(TILE, m - s0)
        bs_t, ls_t = bs[s0:s0 + width], ls[s0:s0 + width]
        for i in range(n):
            b, lev = bj[i], lj[i]
            for k in range(width):
                gap = b - bs_t[k]
                lgap = lev - ls_t[k]
                v = min(max(lgap / neg_span_l, zero), one)
                a = min(max(gap / span_a, zero), one)
                mix = (a - v) * share + v  # (1 - lam) * a + lam * v
                # A missing birth year (NaN gap) leaves the level part alone,
                # an unknown level (NaN) the age part, both missing nothing;
                # a junior older than the senior bridges no generation.
                if np.isnan(gap):
                    g[k] = zero if np.isnan(lgap) else v
                elif gap < zero:
                    g[k] = zero
                else:
                    g[k] = a if np.isnan(lgap) else mix
            n_t = 0  # the junior's terms that are not 0, in order
            for t in range(left.shape[1]):
                if left[i, t] != zero:
                    terms[n_t] = t
                    n_t += 1
            for k in range(width):
                sk[k] = zero
            # Four terms a pass: each pair's sum still adds them one at a time,
            # in order (the same bits), but reads and writes its running sum a
            # quarter as often (those loads and stores, not the products, bound
            # the loop: with this and the fields below four a pass, a block of
            # the 100,000-per-side benchmark scored in 12-18% less time).
            q = 0
            while q + 4 <= n_t:
                t0, t1, t2, t3 = terms[q], terms[q + 1], terms[q + 2], terms[q + 3]
                l0, l1, l2, l3 = left[i, t0], left[i, t1], left[i, t2], left[i, t3]
                r0, r1 = right[t0, s0:s0 + width], right[t1, s0:s0 + width]
                r2, r3 = right[t2, s0:s0 + width], right[t3, s0:s0 + width]
                for k in range(width):
                    sk[k] = (((sk[k] + l0 * r0[k]) + l1 * r1[k]) + l2 * r2[k]) + l3 * r3[k]
                q += 4
            while q < n_t:
                lv, rt = left[i, terms[q]], right[terms[q], s0:s0 + width]
                for k in range(width):
                    sk[k] += lv * rt[k]
                q += 1
            for k in range(width):
                sk[k] = min(max(sk[k], zero), one)
            for k in range(width):
                dv[k] = zero
            for grp in range(n_groups):
                for k in range(width):
                    cnt[k] = 0
                n_f = 0  # the junior's known fields (a blank differs from no one)
                for f in range(group_start[grp], group_start[grp + 1]):
                    if cj[i, f] >= 0:
                        fields[n_f] = f
                        n_f += 1
                q = 0  # four a pass too: integer counts, in any order the same
                while q + 4 <= n_f:
                    f0, f1, f2, f3 = fields[q], fields[q + 1], fields[q + 2], fields[q + 3]
                    m0, m1, m2, m3 = cj[i, f0], cj[i, f1], cj[i, f2], cj[i, f3]
                    c0, c1 = cs[f0, s0:s0 + width], cs[f1, s0:s0 + width]
                    c2, c3 = cs[f2, s0:s0 + width], cs[f3, s0:s0 + width]
                    for k in range(width):
                        cnt[k] += ((np.int32((c0[k] != m0) & (c0[k] >= 0))
                                    + np.int32((c1[k] != m1) & (c1[k] >= 0)))
                                   + (np.int32((c2[k] != m2) & (c2[k] >= 0))
                                      + np.int32((c3[k] != m3) & (c3[k] >= 0))))
                    q += 4
                while q < n_f:
                    mine, theirs = cj[i, fields[q]], cs[fields[q], s0:s0 + width]
                    for k in range(width):
                        cnt[k] += (theirs[k] != mine) & (theirs[k] >= 0)
                    q += 1
                wg = group_weight[grp]
                if grp == 0:
                    for k in range(width):
                        dv[k] = np.float32(cnt[k]) * wg
                else:
                    for k in range(width):
                        dv[k] += np.float32(cnt[k]) * wg
            for k in range(width):
                dv[k] = min(max(dv[k], zero), one)
            out = total[i, s0:s0 + width]
            for k in range(width):
                out[k] = g[k] * w_gen + sk[k] * w_skills + dv[k] * w_div
            if clip:
                for k in range(width):
                    out[k] = min(max(out[k], zero), one)
            if keep:
                comps[0, i, s0:s0 + width] = g[:width]
                comps[1, i, s0:s0 + width] = sk[:width]
                comps[2, i, s0:s0 + width] = dv[:width]


def builtin_total(*, bj: F32, lj: F32, bs: F32, ls: F32, generation: F32, left: F32,
                  right: F32, cj: npt.NDArray[np.int32], cs: npt.NDArray[np.int32],
                  group_start: npt.NDArray[np.int64], group_weight: F32, weights: F32,
                  total: F32, components: F32 | None = None, clip: bool = False) -> None:
    """Write the weighted sum of the built-in components of every pair into ``total``.

    Parameters
    ----------
    bj, lj, bs, ls
        Birth years (NaN when missing) and levels of the juniors and seniors, float32.
    generation
        ``[age_span_years, -level_span, 1 - level_share]``, float32.
    left, right
        The skills factors: juniors x terms and terms x seniors.
    cj, cs
        Codes of the diversity fields (``-1`` when blank): juniors x fields and
        fields x seniors, fields ordered by group.
    group_start, group_weight
        Fields ``group_start[g]:group_start[g + 1]`` are group ``g``; each
        differing field of it adds ``group_weight[g]``.
    weights
        Weights of generation, skills and diversity in the total, float32.
    total
        Juniors x seniors output, float32, C-contiguous.
    components
        If given, a 3 x juniors x seniors array that receives each component.
    clip
        Clip the total to [0, 1] (when no other component follows).

    Examples
    --------
    See the module's example.
    """
    keep = components is not None
    comps = components if keep else np.empty((3, 0, 0), np.float32)
    _kernel()(np.ascontiguousarray(bj), np.ascontiguousarray(lj), np.ascontiguousarray(bs),
              np.ascontiguousarray(ls), generation, np.ascontiguousarray(left),
              np.ascontiguousarray(right), np.ascontiguousarray(cj), np.ascontiguousarray(cs),
              group_start, group_weight, weights, total, comps, keep, clip)
