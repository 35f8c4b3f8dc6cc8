"""The programme as one assignment problem: whole capacities, required pairs, every rule.

What the rule-aware solvers search (:func:`rmatch.solvers.match.solve`),
what the rounds of a programme keep, and what
:func:`rmatch.analysis.stability.least_blocking` searches among optima: one
place for how a programme's ``Require`` pairs, programme-wide rules and
``min_partners`` become a :class:`~rmatch.solvers.problem.Problem`.
"""

from __future__ import annotations

import numpy as np

from rmatch.constraints.pairwise import Require
from rmatch.errors import InfeasibleError
from rmatch.scoring.matrix import ScoreMatrix
from rmatch.solvers import MinRule, Problem, compile_rules
from rmatch.solvers.bounds import minimums

__all__ = ["capacities", "check_required", "required_pairs", "ruled_problem"]


def ruled_problem(sm: ScoreMatrix) -> Problem:
    """Return the programme as one assignment problem with every programme-wide rule in it.

    Whole capacities, the required pairs kept in (programme-wide rules count
    them), the compiled rules and, when anyone has one, ``min_partners`` as
    one more rule: what the rule-aware solvers and
    :func:`rmatch.analysis.stability.least_blocking` search.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1", min_partners=1), rm.Participant(id="j2")]
    >>> sm = rm.score(js, [rm.Participant(id="s1", capacity=2)], rm.Program(constraints=[]))
    >>> [rule.label for rule in ruled_problem(sm).rules], ruled_problem(sm).cap_s.tolist()
    (['min_partners'], [2])
    """
    full_j, full_s, _, _, fixed_r, fixed_c = capacities(sm)
    rules = compile_rules(sm)
    min_j, min_s = minimums(sm)
    if min_j.any() or min_s.any():  # min_partners: one more rule on the whole assignment
        rules = (*rules, MinRule("min_partners", min_j, min_s))
    return Problem(sm.total, sm.feasible, full_j, full_s, sm.program.time_limit_s,
                   sm.program.seed, fixed_r, fixed_c, rules,
                   objective=sm.program.assignment_objective)


def capacities(sm: ScoreMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                          np.ndarray, np.ndarray]:
    """Return the clamped capacities, the required pairs, and the capacities left after them.

    Returns ``(full_j, full_s, cap_j, cap_s, fixed_r, fixed_c)``; raises
    :class:`InfeasibleError` when a required pair is ruled out or overloads
    someone. Nobody can have more partners than the other side has people:
    clamping is exact, and keeps "capacity: 1000000000" from sizing solver arrays.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j", capacity=5)], [rm.Participant(id="s")],
    ...               rm.Program(constraints=[rm.Require(pairs=[("j", "s")])]))
    >>> [a.tolist() for a in capacities(sm)]
    [[1], [1], [0], [0], [0], [0]]
    """
    full_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    full_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    cap_j, cap_s = full_j.copy(), full_s.copy()
    fixed_r, fixed_c = required_pairs(sm)
    np.subtract.at(cap_j, fixed_r, 1)
    np.subtract.at(cap_s, fixed_c, 1)
    check_required(sm, fixed_r, fixed_c, cap_j, cap_s)
    return full_j, full_s, cap_j, cap_s, fixed_r, fixed_c


def required_pairs(sm: ScoreMatrix) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``Require`` rules' pairs as (row, column) indices, each once, sorted.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id=j) for j in ("a", "b")], [rm.Participant(id="s")],
    ...               rm.Program(constraints=[rm.Require(pairs=[("b", "s"), ("b", "s")])]))
    >>> [a.tolist() for a in required_pairs(sm)]
    [[1], [0]]
    """
    ctx = sm.context()
    rs, cs = [], []
    for con in sm.program.constraints:
        if isinstance(con, Require):
            r, c = con.indices(ctx)
            rs.append(r)
            cs.append(c)
    if not rs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    both = np.unique(np.stack([np.concatenate(rs), np.concatenate(cs)], axis=1), axis=0)
    return both[:, 0].astype(np.int64), both[:, 1].astype(np.int64)


def check_required(sm: ScoreMatrix, rows: np.ndarray, cols: np.ndarray,
                    cap_j: np.ndarray, cap_s: np.ndarray) -> None:
    """Raise :class:`InfeasibleError` naming each required pair ruled out or over capacity.

    Examples
    --------
    >>> import numpy as np, rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j")], [rm.Participant(id="s")],
    ...               rm.Program(constraints=[rm.Forbid(pairs=[("j", "s")])]))
    >>> try:
    ...     check_required(sm, np.array([0]), np.array([0]), np.array([0]), np.array([0]))
    ... except rm.InfeasibleError as err:
    ...     print(err.reasons[0])
    Require pair ('j', 's') is ruled out by Forbid: the programme forbids this pair
    """
    reasons = []
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if not sm.feasible[r, c]:
            why = sm.ruled_out_said(sm.junior_ids[r], sm.senior_ids[c])
            reasons.append(
                f"Require pair ({sm.junior_ids[r]!r}, {sm.senior_ids[c]!r}) is ruled out by {why}"
            )
    for ids, cap, side, base in ((sm.junior_ids, cap_j, "junior", sm.juniors.capacity),
                                  (sm.senior_ids, cap_s, "senior", sm.seniors.capacity)):
        for k in np.flatnonzero(cap < 0):
            reasons.append(
                f"Require gives {side} {ids[k]!r} {int(base[k] - cap[k])} pairs "
                f"but their capacity is {int(base[k])}"
            )
    if reasons:
        raise InfeasibleError("the required pairs cannot all hold", reasons)
