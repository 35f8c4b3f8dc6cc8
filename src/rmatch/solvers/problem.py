"""What every solver takes and returns."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from rmatch.constraints.compiled import (
    SCALE,
    BalanceRule,
    CoverRule,
    LoadRule,
    MinRule,
    ShareRule,
)

IntArray = npt.NDArray[np.int64]

Rule = ShareRule | BalanceRule | CoverRule | LoadRule | MinRule
"""A programme-wide rule on a dense problem (see :mod:`rmatch.constraints.compiled`)."""



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


@dataclass(frozen=True)
class Step:
    """One step of the candidate path as it happens (what :class:`Progress` puts in words).

    ``stage`` is ``"scoring"`` (the first pass over every pair), ``"solve"``
    (an exact solve of the candidates), ``"certificate"`` (a scan of every
    pair against the duals; ``done`` at its end) or ``"rules"`` (programme-wide
    rules priced in with ``multiplier``).

    Examples
    --------
    >>> Step("solve", round=1, pairs=10, candidates=320).pairs
    10
    """

    stage: Literal["scoring", "solve", "certificate", "rules"]
    round: int = 0
    pairs: int = 0
    candidates: int = 0
    scanned: int = 0
    violations: int = 0
    done: bool = False
    multiplier: float = 0.0


StepFn = Callable[[Step], None]
"""Where the candidate path reports its steps."""


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


class CallbackGuard:
    """A caller's progress callback, kept from breaking a solve midway.

    The callback runs on the caller's thread, on the heartbeat's helper
    thread and inside CP-SAT's search; an exception it raises would reach
    the caller on one of these, be printed and lost on another. The guard
    keeps the first exception, calls the callback no more, and the solve
    raises it when its step ends: on every path the caller gets the
    exception and no result.

    Examples
    --------
    >>> def broken(p): raise ValueError("my dashboard is down")
    >>> guard = CallbackGuard.around(broken)
    >>> guard(Progress(1, 0.0, 1.0, 0.1))
    >>> CallbackGuard.check(guard)
    Traceback (most recent call last):
    ...
    ValueError: my dashboard is down
    """

    def __init__(self, fn: Callable[[Progress], None]) -> None:
        self.fn = fn
        self.error: Exception | None = None

    @classmethod
    def around(cls, fn: Callable[[Progress], None] | None) -> CallbackGuard | None:
        """Guard ``fn`` (None stays None; a guard is not guarded twice)."""
        if fn is None or isinstance(fn, CallbackGuard):
            return fn
        return cls(fn)

    def __call__(self, progress: Progress) -> None:
        """Call the callback unless it has failed before; keep its first exception."""
        if self.error is not None:
            return
        try:
            self.fn(progress)
        except Exception as err:
            # Any error of the caller's code (a dashboard down, a bug): kept
            # and raised when the step ends, never printed and lost.
            self.error = err

    @staticmethod
    def check(guard: CallbackGuard | None) -> None:
        """Raise the callback's exception, if it raised one."""
        if guard is not None and guard.error is not None:
            raise guard.error


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


def first_violation(problem: Problem, rows: np.ndarray,
                    cols: np.ndarray) -> Rule | None:
    """Return the first global rule the pairs break (model's exact integer arithmetic)."""
    weights = np.rint(problem.total[rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    return next((rule for rule in problem.rules
                 if not rule.holds(rows, cols, weights, problem.feasible.shape)), None)


def rules_hold(problem: Problem, rows: np.ndarray, cols: np.ndarray) -> bool:
    """Tell whether pairs meet every global rule, in the model's exact integer arithmetic."""
    return first_violation(problem, rows, cols) is None
