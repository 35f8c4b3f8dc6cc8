"""Self-match suggestions: the best feasible partners for one person, each explained.

For programmes where people browse and pick (or HR shows "who else could I
have had?"), :func:`recommend` scores one person against every candidate on
the other side with the programme's components and rules, and returns the
``k`` best partners that every rule allows, each with its components and the
fields on which the two differ. It is the same scoring as :func:`rmatch.match`
(one row of the score matrix). One caveat: by default ``diversity`` counts the
attribute keys present among the people scored, which for a suggestion are
the person and the candidates; set ``ScoringOptions.diversity_fields`` for
scores identical to a programme's whatever the population.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from rmatch.analysis.explain import differing_fields
from rmatch.constraints.catalogue import Constraint
from rmatch.constraints.pairwise import Forbid, Require
from rmatch.errors import InputError
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.program.program import Program
from rmatch.scoring.builtin import ComponentFn
from rmatch.scoring.matrix import score

__all__ = ["Suggestion", "recommend"]


class Suggestion(BaseModel):
    """One suggested partner: score, components and what differs.

    Examples
    --------
    >>> s = Suggestion(partner_id="s1", score=0.8, components={"skills": 0.8},
    ...                differences=["department"], rank=1)
    >>> print(s)
    1. 's1' (score 0.800: skills 0.800); they differ on: department
    """

    model_config = ConfigDict(frozen=True)

    rank: int
    partner_id: str
    score: float
    components: dict[str, float]
    differences: list[str]
    """Non-sensitive fields on which the two differ (department, location, attributes)."""

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v:.3f}" for k, v in self.components.items())
        tail = f"; they differ on: {', '.join(self.differences)}" if self.differences else ""
        return f"{self.rank}. {self.partner_id!r} (score {self.score:.3f}: {parts}){tail}"


def recommend(
    person: Participant,
    candidates: Sequence[Participant],
    program: Program | None = None,
    k: int = 5,
    *,
    side: Literal["junior", "senior"] | None = None,
    org: OrgChart | None = None,
    components: Mapping[str, ComponentFn] | None = None,
) -> list[Suggestion]:
    """Return the ``k`` best partners among ``candidates`` that every rule allows.

    Parameters
    ----------
    person
        The person asking; a junior unless ``side="senior"`` or their role
        is ``"senior"`` (a ``"both"`` person is a junior unless told).
    candidates
        People on the other side; the person themself is skipped.
    program
        Weights, components and rules, as for :func:`rmatch.match`.
    k
        How many suggestions, best first (ties by id, so the list is stable).

    Examples
    --------
    >>> import rmatch as rm
    >>> me = rm.Participant(id="j", birth_year=2000, skills={"genai": 0.9})
    >>> others = [rm.Participant(id="s1", birth_year=1970, level=4, goals={"genai": 1}),
    ...           rm.Participant(id="s2", birth_year=1990, level=4, goals={"cloud": 1})]
    >>> [s.partner_id for s in rm.recommend(me, others, k=2)]
    ['s1', 's2']
    """
    if k < 1:
        raise InputError(f"k must be at least 1, not {k}")
    side = side or ("senior" if person.role == "senior" else "junior")
    others = [c for c in candidates if c.id != person.id]
    if not others:
        return []
    program = _for_one(program or Program(), person.id, {c.id for c in others}, side)
    if side == "junior":
        sm = score([person], others, program, org=org, components=components)
        totals, feasible = sm.total[0], sm.feasible[0]
    else:
        sm = score(others, [person], program, org=org, components=components)
        totals, feasible = sm.total[:, 0], sm.feasible[:, 0]
    # No check_field_names: one person and their candidates need not hold every
    # field the whole programme names (match() checks the programme).
    ids = np.array([c.id for c in others], dtype=object)
    allowed = np.flatnonzero(feasible)
    # Best score first; equal scores by id, so the same input gives the same list.
    order = allowed[np.lexsort((ids[allowed], -totals[allowed].astype(np.float64)))][:k]
    out = []
    for rank, o in enumerate(order.tolist(), start=1):
        i, c = (0, o) if side == "junior" else (o, 0)
        out.append(Suggestion(
            rank=rank, partner_id=str(ids[o]), score=float(totals[o]),
            components={n: float(v[i, c]) + 0.0 for n, v in sm.components.items()},
            differences=differing_fields(sm, i, c)))
    return out


def _for_one(program: Program, pid: str, others: set[str],
             side: Literal["junior", "senior"]) -> Program:
    """Narrow the programme to one person's row: their Forbid pairs, no Require.

    A programme's Forbid and Require name people from the whole roster; scored
    on one person and their candidates, the others are simply absent. Required
    pairs decide nothing about which partners are allowed.
    """
    kept: list[Constraint] = []
    for con in program.constraints:
        if isinstance(con, Require):
            continue
        if isinstance(con, Forbid):
            mine = [(j, s) for j, s in con.pairs
                    if ((j == pid and s in others) if side == "junior"
                        else (s == pid and j in others))]
            con = con.model_copy(update={"pairs": mine})
        kept.append(con)
    return program.model_copy(update={"constraints": kept})
