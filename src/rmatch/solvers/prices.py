"""The candidate path's scan bounds, and its compiled passes over prices.

After each solve the bounds of the scans (:class:`_Bounds`: per junior and
group of seniors, the best reduced score left out of the candidates) move
with the prices (:func:`shifted_bounds`), each group's few seniors whose
price rose most bounded apart (:data:`RISERS`); the price sample's offers
reach every senior (:func:`best_offers`). The compiled passes are numpy's
arithmetic to the bit without its temporaries (used from the size
:func:`rmatch.solvers.select.large` says); ``tests/solvers/test_select.py``
compares them with the numpy expressions.

Examples
--------
>>> best_offers(np.array([[0.5, 0.9]], np.float32), np.ones((1, 2), bool),
...             np.array([1.0])).round(2).tolist()
[0.5, 0.1]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from rmatch.constraints.compiled import SCALE
from rmatch.jit import compiled, helper
from rmatch.solvers import select
from rmatch.solvers.sparse import Duals

__all__ = ["RISERS", "SLACK", "TOLERANCE", "Need", "best_offers", "others_bound",
           "risers_scanned", "shifted_bounds"]

IntArray = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

TOLERANCE = 1e-4
"""Float32 reduced scores above ``-TOLERANCE`` are checked exactly (integer weights)."""


RISERS = 4
"""Seniors of each group whose price rise the scan bounds apart (groups of 16 or more).

