"""Explanations of a result, and its self-check against the raw data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from rmatch.errors import InputError, RmatchError
from rmatch.jit import BLOCKS_COMPILED_FROM
from rmatch.model.participant import IdSides, normalise_id
from rmatch.result.match_result import pair_indices
from rmatch.result.pairs import Alternative, Explanation
from rmatch.result.reasons import why_not_chosen

if TYPE_CHECKING:
    from rmatch.result.match_result import MatchResult
    from rmatch.scoring.matrix import ScoreMatrix

__all__ = ["check", "differing_fields", "explain", "rule_status"]


def differing_fields(sm: ScoreMatrix, i: int, k: int) -> list[str]:
    """Non-sensitive fields on which junior row i and senior column k differ.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j", department="IT")],
    ...               [rm.Participant(id="s", department="HR")])
    >>> differing_fields(sm, 0, 0)
    ['department']
    """
    names = ["department", "location", *sorted(sm.juniors.attributes)]
    out = []
    for name in names:
        if sm.program.is_sensitive(name):
            continue
        a, b = sm.juniors.attribute(name)[i], sm.seniors.attribute(name)[k]
        if a >= 0 and b >= 0 and a != b:
            out.append(name)
    return out


Pairs = list[tuple[str, str]]


class _Forced(NamedTuple):
    tail: str
    cost: float | None = None
    pairs_lost: int | None = None
    exact: bool = False
    dropped: Pairs = []  # noqa: RUF012 - a NamedTuple's default, never changed
    added: Pairs = []  # noqa: RUF012


def _forcing(result: MatchResult, pair: tuple[str, str]) -> _Forced:
    """Re-solve with ``pair`` required and say what that costs the programme."""
    from rmatch.errors import InfeasibleError

    try:
        forced = result.force([pair])
    except InfeasibleError as err:
        return _Forced(f"forcing it is impossible: {err.reasons[0] if err.reasons else err}")
    exact = (result.status == "optimal" and forced.status == "optimal"
             and result.solver != "greedy")
    dropped, added = _exchange({(p.junior_id, p.senior_id) for p in result.pairs},
                               {(p.junior_id, p.senior_id) for p in forced.pairs}, pair)
    return _forced(result.objective - forced.objective, len(result.pairs) - len(forced.pairs),
                   exact, dropped, added)


def _exchange(before: set[tuple[str, str]], after: set[tuple[str, str]],
              pair: tuple[str, str]) -> tuple[Pairs, Pairs]:
    """Return the pairs dropped and added around ``pair`` between two assignments.

    The pairs that differ form chains and cycles; the one through the forced
    pair is its exchange (the others are ties the second solve settled
    another way, each of cost 0 between two optima). In chain order from the
    forced pair's senior, as the priced exchanges run.

    Examples
    --------
    >>> _exchange({("j1", "s1"), ("j2", "s2"), ("j3", "s3")},
    ...           {("j1", "s2"), ("j2", "s1"), ("j3", "s4")}, ("j1", "s2"))
    ([('j2', 's2'), ('j1', 's1')], [('j2', 's1')])
    """
    changed = [(jp, True) for jp in sorted(before - after)] + [
        (jp, False) for jp in sorted(after - before) if jp != pair]
    by_person: dict[str, list[int]] = {}
    for k, ((j, s), _) in enumerate(changed):
        by_person.setdefault("j:" + j, []).append(k)
        by_person.setdefault("s:" + s, []).append(k)
    order: list[int] = []
    seen: set[int] = set()
    for start in ("s:" + pair[1], "j:" + pair[0]):  # the senior's side of the chain first
        queue = [start]
        while queue:
            person = queue.pop()
            for k in by_person.get(person, []):
                if k not in seen:
                    seen.add(k)
                    order.append(k)
                    queue += ["j:" + changed[k][0][0], "s:" + changed[k][0][1]]
    return ([changed[k][0] for k in order if changed[k][1]],
            [changed[k][0] for k in order if not changed[k][1]])


def _forced(cost: float, lost: int, exact: bool, dropped: Pairs | None = None,
            added: Pairs | None = None) -> _Forced:
    """Say what forcing a pair costs: ``cost`` in total score, ``lost`` pairs.

    The exchange (``dropped``, ``added``) travels beside the words: see
    :meth:`rmatch.result.pairs.Alternative.moves`.
    """
    dropped, added = dropped or [], added or []
    if lost == 0 and abs(cost) <= 1e-9:
        return _Forced("forcing it costs nothing: an equally good optimum includes it",
                       0.0, 0, exact, dropped, added)
    if lost < 0 or (lost == 0 and cost < 0):
        # Only when this result is not a proven optimum: the re-solve did better.
        return _Forced(f"forcing it gives {-lost} more pairs and {-cost:+.3f} total score "
                       "(this result is not a proven optimum)", cost, lost, False,
                       dropped, added)
    tail = f"forcing it would lower the total score by {cost:.3f}"
    if lost > 0:
        tail += f" and lose {lost} pair{'s' if lost > 1 else ''}"
    if not exact:
        tail += " (against the best found, not a proven optimum)"
    return _Forced(tail, cost, lost, exact, dropped, added)


PRICED_FROM = BLOCKS_COMPILED_FROM
"""Programmes of at least this many pairs (juniors x seniors) price their forced pairs
from the optimum's residual network (:mod:`rmatch.solvers.forcing`: milliseconds an
explanation once the optimum's potentials are found, about 0.2 s at 3,000 per side)
rather than by solving again (about 1.2 s a pair there); smaller ones solve again, which
takes milliseconds and needs no compiler, unless the kernels are loaded already."""


PRICED_UP_TO = 50_000_000
"""A programme solved on candidates (no score matrix kept) whose certificate's prices are
not at hand (:mod:`rmatch.solvers.forcing_rows` uses them when they are) prices its forced
pairs from the optimum up to this many pairs: their scores in integer units are kept for
the searches, 4 bytes a pair and as much again for the seniors' side (400 MB at 50
million, about 7,000 per side; at 5,000 per side a re-solve of the candidate path takes
tens of seconds a pair)."""


def _units(sm: ScoreMatrix) -> npt.NDArray[np.int32] | None:
    """Every pair's score in integer units (-1: ruled out), a programme on candidates by blocks."""
    from rmatch.scoring.blocks import CandidateScores
    from rmatch.solvers.forcing import unit_scores

    if not isinstance(sm, CandidateScores):
        return unit_scores(sm.total, sm.feasible)
    units = np.empty(sm.shape, np.int32)
    for start, total, feasible in sm.row_blocks():
        block = unit_scores(total, feasible)
        if block is None:
            return None
        units[start:start + len(block)] = block
    return units


