"""Stability of a result: pairs of people who would both rather be together.

A pair ``(j, s)`` outside the result *blocks* it when the rules allow it and
both would gain by it: each has a free place, or scores the pair higher than
their worst current partner (partners are compared by the programme's total
score, the same number for both). An optimal programme may have blocking
pairs: it maximises the pairs and the total, not each person's best. The
report says how many there are, whom they touch, and what a stable
assignment would cost: with one score for both sides, taking the best
remaining pair first (the greedy order) gives an assignment with no blocking
pair, and its total against the optimum is the price of stability.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from rmatch.models import Participant
    from rmatch.result import MatchResult

FloatMatrix = npt.NDArray[np.float64]

__all__ = ["BlockingPair", "StabilityReport", "stability"]


class BlockingPair(BaseModel):
    """Two people who would both rather be paired with each other.

    Examples
    --------
    >>> BlockingPair(junior_id="j", senior_id="s", score=0.9, junior_gain=0.2,
    ...              senior_gain=0.1).score
    0.9
    """

    model_config = ConfigDict(frozen=True)

    junior_id: str
    senior_id: str
    score: float
    junior_gain: float
    """The pair's value minus the junior's worst partner's (the whole value with a free
    place); in score, or in wish ranks with ``by="wishes"``."""
    senior_gain: float


class StabilityReport(BaseModel):
    """Blocking pairs of a result, whom they touch, and the price of a stable assignment.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> res.stability().blocking_pairs
    []
    """

    model_config = ConfigDict(frozen=True)

    blocking_pairs: list[BlockingPair]
    people_touched: int
    """People in at least one blocking pair."""
    stable_pairs: int | None
    """Pairs of the stable assignment (best remaining pair first); None when the
    programme has programme-wide rules, which that order cannot keep, or when
    stability is judged by wishes."""
    stable_objective: float | None
    cost: float | None
    """This result's total score minus the stable assignment's."""

    def text(self) -> str:
        """Say it in words.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> print(res.stability().text().splitlines()[0])
        no blocking pairs: nobody would rather be with someone else who would rather be with them
        """
        if not self.blocking_pairs:
            head = ("no blocking pairs: nobody would rather be with someone else who would "
                    "rather be with them")
        else:
            head = (f"{len(self.blocking_pairs)} blocking pairs touching "
                    f"{self.people_touched} people")
        if self.stable_objective is None or self.cost is None:
            return f"{head}\n(no stable alternative priced)"
        return (f"{head}\na stable assignment (best remaining pair first) has "
                f"{self.stable_pairs} pairs and total {self.stable_objective:.4f}: "
                f"{self.cost:+.4f} against this result")


def _wish_values(people_a: Sequence[Participant], ids_b: Sequence[str]) -> FloatMatrix:
    """How much each person of one side wishes for each of the other: L - rank, 0 unwished."""
    pos = {pid: k for k, pid in enumerate(ids_b)}
    out = np.zeros((len(people_a), len(ids_b)))
    for i, p in enumerate(people_a):  # a loop over people and their few wishes
        for r, other in enumerate(p.wishes):
            if other in pos:
                out[i, pos[other]] = len(p.wishes) - r
    return out


def stability(result: MatchResult, by: Literal["score", "wishes"] = "score"
              ) -> StabilityReport:
    """Find the blocking pairs of a result (vectorised) and price a stable assignment.

    ``by="score"``: both partners value a pair by its total score.
    ``by="wishes"``: each values the other by their rank in their stated
    ``wishes`` (first wish highest; anyone unwished lowest, all alike), and a
    gain is in ranks. The stable alternative is priced by score only.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1", skills={"a": 1}), rm.Participant(id="j2")]
    >>> ss = [rm.Participant(id="s1", goals={"a": 1}), rm.Participant(id="s2")]
    >>> stability(rm.match(js, ss)).cost >= 0
    True
    """
    from rmatch.matching import solve
    from rmatch.report import pair_indices

    sm = result.scores
    rows, cols = pair_indices(result)
    total = sm.total.astype(np.float64)
    n, m = total.shape
    if by == "wishes":
        value_j = _wish_values(sm.juniors.people, sm.senior_ids)
        value_s = _wish_values(sm.seniors.people, sm.junior_ids).T
    else:
        value_j = value_s = total
    chosen = np.zeros((n, m), dtype=bool)
    chosen[rows, cols] = True
    # Each person's worst current partner, or -inf with a free place (anyone is a gain).
    worst_j = np.full(n, np.inf)
    worst_s = np.full(m, np.inf)
    np.minimum.at(worst_j, rows, value_j[rows, cols])
    np.minimum.at(worst_s, cols, value_s[rows, cols])
    full_j = np.bincount(rows, minlength=n) >= np.minimum(sm.juniors.capacity, m)
    full_s = np.bincount(cols, minlength=m) >= np.minimum(sm.seniors.capacity, n)
    worst_j = np.where(full_j, worst_j, -np.inf)
    worst_s = np.where(full_s, worst_s, -np.inf)
    able = (sm.juniors.capacity > 0)[:, None] & (sm.seniors.capacity > 0)[None, :]
    blocking = (sm.feasible & able & ~chosen & (value_j > worst_j[:, None])
                & (value_s > worst_s[None, :]))
    bj, bs = np.nonzero(blocking)
    gain_j = value_j[bj, bs] - np.where(np.isfinite(worst_j[bj]), worst_j[bj], 0.0)
    gain_s = value_s[bj, bs] - np.where(np.isfinite(worst_s[bs]), worst_s[bs], 0.0)
    pairs = [BlockingPair(junior_id=sm.junior_ids[i], senior_id=sm.senior_ids[k], score=sc,
                          junior_gain=a, senior_gain=b)
             for i, k, sc, a, b in zip(bj.tolist(), bs.tolist(), total[bj, bs].tolist(),
                                       gain_j.tolist(), gain_s.tolist(), strict=True)]
    from rmatch.constraints import GLOBAL_CONSTRAINTS

    stable = (None if by != "score" or any(isinstance(c, GLOBAL_CONSTRAINTS)
                                           for c in sm.program.constraints)
              else solve(sm, solver="greedy"))
    return StabilityReport(
        blocking_pairs=sorted(pairs, key=lambda p: (-p.score, p.junior_id, p.senior_id)),
        people_touched=len(set(bj.tolist())) + len(set(bs.tolist())),
        stable_pairs=None if stable is None else len(stable.pairs),
        stable_objective=None if stable is None else stable.objective,
        cost=None if stable is None else result.objective - stable.objective)
