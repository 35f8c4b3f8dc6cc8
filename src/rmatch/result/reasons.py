"""Why someone is unmatched, in words: computed when a result is made."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Literal

import numpy as np

from rmatch.program.preferences import accepts_unwished

if TYPE_CHECKING:
    from rmatch.scoring.matrix import ScoreMatrix

__all__ = ["lonely_reason", "unmatched_reasons", "why_not_chosen"]


def _no_partner_reason(counts: dict[str, int], n_other: int, other: str) -> str:
    if not counts:
        return f"no {other} with free capacity"
    parts = ", ".join(f"{label} rules out {n}" for label, n in Counter(counts).most_common())
    return f"no feasible {other}: {parts} (of {n_other} {other}s with capacity)"


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
    # Counts, not a list of labels a pair: 100,000 lists made Python's
    # collector walk every object the programme holds (0.9 s at 100,000 a side).
    counts = sm.ruled_out_counts(side, k, open_other.tolist())
    # A rule that forbids a blank the person leaves: that, not the others, is why.
    person = (sm.juniors if side == "juniors" else sm.seniors).people[k]
    blanks = dict.fromkeys(b for rule in sm.program.constraints
                           if (b := rule.blank_of(person)) and rule.label() in counts)
    said = f"; they give no {' and no '.join(blanks)}" if blanks else ""
    return _no_partner_reason(counts, len(open_other), other) + said, 0


EVALUATED = "evaluated"
"""The ``solver`` of a result built by ``rm.evaluate`` from pairs made elsewhere."""
STABLE = "deferred acceptance"
"""The ``solver`` of a stable matching's result starts so (``rmatch.solvers.stable``)."""


def why_not_chosen(sm: ScoreMatrix, solver: str, status: str) -> str:
    """How to say that a pair was left out, for this solver and status."""
    if solver == "greedy":
        return "taken first by a higher-scoring pair (greedy baseline)"
    if solver == EVALUATED:
        return "taken in the matching evaluated"
    if solver.startswith(STABLE):
        return "taken by someone they prefer (a stable matching)"
    if status != "optimal":
        return "taken in the best assignment found within the time limit"
    from rmatch.constraints.programme import GLOBAL_CONSTRAINTS

    rules = any(isinstance(c, GLOBAL_CONSTRAINTS) for c in sm.program.constraints)
    return ("taken: pairing them would lower the number of pairs or the total score"
            + (", or break a programme-wide rule" if rules else ""))


def _why_left_out(sm: ScoreMatrix, solver: str, status: str) -> str:
    """Why someone stays unmatched although a feasible partner still has room."""
    if solver == "greedy":
        return "the greedy baseline did not pair them (it is not optimal)"
    if solver == EVALUATED:
        return "the matching evaluated leaves them out"
    if solver.startswith(STABLE):
        return ("in a stable matching a pair forms only where both find each other "
                "acceptable, and those with room do not (their wishes)")
    if status != "optimal":
        return "the best assignment found within the time limit leaves them out"
    if sm.program.objective == "max_score":
        return ("pairing them would add no score or break a programme-wide rule (the "
                "programme maximises the total score, not the number of pairs)")
    return "pairing them would break a programme-wide rule"


def _picky(sm: ScoreMatrix, side: Literal["juniors", "seniors"], solver: str
           ) -> list[list[str] | None] | None:
    """Return each person's wishes where they name no feasible partner, for a stable matching.

    Only under wishes with ``unranked="unacceptable"``, where unwished partners are
    no option to the person (else None for them); None for any other result.
    """
    program = sm.program
    if not (solver.startswith(STABLE) and program.stable_by == "wishes"
            and program.unranked == "unacceptable"):
        return None
    people = sm.juniors.people if side == "juniors" else sm.seniors.people
    pos = (sm.seniors if side == "juniors" else sm.juniors).positions  # the other side's rows
    feasible = sm.feasible if side == "juniors" else sm.feasible.T
    lenient = accepts_unwished(people, program)
    return [None if lenient[i] or any(feasible[i, pos[w]] for w in p.wishes if w in pos)
            else list(p.wishes) for i, p in enumerate(people)]