def _priced(result: MatchResult, side: Literal["junior", "senior"], me: int,
            others: list[int]) -> dict[int, _Forced]:
    """Price forcing ``me`` with each of ``others`` from the optimum itself (one search).

    Exact and the same as :meth:`MatchResult.force` would say, for a proven
    optimum of a programme without programme-wide rules or minimums (see
    :mod:`rmatch.solvers.forcing`). Empty where that does not apply (the
    caller solves again); a person without a place beside required pairs is
    left to the re-solve too, which says why forcing is impossible.
    """
    from rmatch.scoring.blocks import CandidateScores
    from rmatch.solvers.forcing import Forcing, loaded
    from rmatch.solvers.forcing_rows import RowForcing
    from rmatch.solvers.required import capacities, ruled_problem

    sm = result.scores
    if (not others or result.status != "optimal" or result.solver == "greedy"
            or result.violations or sm.program.stable or ruled_problem(sm).rules):
        return {}
    _, _, cap_j, cap_s, fixed_r, fixed_c = capacities(sm)
    rows, cols = pair_indices(result)
    free = np.ones(len(rows), np.bool_)
    if len(fixed_r):  # required pairs cannot be undone: left out
        free = ~np.isin(rows * sm.shape[1] + cols, fixed_r * sm.shape[1] + fixed_c)
    # (score matrix, rows, cols, Forcing, RowForcing or None): what it was built for, as
    # a copy of the result with other pairs (model_copy) keeps it too. The candidate path
    # keeps its certificate's prices (a RowForcing), which price another optimum too.
    cached = result._forcing
    if cached is not None and cached[0] is sm and not (np.array_equal(cached[1], rows)
                                                       and np.array_equal(cached[2], cols)):
        kept = cached[3]
        moved = kept.to(rows[free], cols[free], cap_j, cap_s) \
            if isinstance(kept, RowForcing) else None
        cached = None if moved is None else (sm, rows, cols, moved)
        if cached is not None:
            result._forcing = cached
    if cached is None or cached[0] is not sm:
        if ((sm.total.size < PRICED_FROM and not loaded())
                or (isinstance(sm, CandidateScores) and sm.total.size > PRICED_UP_TO)):
            return {}
        units = _units(sm)
        if units is not None and len(fixed_r):
            units[fixed_r, fixed_c] = -1
        forcing = None if units is None else Forcing.on(
            units, sm.total, cap_j, cap_s, rows[free], cols[free],
            sm.program.assignment_objective)
        cached = (sm, rows, cols, forcing)
        result._forcing = cached
    forcing = cached[3]
    mine, theirs = (cap_j, cap_s) if side == "junior" else (cap_s, cap_j)
    placed = [o for o in others if mine[me] > 0 and theirs[o] > 0]
    if forcing is None or not placed:
        return {}
    try:
        changes = (forcing.for_junior(me, placed) if side == "junior"
                   else forcing.for_senior(me, placed))
    except (ArithmeticError, ValueError):  # prices that do not hold here: solve again
        return {}
    js, ss = sm.junior_ids, sm.senior_ids
    return {o: _forced(-c.score, -c.pairs, True, [(js[i], ss[k]) for i, k in c.dropped],
                       [(js[i], ss[k]) for i, k in c.added])
            for o, c in zip(placed, changes, strict=True)}


