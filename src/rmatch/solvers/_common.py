"""What every solver takes and returns."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Problem:
    """A capacitated assignment problem: maximise pairs, then the sum of ``total``.

    With ``objective="max_score"``, maximise the sum of ``total`` alone.

    ``total`` and ``feasible`` are juniors x seniors; a pair may be chosen at
    most once, junior ``i`` in at most ``cap_j[i]`` pairs, senior ``k`` in at
    most ``cap_s[k]``.
    """

    # float32 from scoring; float64 when a bound needs exact priced weights.
    total: npt.NDArray[np.float32] | npt.NDArray[np.float64]
    feasible: npt.NDArray[np.bool_]
    cap_j: IntArray
    cap_s: IntArray
    time_limit_s: float = 60.0
    seed: int = 0
    # Required pairs, kept in the problem (not subtracted out) when global rules
    # must count them; solvers that cannot take rules get the residual problem.
    fixed_rows: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fixed_cols: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rules: tuple[Rule, ...] = ()
    # "max_pairs": the most pairs, then the most score; "max_score": the most
    # score, however many pairs that takes.
    objective: Literal["max_pairs", "max_score"] = "max_pairs"


@dataclass(frozen=True)
class Solution:
    """Chosen pairs as (row, column) index arrays, with a status and a proven bound."""

    rows: IntArray
    cols: IntArray
    status: Literal["optimal", "feasible"]
    bound: float | None = None  # None: the objective itself (optimal)


def objective(problem: Problem, rows: IntArray, cols: IntArray) -> float:
    """Sum of ``total`` over the chosen pairs, in float64."""
    return float(problem.total[rows, cols].astype(np.float64).sum())


@dataclass(frozen=True)
class ShareRule:
    """``qualifies`` pairs make up at least (or at most) ``share`` of all pairs."""

    label: str
    qualifies: npt.NDArray[np.bool_]
    share: float
    at_most: bool


@dataclass(frozen=True)
class BalanceRule:
    """Mean pair score per senior group (``group_of_senior``) within ``max_gap``."""

    label: str
    group_of_senior: IntArray
    max_gap: float


@dataclass(frozen=True)
class CoverRule:
    """Everyone on ``side`` is in at least one pair."""

    label: str
    side: Literal["juniors", "seniors"]


Rule = ShareRule | BalanceRule | CoverRule


def share_holds(share: Fraction, at_most: bool, qualifying: int, pairs: int) -> bool:
    """Whether ``qualifying`` of ``pairs`` meet a share, in exact integers.

    Examples
    --------
    >>> share_holds(Fraction(1, 2), False, 2, 4), share_holds(Fraction(1, 2), True, 3, 4)
    (True, False)
    """
    lhs = share.denominator * qualifying - share.numerator * pairs
    return lhs <= 0 if at_most else lhs >= 0


def covers(rule: CoverRule, rows: IntArray, cols: IntArray, shape: tuple[int, int]) -> bool:
    """Whether the pairs give everyone on the rule's side a partner.

    Examples
    --------
    >>> covers(CoverRule("c", "seniors"), np.array([0, 1]), np.array([1, 1]), (2, 2))
    False
    """
    people, size = (rows, shape[0]) if rule.side == "juniors" else (cols, shape[1])
    return bool((np.bincount(people, minlength=size) > 0).all())


def balance_holds(rule: BalanceRule, cols: IntArray, weights: IntArray, gap: int) -> bool:
    """Whether the senior groups' mean integer weights lie within ``gap`` (exact integers).

    ``|S_g / N_g - S_h / N_h| <= gap`` is checked as ``|S_g N_h - S_h N_g| <= gap N_g N_h``
    in Python integers (no overflow).

    Examples
    --------
    >>> rule = BalanceRule("b", np.array([0, 1]), 0.0)
    >>> balance_holds(rule, np.array([0, 1]), np.array([5, 5]), 0)
    True
    """
    group = rule.group_of_senior[cols]
    stats = [(int(weights[group == g].sum()), int((group == g).sum())) for g in np.unique(group)]
    return all(abs(sa * nb - sb * na) <= gap * na * nb
               for a, (sa, na) in enumerate(stats) for sb, nb in stats[a + 1:])


@dataclass(frozen=True)
class Progress:
    """A progress report from a long solve (objective units are pair scores).

    ``phase`` 1 maximises the number of pairs, phase 2 the total score.
    """

    phase: int
    incumbent: float
    bound: float
    elapsed_s: float
    # The candidate path's steps ("scoring", "solve", "certificate") and what
    # they found, in words; empty for the dense solvers.
    stage: str = ""
    note: str = ""

    @property
    def gap(self) -> float:
        """Relative gap between the incumbent and the bound."""
        return abs(self.bound - self.incumbent) / max(abs(self.bound), 1e-9)


HEARTBEAT_S = 1.0
"""Seconds between progress reports while a solver step gives no news of its own."""


class Beat:
    """What a heartbeat reports: the latest incumbent and bound, which the solver updates."""

    def __init__(self, phase: int, incumbent: float, bound: float) -> None:
        self.phase, self.incumbent, self.bound = phase, incumbent, bound

    def update(self, incumbent: float | None = None, bound: float | None = None) -> None:
        """Record a better incumbent or bound (plain attribute writes: thread-safe enough)."""
        if incumbent is not None:
            self.incumbent = incumbent
        if bound is not None:
            self.bound = bound


@contextmanager
def heartbeat(progress: Callable[[Progress], None] | None, start: float, phase: int,
              incumbent: float, bound: float) -> Iterator[Beat]:
    """Report progress every :data:`HEARTBEAT_S` seconds while the block runs.

    Steps such as the assignment solver's one call, or the Python starts
    before CP-SAT, give no news of their own for seconds at a time; a helper
    thread reports the latest known incumbent and bound meanwhile, so every
    solve longer than about a second reports. The callback may therefore be
    called from that thread.

    Examples
    --------
    >>> seen = []
    >>> with heartbeat(seen.append, time.perf_counter(), 2, 0.0, 5.0) as beat:
    ...     beat.update(incumbent=4.0)
    >>> seen  # the block took far less than a second: nothing to report
    []
    """
    beat = Beat(phase, incumbent, bound)
    if progress is None:
        yield beat
        return
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(HEARTBEAT_S):
            progress(Progress(beat.phase, beat.incumbent, max(beat.bound, beat.incumbent),
                              time.perf_counter() - start))

    helper = threading.Thread(target=run, name="rmatch-progress", daemon=True)
    helper.start()
    try:
        yield beat
    finally:
        stop.set()
        helper.join()
