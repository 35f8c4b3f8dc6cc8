"""The candidate path's compiled passes over prices: the scan bounds moved, the sample's offers.

Both are numpy's arithmetic to the bit without its temporaries (as the
selection passes of :mod:`rmatch.solvers.select`, and used from the same
size, :func:`rmatch.solvers.select.large`): the scan bounds moved to new
prices (:func:`shifted_bounds`) and the price sample's offers to every
senior (:func:`best_offers`). ``tests/solvers/test_select.py`` compares them
with the numpy expressions.

Examples
--------
>>> best_offers(np.array([[0.5, 0.9]], np.float32), np.ones((1, 2), bool),
...             np.array([1.0])).round(2).tolist()
[0.5, 0.1]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rmatch.solvers.jit import compiled

__all__ = ["best_offers", "shifted_bounds"]

F32 = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]


def _shift_rows(best: Any, up: Any, dj: Any, left: Any, reach_j: Any, open_g: Any, low: Any,
                out: Any, need: Any) -> None:  # pragma: no cover
    # Compiled by numba: numpy's arithmetic, element by element (the shift in
    # float64, rounded to float32 once, added in float32), with no temporaries.
    n, n_groups = best.shape
    for i in range(n):
        d = dj[i]
        rj = reach_j[i]
        for g in range(n_groups):
            v = best[i, g] + np.float32(up[g] - d)
            out[i, g] = v
            need[i, g] = (v > low) | (rj & left[i, g] & open_g[g])


def shifted_bounds(best: F32, up: npt.NDArray[np.float64], dj: npt.NDArray[np.float64],
                   left: BoolArray, reach_j: BoolArray, open_g: BoolArray, low: np.float32
                   ) -> tuple[F32, BoolArray]:
    """Move the scan bounds by the prices' change; return them and the blocks to scan again.

    ``best[i, g] + float32(up[g] - dj[i])`` (the arithmetic of the numpy
    pass in :meth:`rmatch.solvers.scan._Bounds.shift`, to the bit), and a
    block is needed when that is above ``low`` or it could add a pair
    (``reach_j[i] & left[i, g] & open_g[g]``). One compiled pass: at 100,000
    juniors and 1,024 groups of seniors the numpy expression made three
    temporaries of 0.4 to 0.8 GB and took about 2 s a round.

    Examples
    --------
    >>> # one junior, two groups; its prices rose by 0.2, the groups' by up to 0.1 and 0
    >>> best, need = shifted_bounds(np.array([[-0.5, 0.0]], np.float32), np.array([0.1, 0.0]),
    ...                             np.array([0.2]), np.array([[True, False]]),
    ...                             np.array([True]), np.array([True, False]),
    ...                             np.float32(-1e-4))
    >>> [round(v, 3) for v in best[0].tolist()], need.tolist()  # the first could add a pair
    ([-0.6, -0.2], [[True, False]])
    """
    out = np.empty_like(best)
    need = np.empty(best.shape, np.bool_)
    compiled(_shift_rows)(best, np.ascontiguousarray(up, np.float64),
                          np.ascontiguousarray(dj, np.float64), np.ascontiguousarray(left),
                          np.ascontiguousarray(reach_j), np.ascontiguousarray(open_g), low,
                          out, need)
    return out, need


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