class _Preferences(NamedTuple):
    """One person's view of a matching under a stable objective: who prefers whom.

    Ranks of :func:`rmatch.solvers.stable.preference_ranks` (-1: not acceptable).
    """

    me: int
    order: list[int]  # the other side by this person's preference, unacceptable last
    mine: npt.NDArray[np.int64]  # this person's rank of each of the other side
    theirs: npt.NDArray[np.int64]  # the other side's ranks of this side (a row each)
    partners: npt.NDArray[np.int64]  # (this side, other side) index of every pair
    worst: int | None  # their rank of their least preferred partner, when they are full
    other_cap: npt.NDArray[np.int64]

    @classmethod
    def of(cls, result: MatchResult, side: Literal["junior", "senior"], me: int
           ) -> _Preferences:
        from rmatch.solvers.stable import preference_ranks

        sm = result.scores
        rank_j, rank_s = preference_ranks(sm, sm.program.stable_by, sm.program.unranked)
        rows, cols = pair_indices(result)
        mine, theirs, pairs, caps = ((rank_j, rank_s, (rows, cols), sm.seniors.capacity)
                                     if side == "junior" else
                                     (rank_s, rank_j, (cols, rows), sm.juniors.capacity))
        row = mine[me]
        order = np.lexsort((np.arange(len(row)), np.where(row < 0, len(row), row)))
        mine_now = pairs[1][pairs[0] == me]
        cap = (sm.juniors if side == "junior" else sm.seniors).capacity[me]
        worst = int(row[mine_now].max()) if len(mine_now) and len(mine_now) >= cap else None
        return cls(me, [int(o) for o in order], row, theirs, np.stack(pairs), worst, caps)

    def reason(self, o: int, oid: str, result: MatchResult) -> str:
        """Why this person is not with ``o`` (feasible) in the matching."""
        if self.mine[o] < 0:
            return (f"they did not wish for {oid!r}, and only wished partners are "
                    "acceptable (unranked='unacceptable')")
        if self.theirs[o, self.me] < 0:
            return (f"{oid!r} did not wish for them, and only wished partners are "
                    "acceptable (unranked='unacceptable')")
        if self.worst is not None and self.mine[o] > self.worst:
            return "they prefer the partners they have, and have no room (a stable matching)"
        held = self.partners[0][self.partners[1] == o]
        if len(held) >= self.other_cap[o] and (self.theirs[o, held] < self.theirs[o, self.me]
                                               ).all():
            names = ", ".join(repr(x) for x in result.partners_of(oid))
            return f"{oid!r} is at capacity with {names}, whom they prefer (a stable matching)"
        # Both would rather be together: only in a matching judged, never in one solved.
        return (f"they and {oid!r} would both rather be together: a blocking pair (this "
                "matching is not stable)")


def _no_better(score: float, current: float) -> str:
    """Say why a partner scoring no more than the current one was not chosen.

    A tie is said as one (the optimum had to choose; "lower total (0.667 vs
    0.667)" read as a contradiction), and a lower score with as many decimals
    as it takes to show the difference.

    Examples
    --------
    >>> _no_better(0.5, 0.75)
    'lower total (0.500 vs 0.750 with the current partner)'
    >>> _no_better(0.6667, 0.6667)
    'the same score as with the current partner (0.667): a tie, settled either way'
    >>> _no_better(0.66671, 0.66674)
    'lower total (0.66671 vs 0.66674 with the current partner)'
    """
    if score == current:
        return (f"the same score as with the current partner ({score:.3f}): a tie, settled "
                "either way")
    digits = next((d for d in range(3, 10) if f"{score:.{d}f}" != f"{current:.{d}f}"), 10)
    return f"lower total ({score:.{digits}f} vs {current:.{digits}f} with the current partner)"


