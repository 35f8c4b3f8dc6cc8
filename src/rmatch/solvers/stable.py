"""Stable matchings by deferred acceptance, with capacities on both sides.

Self-match programmes let mentees rank the mentors they want; an admin then
wants a matching nobody can improve by leaving together: no junior and
senior who are both unpaired or would both rather have each other than one
of their partners (a *blocking* pair). Deferred acceptance (Gale and
Shapley; hospital-resident with capacities) finds one, and the one the
proposing side likes best among all stable matchings.

Preferences come from each person's ranked ``wishes`` (first wish best; the
rest ordered by pair score, and acceptable unless ``unranked="unacceptable"``)
or from the pair scores alone; only pairs the rules allow are acceptable.
Ties are broken by score, then by the order of the roster, so the result is
deterministic.

The proposals run in rounds: every proposer with a free place proposes to
their next choices at once, and every receiver keeps the best proposers up
to capacity. The outcome of deferred acceptance does not depend on the order
of proposals, so the rounds give the same matching as one proposal at a
time, with one numpy sort per round instead of a Python loop per proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from rmatch.errors import InputError
from rmatch.model.participant import Participant
from rmatch.result.reasons import STABLE
from rmatch.scoring.matrix import ScoreMatrix

__all__ = ["STABLE", "deferred_acceptance", "preference_ranks", "stable_pairs"]


IntMatrix = npt.NDArray[np.int64]


def _wish_positions(people: Sequence[Participant], others: Sequence[str]) -> IntMatrix:
    """Position of each other person in one's wishes (0 first), len(others) when unwished."""
    pos = {pid: k for k, pid in enumerate(others)}
    out = np.full((len(people), len(others)), len(others), dtype=np.int64)
    for i, p in enumerate(people):  # a loop over people and their few wishes
        for r, other in enumerate(p.wishes):
            if other in pos:
                out[i, pos[other]] = r
    return out


def preference_ranks(sm: ScoreMatrix, by: Literal["wishes", "scores"],
                     unranked: Literal["acceptable", "unacceptable"],
                     ) -> tuple[IntMatrix, IntMatrix]:
    """Return each junior's rank of each senior and each senior's of each junior (0 best).

    An unacceptable partner (ruled out by the rules, or unwished with
    ``unranked="unacceptable"``) has rank -1.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j", wishes=["s2"])],
    ...               [rm.Participant(id="s1"), rm.Participant(id="s2")],
    ...               rm.Program(constraints=[]))
    >>> rj, rs = preference_ranks(sm, "wishes", "acceptable")
    >>> rj.tolist(), rs.tolist()
    ([[1, 0]], [[0], [0]])
    """
    total = sm.total.astype(np.float64)
    feasible = sm.feasible
    n, m = total.shape
    if by == "wishes":
        wj = _wish_positions(sm.juniors.people, sm.senior_ids)
        ws = _wish_positions(sm.seniors.people, sm.junior_ids)
    else:
        wj, ws = np.zeros((n, m), np.int64), np.zeros((m, n), np.int64)
    acc_j, acc_s = feasible.copy(), feasible.T.copy()
    if by == "wishes" and unranked == "unacceptable":
        acc_j &= wj < m
        acc_s &= ws < n
    rank_j = _ranks(wj, -total, acc_j)
    rank_s = _ranks(ws, -total.T, acc_s)
    return rank_j, rank_s


def _ranks(first: IntMatrix, second: npt.NDArray[np.float64],
           acceptable: npt.NDArray[np.bool_]) -> IntMatrix:
    """Rank each row's columns by (first, second, column), -1 where not acceptable."""
    rows, cols = first.shape
    index = np.broadcast_to(np.arange(cols), (rows, cols))
    order = np.lexsort((index, second, first), axis=-1) if cols else np.zeros((rows, 0), int)
    ranks = np.empty((rows, cols), dtype=np.int64)
    np.put_along_axis(ranks, order, np.arange(cols)[None, :].repeat(rows, 0), axis=1)
    return np.where(acceptable, ranks, -1)


