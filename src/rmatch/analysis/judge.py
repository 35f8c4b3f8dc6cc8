"""Judging a matching made elsewhere: by hand, last year, or by another tool.

"How good was our hand matching, which rules did it break, how far from the
optimum?" is the first question an HR team asks before trusting a new tool.
:func:`evaluate` scores the given pairs under a programme exactly as
:func:`rmatch.match` scores its own, names every rule each pair breaks,
gives the unmatched their reasons, and solves the same programme to say how
far the matching is from the optimum.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rmatch.errors import (
    DataGapWarning,
    InfeasibleError,
    InputError,
    SolverError,
    caught_warnings,
    warn_again,
)
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import IdSides, Participant
from rmatch.program.gaps import data_gaps
from rmatch.program.program import Program
from rmatch.result.match_result import MatchResult
from rmatch.result.pairs import Optimum, Violation, id_pairs
from rmatch.result.reasons import EVALUATED
from rmatch.scoring.matrix import ScoreMatrix, check_field_names, score
from rmatch.solvers.sat import ProgressFn

__all__ = ["evaluate"]


def _indices(junior_ids: Sequence[str], senior_ids: Sequence[str],
             ids: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the pairs; every unknown id or repeated pair named at once."""
    sides = IdSides(junior_ids, senior_ids)
    jpos, spos = sides.juniors, sides.seniors
    problems = [f"pair {k + 1} {ids[k]}: {reason}" if side
                else f"pair {k + 1} {ids[k]} is given twice"
                for k, side, reason in sides.pair_problems(ids)]
    if problems:
        raise InputError.of(problems)
    rows = np.array([jpos[j] for j, _ in ids], dtype=np.int64)
    cols = np.array([spos[s] for _, s in ids], dtype=np.int64)
    return rows, cols


def _pair_violations(sm: ScoreMatrix, rows: np.ndarray, cols: np.ndarray) -> list[Violation]:
    from rmatch.constraints.pairwise import Require

    out: list[Violation] = []
    # The pairs' feasibility at once (on a programme solved on candidates, scored
    # for these pairs only); the rules are named for the few ruled out.
    ruled = (~np.asarray(sm.feasible[rows, cols], dtype=np.bool_) if len(rows)
             else np.zeros(0, dtype=np.bool_))
    for i, k in zip(rows[ruled].tolist(), cols[ruled].tolist(), strict=True):
        j, s = sm.junior_ids[i], sm.senior_ids[k]
        out += [Violation(rule=label, junior_id=j, senior_id=s, detail=why)
                for label, why in sm.ruled_out_why(j, s)]
    counts_j = np.bincount(rows, minlength=len(sm.junior_ids))
    counts_s = np.bincount(cols, minlength=len(sm.senior_ids))
    for people, counts, side in ((sm.juniors, counts_j, "junior"),
                                 (sm.seniors, counts_s, "senior")):
        for k in np.flatnonzero(counts > people.capacity).tolist():
            pid = people.ids[k]
            out.append(Violation(rule="capacity", **{f"{side}_id": pid},
                                 detail=f"{int(counts[k])} pairs, capacity "
                                        f"{int(people.capacity[k])}"))
        least = np.array([p.min_partners for p in people.people], dtype=np.int64)
        for k in np.flatnonzero(counts < least).tolist():
            out.append(Violation(rule="min_partners", **{f"{side}_id": people.ids[k]},
                                 detail=f"{int(counts[k])} pairs, min_partners "
                                        f"{int(least[k])}"))
    chosen = set(zip((sm.junior_ids[i] for i in rows.tolist()),
                     (sm.senior_ids[k] for k in cols.tolist()), strict=True))
    for con in sm.program.constraints:
        if isinstance(con, Require):
            out += [Violation(rule=con.label(), junior_id=j, senior_id=s,
                              detail="a required pair is missing")
                    for j, s in (tuple(p) for p in con.pairs) if (j, s) not in chosen]
    return out


