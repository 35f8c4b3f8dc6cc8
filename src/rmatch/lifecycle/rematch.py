"""Re-matching mid-programme: people leave, join, or ask to change partner.

``rematch(previous, juniors, seniors, program)`` starts from the previous
pairs and the people now in the programme:

- a pair whose partner left is broken ("partner left");
- a pair one of whose partners asked to change (``change``) is broken and
  that pair is not formed again;
- a pair the rules now forbid is broken, naming the rule;
- every other pair is **kept**: with ``allow_changes=False`` (the default)
  it is required; with ``allow_changes=True`` it may be broken when that
  buys a better programme, at ``change_cost`` (in score units) per broken
  pair;
- everyone else (joiners, and those whose pairs broke) is matched as
  :func:`rmatch.match` would: the most pairs, then the best score.

**Exact.** With ``allow_changes=True`` the objective is: the most pairs,
then the total score minus ``change_cost`` for each kept pair that is
broken. Adding ``change_cost`` to the score of each previous pair changes
every assignment's total by ``change_cost`` times the pairs it keeps, which
is that objective plus a constant; dividing by ``1 + change_cost`` keeps
scores in [0, 1] and ranks assignments the same way. So one exact solve on
the adjusted scores is exact for the re-matching.

**Stable programmes** (``Program.stable``) hold no pair fixed: without
``allow_changes`` a rematch is refused in words; with it, the result is the
stable matching of who is left, by the programme's own preferences (no
``change_cost``, which would change them), and every previous pair in it is
kept.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rmatch.constraints.catalogue import Constraint
from rmatch.constraints.pairwise import Forbid, Require
from rmatch.errors import InputError
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import IdSides, Participant, normalise_id
from rmatch.model.text import counted
from rmatch.program.gaps import data_gaps
from rmatch.program.program import Program
from rmatch.result.match_result import MatchResult
from rmatch.result.pairs import id_pairs
from rmatch.scoring.matrix import ScoreMatrix, check_field_names, score
from rmatch.solvers.match import result_from_pairs, solve

__all__ = ["Change", "Rematch", "rematch"]


class Change(BaseModel):
    """One previous pair that did not survive, and why.

    Examples
    --------
    >>> Change(junior_id="j", senior_id="s", reason="'s' left").reason
    "'s' left"
    """

    model_config = ConfigDict(frozen=True)

    junior_id: str
    senior_id: str
    reason: str


class Rematch(BaseModel):
    """The new assignment and what changed: pairs kept, broken (with reasons), new.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1"), rm.Participant(id="j2")]
    >>> ss = [rm.Participant(id="s1")]
    >>> out = rm.rematch([("j1", "s1")], js, ss, rm.Program(constraints=[]))
    >>> out.kept, out.new
    ([('j1', 's1')], [])
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    result: MatchResult
    kept: list[tuple[str, str]]
    broken: list[Change]
    new: list[tuple[str, str]]
    change_cost: float = Field(ge=0)

    def text(self) -> str:
        """Say what changed, in words.

        Examples
        --------
        >>> import rmatch as rm
        >>> out = rm.rematch([("j", "s")], [rm.Participant(id="j")], [],
        ...                  rm.Program(constraints=[]))
        >>> print(out.text())
        kept 0 pairs, broke 1, formed 0 new
          broke ('j', 's'): 's' left
        """
        lines = [f"kept {counted(len(self.kept), 'pair')}, broke {len(self.broken)}, formed "
                 f"{len(self.new)} new"]
        lines += [f"  broke {(c.junior_id, c.senior_id)!r}: {c.reason}" for c in self.broken]
        lines += [f"  new {pair!r}" for pair in self.new]
        return "\n".join(lines)