def explain(result: MatchResult, pid: str, n_alternatives: int, *,
            costs: bool = True, as_side: Literal["junior", "senior"] | None = None
            ) -> Explanation:
    """Build :class:`Explanation` for one participant (see ``MatchResult.explain``)."""
    sm = result.scores
    pid = normalise_id(pid)
    side: Literal["junior", "senior"]
    if as_side is not None and pid not in (sm.juniors if as_side == "junior"
                                           else sm.seniors).positions:
        raise InputError(f"{pid!r} is not a {as_side} in this result")
    if pid in sm.juniors.positions and as_side != "senior":
        side, me = "junior", sm.juniors.index(pid)
        scores_row, feas_row = sm.total[me], sm.feasible[me]
        others, other_cap, my_cap = sm.senior_ids, sm.seniors.capacity, sm.juniors.capacity[me]
    elif pid in sm.seniors.positions:
        side, me = "senior", sm.seniors.index(pid)
        scores_row, feas_row = sm.total[:, me], sm.feasible[:, me]
        others, other_cap, my_cap = sm.junior_ids, sm.juniors.capacity, sm.seniors.capacity[me]
    else:
        hint = IdSides(sm.junior_ids, sm.senior_ids).case_hint(pid)
        raise InputError(f"{pid!r} is neither a junior nor a senior in this result{hint}")

    partners = [p for p in result.pairs
                if pid == (p.junior_id if side == "junior" else p.senior_id)]
    partner_ids = {p.senior_id if side == "junior" else p.junior_id for p in partners}
    counts_j, counts_s = result.pair_counts()
    other_counts = counts_s if side == "junior" else counts_j
    worst = min((p.score for p in partners), default=None)

    def ij(o: int) -> tuple[int, int]:
        return (me, o) if side == "junior" else (o, me)

    def diff(o: int) -> list[str]:
        return differing_fields(sm, *ij(o))

    stable = _Preferences.of(result, side, me) if sm.program.stable else None
    # A stable matching is explained by preferences: the alternatives are the person's
    # own favourites, and no re-solve prices them (a stable matching takes no required
    # pair). So is a matching judged under a stable objective (rm.evaluate): there an
    # alternative may show that it is not stable.
    order = np.argsort(-scores_row, kind="stable") if stable is None else stable.order
    cand = [int(o) for o in order if others[o] not in partner_ids][:n_alternatives]
    violations = sm.row_violations(me, cand) if side == "junior" else sm.col_violations(me, cand)
    # The alternatives whose cost is asked: feasible, and each side with a place.
    forceable = ([o for o in cand if feas_row[o] and other_cap[o] > 0 and my_cap > 0]
                 if costs and stable is None else [])
    priced = _priced(result, side, me, forceable)
    alts = []
    for o, why in zip(cand, violations, strict=True):
        oid = others[o]
        sc = float(scores_row[o])
        comps = {k: float(v[ij(o)]) for k, v in sm.components.items()}
        if not feas_row[o]:
            reason = "ruled out by " + sm.ruled_out_said(*((pid, oid) if side == "junior"
                                                           else (oid, pid)))
        elif other_cap[o] == 0:
            reason = f"{oid!r} has capacity 0"
        elif stable is not None:
            reason = f"{pid!r} has capacity 0" if my_cap == 0 else stable.reason(o, oid, result)
        elif worst is not None and sc <= worst:
            reason = _no_better(sc, worst)
        elif other_counts[oid] >= other_cap[o]:
            theirs = ", ".join(repr(x) for x in result.partners_of(oid))
            reason = (f"{oid!r} is at capacity with {theirs}, "
                      + why_not_chosen(sm, result.solver, result.status))
        elif my_cap == 0:
            reason = f"{pid!r} has capacity 0"
        else:
            reason = "not chosen: required pairs or the programme's optimum leave no room"
        forced = _Forced("")
        if o in forceable:
            forced = priced[o] if o in priced else _forcing(
                result, (pid, oid) if side == "junior" else (oid, pid))
            if worst is not None and sc == worst and forced.cost is not None and (
                    forced.cost > 1e-9 or (forced.pairs_lost or 0) > 0):
                # A tie for this person, not for the others: "settled either way" is not so.
                reason = (f"the same score as with the current partner ({sc:.3f}) but not "
                          "for the others")
            reason += "; " + forced.tail
        alts.append(Alternative(partner_id=oid, score=sc, components=comps,
                                feasible=bool(feas_row[o]), ruled_out_by=why, reason=reason,
                                cost=forced.cost, pairs_lost=forced.pairs_lost,
                                cost_exact=forced.exact, pairs_dropped=forced.dropped,
                                pairs_added=forced.added))
    differences = {}
    for p in partners:
        other = p.senior_id if side == "junior" else p.junior_id
        o = (sm.seniors if side == "junior" else sm.juniors).index(other)
        differences[other] = diff(o)
    return Explanation(
        participant_id=pid,
        side=side,
        partners=partners,
        differences=differences,
        alternatives=alts,
        unmatched_reason=result.unmatched_reasons.get(pid),
    )


