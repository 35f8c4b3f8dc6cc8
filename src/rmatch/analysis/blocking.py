"""Blocking pairs found block by block, and counted without a list of them.

:func:`rmatch.analysis.stability.stability` lists a result's blocking pairs;
:func:`count_blocking` counts them as it finds them (a report needs their
number, and an optimum of 100,000 per side can have tens of millions). Both
look at every pair once, a block of rows at a time (scored on demand on a
programme solved on candidates). By score, a block of 250,000 pairs or more
is searched by a compiled pass (:func:`blocking_in`): the numpy expression
it replaces made six passes over the block and a float64 copy of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from rmatch.jit import BLOCKS_COMPILED_FROM, compiled, is_compiled
from rmatch.program.preferences import accepts_unwished

if TYPE_CHECKING:
    from rmatch.model.participant import Participant
    from rmatch.result.match_result import MatchResult
    from rmatch.scoring.matrix import ScoreMatrix

FloatMatrix = npt.NDArray[np.float64]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
# Called with each block of rows a whole-programme search scores: (first row, total, feasible).
EachBlock = Callable[[int, Any, Any], None]

__all__ = ["BlockingCount", "blocking_in", "count_blocking"]


def _wish_values(people_a: Sequence[Participant], ids_b: Sequence[str]) -> FloatMatrix:
    """How much each person of one side wishes for each of the other: L - rank, 0 unwished."""
    pos = {pid: k for k, pid in enumerate(ids_b)}
    out = np.zeros((len(people_a), len(ids_b)))
    for i, p in enumerate(people_a):  # a loop over people and their few wishes
        for r, other in enumerate(p.wishes):
            if other in pos:
                out[i, pos[other]] = len(p.wishes) - r
    return out


# Pairs looked at in one block (a few tens of MB of temporaries).
_BLOCK_CELLS = 2_000_000


def _pair_values(sm: ScoreMatrix, by: Literal["score", "wishes"], rows: IntArray,
                 cols: IntArray) -> tuple[FloatArray, FloatArray]:
    """How much each side values its current pairs (the score, or the wish rank)."""
    if by == "score":
        at = np.asarray(sm.total[rows, cols], dtype=np.float64)
        return at, at
    rank_j = [{o: len(p.wishes) - r for r, o in enumerate(p.wishes)} for p in sm.juniors.people]
    rank_s = [{o: len(p.wishes) - r for r, o in enumerate(p.wishes)} for p in sm.seniors.people]
    vj = [rank_j[i].get(sm.senior_ids[k], 0) for i, k in zip(rows.tolist(), cols.tolist(),
                                                               strict=True)]
    vs = [rank_s[k].get(sm.junior_ids[i], 0) for i, k in zip(rows.tolist(), cols.tolist(),
                                                               strict=True)]
    return np.asarray(vj, dtype=np.float64), np.asarray(vs, dtype=np.float64)


class _Found(NamedTuple):
    """Blocking pairs, their count and the people they touch.

    The arrays (junior rows, senior columns, scores, both gains) are empty when
    only counting.
    """

    rows: IntArray
    cols: IntArray
    score: FloatArray
    gain_j: FloatArray
    gain_s: FloatArray
    blocking: int
    people_touched: int


def _find(result: MatchResult, by: Literal["score", "wishes"],
          each_block: EachBlock | None = None, *, keep: bool = True) -> _Found:
    """Find every blocking pair; ``keep=False`` counts them without keeping them.

    Counting keeps a flag per person, not the pairs: an optimum of 100,000 per
    side has tens of millions of blocking pairs (five arrays of them: GBs).
    """
    from rmatch.result.match_result import pair_indices

    sm = result.scores
    rows, cols = pair_indices(result)
    n, m = sm.shape
    # Each person's worst current partner, or -inf with a free place (anyone is a gain).
    at_j, at_s = _pair_values(sm, by, rows, cols)
    worst_j = np.full(n, np.inf)
    worst_s = np.full(m, np.inf)
    np.minimum.at(worst_j, rows, at_j)
    np.minimum.at(worst_s, cols, at_s)
    full_j = np.bincount(rows, minlength=n) >= np.minimum(sm.juniors.capacity, m)
    full_s = np.bincount(cols, minlength=m) >= np.minimum(sm.seniors.capacity, n)
    worst_j = np.where(full_j, worst_j, -np.inf)
    worst_s = np.where(full_s, worst_s, -np.inf)
    # The chosen pairs by row, once: each block takes its run (not a pass over all pairs,
    # 5,000 blocks at 100,000 per side).
    order = np.argsort(rows, kind="stable")
    rows_sorted, cols_sorted = rows[order], cols[order]
    able_j, able_s = sm.juniors.capacity > 0, sm.seniors.capacity > 0
    any_j = accepts_unwished(sm.juniors.people, sm.program)
    any_s = accepts_unwished(sm.seniors.people, sm.program)
    found: list[tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]] = []
    count, touched_j, touched_s = 0, np.zeros(n, dtype=bool), np.zeros(m, dtype=bool)

    def found_in(bj: IntArray, bs: IntArray, score: FloatArray, vj: FloatArray,
                 vs: FloatArray) -> None:
        nonlocal count
        count += len(bj)
        touched_j[bj] = True
        touched_s[bs] = True
        if keep:
            found.append((bj, bs, score, vj, vs))
    # Every pair is looked at once, a block of rows at a time: on a dense matrix
    # the blocks are views; on a programme solved on candidates they are scored
    # now, so the analysis never holds more than a block.
    for start, total_b, feasible_b in sm.row_blocks(max(1, _BLOCK_CELLS // max(m, 1))):
        if each_block is not None:
            each_block(start, total_b, feasible_b)
        stop = start + len(total_b)
        here = slice(*np.searchsorted(rows_sorted, (start, stop)))
        if by == "score":
            bj, bs = blocking_in(total_b, feasible_b, able_j[start:stop], able_s,
                                 worst_j[start:stop], worst_s,
                                 (rows_sorted[here] - start, cols_sorted[here]))
            score = np.asarray(total_b[bj, bs], dtype=np.float64)
            found_in(bj + start, bs, score, score, score)
            continue
        total = total_b.astype(np.float64)
        value_j = _wish_values(sm.juniors.people[start:stop], sm.senior_ids)
        value_s = _wish_values(sm.seniors.people, sm.junior_ids[start:stop]).T
        chosen = np.zeros(total.shape, dtype=bool)
        chosen[rows_sorted[here] - start, cols_sorted[here]] = True
        able = able_j[start:stop, None] & able_s[None, :]
        blocking = (feasible_b & able & ~chosen & (value_j > worst_j[start:stop, None])
                    & (value_s > worst_s[None, :]))
        if sm.program.unranked == "unacceptable":
            # An unwished partner is no option (unless one accepts anyone: accepts_unwished).
            blocking &= ((value_j > 0) | any_j[start:stop, None]) & \
                ((value_s > 0) | any_s[None, :])
        bj, bs = np.nonzero(blocking)
        found_in(bj + start, bs, total[bj, bs], value_j[bj, bs], value_s[bj, bs])
    bj, bs, score, vj, vs = (np.concatenate(parts) for parts in zip(*found, strict=True)) \
        if found else (np.zeros(0, np.int64),) * 2 + (np.zeros(0),) * 3
    gain_j = vj - np.where(np.isfinite(worst_j[bj]), worst_j[bj], 0.0)
    gain_s = vs - np.where(np.isfinite(worst_s[bs]), worst_s[bs], 0.0)
    return _Found(bj, bs, score, gain_j, gain_s, count,
                  int(touched_j.sum()) + int(touched_s.sum()))


def _stable_alternative(result: MatchResult, by: Literal["score", "wishes"]
                        ) -> MatchResult | None:
    """Return the greedy stable assignment by score where it can be priced, else None."""
    from rmatch.constraints.programme import GLOBAL_CONSTRAINTS
    from rmatch.scoring.blocks import CandidateScores
    from rmatch.solvers.match import solve

    sm = result.scores
    # The stable alternative is greedy over every pair: priced on a dense
    # matrix only (on candidates it would sort the whole programme's pairs),
    # and not where greedy cannot keep the rules (programme-wide ones, or
    # someone's min_partners: the report of such a programme raised here).
    return (None if by != "score" or isinstance(sm, CandidateScores)
            or any(isinstance(c, GLOBAL_CONSTRAINTS) for c in sm.program.constraints)
            or any(p.min_partners for p in (*sm.juniors.people, *sm.seniors.people))
            else solve(sm, solver="greedy"))


def _judged_by(result: MatchResult, by: Literal["score", "wishes"] | None
               ) -> Literal["score", "wishes"]:
    program = result.scores.program
    if by is not None:
        return by
    return "wishes" if program.stable and program.stable_by == "wishes" else "score"


def _blocking_rows(total: Any, feasible: Any, able_j: Any, able_s: Any, worst_j: Any,
                   worst_s: Any, ptr: Any, partners: Any, out: Any) -> int:
    """Write the flat positions of a block's blocking pairs by score to ``out``; return how many.

    Compiled by numba: one pass over the block, a pair's float32 score compared as a
    float64, as the numpy expression compares it. ``partners[ptr[r]:ptr[r + 1]]`` are
    row ``r``'s chosen seniors (a few: a person's capacity).
    """
    b, m = total.shape
    got = 0
    for r in range(b):
        if not able_j[r]:
            continue
        wj = worst_j[r]
        for c in range(m):
            t = np.float64(total[r, c])
            if t > wj and t > worst_s[c] and feasible[r, c] and able_s[c]:
                chosen = False
                for q in range(ptr[r], ptr[r + 1]):
                    chosen = chosen or partners[q] == c
                if not chosen:
                    out[got] = r * m + c
                    got += 1
    return got


def blocking_in(total: Any, feasible: Any, able_j: BoolArray, able_s: BoolArray,
                worst_j: FloatArray, worst_s: FloatArray, chosen: tuple[IntArray, IntArray]
                ) -> tuple[IntArray, IntArray]:
    """Return the rows and columns of one block's blocking pairs by score.

    A pair blocks when it is feasible, both people take partners
    (``able_j``, ``able_s``), it is not chosen (``chosen``: rows and columns
    of the block's pairs) and its score beats both people's worst partner
    (``worst_j``, ``worst_s``: ``-inf`` with a free place). Blocks of
    ``BLOCKS_COMPILED_FROM`` pairs or more (or any, once compiled) are searched
    by one compiled pass, smaller ones by numpy: the same pairs in the same order.

    Examples
    --------
    >>> total = np.array([[0.9, 0.2], [0.8, 0.7]], np.float32)
    >>> rows, cols = blocking_in(total, np.ones((2, 2), bool), np.ones(2, bool),
    ...                          np.ones(2, bool), np.array([0.2, 0.8]),
    ...                          np.array([0.8, 0.2]), (np.array([0, 1]), np.array([1, 0])))
    >>> rows.tolist(), cols.tolist()
    ([0], [0])
    """
    b, m = total.shape
    rows, cols = chosen
    if total.size < BLOCKS_COMPILED_FROM and not is_compiled(_blocking_rows):
        t = np.asarray(total).astype(np.float64)
        mask = (np.asarray(feasible) & able_j[:, None] & able_s[None, :]
                & (t > worst_j[:, None]) & (t > worst_s[None, :]))
        mask[rows, cols] = False
        found = np.nonzero(mask)
        return found[0].astype(np.int64), found[1].astype(np.int64)
    order = np.argsort(rows, kind="stable")
    ptr = np.searchsorted(rows[order], np.arange(b + 1)).astype(np.int64)
    out = np.empty(total.size, np.int64)
    c = np.ascontiguousarray
    got = compiled(_blocking_rows)(c(total), c(feasible), c(able_j), c(able_s),
                                   c(worst_j, np.float64), c(worst_s, np.float64), ptr,
                                   c(cols[order], np.int64), out)
    return out[:got] // m, out[:got] % m


@dataclass(frozen=True)
class BlockingCount:
    """How many blocking pairs a result has, whom they touch, what stability costs.

    What :func:`count_blocking` returns: :class:`StabilityReport`'s figures
    without a list of the pairs.

    Examples
    --------
    >>> BlockingCount(count=0, people_touched=0, cost=None, by="score").count
    0
    """

    count: int
    people_touched: int
    cost: float | None
    """This result's total minus the stable assignment's (None where it is not priced)."""
    by: Literal["score", "wishes"]


def count_blocking(result: MatchResult, by: Literal["score", "wishes"] | None = None, *,
                   each_block: EachBlock | None = None) -> BlockingCount:
    """Count a result's blocking pairs as ``stability()`` finds them, without listing them.

    A programme of 100,000 per side can have millions of blocking pairs: a
    report needs their number, not an object for each. ``each_block(start,
    total, feasible)`` is called with every block of rows the search scores,
    so another count over every pair (the report's rules) shares its pass.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1", skills={"a": 1}), rm.Participant(id="j2")]
    >>> ss = [rm.Participant(id="s1", goals={"a": 1}), rm.Participant(id="s2")]
    >>> res = rm.match(js, ss)
    >>> count_blocking(res).count == len(res.stability().blocking_pairs)
    True
    """
    by = _judged_by(result, by)
    found = _find(result, by, each_block, keep=False)
    stable = _stable_alternative(result, by)
    return BlockingCount(count=found.blocking, people_touched=found.people_touched,
                         cost=None if stable is None else result.objective - stable.objective,
                         by=by)