After a solve the seniors' prices move unevenly: at 100,000 per side
(organisation 1) the rise of a group's highest was 0.027 above the group's
mean (median over groups). Bounded by its group's highest rise, a
(junior, group) block of the first scan was needed for 3.6 billion pairs;
with each group's four highest bounded apart, 1.6 billion (the rest of a
block is scanned only when its own bound says). The scan scored 2.3
billion pairs instead of 4.7 (with the blocks that could add a pair, and
the risers of juniors needing many scanned together), 11.3 s instead of
16.4.
"""


class Need(NamedTuple):
    """The blocks a scan needs: ``whole`` (junior, group) blocks, and those of ``part``.

    A ``part`` block is scanned against its group's risers only
    (``risers``: their columns, sorted; see :data:`RISERS`); ``up``,
    ``up_high`` and ``dj`` are the shifts the bounds moved by (see
    :func:`shifted_bounds`).

    Examples
    --------
    >>> z = np.zeros(1)
    >>> need = Need(np.array([[True, False]]), np.array([[False, True]]), np.array([5]),
    ...             z, z, z)
    >>> int(need.part.sum()), need.risers.tolist()
    (1, [5])
    """

    whole: BoolArray
    part: BoolArray
    risers: IntArray
    up: npt.NDArray[np.float64]
    up_high: npt.NDArray[np.float64]
    dj: npt.NDArray[np.float64]


def _risers(rise: npt.NDArray[np.float64], edges: IntArray) -> BoolArray:
    """Each group's :data:`RISERS` seniors of largest rise (ties: lower column), if 16 wide."""
    width = np.diff(edges)
    group = np.repeat(np.arange(len(width)), width)
    order = np.lexsort((-rise, group))  # by group, then rise down (stable: lower column)
    rank = np.empty(len(rise), np.int64)
    rank[order] = np.arange(len(rise)) - np.repeat(edges[:-1], width)
    out: BoolArray = (rank < RISERS) & (width[group] >= 4 * RISERS)
    return out


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
    :meth:`shift` bounds each group's :data:`RISERS` apart (their ``ds`` the
    largest), so a block may need its risers scanned alone.
    """

    edges: IntArray
    best: F32
    left: BoolArray
    pj: npt.NDArray[np.float64]
    ps: npt.NDArray[np.float64]

    def shift(self, duals: Duals, reach_in_group: BoolArray) -> Need:
        """Move the bounds to new prices; return the (junior, group) blocks to scan again."""
        pj, ps = duals.pot_j / SCALE, duals.pot_s / SCALE
        rise = ps - self.ps
        risers = _risers(rise, self.edges)
        up = np.maximum.reduceat(np.where(risers, -np.inf, rise), self.edges[:-1]) if len(ps) \
            else ps
        up_high = np.maximum.reduceat(np.where(risers, rise, -np.inf), self.edges[:-1]) \
            if len(ps) else ps
        dj = pj - self.pj
        # New arrays, assigned together: a Ctrl-C in between leaves the old bounds whole.
        best, need, part = shifted_bounds(
            self.best, up, up_high, dj, self.left, duals.reach_j, ~reach_in_group,
            np.float32(-TOLERANCE), compile_it=select.large(len(pj), int(self.edges[-1])))
        self.best, self.pj, self.ps = best, pj, ps
        return Need(need, part, np.flatnonzero(risers).astype(np.int64), up, up_high, dj)

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


def _shift_rows(best: Any, up: Any, up_high: Any, dj: Any, left: Any, reach_j: Any,
                open_g: Any, low: Any, out: Any, need: Any, part: Any) -> None:  # pragma: no cover
    # Compiled by numba: numpy's arithmetic, element by element (each shift in
    # float64, rounded to float32 once, added in float32), with no temporaries.
    n, n_groups = best.shape
    for i in range(n):
        d = dj[i]
        rj = reach_j[i]
        for g in range(n_groups):
            v = best[i, g] + np.float32(up[g] - d)
            h = best[i, g] + np.float32(up_high[g] - d)
            whole = (v > low) | (rj & left[i, g] & open_g[g])
            need[i, g] = whole
            part[i, g] = (h > low) & ~whole
            out[i, g] = v if v >= h else h


def shifted_bounds(best: F32, up: npt.NDArray[np.float64], up_high: npt.NDArray[np.float64],
                   dj: npt.NDArray[np.float64], left: BoolArray, reach_j: BoolArray,
                   open_g: BoolArray, low: np.float32, *, compile_it: bool = True
                   ) -> tuple[F32, BoolArray, BoolArray]:
    """Move the scan bounds by the prices' change; return them and the blocks to scan again.

    Each group's seniors are split in two: its few whose prices rose most
    (``up_high[g]``: their largest rise, ``-inf`` if none) and the others
    (``up[g]``). ``v = best[i, g] + float32(up[g] - dj[i])`` bounds the
    others' pairs, ``h`` (the same with ``up_high``) the few's. A block is
    ``need``-ed whole when ``v`` is above ``low`` or it could add a pair
    (``reach_j[i] & left[i, g] & open_g[g]``); else only its few seniors
    (``part``) when ``h`` is. The bound returned is ``max(v, h)`` (a scan of
    the few alone brings it down to theirs and the others', see
    :func:`others_bound`). One compiled pass (``compile_it``), or numpy to
    the same bits: at 100,000 juniors and 1,024 groups of seniors the numpy
    expressions make temporaries of 0.4 to 0.8 GB and take about 2 s a
    round.

    Examples
    --------
    >>> # one junior, two groups; its prices rose by 0.2, the groups' by up to 0.1 and 0
    >>> best, need, part = shifted_bounds(
    ...     np.array([[-0.5, 0.0]], np.float32), np.array([0.1, 0.0]),
    ...     np.array([-np.inf, 0.3]), np.array([0.2]), np.array([[True, False]]),
    ...     np.array([True]), np.array([True, False]), np.float32(-1e-4))
    >>> [round(v, 3) for v in best[0].tolist()], need.tolist(), part.tolist()
    ([-0.6, 0.1], [[True, False]], [[False, True]])
    """
    if not compile_it:
        v = best + (up[None, :] - dj[:, None]).astype(np.float32)
        h = best + (up_high[None, :] - dj[:, None]).astype(np.float32)
        need = (v > low) | (reach_j[:, None] & left & open_g[None, :])
        return np.maximum(v, h), need, (h > low) & ~need
    out = np.empty_like(best)
    need = np.empty(best.shape, np.bool_)
    part = np.empty(best.shape, np.bool_)
    compiled(_shift_rows)(best, np.ascontiguousarray(up, np.float64),
                          np.ascontiguousarray(up_high, np.float64),
                          np.ascontiguousarray(dj, np.float64), np.ascontiguousarray(left),
                          np.ascontiguousarray(reach_j), np.ascontiguousarray(open_g), low,
                          out, need, part)
    return out, need, part


SLACK = 1e-6
"""Added to a bound recovered from a shifted one, times the larger of 1 and its size: above
the float32 roundings behind it (at most two and a half units in the last place, 3e-7 of
it)."""


def others_bound(bound: F32, up: npt.NDArray[np.float64], up_high: npt.NDArray[np.float64],
                 dj: npt.NDArray[np.float64]) -> F32:
    """From bounds :func:`shifted_bounds` gave (``max(v, h)``), bounds at least each ``v``.

    ``bound`` is a block of them (rows by groups) and ``up``, ``up_high``,
    ``dj`` the block's parts of the same shifts; where ``h`` was the larger,
    ``bound - float32(up_high - dj) + float32(up - dj)`` is ``v`` up to
    float32 rounding, and :data:`SLACK` (times the larger of 1 and the
    sizes of both) keeps it above: the bound of a block whose few risers
    were scanned alone, for the others. (Keeping ``v`` itself in the bounds
    until the scan ends would leave them short of the risers' pairs if it
    were stopped then, when the bounds give the bound of a stopped solve.)

    Examples
    --------
    >>> best = np.array([[-0.5]], np.float32)
    >>> h = best + np.float32(0.3 - 0.2)  # the risers' rise 0.3, the others' 0.1
    >>> v = best + np.float32(0.1 - 0.2)
    >>> got = others_bound(h, np.array([0.1]), np.array([0.3]), np.array([0.2]))
    >>> bool(v[0, 0] <= got[0, 0] <= v[0, 0] + 2e-6)
    True
    """
    a = (up_high[None, :] - dj[:, None]).astype(np.float32).astype(np.float64)
    b = (up[None, :] - dj[:, None]).astype(np.float32).astype(np.float64)
    # No risers (a = -inf), or nothing left out (-inf): the bound is v itself.
    with np.errstate(invalid="ignore"):
        wide = bound.astype(np.float64)
        back = wide - a + b
        back += SLACK * np.maximum(1.0, np.maximum(np.abs(wide), np.abs(back)))
    out: F32 = np.where(np.isfinite(a) & np.isfinite(wide), back, bound).astype(np.float32)
    return out


@helper
def _others(bound: Any, up: Any, up_high: Any, dj: Any) -> Any:  # pragma: no cover
    # Compiled by numba: others_bound of one block, the same operations.
    a = np.float64(np.float32(up_high - dj))
    if not (np.isfinite(a) and np.isfinite(bound)):
        return bound
    wide = np.float64(bound)
    back = wide - a + np.float64(np.float32(up - dj))
    back += SLACK * max(1.0, max(abs(wide), abs(back)))
    return np.float32(back)


def _risers_rows(best: Any, left: Any, part: Any, rows: Any, groups: Any, got: Any,
                 got_left: Any, up: Any, up_high: Any, dj: Any) -> None:  # pragma: no cover
    # Compiled by numba: what risers_scanned does with numpy, block by block.
    for a in range(rows.shape[0]):
        i = rows[a]
        for q in range(groups.shape[0]):
            g = groups[q]
            if part[i, g]:
                o = _others(best[i, g], up[g], up_high[g], dj[i])
                t = got[a, q]
                best[i, g] = t if t > o else o
                left[i, g] = left[i, g] | got_left[a, q]


def risers_scanned(bounds: _Bounds, need: Need, rows: IntArray, groups: IntArray, got: F32,
                   got_left: BoolArray, *, compile_it: bool) -> None:
    """Update the bounds of blocks a scan read against their risers alone.

    ``got[a, q]`` is the best reduced score the scan left out among the
    risers of group ``groups[q]`` for junior ``rows[a]`` (``got_left``:
    whether there was any such pair). Each block the junior needed its
    risers alone for (``need.part``) gets the larger of that and the
    others' bound (:func:`others_bound`); the other blocks keep theirs.
    ``compile_it`` (large programmes) runs a compiled loop instead of
    numpy's (same values: at 100,000 per side, organisation 1, numpy's
    fancy indexing and float64 temporaries took about 2 s of the first
    scan's 11.3 s, in the thread that waits for the others; the loop
    0.3 s).

    Examples
    --------
    >>> b = _Bounds(np.array([0, 2]), np.array([[-0.5]], np.float32), np.ones((1, 1), bool),
    ...             np.zeros(1), np.zeros(2))
    >>> need = Need(np.zeros((1, 1), bool), np.ones((1, 1), bool), np.array([1]),
    ...             np.array([0.0]), np.array([0.3]), np.array([0.0]))
    >>> risers_scanned(b, need, np.array([0]), np.array([0]), np.array([[-0.9]], np.float32),
    ...                np.array([[True]]), compile_it=False)
    >>> round(float(b.best[0, 0]), 4)  # the others' bound: -0.5 less the risers' 0.3
    -0.8
    """
    if compile_it:
        compiled(_risers_rows)(bounds.best, bounds.left, need.part, rows.astype(np.int64),
                               groups.astype(np.int64), np.ascontiguousarray(got),
                               np.ascontiguousarray(got_left), need.up, need.up_high, need.dj)
        return
    at = np.ix_(rows, groups)
    alone = need.part[at]
    was = bounds.best[at]
    others = others_bound(was, need.up[groups], need.up_high[groups], need.dj[rows])
    bounds.best[at] = np.where(alone, np.maximum(others, got), was)
    bounds.left[at] = bounds.left[at] | (alone & got_left)


def _offer_rows(total: Any, ok: Any, offer: Any, out: Any) -> None:  # pragma: no cover
    # Compiled by numba: each column's least offer - total over feasible rows,
    # in float64 as numpy's broadcast (exact minima: any order gives the same).
    b, w = total.shape
    inf = np.inf
    for i in range(b):
        o = offer[i]
        for c in range(w):
            v = o - np.float64(total[i, c]) if ok[i, c] else inf
            out[c] = v if v < out[c] else out[c]


def best_offers(total: F32, ok: BoolArray, offer: npt.NDArray[np.float64]
                ) -> npt.NDArray[np.float64]:
    """Each column's least ``offer[i] - total[i, c]`` over its feasible rows (``inf`` if none).

    What ``np.where(ok, offer[:, None] - total, np.inf).min(axis=0)`` gives,
    without its two float64 temporaries: the price sample's extension to
    every senior (:func:`rmatch.solvers.certificate._estimate_prices`) reads
    5,000 sampled juniors against 100,000 seniors: the pass took about 5 s,
    about 2 s with this one (scoring the sample's pairs included).

    Examples
    --------
    >>> best_offers(np.array([[0.5, 0.9], [0.7, 0.1]], np.float32),
    ...             np.array([[True, False], [True, False]]), np.array([1.0, 1.0])).round(3)
    array([0.3, inf])
    """
    out = np.full(total.shape[1], np.inf)
    compiled(_offer_rows)(np.ascontiguousarray(total), np.ascontiguousarray(ok),
                          np.ascontiguousarray(offer, np.float64), out)
    return out
