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

import time
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from rmatch.analysis.blocking import (
    _BLOCK_CELLS,
    _find,
    _judged_by,
    _stable_alternative,
    _wish_values,
)
from rmatch.program.preferences import accepts_unwished
from rmatch.result.match_result import MatchResult

__all__ = ["BlockingPair", "LeastBlocking", "StabilityReport", "least_blocking", "stability"]


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
    programme has programme-wide rules, which that order cannot keep, when
    stability is judged by wishes, or when the programme was solved on candidates
    (that order would sort every pair of the programme)."""
    stable_objective: float | None
    cost: float | None
    """This result's total score minus the stable assignment's."""
    by: Literal["score", "wishes"] = "score"
    """How each side valued a partner: by score, or by stated wishes."""

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


def stability(result: MatchResult, by: Literal["score", "wishes"] | None = None
              ) -> StabilityReport:
    """Find the blocking pairs of a result (vectorised) and price a stable assignment.

    ``by="score"``: both partners value a pair by its total score.
    ``by="wishes"``: each values the other by their rank in their stated
    ``wishes`` (first wish highest; anyone unwished lowest, all alike, or no
    option at all under the programme's ``unranked="unacceptable"``), and a
    gain is in ranks. The stable alternative is priced by score only.
    ``None``: as the programme's stable objective prefers (``stable_by``),
    by score otherwise.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1", skills={"a": 1}), rm.Participant(id="j2")]
    >>> ss = [rm.Participant(id="s1", goals={"a": 1}), rm.Participant(id="s2")]
    >>> stability(rm.match(js, ss)).cost >= 0
    True
    """
    sm = result.scores
    by = _judged_by(result, by)
    found = _find(result, by)
    bj, bs, score, gain_j, gain_s = found.rows, found.cols, found.score, found.gain_j, \
        found.gain_s
    # Sorted here (best score first) as index arrays: a large programme has 10^5 of them.
    jid, sid = sm.junior_ids, sm.senior_ids
    # Ties in score go by id as text (as ever), through each id's rank in text order.
    jrank = np.argsort(np.argsort(np.array(jid, dtype=object), kind="stable"), kind="stable")
    srank = np.argsort(np.argsort(np.array(sid, dtype=object), kind="stable"), kind="stable")
    order = np.lexsort((srank[bs], jrank[bj], -score))
    # One object a pair (pydantic's model_construct is slower still): a report needs
    # only their number, which count_blocking gives without them.
    pairs = [BlockingPair(junior_id=jid[i], senior_id=sid[k], score=sc, junior_gain=a,
                          senior_gain=b)
             for i, k, sc, a, b in zip(bj[order].tolist(), bs[order].tolist(),
                                       score[order].tolist(), gain_j[order].tolist(),
                                       gain_s[order].tolist(), strict=True)]
    stable = _stable_alternative(result, by)
    return StabilityReport(
        blocking_pairs=pairs,
        people_touched=found.people_touched,
        stable_pairs=None if stable is None else len(stable.pairs),
        stable_objective=None if stable is None else stable.objective,
        cost=None if stable is None else result.objective - stable.objective, by=by)


class LeastBlocking(BaseModel):
    """An optimal assignment with the fewest blocking pairs among all optimal ones.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> res.least_blocking().blocking_pairs
    0
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    result: MatchResult
    """Same number of pairs and same total score as the result it came from."""
    blocking_pairs: int
    proven: bool
    """Whether no optimal assignment has fewer blocking pairs (CP-SAT finished)."""


# Guard on the model's size: the sum of each person's degree over their pairs.
_MAX_TERMS = 4_000_000
# And on the juniors x seniors matrix the model is built from (about 250 MB).
_MAX_CELLS = 50_000_000


def least_blocking(result: MatchResult, time_limit_s: float | None = None,
                   by: Literal["score", "wishes"] = "score") -> LeastBlocking:
    """Find, among assignments as good as ``result``, one with the fewest blocking pairs.

    ``by`` says how blocking pairs are counted, as :func:`stability` does:
    by score, or by each person's stated ``wishes`` (a partner wished for
    higher is better; under ``unranked="unacceptable"`` an unwished partner
    never blocks).

    Ties are common (scores repeat), so an optimal programme usually has many
    optimal assignments, some more stable than others. CP-SAT searches them:
    the number of pairs and the total score are fixed at the result's (its
    status must be ``optimal``), and for each feasible pair ``e = (j, s)``
    not chosen, ``e`` blocks unless ``j`` already has ``capacity`` partners
    scoring at least as much (likewise ``s``). With a literal ``sat_je``
    that may be true only when that count reaches the capacity,
    ``b_e >= 1 - x_e - sat_je - sat_se`` and minimising ``sum b_e`` counts
    exactly the blocking pairs. Required pairs, programme-wide rules and
    ``min_partners`` hold in every assignment searched (the solvers' own
    model of them), and under ``EvenLoad`` the loads stay as even as they are.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1"), rm.Participant(id="j2")]
    >>> ss = [rm.Participant(id="s1"), rm.Participant(id="s2")]
    >>> out = least_blocking(rm.match(js, ss, rm.Program(constraints=[])))
    >>> out.blocking_pairs, out.proven
    (0, True)
    """
    from ortools.sat.python import cp_model

    from rmatch.constraints.compiled import LoadRule
    from rmatch.errors import InputError
    from rmatch.result.match_result import pair_indices
    from rmatch.solvers.match import result_from_pairs
    from rmatch.solvers.problem import Problem
    from rmatch.solvers.required import ruled_problem
    from rmatch.solvers.sat import Model, add_up, run_model

    sm = result.scores
    if result.status != "optimal":
        raise InputError("least_blocking needs an optimal result (it keeps the same optimum)")
    n, m = sm.shape
    cap_j = np.minimum(sm.juniors.capacity, m)
    cap_s = np.minimum(sm.seniors.capacity, n)
    allowed = []
    for start, _, feasible in sm.row_blocks(max(1, _BLOCK_CELLS // max(m, 1))):
        stop = start + len(feasible)
        r, c = np.nonzero(feasible & (cap_j[start:stop] > 0)[:, None] & (cap_s > 0)[None, :])
        allowed.append((r + start, c))
    er = np.concatenate([r for r, _ in allowed]) if allowed else np.zeros(0, np.int64)
    ec = np.concatenate([c for _, c in allowed]) if allowed else np.zeros(0, np.int64)
    deg_j, deg_s = np.bincount(er, minlength=n), np.bincount(ec, minlength=m)
    if int((deg_j[er] + deg_s[ec]).sum()) > _MAX_TERMS or n * m > _MAX_CELLS:
        raise InputError(f"least_blocking: {len(er):,} candidate pairs among {n:,} x {m:,} "
                         "people make too large a model; it is meant for programmes of a few "
                         "hundred people per side")
    # The model the rule-aware solvers search (capacities, required pairs,
    # programme-wide rules, min_partners), over the allowed pairs only.
    ruled = ruled_problem(sm)
    values = np.asarray(sm.total[er, ec])
    total = np.zeros((n, m), values.dtype)
    total[er, ec] = values
    feasible = np.zeros((n, m), dtype=bool)
    feasible[er, ec] = True
    built = Model(Problem(total, feasible, ruled.cap_j, ruled.cap_s, fixed_rows=ruled.fixed_rows,
                          fixed_cols=ruled.fixed_cols,
                          rules=tuple(r for r in ruled.rules if not isinstance(r, LoadRule))))
    model, x, w, exact = built.model, built.x, built.weights, built.exact
    er, ec, by_j, by_s = built.rows, built.cols, built.by_row, built.by_col
    rows, cols = pair_indices(result)
    for rule in (r for r in ruled.rules if isinstance(r, LoadRule)):
        # EvenLoad ranks assignments by their loads on its side, sorted from the
        # highest: one as good has the same. At most as many people as now with
        # k partners or more, for every k, keeps the same loads (their sum, the
        # pairs, is fixed below).
        groups, held = ((by_j, np.bincount(rows, minlength=n)) if rule.side == "juniors"
                        else (by_s, np.bincount(cols, minlength=m)))
        for k in range(1, int(held.max(initial=0)) + 2):
            reach = []
            for edges in (e for e in groups if len(e) >= k):
                at_k = model.new_bool_var("")
                model.add(add_up(x, edges) <= k - 1).only_enforce_if(~at_k)
                reach.append(at_k)
            model.add(sum(reach) <= int((held >= k).sum()))
    chosen = set(np.searchsorted(er * m + ec, rows * m + cols).tolist())
    model.add(sum(x) == len(rows))
    target = int(w[sorted(chosen)].sum())
    score = cp_model.LinearExpr.weighted_sum(x, w.tolist())
    if exact:
        model.add(score == target)
    else:  # rounded weights: stay within the rounding of the result's total
        model.add(score >= target - len(rows))
    if by == "wishes":  # each side's own values: wish ranks, not the shared score
        vj = _wish_values(sm.juniors.people, sm.senior_ids)[er, ec]
        vs = _wish_values(sm.seniors.people, sm.junior_ids)[ec, er]
    else:
        vj = vs = w.astype(np.float64)
    never = (by == "wishes" and sm.program.unranked == "unacceptable")
    any_j = accepts_unwished(sm.juniors.people, sm.program)
    any_s = accepts_unwished(sm.seniors.people, sm.program)
    blocks = []
    for e in range(len(er)):
        i, k = int(er[e]), int(ec[e])
        if never and ((vj[e] <= 0 and not any_j[i]) or (vs[e] <= 0 and not any_s[k])):
            continue  # an unwished partner is no option: this pair never blocks
        better_j = [f for f in by_j[i].tolist() if vj[f] >= vj[e]]
        better_s = [f for f in by_s[k].tolist() if vs[f] >= vs[e]]
        sat_j, sat_s = model.new_bool_var(""), model.new_bool_var("")
        model.add(sum(x[f] for f in better_j) >= int(cap_j[i])).only_enforce_if(sat_j)
        model.add(sum(x[f] for f in better_s) >= int(cap_s[k])).only_enforce_if(sat_s)
        b = model.new_bool_var("")
        model.add(b >= 1 - x[e] - sat_j - sat_s)
        blocks.append(b)
        model.add_hint(x[e], e in chosen)
    model.minimize(sum(blocks))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s or sm.program.time_limit_s)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = sm.program.seed
    status = run_model(solver, model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return LeastBlocking(result=result,
                             blocking_pairs=len(stability(result, by).blocking_pairs),
                             proven=False)
    pick = np.array([bool(solver.value(v)) for v in x], dtype=bool)
    better = result_from_pairs(sm, er[pick].astype(np.int64), ec[pick].astype(np.int64),
                               status="optimal", bound=None, solver="cpsat",
                               start=time.perf_counter())
    return LeastBlocking(result=better, blocking_pairs=round(solver.objective_value),
                         proven=status == cp_model.OPTIMAL)
