"""Bounds and starting assignments for the global rules, around the flow solver.

The programme-wide rules sit on an assignment polytope: a few side
constraints on a problem that min-cost flow solves exactly. So before CP-SAT:

- :func:`price_shares` prices the ``MinShare`` rules into the scores
  (Lagrangian relaxation): for a multiplier ``lam >= 0`` the optimum of
  ``total + lam * h`` (``h = q - share`` per rule, negated for "at most", so
  that an assignment meeting the rules has ``sum h >= 0``) bounds the score
  of every assignment with as many pairs that meets the rules. A 1-D
  cutting-plane search on ``lam`` finds the best such bound and, on the
  feasible side, an assignment that meets the share rules with every pair
  kept;
- :func:`balance_swaps` meets ``GroupBalance`` by exchanging partners
  between the best- and worst-served groups (and taking in people left out)
  instead of dropping pairs;
- :func:`improve` raises the score of an assignment that meets every rule by
  exchanging the partners of two pairs while every rule still holds.

All three work on numpy arrays of the chosen pairs; none loops over pairs
in Python except to apply one chosen move.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from rmatch.constraints.compiled import BalanceRule, ShareRule, share_fraction
from rmatch.solvers.problem import Problem, objective, rules_hold

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Pairs = tuple[IntArray, IntArray]
TOP = 2.0
"""The top of the multiplier's bracket: a bonus of 2 outweighs any score difference of one
exchange."""
Point = tuple[float, float, float, bool, int]
"""One evaluation of the Lagrangian: ``(lam, L(lam), slope, rules met, pairs)``."""


class Priced(NamedTuple):
    """What :func:`price_shares` found: a start meeting the shares, the bound and its multiplier."""

    start: Pairs | None
    bound: float | None
    pairs: int
    multiplier: float


def share_help(problem: Problem, shares: list[ShareRule]) -> FloatArray:
    """Per pair, the sum over share rules of (q - share), signed so that >= 0 means "helps".

    Examples
    --------
    >>> rule = ShareRule("r", np.array([[True, False]]), 0.25, at_most=False)
    >>> problem = Problem(np.zeros((1, 2), np.float32), np.ones((1, 2), bool),
    ...                   np.ones(1, np.int64), np.ones(2, np.int64), rules=(rule,))
    >>> share_help(problem, [rule]).tolist()
    [[0.75, -0.25]]
    """
    out = np.zeros(problem.feasible.shape, dtype=np.float64)
    for rule in shares:
        frac = float(share_fraction(rule))
        h = rule.qualifies.astype(np.float64) - frac
        out += -h if rule.at_most else h
    return out


def price_shares(problem: Problem, solve: Callable[[FloatArray], tuple[IntArray, IntArray,
                                                                     float]],
                 iterations: int = 14, deadline: float = float("inf"),
                 relaxed: tuple[IntArray, IntArray, float] | None = None,
                 ) -> Priced:
    """Search one multiplier for every ``MinShare`` rule (Lagrangian dual, 1-D cutting planes).

    ``solve(weights)`` must return the optimum (most pairs, then most
    weight; weights in [0, 1]) as ``(rows, cols, slack)``, ``slack`` bounding
    its rounding; ``relaxed`` is its answer on the plain scores, if known.
    ``L(lam)``, the optimum of ``total + lam * h``, is convex in ``lam`` with
    slope ``sum h`` over the chosen pairs; the next ``lam`` is where the lines
    through the two ends of the bracket meet (Kelley's method), which pins a
    piecewise-linear ``L`` down in a few solves.

    Returns the best assignment meeting the share rules (or None), a bound on
    the score of any assignment with the relaxed number of pairs that meets
    them (or None), that number of pairs, and the multiplier of the bound.
    """
    shares = [r for r in problem.rules if isinstance(r, ShareRule)]
    h = share_help(problem, shares)
    total = problem.total.astype(np.float64)
    share_only = Problem(problem.total, problem.feasible, problem.cap_j, problem.cap_s,
                         fixed_rows=problem.fixed_rows, fixed_cols=problem.fixed_cols,
                         rules=tuple(shares))

    def evaluate(lam: float) -> tuple[IntArray, IntArray, float, float]:
        weights = total + lam * h
        if lam == 0.0 and relaxed is not None:
            rows, cols, slack = relaxed
            span = 1.0
        else:
            # The solvers take weights in [0, 1]: an affine map keeps the order
            # of assignments with as many pairs (float64 keeps them exact).
            w_lo = float(weights.min(initial=0.0))
            w_hi = float(weights.max(initial=1.0))
            span = w_hi - w_lo if w_hi > w_lo else 1.0
            rows, cols, slack = solve((weights - w_lo) / span)
        value = float(weights[rows, cols].sum()) + slack * span
        return rows, cols, value, float(h[rows, cols].sum())

    best: Pairs | None = None
    bounds: list[float] = []
    lams: list[float] = []

    def visit(lam: float) -> Point:
        nonlocal best
        rows, cols, value, slope = evaluate(lam)
        bounds.append(value)
        lams.append(lam)
        ok = rules_hold(share_only, rows, cols)
        if ok and (best is None or _key(problem, (rows, cols)) > _key(problem, best)):
            best = (rows, cols)
        return lam, value, slope, ok, len(rows)

    def closed() -> bool:
        return best is not None and min(bounds) - objective(problem, *best) <= 1e-9 * max(
            1.0, abs(min(bounds)))

    count = search_multiplier(visit, closed, iterations, deadline)
    if not bounds:
        return Priced(best, None, count, 0.0)
    lowest = int(np.argmin(bounds))
    return Priced(best, bounds[lowest], count, lams[lowest])


def search_multiplier(visit: Callable[[float], Point], closed: Callable[[], bool],
                      iterations: int = 14, deadline: float = float("inf"),
                      top: float = TOP) -> int:
    """Search the multiplier of the share rules by Kelley's method; return the most pairs.

    ``visit(lam)`` evaluates ``L(lam)`` (and records what it found);
    ``closed()`` says the best assignment found meets the best bound. The
    bracket starts at ``[0, top]`` (by default :data:`TOP`) and shrinks towards
    where the lines through its ends meet.

    Examples
    --------
    >>> seen = []
    >>> def visit(lam):  # L(lam) = max(1 - lam, 0.5 + lam): the rule holds from lam = 0.25
    ...     seen.append(lam)
    ...     return (lam, max(1 - lam, 0.5 + lam), -1.0 if lam < 0.25 else 1.0, lam >= 0.25, 3)
    >>> search_multiplier(visit, lambda: False), round(seen[2], 3)
    (3, 0.25)
    """
    lo = visit(0.0)
    count = lo[4]  # the most pairs: the same for every lam (the solvers put pairs first)
    if lo[3]:
        return count
    hi = visit(top)
    for _ in range(iterations):
        if not hi[3] or time.perf_counter() > deadline or closed():
            break
        (la, va, ga, _, _), (lb, vb, gb, _, _) = lo, hi
        lam = (vb - va + ga * la - gb * lb) / (ga - gb) if ga != gb else (la + lb) / 2
        if not la < lam < lb or lb - la < 1e-12:
            break
        # Keep away from the ends so that the bracket always shrinks.
        lam = min(max(lam, la + 1e-3 * (lb - la)), lb - 1e-3 * (lb - la))
        point = visit(lam)
        if point[3]:
            hi = point
        else:
            lo = point
    return count


def _key(problem: Problem, pairs: Pairs) -> tuple[int, float]:
    return len(pairs[0]), objective(problem, *pairs)


def _swap_candidates(problem: Problem, rows: IntArray, cols: IntArray,
                     a: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """For pairs ``a`` against every pair: allowed swaps (a_k, b_k) and their score change."""
    s = problem.total
    taken = np.zeros(problem.feasible.shape, dtype=np.bool_)
    taken[rows, cols] = True
    ra, ca = rows[a][:, None], cols[a][:, None]
    rb, cb = rows[None, :], cols[None, :]
    ok = (problem.feasible[ra, cb] & problem.feasible[rb, ca] & (ra != rb) & (ca != cb)
          & ~taken[ra, cb] & ~taken[rb, ca])
    ai, bi = np.nonzero(ok)
    delta = (s[rows[a][ai], cols[bi]].astype(np.float64) + s[rows[bi], cols[a][ai]]
             - s[rows[a][ai], cols[a][ai]] - s[rows[bi], cols[bi]])
    return a[ai], bi, delta


def _fixed_mask(problem: Problem, rows: IntArray, cols: IntArray) -> npt.NDArray[np.bool_]:
    m = problem.feasible.shape[1]
    return np.isin(rows * m + cols, problem.fixed_rows * m + problem.fixed_cols)


def improve(problem: Problem, pairs: Pairs, deadline: float, max_moves: int = 2000) -> Pairs:
    """Exchange partners of two pairs while it raises the score and every rule holds.

    Each round scores every exchange at once (pairs x pairs) and applies the
    best one that keeps the rules; it stops at a local optimum, after
    ``max_moves`` exchanges or at ``deadline``.
    """
    rows, cols = pairs[0].copy(), pairs[1].copy()
    if len(rows) < 2:
        return rows, cols
    fixed = _fixed_mask(problem, rows, cols)
    everyone = np.flatnonzero(~fixed)
    for _ in range(max_moves):
        if time.perf_counter() > deadline:
            break
        a, b, delta = _swap_candidates(problem, rows, cols, everyone)
        keep = (delta > 1e-9) & ~fixed[b]
        a, b, delta = a[keep], b[keep], delta[keep]
        if len(a) == 0:
            break
        moved = False
        for k in np.argsort(-delta, kind="stable")[:50].tolist():
            new_cols = cols.copy()
            new_cols[a[k]], new_cols[b[k]] = cols[b[k]], cols[a[k]]
            if rules_hold(problem, rows, new_cols):
                cols = new_cols
                moved = True
                break
        if not moved:
            break
    return rows, cols


def _spread(problem: Problem, rule: BalanceRule, rows: IntArray,
            cols: IntArray) -> tuple[FloatArray, FloatArray, IntArray]:
    """Score sums and pair counts per senior group, and each senior's group index."""
    codes, inverse = np.unique(rule.group_of_senior, return_inverse=True)
    group = inverse.astype(np.int64)
    g = group[cols]
    sums = np.bincount(g, weights=problem.total[rows, cols].astype(np.float64),
                       minlength=len(codes)).astype(np.float64)
    counts = np.bincount(g, minlength=len(codes)).astype(np.float64)
    return sums, counts, group


def _violation(sums: FloatArray, counts: FloatArray, gap: float) -> float:
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    means = means[counts > 0]
    return 0.0 if len(means) < 2 else max(0.0, float(means.max() - means.min()) - gap)


def balance_swaps(problem: Problem, pairs: Pairs, deadline: float,
                  max_moves: int = 5000) -> Pairs:
    """Move towards every ``GroupBalance`` rule by exchanging partners, keeping every pair.

    Two kinds of move, scored all at once: exchange the juniors of two pairs
    in different senior groups, or give a pair a junior who has free capacity.
    Each step takes the move that most reduces the excess spread of group
    means (ties: least score lost) until the rules hold or no move helps.
    The result may still break a rule; the caller repairs it.
    """
    rows, cols = pairs[0].copy(), pairs[1].copy()
    balances = [r for r in problem.rules if isinstance(r, BalanceRule)]
    if not balances or len(rows) < 2:
        return rows, cols
    fixed = _fixed_mask(problem, rows, cols)
    for rule in balances:
        for _ in range(max_moves):
            if time.perf_counter() > deadline:
                return rows, cols
            sums, counts, group = _spread(problem, rule, rows, cols)
            excess = _violation(sums, counts, rule.max_gap)
            if excess <= 1e-9:
                break
            best = _best_balance_move(problem, rule, rows, cols, fixed, sums, counts, group,
                                      excess)
            if best is None:
                break
            kind, x, y = best
            if kind == 0:  # exchange the juniors of pairs x and y
                rows[x], rows[y] = rows[y], rows[x]
            else:  # junior y takes pair x's place
                rows[x] = y
    return rows, cols


def _best_balance_move(problem: Problem, rule: BalanceRule, rows: IntArray, cols: IntArray,
                       fixed: npt.NDArray[np.bool_], sums: FloatArray, counts: FloatArray,
                       group: IntArray, excess: float) -> tuple[int, int, int] | None:
    """Find the move that most reduces the excess spread of group means (None: none does)."""
    s = problem.total
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    top, low = int(np.nanargmax(means)), int(np.nanargmin(means))
    g = group[cols]
    cur = s[rows, cols].astype(np.float64)
    movable = ~fixed
    in_top = np.flatnonzero((g == top) & movable)
    in_low = np.flatnonzero((g == low) & movable)
    candidates: list[tuple[float, float, int, int, int]] = []

    def spread_after(d_top: FloatArray, d_low: FloatArray) -> FloatArray:
        new = np.repeat(means[None, :], len(d_top), axis=0)
        new[:, top] = (sums[top] + d_top) / counts[top]
        new[:, low] = (sums[low] + d_low) / counts[low]
        return np.asarray(np.nanmax(new, axis=1) - np.nanmin(new, axis=1), dtype=np.float64)

    taken = np.zeros(problem.feasible.shape, dtype=np.bool_)
    taken[rows, cols] = True
    if len(in_top) and len(in_low):
        # Exchange juniors between a top-group pair x and a low-group pair y.
        x = np.repeat(in_top, len(in_low))
        y = np.tile(in_low, len(in_top))
        rx, ry, cx, cy = rows[x], rows[y], cols[x], cols[y]
        ok = (problem.feasible[ry, cx] & problem.feasible[rx, cy] & (rx != ry)
              & ~taken[ry, cx] & ~taken[rx, cy])
        x, y, rx, ry, cx, cy = x[ok], y[ok], rx[ok], ry[ok], cx[ok], cy[ok]
        new_x = s[ry, cx].astype(np.float64)
        new_y = s[rx, cy].astype(np.float64)
        after = spread_after(new_x - cur[x], new_y - cur[y])
        loss = cur[x] + cur[y] - new_x - new_y
        if len(after):
            k = int(np.lexsort((loss, after))[0])
            candidates.append((float(after[k]), float(loss[k]), 0, int(x[k]), int(y[k])))
    free = problem.cap_j - np.bincount(rows, minlength=len(problem.cap_j))
    spare = np.flatnonzero(free > 0)
    if len(spare):
        for members, is_top in ((in_top, True), (in_low, False)):
            if not len(members):
                continue
            x = np.repeat(members, len(spare))
            y = np.tile(spare, len(members))
            cx = cols[x]
            ok = problem.feasible[y, cx] & ~taken[y, cx]
            x, y, cx = x[ok], y[ok], cx[ok]
            d = s[y, cx].astype(np.float64) - cur[x]
            zero = np.zeros_like(d)
            after = spread_after(d, zero) if is_top else spread_after(zero, d)
            if len(after):
                k = int(np.lexsort((-d, after))[0])
                candidates.append((float(after[k]), float(-d[k]), 1, int(x[k]), int(y[k])))
    if not candidates:
        return None
    spread, _, kind, x_k, y_k = min(candidates)
    if spread - rule.max_gap >= excess - 1e-12:
        return None  # no move reduces the excess
    return kind, x_k, y_k