def evaluate(pairs: Iterable[Any], juniors: Sequence[Participant],
             seniors: Sequence[Participant], program: Program | None = None, *,
             org: OrgChart | None = None, progress: ProgressFn | None = None) -> MatchResult:
    """Judge a matching made elsewhere under a programme, against the optimum.

    Parameters
    ----------
    pairs
        ``(junior_id, senior_id)`` pairs, :class:`~rmatch.result.pairs.Pair`
        objects, or records with ``junior_id`` and ``senior_id`` (a list of
        dicts, or a pandas DataFrame with those columns), e.g. last year's hand
        matching; a file of pairs is read by :func:`rmatch.read_matching`.
    juniors, seniors, program, org
        As for :func:`rmatch.match`: the scores, rules and org chart to judge by.
    progress
        As for :func:`rmatch.match`, for the solve of the optimum (most of the
        time judging takes): an exception it raises ends the judgement.

    Returns
    -------
    MatchResult
        The pairs with their scores and components, the unmatched with
        reasons, ``violations`` (every rule a pair breaks, capacities,
        missing required pairs, programme-wide rules), ``optimum`` (the best
        matching under the same programme: its pairs, total and bound), and
        ``bound`` the optimum's bound (at least this matching's total, which
        a rule-breaking matching may exceed). ``status`` is ``"optimal"`` only when the
        matching breaks no rule and reaches the optimum's pairs and total (under
        ``objective="stable"``: is the proposing side's stable matching itself;
        under a stable objective each blocking pair, by the programme's own
        preferences, is a violation, rule ``"stable matching"``);
        ``solver`` is ``"evaluated"``. ``explain``, ``report`` and
        ``stability`` work as on any result.

    Raises
    ------
    InputError
        An id that is not a junior (or senior) of the programme, or a pair
        given twice, named with its position.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j", birth_year=2000, manager_id="s1")]
    >>> ss = [rm.Participant(id="s1", birth_year=1970), rm.Participant(id="s2", birth_year=1972)]
    >>> res = rm.evaluate([("j", "s1")], js, ss)
    >>> [(v.rule, v.junior_id, v.senior_id) for v in res.violations]
    [('NoReportingLine(depth=2)', 'j', 's1')]
    >>> res.status, res.unmatched_seniors
    ('feasible', ['s2'])
    """
    start = time.perf_counter()
    program = program or Program()
    # Every id checked before the optimum is sought: a typo costs no solve.
    rows, cols = _indices([p.id for p in juniors], [p.id for p in seniors], id_pairs(pairs))
    from rmatch.solvers.match import match, result_from_pairs

    # The optimum as rm.match finds it, and its scores to judge by: on a large
    # programme those of the candidate path (no juniors x seniors matrix; at
    # 20,000 per side the dense one took 10 GB and 390 s against rm.match's 5 s).
    best: MatchResult | None
    try:
        with caught_warnings() as caught:
            best = match(juniors, seniors, program, org=org, progress=progress)
        # Judging is not matching: the optimum's data gaps are not the judgement's.
        warn_again([w for w in caught if not issubclass(w.category, DataGapWarning)])
        sm = best.scores
    except (InfeasibleError, SolverError):
        best = None  # no optimum to compare with: the bound stays the objective
        sm = score(juniors, seniors, program, org=org)
        check_field_names(sm)
    judged = result_from_pairs(sm, rows, cols, status="feasible", bound=None,
                               solver=EVALUATED, start=start)
    violations = _pair_violations(sm, rows, cols)
    from rmatch.analysis.explain import rule_status

    violations += [Violation(rule=label, detail=text)
                   for label, ok, text in rule_status(sm, judged) if not ok]
    if sm.program.stable:  # the programme promises stability: a blocking pair breaks it
        from rmatch.solvers.stable import blocking_pairs

        violations += [Violation(rule="stable matching", junior_id=sm.junior_ids[i],
                                 senior_id=sm.senior_ids[k],
                                 detail="both would rather be together (a blocking pair)")
                       for i, k in zip(*(a.tolist() for a in blocking_pairs(sm, rows, cols)),
                                       strict=True)]
    bound = judged.objective
    status = "feasible"
    optimum = None
    if best is not None:
        optimum = Optimum(pairs=len(best.pairs), objective=best.objective, bound=best.bound,
                          status=best.status)
        # A matching that breaks rules, or has fewer pairs, may score more than
        # the optimum: the bound stays at least its own total.
        bound = max(best.bound, judged.objective)
        reached = (len(judged.pairs) >= len(best.pairs)
                   and judged.objective >= best.objective - 1e-9 * max(1.0, best.objective))
        if sm.program.objective == "stable":  # the proposing side's own stable matching
            reached = ({(p.junior_id, p.senior_id) for p in judged.pairs}
                       == {(p.junior_id, p.senior_id) for p in best.pairs})
        if reached and not violations and best.status == "optimal":
            status = "optimal"
    # "No rule broken" means little where the data cannot show a rule's case (no
    # managers known): the gaps are kept with the judgement, as rm.match keeps them.
    gaps = best.data_gaps if best is not None else data_gaps(juniors, seniors, program,
                                                             org=org)
    out = judged.model_copy(update={"violations": violations, "bound": bound,
                                    "status": status, "optimum": optimum, "data_gaps": gaps,
                                    "wall_time_s": time.perf_counter() - start})
    if status == "optimal" and best is not None:
        # The optimum's prices price any other optimum (its explanations checked
        # against them first: rmatch.solvers.forcing_rows).
        out._forcing = best._forcing
    return out