def check(result: MatchResult) -> None:
    """Recompute everything a result promises from the raw data; raise listing failures."""
    from rmatch.constraints.pairwise import Require
    from rmatch.scoring.matrix import score

    sm0 = result.scores
    sm = score(sm0.juniors.people, sm0.seniors.people, sm0.program, org=sm0.org,
               components=None) if _builtin_only(sm0) else sm0
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for p in result.pairs:
        key = (p.junior_id, p.senior_id)
        if key in seen:
            problems.append(f"pair {key} appears twice")
        seen.add(key)
        i, k = sm.juniors.index(p.junior_id), sm.seniors.index(p.senior_id)
        if not sm.feasible[i, k]:
            problems.append(f"pair {key} breaks {', '.join(sm.ruled_out_by(*key))}")
        if abs(float(sm.total[i, k]) - p.score) > 1e-6:
            problems.append(f"pair {key} reports score {p.score}, data gives {sm.total[i, k]}")
    cj, cs = result.pair_counts()
    for people, counts, side in ((sm.juniors, cj, "junior"), (sm.seniors, cs, "senior")):
        for person in people.people:
            if counts[person.id] > person.capacity:
                problems.append(f"{side} {person.id!r} has {counts[person.id]} pairs, "
                                f"capacity {person.capacity}")
            if counts[person.id] < person.min_partners:
                problems.append(f"{side} {person.id!r} has {counts[person.id]} pairs, "
                                f"min_partners {person.min_partners}")
    for ids, listed, counts, side in (
            (sm.junior_ids, set(result.unmatched_juniors), cj, "junior"),
            (sm.senior_ids, set(result.unmatched_seniors), cs, "senior")):
        for pid in ids:  # per side: a person with role "both" is on each
            if (pid in listed) == (counts[pid] > 0):
                problems.append(f"{side} {pid!r} must be either in a pair or listed as "
                                "unmatched")
    for con in sm.program.constraints:
        if isinstance(con, Require):
            problems += [f"required pair {tuple(pr)} is missing"
                         for pr in con.pairs if tuple(pr) not in seen]
    problems += [f"{label} does not hold: {text}"
                 for label, ok, text in rule_status(sm, result) if not ok]
    if abs(sum(p.score for p in result.pairs) - result.objective) > 1e-6:
        problems.append("objective is not the sum of pair scores")
    if result.bound < result.objective - 1e-9:
        problems.append("bound is below the objective")
    if problems:
        raise RmatchError(f"result check failed: {'; '.join(problems[:5])}")


def rule_status(sm: ScoreMatrix, result: MatchResult, *,
                min_group_size: int = 0) -> list[tuple[str, bool, str]]:
    """Check the programme-wide rules on the pairs, from the raw data.

    Returns (rule label, whether it holds, what was measured) for every rule.
    A balance rule on a sensitive attribute with a group under
    ``min_group_size`` people says whether it holds, without the group means.
    """
    from rmatch.constraints.programme import GlobalRule

    rows, cols = pair_indices(result)
    scores = sm.total[rows, cols].astype(np.float64)
    out: list[tuple[str, bool, str]] = []
    for con in sm.program.constraints:
        if not isinstance(con, GlobalRule):
            continue
        # The per-person form: it measures the pairs alone, on any size of programme.
        rule = con.compile_blocks(sm.juniors, sm.seniors)
        sensitive = any(sm.program.is_sensitive(key) for key in con.fields().values())
        ok, text = rule.measure(rows, cols, scores, sm.shape,
                                min_group_size=min_group_size if sensitive else 0)
        out.append((con.label(), ok, text))
    return out


def _builtin_only(sm: ScoreMatrix) -> bool:
    # User components are functions we cannot re-run from the data alone.
    from rmatch.scoring.builtin import BUILTIN_COMPONENTS

    declared = {spec.name for spec in sm.program.components}  # data: re-computable
    return set(sm.components) <= set(BUILTIN_COMPONENTS) | declared