def deferred_acceptance(rank_p: IntMatrix, rank_r: IntMatrix, cap_p: IntMatrix,
                        cap_r: IntMatrix) -> tuple[IntMatrix, IntMatrix]:
    """Return the proposer-optimal stable matching as (proposer, receiver) index arrays.

    ``rank_p`` is proposers x receivers, ``rank_r`` receivers x proposers
    (0 best, -1 unacceptable); a pair forms only if each finds the other
    acceptable.

    Examples
    --------
    >>> rank_p = np.array([[0, 1], [0, 1]])  # both proposers like receiver 0 best
    >>> rank_r = np.array([[1, 0], [0, 1]])  # receiver 0 likes proposer 1 best
    >>> p, r = deferred_acceptance(rank_p, rank_r, np.ones(2, np.int64), np.ones(2, np.int64))
    >>> sorted(zip(p.tolist(), r.tolist()))
    [(0, 1), (1, 0)]
    """
    n, m = rank_p.shape
    mutual = (rank_p >= 0) & (rank_r.T >= 0)
    # Each proposer's acceptable receivers, best first, as one flat list.
    key = np.where(mutual, rank_p, m + 1)
    order = np.argsort(key, axis=1, kind="stable")
    lengths = mutual.sum(axis=1)
    nxt = np.zeros(n, dtype=np.int64)  # how far down their list each proposer is
    held_p = np.zeros(0, dtype=np.int64)
    held_r = np.zeros(0, dtype=np.int64)
    cap_p, cap_r = np.maximum(cap_p, 0), np.maximum(cap_r, 0)
    while True:
        count = np.bincount(held_p, minlength=n)
        want = np.minimum(cap_p - count, lengths - nxt)
        want = np.maximum(want, 0)
        if not want.any():
            break
        who = np.repeat(np.arange(n), want)
        step = np.arange(len(who)) - np.repeat(np.cumsum(want) - want, want)
        to = order[who, nxt[who] + step]
        nxt += want
        cand_p = np.concatenate([held_p, who])
        cand_r = np.concatenate([held_r, to])
        # Each receiver keeps its best proposers up to capacity.
        by = np.lexsort((rank_r[cand_r, cand_p], cand_r))
        cand_p, cand_r = cand_p[by], cand_r[by]
        starts = np.searchsorted(cand_r, cand_r, side="left")
        keep = (np.arange(len(cand_r)) - starts) < cap_r[cand_r]
        held_p, held_r = cand_p[keep], cand_r[keep]
    return held_p, held_r


def stable_pairs(sm: ScoreMatrix) -> tuple[IntMatrix, IntMatrix]:
    """Return the stable matching a programme asks for, as (junior, senior) index arrays.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j")], [rm.Participant(id="s")],
    ...               rm.Program(constraints=[], objective="stable"))
    >>> [a.tolist() for a in stable_pairs(sm)]
    [[0], [0]]
    """
    from rmatch.constraints.pairwise import Require
    from rmatch.constraints.programme import GlobalRule

    program = sm.program
    global_rules = [c.label() for c in program.constraints
                    if isinstance(c, (GlobalRule, Require))]
    if global_rules:
        raise InputError(f"objective 'stable' takes pairwise rules only; "
                         f"{', '.join(global_rules)} would need pairs deferred acceptance does "
                         "not choose: use objective 'max_pairs', or drop them")
    rank_j, rank_s = preference_ranks(sm, program.stable_by, program.unranked)
    cap_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    cap_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    if program.proposing == "juniors":
        return deferred_acceptance(rank_j, rank_s, cap_j, cap_s)
    seniors, juniors = deferred_acceptance(rank_s, rank_j, cap_s, cap_j)
    return juniors, seniors
