"""Explanations, reasons for the unmatched, and the self-check of a result."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np

from rmatch.errors import InputError, RmatchError
from rmatch.result import Alternative, Explanation, pair_indices, provides

if TYPE_CHECKING:
    from rmatch.result import MatchResult
    from rmatch.scoring import ScoreMatrix


def _no_partner_reason(violations: list[list[str]], other: str) -> str:
    counts = Counter(label for v in violations for label in v)
    if not counts:
        return f"no {other} with free capacity"
    parts = ", ".join(f"{label} rules out {n}" for label, n in counts.most_common())
    return f"no feasible {other}: {parts} (of {len(violations)} {other}s with capacity)"


def lonely_reason(sm: ScoreMatrix, side: Literal["juniors", "seniors"],
                  k: int) -> tuple[str | None, int]:
    """Why person ``k`` of ``side`` can have no partner at all, if so; else None.

    Also returns how many partners with free capacity the person could have.
    """
    if side == "juniors":
        caps, other_caps, feas, other = (sm.juniors.capacity, sm.seniors.capacity,
                                         sm.feasible, "senior")
    else:
        caps, other_caps, feas, other = (sm.seniors.capacity, sm.juniors.capacity,
                                         sm.feasible.T, "junior")
    if caps[k] == 0:
        return "capacity is 0", 0
    open_other = np.flatnonzero(other_caps > 0)
    n_ok = int(feas[k, open_other].sum())
    if n_ok:
        return None, n_ok
    viol = (sm.row_violations(k, open_other.tolist()) if side == "juniors"
            else sm.col_violations(k, open_other.tolist()))
    return _no_partner_reason(viol, other), 0


def _why_not_chosen(sm: ScoreMatrix, solver: str, status: str) -> str:
    """How to say that a pair was left out, for this solver and status."""
    if solver == "greedy":
        return "taken first by a higher-scoring pair (greedy baseline)"
    if status != "optimal":
        return "taken in the best assignment found within the time limit"
    from rmatch.constraints import GLOBAL_CONSTRAINTS

    rules = any(isinstance(c, GLOBAL_CONSTRAINTS) for c in sm.program.constraints)
    return ("taken: pairing them would lower the number of pairs or the total score"
            + (", or break a programme-wide rule" if rules else ""))


def _why_left_out(sm: ScoreMatrix, solver: str, status: str) -> str:
    """Why someone stays unmatched although a feasible partner still has room."""
    if solver == "greedy":
        return "the greedy baseline did not pair them (it is not optimal)"
    if status != "optimal":
        return "the best assignment found within the time limit leaves them out"
    if sm.program.objective == "max_score":
        return ("pairing them would add no score or break a programme-wide rule (the "
                "programme maximises the total score, not the number of pairs)")
    return "pairing them would break a programme-wide rule"


def unmatched_reasons(
    sm: ScoreMatrix, counts_j: np.ndarray, counts_s: np.ndarray, *, solver: str,
    status: str,
) -> dict[str, str]:
    """Say, for every unmatched participant, why nobody was paired with them.

    ``counts_j`` and ``counts_s`` are each person's number of pairs: "taken"
    is said only of partners who really are at capacity.
    """
    out: dict[str, str] = {}
    taken = "every feasible {o} is " + _why_not_chosen(sm, solver, status)
    sides: tuple[tuple[Literal["juniors", "seniors"], tuple[str, ...], np.ndarray,
                       np.ndarray, np.ndarray, np.ndarray, str], ...] = (
        ("juniors", sm.junior_ids, counts_j, counts_s, sm.seniors.capacity, sm.feasible,
         "senior"),
        ("seniors", sm.senior_ids, counts_s, counts_j, sm.juniors.capacity, sm.feasible.T,
         "junior"))
    both = set(sm.junior_ids).intersection(sm.senior_ids)  # people with role "both"
    for side, ids, mine, theirs, their_cap, feas, other in sides:
        room = theirs < their_cap
        for k in np.flatnonzero(mine == 0).tolist():
            reason, n_ok = lonely_reason(sm, side, k)
            if reason is None:
                free = int((feas[k] & room).sum())
                reason = (taken.format(o=f"{other} ({n_ok})") if free == 0 else
                          f"{free} of the {n_ok} feasible {other}s still have room, but "
                          + _why_left_out(sm, solver, status))
            if ids[k] in both:  # one entry per person: say which side each reason is for
                reason = f"as {side[:-1]}: {reason}"
                if ids[k] in out:
                    reason = f"{out[ids[k]]}; {reason}"
            out[ids[k]] = reason
    return out


def _differences(sm: ScoreMatrix, i: int, k: int) -> list[str]:
    """Non-sensitive fields on which junior row i and senior column k differ."""
    names = ["department", "location", *sorted(sm.juniors.attributes)]
    out = []
    for name in names:
        if sm.program.is_sensitive(name):
            continue
        a, b = sm.juniors.attribute(name)[i], sm.seniors.attribute(name)[k]
        if a >= 0 and b >= 0 and a != b:
            out.append(name)
    return out


class _Forced(NamedTuple):
    tail: str
    cost: float | None = None
    pairs_lost: int | None = None
    exact: bool = False


def _forcing(result: MatchResult, pair: tuple[str, str]) -> _Forced:
    """Re-solve with ``pair`` required and say what that costs the programme."""
    from rmatch.errors import InfeasibleError

    try:
        forced = result.force([pair])
    except InfeasibleError as err:
        return _Forced(f"forcing it is impossible: {err.reasons[0] if err.reasons else err}")
    lost = len(result.pairs) - len(forced.pairs)
    cost = result.objective - forced.objective
    exact = (result.status == "optimal" and forced.status == "optimal"
             and result.solver != "greedy")
    if lost == 0 and abs(cost) <= 1e-9:
        return _Forced("forcing it costs nothing: an equally good optimum includes it",
                       0.0, 0, exact)
    if lost < 0 or (lost == 0 and cost < 0):
        # Only when this result is not a proven optimum: the re-solve did better.
        return _Forced(f"forcing it gives {-lost} more pairs and {-cost:+.3f} total score "
                       "(this result is not a proven optimum)", cost, lost, False)
    tail = f"forcing it would lower the total score by {cost:.3f}"
    if lost > 0:
        tail += f" and lose {lost} pair{'s' if lost > 1 else ''}"
    if not exact:
        tail += " (against the best found, not a proven optimum)"
    return _Forced(tail, cost, lost, exact)


@provides("explain")
def explain(result: MatchResult, pid: str, n_alternatives: int, *,
            costs: bool = True, as_side: Literal["junior", "senior"] | None = None
            ) -> Explanation:
    """Build :class:`Explanation` for one participant (see ``MatchResult.explain``)."""
    sm = result.scores
    side: Literal["junior", "senior"]
    if as_side is not None and pid not in (sm.juniors if as_side == "junior"
                                           else sm.seniors)._positions:
        raise InputError(f"{pid!r} is not a {as_side} in this result")
    if pid in sm.juniors._positions and as_side != "senior":
        side, me = "junior", sm.juniors.index(pid)
        scores_row, feas_row = sm.total[me], sm.feasible[me]
        others, other_cap, my_cap = sm.senior_ids, sm.seniors.capacity, sm.juniors.capacity[me]
    elif pid in sm.seniors._positions:
        side, me = "senior", sm.seniors.index(pid)
        scores_row, feas_row = sm.total[:, me], sm.feasible[:, me]
        others, other_cap, my_cap = sm.junior_ids, sm.juniors.capacity, sm.seniors.capacity[me]
    else:
        raise InputError(f"{pid!r} is neither a junior nor a senior in this result")

    partners = [p for p in result.pairs
                if pid == (p.junior_id if side == "junior" else p.senior_id)]
    partner_ids = {p.senior_id if side == "junior" else p.junior_id for p in partners}
    counts_j, counts_s = result.pair_counts()
    other_counts = counts_s if side == "junior" else counts_j
    worst = min((p.score for p in partners), default=None)

    def ij(o: int) -> tuple[int, int]:
        return (me, o) if side == "junior" else (o, me)

    def diff(o: int) -> list[str]:
        return _differences(sm, *ij(o))

    order = np.argsort(-scores_row, kind="stable")
    cand = [int(o) for o in order if others[o] not in partner_ids][:n_alternatives]
    violations = sm.row_violations(me, cand) if side == "junior" else sm.col_violations(me, cand)
    alts = []
    for o, why in zip(cand, violations, strict=True):
        oid = others[o]
        sc = float(scores_row[o])
        comps = {k: float(v[ij(o)]) for k, v in sm.components.items()}
        if not feas_row[o]:
            reason = "ruled out by " + ", ".join(why)
        elif other_cap[o] == 0:
            reason = f"{oid!r} has capacity 0"
        elif worst is not None and sc <= worst:
            reason = f"lower total ({sc:.3f} vs {worst:.3f} with the current partner)"
        elif other_counts[oid] >= other_cap[o]:
            theirs = ", ".join(repr(x) for x in result.partners_of(oid))
            reason = (f"{oid!r} is at capacity with {theirs}, "
                      + _why_not_chosen(sm, result.solver, result.status))
        elif my_cap == 0:
            reason = f"{pid!r} has capacity 0"
        else:
            reason = "not chosen: required pairs or the programme's optimum leave no room"
        forced = _Forced("")
        if costs and feas_row[o] and other_cap[o] > 0 and my_cap > 0:
            forced = _forcing(result, (pid, oid) if side == "junior" else (oid, pid))
            reason += "; " + forced.tail
        alts.append(Alternative(partner_id=oid, score=sc, components=comps,
                                feasible=bool(feas_row[o]), ruled_out_by=why, reason=reason,
                                cost=forced.cost, pairs_lost=forced.pairs_lost,
                                cost_exact=forced.exact))
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


@provides("check")
def check(result: MatchResult) -> None:
    """Recompute everything a result promises from the raw data; raise listing failures."""
    from rmatch.constraints import Require
    from rmatch.scoring import score

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
    from rmatch.constraints import GroupBalance
    from rmatch.solvers import BalanceRule, CoverRule, ShareRule, compile_rules

    rows, cols = pair_indices(result)
    scores = sm.total[rows, cols].astype(np.float64)
    out: list[tuple[str, bool, str]] = []
    for rule in compile_rules(sm):
        if isinstance(rule, ShareRule):
            hits, need = int(rule.qualifies[rows, cols].sum()), rule.share * len(rows)
            ok = (hits <= need + 1e-9) if rule.at_most else (hits >= need - 1e-9)
            out.append((rule.label, ok, f"{hits} of {len(rows)} pairs qualify"))
        elif isinstance(rule, BalanceRule):
            groups = rule.group_of_senior[cols]
            means = [scores[groups == g].mean() for g in np.unique(groups)]
            spread = max(means) - min(means) if means else 0.0
            attribute = next(c.attribute for c in sm.program.constraints
                             if isinstance(c, GroupBalance) and c.label() == rule.label)
            sizes = np.unique(rule.group_of_senior, return_counts=True)[1]
            if sm.program.is_sensitive(attribute) and (sizes < min_group_size).any():
                text = (f"group means withheld: a group of seniors has fewer than "
                        f"{min_group_size} people")
            else:
                text = (f"group means {min(means, default=0):.4f} to "
                        f"{max(means, default=0):.4f}")
            out.append((rule.label, spread <= rule.max_gap + 1e-6, text))
        elif isinstance(rule, CoverRule):
            size = sm.shape[0] if rule.side == "juniors" else sm.shape[1]
            covered = np.bincount(rows if rule.side == "juniors" else cols, minlength=size)
            missing = int((covered == 0).sum())
            out.append((rule.label, missing == 0, f"{missing} {rule.side} unmatched"))
    return out


def _builtin_only(sm: ScoreMatrix) -> bool:
    # User components are functions we cannot re-run from the data alone.
    from rmatch.scoring import BUILTIN_COMPONENTS

    declared = {spec.name for spec in sm.program.components}  # data: re-computable
    return set(sm.components) <= set(BUILTIN_COMPONENTS) | declared
