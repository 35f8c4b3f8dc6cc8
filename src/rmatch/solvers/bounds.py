"""Lower bounds and even loads: what they combine with, and who cannot have their minimum.

``min_partners`` (per person), ``MatchAll`` and ``EvenLoad`` are met by one
bounded min-cost flow (:func:`rmatch.solvers.flow.solve_bounded`); this
module refuses, in words, what they do not combine with, and names who
cannot have their minimum when a programme cannot give it.

Examples
--------
>>> import rmatch as rm
>>> js = [rm.Participant(id="j", capacity=2, min_partners=2)]
>>> sm = rm.score(js, [rm.Participant(id="s")], rm.Program(constraints=[]))
>>> minimum_reasons(sm, *minimums(sm))
["'j' needs at least 2 partners (min_partners) but the rules allow 1 senior with places"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from rmatch.constraints.compiled import CoverRule, LoadRule, MinRule
from rmatch.errors import InputError
from rmatch.model.text import counted

if TYPE_CHECKING:
    from rmatch.program.program import Program
    from rmatch.scoring.matrix import ScoreMatrix
    from rmatch.solvers.problem import Rule

__all__ = ["minimum_reasons", "minimums", "refuse_load_mix", "refuse_minimum_mix"]


def minimums(sm: ScoreMatrix) -> tuple[np.ndarray, np.ndarray]:
    """Each junior's and senior's ``min_partners`` (zeros when none is set)."""
    return (np.array([p.min_partners for p in sm.juniors.people], dtype=np.int64),
            np.array([p.min_partners for p in sm.seniors.people], dtype=np.int64))


def minimum_reasons(sm: ScoreMatrix, min_j: np.ndarray, min_s: np.ndarray) -> list[str]:
    """Say who cannot have their ``min_partners``, and why (as far as one person shows it).

    A person whose rules allow fewer partners than their minimum is named with
    that count; otherwise the minimums compete: the best assignment for them
    (the most minimum places filled) says who falls short.
    """
    reasons = []
    full_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    full_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    allowed_j = (sm.feasible & (full_s > 0)[None, :]).sum(axis=1)
    allowed_s = (sm.feasible & (full_j > 0)[:, None]).sum(axis=0)
    for ids, mins, allowed, other in ((sm.junior_ids, min_j, allowed_j, "senior"),
                                      (sm.senior_ids, min_s, allowed_s, "junior")):
        for k in np.flatnonzero(mins > allowed).tolist():
            reasons.append(f"{ids[k]!r} needs at least {counted(int(mins[k]), 'partner')} "
                           f"(min_partners) but the rules allow "
                           f"{counted(int(allowed[k]), other)} with places")
    if reasons:
        return reasons
    got_j, got_s = _most_of_minimums(sm, full_j, full_s, min_j, min_s)
    for ids, mins, got in ((sm.junior_ids, min_j, got_j), (sm.senior_ids, min_s, got_s)):
        for k in np.flatnonzero(got < mins).tolist():
            reasons.append(f"{ids[k]!r} needs at least {counted(int(mins[k]), 'partner')} "
                           f"(min_partners); with everyone else's minimums and capacities at most "
                           f"{int(got[k])} can be found: their possible partners are needed "
                           "by others")
    return reasons or ["the minimums, the capacities and the rules cannot all hold"]


def _most_of_minimums(sm: ScoreMatrix, full_j: np.ndarray, full_s: np.ndarray,
                      min_j: np.ndarray, min_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each person's partners in an assignment filling as many minimum places as can be."""
    from ortools.graph.python import min_cost_flow

    n, m = sm.feasible.shape
    pr, pc = np.nonzero(sm.feasible)
    source, sink = n + m, n + m + 1
    low_j, low_s = np.minimum(min_j, full_j), np.minimum(min_s, full_s)
    # A person's first min_partners units earn a bonus; the rest earn nothing.
    tails = np.concatenate([np.full(2 * n, source), pr, n + np.arange(m), n + np.arange(m)])
    heads = np.concatenate([np.arange(n), np.arange(n), n + pc, np.full(2 * m, sink)])
    caps = np.concatenate([low_j, full_j - low_j, np.ones(len(pr), np.int64), low_s,
                           full_s - low_s])
    unit = np.concatenate([np.full(n, -1), np.zeros(n), np.zeros(len(pr)), np.full(m, -1),
                           np.zeros(m)]).astype(np.int64)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              caps.astype(np.int64), unit)
    supply = int(min(full_j.sum(), full_s.sum()))
    smcf.set_node_supply(source, supply)
    smcf.set_node_supply(sink, -supply)
    smcf.solve_max_flow_with_min_cost()
    flows = np.asarray(smcf.flows(np.arange(len(tails), dtype=np.int32)))
    chosen = flows[2 * n:2 * n + len(pr)] > 0
    return (np.bincount(pr[chosen], minlength=n).astype(np.int64),
            np.bincount(pc[chosen], minlength=m).astype(np.int64))


def refuse_minimum_mix(rules: tuple[Rule, ...], name: str) -> None:
    """Refuse, in words, a solver that cannot meet ``min_partners``."""
    flow = all(isinstance(r, (CoverRule, LoadRule, MinRule)) for r in rules)
    able = ("auto", "flow", "cpsat") if flow else ("auto", "cpsat")
    if name not in able:
        raise InputError(f"min_partners is met by {'min-cost flow or ' if flow else ''}CP-SAT: "
                         f"use solver {' or '.join(repr(a) for a in able)}, not {name!r}")


def refuse_load_mix(program: Program, rules: tuple[Rule, ...], name: str) -> None:
    """Refuse, in words, what ``EvenLoad`` does not combine with (:meth:`Program.conflict`)."""
    why = program.conflict()  # the rule in one place: the programme's own check
    if why is not None:
        raise InputError(why)
    loads = [r for r in rules if isinstance(r, LoadRule)]
    if loads and name not in ("auto", "flow"):  # the solver: rm.match(solver=) may choose it
        raise InputError(f"{loads[0].label} is solved by min-cost flow: use solver 'auto' or "
                         f"'flow', not {name!r}")