def rematch(
    previous: MatchResult | Iterable[Any],
    juniors: Sequence[Participant],
    seniors: Sequence[Participant],
    program: Program | None = None,
    *,
    change: Collection[str] = (),
    allow_changes: bool = False,
    change_cost: float = 0.1,
    org: OrgChart | None = None,
) -> Rematch:
    """Re-match after leavers, joiners and requests to change, keeping what works.

    Parameters
    ----------
    previous
        The previous result, or its pairs: (junior id, senior id) tuples,
        :class:`~rmatch.result.pairs.Pair` objects, or records with
        ``junior_id`` and ``senior_id`` (a list of dicts, a DataFrame).
    juniors, seniors
        Everyone in the programme now (leavers absent, joiners present).
    change
        Ids of people who asked for a new partner: their previous pairs end and
        are not formed again.
    allow_changes
        Let other previous pairs break when that makes a better programme,
        at ``change_cost`` score per broken pair (exact; see the module).

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1"), rm.Participant(id="j2")]
    >>> ss = [rm.Participant(id="s1"), rm.Participant(id="s2")]
    >>> out = rm.rematch([("j1", "s1"), ("j2", "s2")], js, ss, rm.Program(constraints=[]),
    ...                  change={"j2"})
    >>> out.kept, [c.reason for c in out.broken]
    ([('j1', 's1')], ["'j2' asked to change"])
    """
    start = time.perf_counter()
    if isinstance(change_cost, bool) or not isinstance(change_cost, (int, float)) \
            or not math.isfinite(change_cost) or change_cost < 0:
        raise InputError(f"change_cost must be a finite number >= 0, not {change_cost!r}")
    pairs = id_pairs(previous.pairs if isinstance(previous, MatchResult) else previous,
                     "previous pair")
    program = program or Program()
    j_ids = {p.id for p in juniors}
    s_ids = {p.id for p in seniors}
    near = IdSides(j_ids, s_ids).case_hint  # another case of someone's id, said as a hint
    asked = {normalise_id(pid) for pid in change}
    # An id asked for that is nobody's (a typo such as 'j0O') would change nothing
    # and say "kept every pair": name it instead.
    unknown = sorted(asked - j_ids - s_ids)
    if unknown:
        raise InputError(f"change names {', '.join(repr(u) + near(u) for u in unknown[:10])}, "
                         f"who {'is' if len(unknown) == 1 else 'are'} neither a junior nor a "
                         "senior of this programme")
    twice = sorted(pair for pair, n in Counter(pairs).items() if n > 1)
    if twice:
        raise InputError(f"previous pairs given more than once: "
                         f"{', '.join(f'({j!r}, {s!r})' for j, s in twice[:10])}")
    broken: list[Change] = []
    candidates: list[tuple[str, str]] = []
    for j, s in pairs:
        gone = [pid for pid, here in ((j, j in j_ids), (s, s in s_ids)) if not here]
        if gone:
            # A previous pair typed in another case would read as a leaver
            # and a joiner: the reason says which id it may be.
            broken.append(Change(junior_id=j, senior_id=s,
                                 reason=" and ".join(f"{g!r}" for g in gone) + " left"
                                 + "".join(near(g) for g in gone)))
        elif j in asked or s in asked:
            who = " and ".join(f"{x!r}" for x in (j, s) if x in asked)
            broken.append(Change(junior_id=j, senior_id=s, reason=f"{who} asked to change"))
        else:
            candidates.append((j, s))
    refused = [(c.junior_id, c.senior_id) for c in broken if "asked to change" in c.reason]
    rules = [*_present(program.constraints, j_ids, s_ids),
             *([Forbid(pairs=refused, reason="asked for a new partner")] if refused else [])]
    base = program.model_copy(update={"constraints": rules})
    sm = score(juniors, seniors, base, org=org)
    check_field_names(sm)
    keep: list[tuple[str, str]] = []
    for j, s in candidates:
        why = sm.ruled_out_said(j, s)
        if why:
            broken.append(Change(junior_id=j, senior_id=s, reason=f"now ruled out by {why}"))
        else:
            keep.append((j, s))
    if program.stable and not allow_changes and keep:
        raise InputError(f"objective {program.objective!r} cannot hold the other pairs fixed "
                         "(a stable matching takes no required pair): rematch with "
                         "allow_changes=True (CLI: --allow-changes) for the stable matching "
                         "of who is left, which keeps every pair that stays stable")
    if program.stable:  # preferences decide: a bonus for kept pairs would change them
        result = solve(sm, _start=start)
    elif allow_changes:
        result = _solve_with_bonus(sm, keep, change_cost, start)
    else:
        required = [Require(pairs=keep)] if keep else []
        held = base.model_copy(update={"constraints": [*rules, *required]})
        result = solve(dataclasses.replace(sm, program=held), _start=start)
    now = {(p.junior_id, p.senior_id) for p in result.pairs}
    kept = [pair for pair in keep if pair in now]
    broken += [Change(junior_id=j, senior_id=s,
                      reason=f"changed for a better programme (cost {change_cost:g})")
               for j, s in keep if (j, s) not in now]
    before = set(pairs)
    new = [(p.junior_id, p.senior_id) for p in result.pairs
           if (p.junior_id, p.senior_id) not in before]
    # What the data cannot tell, kept as rm.match keeps it (not warned: a re-match
    # follows a match that warned already).
    gaps = data_gaps(juniors, seniors, program, org=org)
    result = result.model_copy(update={"data_gaps": gaps}) if gaps else result
    return Rematch(result=result, kept=kept, broken=broken, new=new, change_cost=change_cost)


def _present(constraints: Sequence[Constraint], j_ids: set[str],
             s_ids: set[str]) -> list[Constraint]:
    """Drop the Forbid and Require pairs that name people who have left."""
    out: list[Constraint] = []
    for con in constraints:
        if isinstance(con, (Forbid, Require)):
            here = [(j, s) for j, s in con.pairs if j in j_ids and s in s_ids]
            if not here:
                continue
            con = type(con)(pairs=here)
        out.append(con)
    return out


def _solve_with_bonus(sm: ScoreMatrix, keep: list[tuple[str, str]], cost: float,
                      start: float) -> MatchResult:
    """Solve with each kept pair's score raised by ``cost`` (scaled back into [0, 1])."""
    total = sm.total.astype(np.float64)
    if keep:
        rows = np.array([sm.juniors.index(j) for j, _ in keep], dtype=np.int64)
        cols = np.array([sm.seniors.index(s) for _, s in keep], dtype=np.int64)
        total[rows, cols] += cost
    adjusted = dataclasses.replace(sm, total=(total / (1.0 + cost)).astype(np.float64))
    found = solve(adjusted, _start=start)
    rows = np.array([sm.juniors.index(p.junior_id) for p in found.pairs], dtype=np.int64)
    cols = np.array([sm.seniors.index(p.senior_id) for p in found.pairs], dtype=np.int64)
    # A bound on the adjusted total times (1 + cost) bounds the real total too
    # (kept pairs only ever added to it).
    bound = None if found.status == "optimal" else found.bound * (1.0 + cost)
    return result_from_pairs(sm, rows, cols, status=found.status, bound=bound,
                             solver=found.solver, start=start)
