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
    # or slices, never computed, so that every inner loop is vectorised. A
    # junior's row of a tile is a few passes over buffers that stay in the L1
    # cache: skills and diversity four terms (fields) a pass and one a pass
    # for the rest, then generation, the last diversity group and the total
    # in one pass. One pass per operation (about fifteen a row) took a third
    # longer on full rows of the 100,000-per-side benchmark (1.64 against
    # 1.23 ns a pair on one core) and 5% longer on 64 seniors.
    n, m = total.shape
    zero, one = np.float32(0.0), np.float32(1.0)
    span_a, neg_span_l, share = gen[0], gen[1], gen[2]
    w_gen, w_skills, w_div = weights[0], weights[1], weights[2]
    sk = np.empty(TILE, np.float32)
    dv = np.empty(TILE, np.float32)
    cnt = np.empty(TILE, np.int32)
    g_keep = np.empty(TILE, np.float32)
    n_terms, n_fields = left.shape[1], cj.shape[1]
    terms = np.empty(n_terms, np.int64)  # the junior's terms that are not 0, in order
    coef = np.empty(n_terms, np.float32)
    fields = np.empty(n_fields, np.int64)  # its known fields (a blank differs from no one)
    code = np.empty(n_fields, np.int32)
    n_groups = group_weight.shape[0]
    last = n_groups - 1
    w_last = group_weight[last] if n_groups > 0 else zero
    several = n_groups > 1

    def generation(b: Any, lev: Any, b_s: Any, l_s: Any) -> Any:
        # A missing birth year (NaN gap) leaves the level part alone, an
        # unknown level (NaN) the age part, both missing nothing; a junior
        # older than the senior bridges no generation. Selects, not
        # branches: the loop stays vectorised.
        gap = b - b_s
        lgap = lev - l_s
        v = min(max(lgap / neg_span_l, zero), one)
        a = min(max(gap / span_a, zero), one)
        mix = (a - v) * share + v  # (1 - lam) * a + lam * v
        return (zero if np.isnan(lgap) else v) if np.isnan(gap) else (
            zero if gap < zero else (a if np.isnan(lgap) else mix))

    def diversity(k: int) -> Any:
        # The last group's counts are added here, in the final pass.
        d = np.float32(cnt[k]) * w_last
        d = dv[k] + d if several else d
        return min(max(d, zero), one) if n_groups > 0 else zero

    for s0 in range(0, m, TILE):
        width = min(TILE, m - s0)
        bs_t, ls_t = bs[s0:s0 + width], ls[s0:s0 + width]
        for i in range(n):
            b, lev = bj[i], lj[i]
            n_t = 0
            for t in range(n_terms):
                if left[i, t] != zero:
                    terms[n_t] = t
                    coef[n_t] = left[i, t]
                    n_t += 1
            # Four terms a pass, in order: each pair's sum still adds them
            # one at a time (the same bits), but reads and writes its running
            # sum a quarter as often (those loads and stores, not the
            # products, bound the loop). The first pass starts from 0; the
            # terms left over go one a pass (filling the last pass up with
            # terms of coefficient 0 was slower on narrow blocks).
            n_4 = n_t - n_t % 4
            if n_4 == 0:
                for k in range(width):
                    sk[k] = zero
            for q in range(0, n_4, 4):
                t0, t1, t2, t3 = terms[q], terms[q + 1], terms[q + 2], terms[q + 3]
                l0, l1, l2, l3 = coef[q], coef[q + 1], coef[q + 2], coef[q + 3]
                r0, r1 = right[t0, s0:s0 + width], right[t1, s0:s0 + width]
                r2, r3 = right[t2, s0:s0 + width], right[t3, s0:s0 + width]
                if q == 0:
                    for k in range(width):
                        sk[k] = (((zero + l0 * r0[k]) + l1 * r1[k]) + l2 * r2[k]) + l3 * r3[k]
                else:
                    for k in range(width):
                        sk[k] = (((sk[k] + l0 * r0[k]) + l1 * r1[k]) + l2 * r2[k]) + l3 * r3[k]
            for q in range(n_4, n_t):
                lq, rq = coef[q], right[terms[q], s0:s0 + width]
                for k in range(width):
                    sk[k] += lq * rq[k]
            for grp in range(n_groups):
                n_f = 0
                for f in range(group_start[grp], group_start[grp + 1]):
                    if cj[i, f] >= 0:
                        fields[n_f] = f
                        code[n_f] = cj[i, f]
                        n_f += 1
                # Four fields a pass too (integer counts: any order gives the same).
                n_4 = n_f - n_f % 4
                if n_4 == 0:
                    for k in range(width):
                        cnt[k] = 0
                for q in range(0, n_4, 4):
                    f0, f1, f2, f3 = fields[q], fields[q + 1], fields[q + 2], fields[q + 3]
                    m0, m1, m2, m3 = code[q], code[q + 1], code[q + 2], code[q + 3]
                    c0, c1 = cs[f0, s0:s0 + width], cs[f1, s0:s0 + width]
                    c2, c3 = cs[f2, s0:s0 + width], cs[f3, s0:s0 + width]
                    if q == 0:
                        for k in range(width):
                            cnt[k] = ((np.int32((c0[k] != m0) & (c0[k] >= 0))
                                       + np.int32((c1[k] != m1) & (c1[k] >= 0)))
                                      + (np.int32((c2[k] != m2) & (c2[k] >= 0))
                                         + np.int32((c3[k] != m3) & (c3[k] >= 0))))
                    else:
                        for k in range(width):
                            cnt[k] += ((np.int32((c0[k] != m0) & (c0[k] >= 0))
                                        + np.int32((c1[k] != m1) & (c1[k] >= 0)))
                                       + (np.int32((c2[k] != m2) & (c2[k] >= 0))
                                          + np.int32((c3[k] != m3) & (c3[k] >= 0))))
                for q in range(n_4, n_f):
                    mine, theirs = code[q], cs[fields[q], s0:s0 + width]
                    for k in range(width):
                        cnt[k] += (theirs[k] != mine) & (theirs[k] >= 0)
                if grp < last:  # the last group's counts go straight into the total
                    wg = group_weight[grp]
                    if grp == 0:
                        for k in range(width):
                            dv[k] = np.float32(cnt[k]) * wg
                    else:
                        for k in range(width):
                            dv[k] += np.float32(cnt[k]) * wg
            out = total[i, s0:s0 + width]
            if keep:  # each component kept too (a loop apart: a store to comps
                # in the total's loop kept it from being vectorised)
                for k in range(width):
                    g_keep[k] = generation(b, lev, bs_t[k], ls_t[k])
                    sk[k] = min(max(sk[k], zero), one)
                    dv[k] = diversity(k)
                    out[k] = g_keep[k] * w_gen + sk[k] * w_skills + dv[k] * w_div
                comps[0, i, s0:s0 + width] = g_keep[:width]
                comps[1, i, s0:s0 + width] = sk[:width]
                comps[2, i, s0:s0 + width] = dv[:width]
            else:
                for k in range(width):
                    s = min(max(sk[k], zero), one)
                    out[k] = (generation(b, lev, bs_t[k], ls_t[k]) * w_gen + s * w_skills
                              + diversity(k) * w_div)
            if clip:
                for k in range(width):
                    out[k] = min(max(out[k], zero), one)


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
