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
from ortools.sat.python import cp_model

from rmatch.errors import InputError
from rmatch.model.participant import Participant
from rmatch.program.preferences import accepts_unwished
from rmatch.result.reasons import STABLE
from rmatch.scoring.matrix import ScoreMatrix

__all__ = ["STABLE", "best_stable_pairs", "blocking_pairs", "deferred_acceptance",
           "preference_ranks", "stable_pairs"]


IntMatrix = npt.NDArray[np.int64]


def _wish_positions(people: Sequence[Participant], others: Sequence[str]) -> IntMatrix:
    """Position of each other person in one's wishes (0 first), len(others) when unwished."""
    pos = {pid: k for k, pid in enumerate(others)}
    out = np.full((len(people), len(others)), len(others), dtype=np.int64)
    for i, p in enumerate(people):  # a loop over people and their few wishes
        # Counted over the wishes that name someone here: a wish for someone not
        # enrolled ahead of them would push a late wish to len(others), "unwished".
        known = [other for other in p.wishes if other in pos]
        for r, other in enumerate(known):
            out[i, pos[other]] = r
    return out


def preference_ranks(sm: ScoreMatrix, by: Literal["wishes", "scores"],
                     unranked: Literal["acceptable", "unacceptable"],
                     ) -> tuple[IntMatrix, IntMatrix]:
    """Return each junior's rank of each senior and each senior's of each junior (0 best).

    An unacceptable partner (ruled out by the rules, or unwished with
    ``unranked="unacceptable"``, unless the person wished for nobody and the
    programme says ``no_wishes="accept_all"``) has rank -1.

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
        rules = sm.program.model_copy(update={"unranked": unranked})
        acc_j &= (wj < m) | accepts_unwished(sm.juniors.people, rules)[:, None]
        acc_s &= (ws < n) | accepts_unwished(sm.seniors.people, rules)[:, None]
    rank_j = _ranks(wj, -total, acc_j)
    rank_s = _ranks(ws, -total.T, acc_s)
    return rank_j, rank_s


def blocking_pairs(sm: ScoreMatrix, rows: IntMatrix, cols: IntMatrix
                   ) -> tuple[IntMatrix, IntMatrix]:
    """Return the (junior, senior) index pairs that block a matching, by the programme's ranks.

    A pair outside the matching blocks when both find each other acceptable and
    each has room or prefers the other to a partner, under
    :func:`preference_ranks` (the preferences the stable objectives solve by:
    wishes, then score). ``stability(by="wishes")`` instead counts every
    unwished partner alike, as the peer library does.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j", wishes=["s2"])],
    ...               [rm.Participant(id="s1"), rm.Participant(id="s2")],
    ...               rm.Program(constraints=[], objective="stable", stable_by="wishes"))
    >>> [a.tolist() for a in blocking_pairs(sm, np.array([0]), np.array([0]))]
    [[0], [1]]
    """
    program = sm.program
    rank_j, rank_s = preference_ranks(sm, program.stable_by, program.unranked)
    n, m = rank_j.shape
    chosen = np.zeros((n, m), dtype=bool)
    chosen[rows, cols] = True
    # Each one's rank of their worst partner when full, else beyond every rank (room).
    worst_j = np.full(n, m + 1, np.int64)
    worst_s = np.full(m, n + 1, np.int64)
    full_j = np.bincount(rows, minlength=n) >= np.minimum(sm.juniors.capacity, m)
    full_s = np.bincount(cols, minlength=m) >= np.minimum(sm.seniors.capacity, n)
    at_j = np.full(n, -1, np.int64)
    at_s = np.full(m, -1, np.int64)
    np.maximum.at(at_j, rows, rank_j[rows, cols])
    np.maximum.at(at_s, cols, rank_s[cols, rows])
    worst_j[full_j] = at_j[full_j]
    worst_s[full_s] = at_s[full_s]
    theirs = rank_s.T  # each senior's rank of each junior, laid out as the juniors' rows
    block = ((rank_j >= 0) & (theirs >= 0) & ~chosen & (rank_j < worst_j[:, None])
             & (theirs < worst_s[None, :]))
    bj, bs = np.nonzero(block)
    return bj.astype(np.int64), bs.astype(np.int64)


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
    program = sm.program
    _refuse_global_rules(sm, "stable")
    rank_j, rank_s = preference_ranks(sm, program.stable_by, program.unranked)
    cap_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    cap_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    if program.proposing == "juniors":
        return deferred_acceptance(rank_j, rank_s, cap_j, cap_s)
    seniors, juniors = deferred_acceptance(rank_s, rank_j, cap_s, cap_j)
    return juniors, seniors


def best_stable_pairs(sm: ScoreMatrix) -> tuple[IntMatrix, IntMatrix,
                                                 Literal["optimal", "feasible"], float | None]:
    """Return the stable matching of highest total score, by CP-SAT (exact).

    Stability as linear constraints, for any capacities: for every mutually
    acceptable pair ``(j, s)`` either it is chosen, or ``j`` is full with
    partners they prefer to ``s``, or ``s`` is full with partners they prefer
    to ``j``. The partners preferred are counted by running sums along each
    person's list (one extra variable per pair), so the model has a few terms
    per pair. All stable matchings pair the same people (the rural-hospitals
    theorem), so the score alone is maximised, from the juniors' optimum as a
    start. Returns (juniors, seniors, status, bound; None when optimal).

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j")], [rm.Participant(id="s")],
    ...               rm.Program(constraints=[], objective="best_stable"))
    >>> rows, cols, status, _ = best_stable_pairs(sm)
    >>> rows.tolist(), cols.tolist(), status
    ([0], [0], 'optimal')
    """
    from rmatch.constraints.compiled import SCALE
    from rmatch.solvers.sat import run_model

    _refuse_global_rules(sm, "best_stable")
    program = sm.program
    rank_j, rank_s = preference_ranks(sm, program.stable_by, program.unranked)
    cap_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    cap_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    rows, cols = np.nonzero((rank_j >= 0) & (rank_s.T >= 0))
    empty = np.zeros(0, dtype=np.int64)
    if not len(rows):
        return empty, empty, "optimal", None
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{e}") for e in range(len(rows))]
    weights = np.rint(sm.total[rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    # before[e]: how many of e's junior's chosen partners they prefer to e's
    # senior (and likewise for the senior), as running sums along each list.
    before_j = _running_sums(model, x, rows, rank_j[rows, cols], "j")
    before_s = _running_sums(model, x, cols, rank_s[cols, rows], "s")
    for i in range(len(cap_j)):
        model.add(sum(x[e] for e in np.flatnonzero(rows == i).tolist()) <= int(cap_j[i]))
    for k in range(len(cap_s)):
        model.add(sum(x[e] for e in np.flatnonzero(cols == k).tolist()) <= int(cap_s[k]))
    for e in range(len(rows)):
        full_j, full_s = model.new_bool_var(f"fj{e}"), model.new_bool_var(f"fs{e}")
        model.add(before_j[e] >= int(cap_j[rows[e]])).only_enforce_if(full_j)
        model.add(before_s[e] >= int(cap_s[cols[e]])).only_enforce_if(full_s)
        model.add_bool_or([x[e], full_j, full_s])
    model.maximize(cp_model.LinearExpr.weighted_sum(x, weights.tolist()))
    start_j, start_s = deferred_acceptance(rank_j, rank_s, cap_j, cap_s)
    hint = set(zip(start_j.tolist(), start_s.tolist(), strict=True))
    for e, var in enumerate(x):
        model.add_hint(var, (int(rows[e]), int(cols[e])) in hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = program.time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = program.seed
    status = run_model(solver, model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # The juniors' optimum is stable: the start always stands.
        return start_j, start_s, "feasible", float(
            sm.total[rows, cols].astype(np.float64).sum())
    pick = np.array([bool(solver.value(v)) for v in x], dtype=bool)
    chosen_r, chosen_c = rows[pick].astype(np.int64), cols[pick].astype(np.int64)
    exact = bool(np.all(weights == sm.total[rows, cols].astype(np.float64) * SCALE))
    if status == cp_model.OPTIMAL and exact:
        return chosen_r, chosen_c, "optimal", None
    value = float(sm.total[chosen_r, chosen_c].astype(np.float64).sum())
    bound = max(value, solver.best_objective_bound / SCALE + len(x) * 2.0**-31)
    return (chosen_r, chosen_c, "optimal" if status == cp_model.OPTIMAL else "feasible",
            bound)


def _running_sums(model: cp_model.CpModel, x: list[cp_model.IntVar], owner: IntMatrix,
                  rank: IntMatrix, tag: str) -> list[cp_model.IntVar]:
    """For each pair, a variable equal to the sum of x over its owner's pairs ranked better."""
    out: list[cp_model.IntVar] = [model.new_constant(0)] * len(x)
    order = np.lexsort((rank, owner))
    prev_owner = -1
    acc = model.new_constant(0)
    for e in order.tolist():
        if owner[e] != prev_owner:
            prev_owner, acc = int(owner[e]), model.new_constant(0)
        out[e] = acc
        after = model.new_int_var(0, len(x), f"c{tag}{e}")
        model.add(after == acc + x[e])
        acc = after
    return out


def _refuse_global_rules(sm: ScoreMatrix, objective: str) -> None:
    # The rule in one place, the programme's own check (which the service runs when rules
    # are set), under the objective asked for here (this module's functions are public).
    why = sm.program.model_copy(update={"objective": objective}).conflict()
    if why is not None:
        raise InputError(why)
