"""Brute force over every assignment: the oracle for small instances."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float32] | npt.NDArray[np.float64]


def brute_force(total: Scores, feasible: npt.NDArray[np.bool_],
                cap_j: npt.ArrayLike, cap_s: npt.ArrayLike) -> tuple[int, float]:
    """Return (most pairs, best total score with that many pairs) over all assignments.

    Enumerates every subset of the feasible pairs at once as a bit matrix and
    keeps those within capacities: exact, and fast up to ~16 feasible pairs.
    """
    found = brute_force_rules(total, feasible, cap_j, cap_s,
                              lambda masks, rows, cols: np.ones(len(masks), dtype=bool))
    assert found is not None  # the empty assignment always qualifies
    return found


def _assignments(feasible: npt.NDArray[np.bool_], cap_j: npt.ArrayLike, cap_s: npt.ArrayLike
                 ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64],
                            npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Every subset of the feasible pairs as a 0/1 row, and which respect the capacities."""
    rows, cols = np.nonzero(feasible)
    k = len(rows)
    assert k <= 16, "too many feasible pairs for brute force"
    masks = (np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1
    n, m = feasible.shape
    deg_j = masks @ np.eye(n, dtype=np.int64)[rows] if k else np.zeros((1, n), np.int64)
    deg_s = masks @ np.eye(m, dtype=np.int64)[cols] if k else np.zeros((1, m), np.int64)
    ok = (deg_j <= np.asarray(cap_j)).all(axis=1) & (deg_s <= np.asarray(cap_s)).all(axis=1)
    return masks, rows.astype(np.int64), cols.astype(np.int64), np.asarray(ok)


def brute_force_rules(total: Scores, feasible: npt.NDArray[np.bool_],
                      cap_j: npt.ArrayLike, cap_s: npt.ArrayLike,
                      keep: Callable[[npt.NDArray[np.int64], npt.NDArray[np.int64],
                                      npt.NDArray[np.int64]], npt.NDArray[np.bool_]],
                      ) -> tuple[int, float] | None:
    """Brute force with a vectorised filter on the assignments.

    ``keep(masks, rows, cols)`` gets the 0/1 matrix of assignments (one per
    row) over the feasible pairs ``(rows, cols)`` and says which satisfy the
    global rules. Returns None when no assignment does.
    """
    masks, rows, cols, ok = _assignments(feasible, cap_j, cap_s)
    k = len(rows)
    ok &= keep(masks, rows, cols)
    if not ok.any():
        return None
    masks = masks[ok]
    counts = masks.sum(axis=1)
    scores = masks @ total[rows, cols].astype(np.float64) if k else np.zeros(len(masks))
    best = counts.max()
    return int(best), float(scores[counts == best].max())


def brute_force_score(total: Scores, feasible: npt.NDArray[np.bool_],
                      cap_j: npt.ArrayLike, cap_s: npt.ArrayLike,
                      keep: Callable[[npt.NDArray[np.int64], npt.NDArray[np.int64],
                                      npt.NDArray[np.int64]], npt.NDArray[np.bool_]]
                      | None = None) -> float | None:
    """Return the best total score over all assignments, however many pairs (max_score).

    ``keep`` filters assignments as in :func:`brute_force_rules`; None when none is kept.
    """
    masks, rows, cols, ok = _assignments(feasible, cap_j, cap_s)
    k = len(rows)
    if keep is not None:
        ok &= keep(masks, rows, cols)
    if not ok.any():
        return None
    scores = masks @ total[rows, cols].astype(np.float64) if k else np.zeros(len(masks))
    return float(scores[ok].max())


def refused_share(con: object, juniors: Sequence[Any], seniors: Sequence[Any]) -> bool:
    """Whether rmatch refuses this rule: a share of pairs on a field one side never gives.

    ``MinShare`` with a share above 0 (not ``at_most``) counts pairs whose two
    partners both give the field; when no junior (or no senior) gives it, only
    the empty assignment would meet it, and ``match`` says so instead.
    """
    import rmatch as rm

    if not isinstance(con, rm.MinShare) or con.share <= 0 or con.at_most:
        return False
    if not juniors or not seniors:
        return False

    def gives(p: Any) -> bool:
        if con.attribute in ("department", "location"):
            return getattr(p, con.attribute) is not None
        return con.attribute in p.attributes

    return not any(gives(p) for p in juniors) or not any(gives(p) for p in seniors)