def _unwished(sm: ScoreMatrix, side: Literal["juniors", "seniors"], k: int,
              free: np.ndarray) -> str:
    """Who refused whom between person ``k`` and the partners with room ``free``.

    Under wishes with ``unranked="unacceptable"`` (where :func:`_picky` applies)
    someone left out beside partners with room is kept apart by wishes: theirs
    or the partners' own (anything else would be a blocking pair).
    """
    mine, others = (sm.juniors, sm.seniors) if side == "juniors" else (sm.seniors, sm.juniors)
    me = mine.people[k]
    them = [others.people[o] for o in free.tolist()]
    lenient = accepts_unwished([me, *them], sm.program)
    wished = set(me.wishes)
    i_refuse = 0 if lenient[0] else sum(p.id not in wished for p in them)
    they_refuse = sum(not ok and me.id not in p.wishes
                      for p, ok in zip(them, lenient[1:].tolist(), strict=True))
    that = f"that {'senior' if side == 'juniors' else 'junior'}"
    one = len(them) == 1
    if i_refuse == len(them):
        said = f"they did not wish for {that if one else 'any of them'}"
    elif they_refuse == len(them):
        said = f"{that} did not wish for them" if one else "none of them wished for them"
    else:
        said = "each either was not wished for by them or did not wish for them"
    return f"{said}, and only wished partners are acceptable (unranked='unacceptable')"


def unmatched_reasons(
    sm: ScoreMatrix, counts_j: np.ndarray, counts_s: np.ndarray, *, solver: str,
    status: str,
) -> dict[str, str]:
    """Say, for every unmatched participant, why nobody was paired with them.

    ``counts_j`` and ``counts_s`` are each person's number of pairs: "taken"
    is said only of partners who really are at capacity.
    """
    out: dict[str, str] = {}
    taken = "every feasible {o} is " + why_not_chosen(sm, solver, status)
    sides: tuple[tuple[Literal["juniors", "seniors"], tuple[str, ...], np.ndarray,
                       np.ndarray, np.ndarray, np.ndarray, str], ...] = (
        ("juniors", sm.junior_ids, counts_j, counts_s, sm.seniors.capacity, sm.feasible,
         "senior"),
        ("seniors", sm.senior_ids, counts_s, counts_j, sm.juniors.capacity, sm.feasible.T,
         "junior"))
    both = set(sm.junior_ids).intersection(sm.senior_ids)  # people with role "both"
    for side, ids, mine, theirs, their_cap, feas, other in sides:
        room = theirs < their_cap
        picky = _picky(sm, side, solver)
        for k in np.flatnonzero(mine == 0).tolist():
            reason, n_ok = lonely_reason(sm, side, k)
            if reason is None and picky is not None and picky[k] is not None:
                # A stable matching by wishes: they accept only those they wished for.
                wished = picky[k]
                named = ", ".join(repr(w) for w in wished[:5])
                reason = (f"wished for none of the {n_ok} feasible {other}s, and only wished "
                          "partners are acceptable (unranked='unacceptable'; no_wishes="
                          "'accept_all' lets those who wished for nobody take anyone)"
                          if not wished else
                          f"their wish{'es' if len(wished) > 1 else ''} {named} "
                          f"{'are' if len(wished) > 1 else 'is'} not among the {n_ok} feasible "
                          f"{other}s, and only wished partners are acceptable "
                          "(unranked='unacceptable')")
            elif reason is None:
                free = np.flatnonzero(feas[k] & room)
                why = (_why_left_out(sm, solver, status) if picky is None
                       else _unwished(sm, side, k, free))
                reason = (taken.format(o=f"{other} ({n_ok})") if len(free) == 0 else
                          f"{len(free)} of the {n_ok} feasible {other}s still "
                          f"{'has' if len(free) == 1 else 'have'} room, but " + why)
            if ids[k] in both:  # one entry per person: say which side each reason is for
                reason = f"as {side[:-1]}: {reason}"
                if ids[k] in out:
                    reason = f"{out[ids[k]]}; {reason}"
            out[ids[k]] = reason
    return out
