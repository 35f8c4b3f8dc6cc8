"""Exact solver on scipy's ``linear_sum_assignment`` (dense, Jonker-Volgenant).

Capacities above 1 are handled by repeating rows (or columns). That is only
exact when one side has all capacities <= 1: with both sides above 1, two
copies of a junior could take two copies of the same senior, a duplicate
pair. :func:`rmatch.match` routes that case to the flow solver.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from rmatch.errors import InputError
from rmatch.solvers.problem import Problem, Solution


def solve_hungarian(problem: Problem) -> Solution:
    """Solve exactly with one dense assignment on the capacity-expanded matrix.

    The lexicographic objective (most pairs, then most score) becomes one
    weight per pair: ``big + total`` where feasible and 0 elsewhere, with
    ``big`` larger than any total a matching can lose: the spread of the
    feasible scores (from the lowest, or 0, to the highest) times the most
    pairs, plus 1 (``min(n, m) + 1`` for rmatch's scores in [0, 1]; raw
    scores of any size get a bigger one). One more feasible pair always
    outweighs any score difference; a chosen 0-weight pair means "unmatched".
    With ``objective="max_score"`` there is no ``big``: the weight is the score.
    """
    cap_j, cap_s = problem.cap_j, problem.cap_s
    if cap_j.max(initial=0) > 1 and cap_s.max(initial=0) > 1:
        raise InputError(
            "solver 'hungarian' needs capacities <= 1 on at least one side "
            "(both sides have capacities above 1); use solver 'flow' or 'auto'"
        )
    rows_of = np.repeat(np.arange(len(cap_j)), cap_j)
    cols_of = np.repeat(np.arange(len(cap_s)), cap_s)
    empty = np.zeros(0, dtype=np.int64)
    if len(rows_of) == 0 or len(cols_of) == 0:
        return Solution(empty, empty, "optimal")
    feasible = problem.feasible
    total = problem.total
    # Reductions over the mask, not total[feasible]: no copy of a dense matrix.
    high = float(total.max(where=feasible, initial=-np.inf))
    low = float(total.min(where=feasible, initial=np.inf))
    spread = max(1.0, high - min(0.0, low)) if np.isfinite(high) else 1.0
    big = spread * min(len(rows_of), len(cols_of)) + 1.0
    if len(rows_of) != len(cap_j) or not np.all(cap_j == 1):
        feasible, total = feasible[rows_of], total[rows_of]
    if len(cols_of) != len(cap_s) or not np.all(cap_s == 1):
        feasible, total = feasible[:, cols_of], total[:, cols_of]
    # Minimise the negated weight ourselves, in one float64 buffer: scipy's
    # maximize=True would make one more full copy of the matrix, and every
    # fresh buffer costs page faults.
    cost = np.empty(total.shape, dtype=np.float64)
    np.negative(total, out=cost)
    if not feasible.all():  # otherwise every assignment has min(n, m) pairs
        if problem.objective == "max_pairs":
            cost -= big
        # An infeasible pair weighs 0: choosing it means "unmatched". Under
        # max_score a feasible pair of score 0 weighs the same: either is optimal.
        np.copyto(cost, 0.0, where=~feasible)
    r, c = linear_sum_assignment(_reduced(cost))
    keep = feasible[r, c]
    return Solution(rows_of[r[keep]].astype(np.int64), cols_of[c[keep]].astype(np.int64),
                    "optimal")


# Warm start by auction only above this many cells: below it scipy's solve
# takes about a millisecond and the auction's first round costs as much.
AUCTION_MIN_CELLS = 40_000
# Bid increment and rounds of the warm-start auction (score units; every
# problem's weights lie in [0, 1]). Chosen on the benchmark programmes of 500
# to 2,000 per side (10 to 100 rounds, steps 0.003 to 0.03 tried): larger steps
# price too coarsely, more rounds cost more than the search they save.
AUCTION_EPS = 0.01
AUCTION_ROUNDS = 30


def _reduced(cost: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Shift rows and columns of ``cost`` (in place) towards an optimal dual, keeping the optimum.

    Every assignment uses each line (row or column) of the shorter side
    exactly once (both sides when square), so adding a constant to such a line shifts
    every assignment's cost by that constant and leaves the optimum where it
    was. scipy's shortest-augmenting-path solver starts from zero potentials;
    on rmatch's score matrices (juniors largely agree on which seniors score
    best) good starting potentials make its searches far shorter. Two cheap
    steps: subtract column and row minima (2x to 8x faster at 500 to 2,000
    per side), then a few rounds of an auction whose prices shift the shorter
    side (another 1.2x to 2x). The shifts change no assignment's rank, only
    the solver's path to the optimum.

    Examples
    --------
    >>> _reduced(np.array([[4.0, 1.0], [3.0, 2.0]])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    n_rows, n_cols = cost.shape
    if n_rows >= n_cols:  # every column is assigned
        cost -= cost.min(axis=0)
    if n_rows <= n_cols:  # every row is assigned
        cost -= cost.min(axis=1)[:, None]
    if cost.size >= AUCTION_MIN_CELLS:
        if n_rows >= n_cols:  # rows bid for columns; prices shift the columns
            cost += _auction_prices(cost, AUCTION_EPS, AUCTION_ROUNDS)
            if n_rows == n_cols:
                cost -= cost.min(axis=1)[:, None]
        else:  # columns bid for rows, the side assigned in full
            cost += _auction_prices(cost.T, AUCTION_EPS, AUCTION_ROUNDS)[:, None]
    return cost


def _auction_prices(cost: npt.NDArray[np.float64], eps: float,
                    rounds: int) -> npt.NDArray[np.float64]:
    """Column prices after a few rounds of a Jacobi auction (rows bid for columns).

    Each round, every unassigned row bids for the column that is cheapest at
    current prices, raising its price by how much better it is than the row's
    second choice plus ``eps``; each column goes to its highest bidder. One
    round is a handful of vectorised passes over the unassigned rows only.
    Stopped early, the prices are approximate dual values: good starting
    potentials, never a claim of optimality.

    Examples
    --------
    >>> _auction_prices(np.array([[0.0, 1.0], [0.0, 3.0]]), 0.5, 10).tolist()
    [3.5, 3.0]
    """
    n_rows, n_cols = cost.shape
    price = np.zeros(n_cols)
    if n_cols < 2:
        return price
    owner = np.full(n_cols, -1, dtype=np.int64)
    assigned = np.full(n_rows, -1, dtype=np.int64)
    # Bidders' rows are priced in chunks through one reused buffer of about
    # 4 MB: a fresh (bidders x columns) copy per round would cost more in page
    # faults than the round's arithmetic on large matrices.
    chunk = max(1, min(n_rows, (1 << 19) // n_cols))
    buf = np.empty((chunk, n_cols))
    for _ in range(rounds):
        bidders = np.flatnonzero(assigned < 0)
        if bidders.size == 0:
            break
        best = np.empty(bidders.size, dtype=np.int64)
        margin = np.empty(bidders.size)
        for start in range(0, bidders.size, chunk):
            rows = bidders[start:start + chunk]
            value = buf[:rows.size]
            np.take(cost, rows, axis=0, out=value, mode="clip")  # valid rows: unbuffered
            value += price  # cost at current prices: lower is better
            at = np.arange(rows.size)
            top = value.argmin(axis=1)
            first = value[at, top]
            value[at, top] = np.inf
            best[start:start + rows.size] = top
            margin[start:start + rows.size] = value.min(axis=1) - first
        bid = price[best] + margin + eps
        # Highest bid per column wins (ties: the lowest row, for determinism).
        order = np.lexsort((-bid, best))
        won = order[np.r_[True, best[order][1:] != best[order][:-1]]]
        cols = best[won]
        outbid = owner[cols]
        assigned[outbid[outbid >= 0]] = -1
        owner[cols] = bidders[won]
        assigned[bidders[won]] = cols
        price[cols] = bid[won]
    return price
