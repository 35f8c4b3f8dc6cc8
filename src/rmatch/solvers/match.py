"""``rmatch.match``: score, apply constraints, solve, and build the result."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from rmatch.errors import DataGapWarning, InfeasibleError, InputError, warn
from rmatch.model.arrays import ParticipantArrays, build_arrays
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.program.gaps import data_gaps
from rmatch.program.program import SOLVERS, Program
from rmatch.result.match_result import MatchResult
from rmatch.result.pairs import Pair
from rmatch.result.reasons import lonely_reason, unmatched_reasons
from rmatch.scoring.builtin import ComponentFn
from rmatch.scoring.matrix import ScoreMatrix, check_field_names, score
from rmatch.scoring.memory import block_memory, dense_fits
from rmatch.scoring.plan import ScorePlan, default_org, plan_scores
from rmatch.solvers import (
    CoverRule,
    LoadRule,
    MinRule,
    Problem,
    Progress,
    Rule,
    compile_pair_rules,
    run,
)
from rmatch.solvers.bounds import minimum_reasons, minimums, refuse_load_mix, refuse_minimum_mix
from rmatch.solvers.cpsat import solve_cpsat
from rmatch.solvers.flow import solve_bounded, solve_cover
from rmatch.solvers.problem import CallbackGuard, Step, StepFn, heartbeat
from rmatch.solvers.required import capacities, ruled_problem
from rmatch.solvers.sat import ProgressFn
from rmatch.solvers.scan import GROUP_SIZE, GROUPS
from rmatch.solvers.stable import STABLE, best_stable_pairs, stable_pairs

if TYPE_CHECKING:
    from rmatch.solvers.certificate import Certified
    from rmatch.solvers.scan import BlockSource

__all__ = ["match", "result_from_pairs", "solve"]


def match(
    juniors: Sequence[Participant],
    seniors: Sequence[Participant],
    program: Program | None = None,
    *,
    org: OrgChart | None = None,
    components: Mapping[str, ComponentFn] | None = None,
    solver: str | None = None,
    progress: ProgressFn | None = None,
) -> MatchResult:
    """Pair juniors with seniors: the most pairs, then the highest total score.

    With ``Program(objective="max_score")``: the highest total score, even
    with fewer pairs.

    Parameters
    ----------
    juniors, seniors
        The two sides; each person's ``capacity`` caps their pairs.
    program
        Weights, constraints and solver settings; ``Program()`` by default.
    org
        The full org chart for :class:`~rmatch.constraints.pairwise.NoReportingLine`
        (otherwise built from the participants' ``manager_id``).
    components
        Extra score components, as for :func:`rmatch.score`.
    solver
        Overrides ``program.solver``: ``"auto"``, ``"hungarian"``, ``"flow"``
        ``"cpsat"`` or ``"greedy"`` (a baseline, not optimal).
    progress
        Called with a :class:`~rmatch.solvers.Progress` (phase, incumbent,
        bound, gap, elapsed) as a CP-SAT search starts, at each better
        assignment or bound, and every second while a step gives no news (so
        possibly from a helper thread). An exception it raises is kept, the
        callback is called no more, and ``match`` raises it when the solve
        step ends, on every path (no result is returned).

    Returns
    -------
    MatchResult

    Raises
    ------
    InfeasibleError
        A required pair is forbidden or exceeds someone's capacity, or the
        global rules cannot all hold; ``reasons`` names constraints and people.
    InputError
        Bad data: duplicate ids, unknown ids in constraints, a field named by a
        rule, ``diversity_fields`` or ``sensitive_attributes`` that no
        participant has, ...

    Examples
    --------
    >>> import rmatch as rm
    >>> juniors = [rm.Participant(id="j1", birth_year=2001, skills={"genai": 0.9}),
    ...            rm.Participant(id="j2", birth_year=1998, skills={"cloud": 0.8})]
    >>> seniors = [rm.Participant(id="s1", birth_year=1968, level=5, goals={"cloud": 1}),
    ...            rm.Participant(id="s2", birth_year=1972, level=4, goals={"genai": 1})]
    >>> res = rm.match(juniors, seniors)
    >>> sorted((p.junior_id, p.senior_id) for p in res.pairs)
    [('j1', 's2'), ('j2', 's1')]
    """
    guard = CallbackGuard.around(progress)
    result = _match(juniors, seniors, program, org, components, solver, guard,
                    time.perf_counter())
    CallbackGuard.check(guard)
    return result


def _match(juniors: Sequence[Participant], seniors: Sequence[Participant],
           program: Program | None, org: OrgChart | None,
           components: Mapping[str, ComponentFn] | None, solver: str | None,
           progress: ProgressFn | None, start: float) -> MatchResult:
    """Do what :func:`match` says (its ``progress`` already guarded)."""
    program = program or Program()
    name = solver or program.solver
    if name not in SOLVERS:
        raise InputError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}")
    plan = plan_scores(juniors, seniors, program, components)
    gaps = data_gaps(juniors, seniors, program, org=org)
    for line in gaps:
        warn(line, DataGapWarning, stacklevel=3)  # the caller of rm.match
    result = _matched(juniors, seniors, program, org, components, solver, name, plan,
                      progress, start)
    # Kept with the result too: a notebook's warnings scroll away, a service stores it.
    return result.model_copy(update={"data_gaps": gaps}) if gaps else result


def _matched(juniors: Sequence[Participant], seniors: Sequence[Participant],
             program: Program, org: OrgChart | None,
             components: Mapping[str, ComponentFn] | None, solver: str | None, name: str,
             plan: ScorePlan, progress: ProgressFn | None, start: float) -> MatchResult:
    """Solve a checked programme on the path its size and rules call for.

    ``name`` is the solver chosen: ``solver``, or the programme's when None.
    """
    # Deferred acceptance reads every pair's preference: the dense matrix.
    stable = program.stable
    if not stable and _on_candidates(name, len(juniors), len(seniors), plan):
        js, ss = build_arrays(juniors, seniors)
        try:
            return _solve_candidates(js, ss, plan, org, progress, start)
        except _NeedsDense as why:
            n, m = len(juniors), len(seniors)
            if name == "candidates":
                raise InputError(f"solver 'candidates' cannot meet these rules: {why}; "
                                 "use solver 'auto'") from None
            if not dense_fits(n, m, len(plan.weights), program):
                raise InputError(f"this {n:,} x {m:,} programme's rules need the dense "
                                 f"solver ({why}), and its matrix does not fit "
                                 "Program.memory_limit_gb") from None
            # Rare (see rmatch.solvers.candidate_rules): the dense path takes over.
    sm = score(juniors, seniors, program, org=org, components=components)
    check_field_names(sm)
    return _solve(sm, solver, progress, start)


# From this many pairs, "auto" scores block by block and solves on candidate
# pairs with a certificate instead of building the dense matrix. Measured by
# python -m benchmarks scale --crossover (2026-11-26, 2 cores, best of 2,
# rm.match end to end with the everyday rules, results/scale_crossover.md):
# 2,000 per side dense 0.40 s vs candidates 0.63 s; 3,000: 1.25 s vs 1.14 s;
# 4,000: 3.57 s vs 1.84 s.
CANDIDATE_CELLS = 10_000_000


def _on_candidates(name: str, n: int, m: int, plan: ScorePlan) -> bool:
    """Whether to solve on candidate pairs (see :data:`CANDIDATE_CELLS`)."""
    if name == "candidates":
        return True
    if name != "auto":
        return False
    return n * m >= CANDIDATE_CELLS or not dense_fits(n, m, len(plan.weights), plan.program)


class _NeedsDense(Exception):  # noqa: N818 - a signal to fall back, not an error
    """The programme-wide rules need the dense solver (the message says why)."""


def _solve_candidates(js: ParticipantArrays, ss: ParticipantArrays, plan: ScorePlan,
                      org: OrgChart | None, progress: ProgressFn | None,
                      start: float) -> MatchResult:
    """Score block by block, solve on candidate pairs, prove the optimum for every pair."""
    from rmatch.scoring.blocks import ProgrammeSource, candidate_scores

    program = plan.program
    if any(p.min_partners for p in (*js.people, *ss.people)):
        raise _NeedsDense("min_partners is met by the dense bounded flow")
    org = default_org(js, ss, program, org)
    # The scan keeps a bound per junior and group of seniors: its memory is ours to say.
    groups = max(1, min(GROUPS, len(ss) // GROUP_SIZE))
    block_bytes = block_memory(len(js), len(ss), program, groups=groups)
    source = ProgrammeSource(js, ss, plan, org, block_bytes=block_bytes)
    sm = candidate_scores(source, program)
    check_field_names(sm)
    _, _, cap_j, cap_s, fixed_r, fixed_c = capacities(sm)
    # The solve sees the required pairs as taken; the result (explanations,
    # check) keeps seeing them as the feasible pairs they are.
    solving = ProgrammeSource(js, ss, plan, org, block_bytes=block_bytes,
                              exclude=(fixed_r, fixed_c))
    return _certified(sm, solving, cap_j, cap_s, fixed_r, fixed_c, progress, start)


def _certified(sm: ScoreMatrix, source: BlockSource, cap_j: npt.NDArray[np.int64],
               cap_s: npt.NDArray[np.int64], fixed_r: npt.NDArray[np.int64],
               fixed_c: npt.NDArray[np.int64], progress: ProgressFn | None,
               start: float) -> MatchResult:
    """Solve on candidates with a certificate, then meet the programme-wide rules.

    Raises :class:`_NeedsDense` when the rules need the dense solver.
    Stopped by Ctrl-C, the last solve stands with an honest bound (when it
    meets the rules; otherwise the interrupt goes on).
    """
    from rmatch.solvers.candidate_rules import meet_rules
    from rmatch.solvers.certificate import certify_and_solve

    program = sm.program
    report = _reporter(progress, start, sm.shape)
    cap_j, cap_s = np.maximum(cap_j, 0), np.maximum(cap_s, 0)
    cert = certify_and_solve(source, cap_j, cap_s, program.assignment_objective, seed=program.seed,
                             report=report)
    rules = compile_pair_rules(sm.juniors, sm.seniors, program)
    fixed = np.asarray(sm.total[fixed_r, fixed_c], dtype=np.float64) if len(fixed_r) \
        else np.zeros(0)
    rows, cols = cert.rows[cert.chosen], cert.cols[cert.chosen]
    status: Literal["optimal", "feasible"] = "feasible" if cert.stopped else "optimal"
    bound = cert.bound if cert.stopped else None
    if rules and cert.stopped:
        from rmatch.solvers.candidate_rules import broken_rules

        if broken_rules(rules, np.concatenate([fixed_r, rows]), np.concatenate([fixed_c, cols]),
                        np.concatenate([fixed.astype(np.float32), cert.totals[cert.chosen]]),
                        sm.shape):
            raise KeyboardInterrupt("stopped before the programme-wide rules were met")
    elif rules:
        deadline = start + program.time_limit_s
        out = meet_rules(source, cert, rules, cap_j, cap_s, program.assignment_objective,
                         fixed=(fixed_r, fixed_c), seed=program.seed, deadline=deadline,
                         report=report)
        if out.unsupported:
            raise _NeedsDense(out.unsupported)
        if out.uncovered:
            raise InfeasibleError("the programme cannot match everyone it must",
                                  _uncovered_reasons(sm, out.uncovered))
        rows, cols, status, bound = out.rows, out.cols, out.status, out.bound
    rows, cols = np.concatenate([fixed_r, rows]), np.concatenate([fixed_c, cols])
    # Stopped, the bound covers the score of any assignment (so it holds under
    # ``max_pairs`` too, where the number of pairs is then not proven); with
    # share rules priced in, it is their Lagrangian bound, proven on every pair.
    total_bound = None if bound is None else float(fixed.sum()) + bound
    result = result_from_pairs(sm, rows, cols, status=status, bound=total_bound,
                               solver="candidates", start=start)
    if not rules and not cert.stopped:
        _keep_prices(result, source, cert, cap_j, cap_s)
    return result


def _keep_prices(result: MatchResult, source: BlockSource, cert: Certified,
                 cap_j: npt.NDArray[np.int64], cap_s: npt.NDArray[np.int64]) -> None:
    """Keep the certificate's prices with the result: they price its explanations.

    :mod:`rmatch.solvers.forcing_rows` says why they hold for every pair, and
    checks what the certificate does not cover; nothing is kept when a check
    fails (explanations then solve again, as before).
    """
    from rmatch.constraints.compiled import SCALE
    from rmatch.result.match_result import pair_indices
    from rmatch.solvers.forcing_rows import RowForcing, certified_potentials, rows_of

    sm = result.scores
    n, m = sm.shape
    weights = np.rint(cert.totals.astype(np.float64) * SCALE).astype(np.int64)
    priced = certified_potentials(n, m, cert.duals, cert.rows, cert.cols, weights,
                                  cert.chosen, cap_j, cap_s, sm.program.assignment_objective)
    if priced is None:
        return
    chosen = cert.chosen
    forcing = RowForcing.on(rows_of(source), sm.total, cap_j, cap_s, cert.rows[chosen],
                            cert.cols[chosen], *priced, weights=weights[chosen])
    if forcing is not None:
        result._forcing = (sm, *pair_indices(result), forcing)


def _uncovered_reasons(sm: ScoreMatrix,
                       uncovered: tuple[tuple[CoverRule, npt.NDArray[np.int64]], ...],
                       most: int = 20) -> list[str]:
    """Say who a MatchAll leaves out and why (the first ``most``: each costs a row's scoring)."""
    reasons = []
    for rule, people in uncovered:
        label, side = rule.label, rule.side
        short = _short_of_places(sm, label, side)
        if short:
            reasons.append(short)
        ids = sm.junior_ids if side == "juniors" else sm.senior_ids
        other = "seniors" if side == "juniors" else "juniors"
        for k in people[:most].tolist():
            reason, _ = lonely_reason(sm, side, k)
            reasons.append(f"{label}: {ids[k]!r}: {reason}" if reason else
                           _not_covered(label, ids[k], other))
        if len(people) > most:
            reasons.append(f"{label}: and {len(people) - most:,} more {side}")
    return reasons


def _solve_dense_candidates(sm: ScoreMatrix, progress: ProgressFn | None,
                            start: float) -> MatchResult:
    """Solve on candidates over a matrix already in memory (its blocks are views)."""
    from rmatch.solvers.certificate import DenseSource

    _, _, cap_j, cap_s, fixed_r, fixed_c = capacities(sm)
    feasible = sm.feasible
    if len(fixed_r):
        feasible = feasible.copy()
        feasible[fixed_r, fixed_c] = False  # already in; a pair is formed once
    try:
        return _certified(sm, DenseSource(sm.total, feasible), cap_j, cap_s, fixed_r, fixed_c,
                          progress, start)
    except _NeedsDense as why:
        raise InputError(f"solver 'candidates' cannot meet these rules: {why}; "
                         "use solver 'auto' or 'cpsat'") from None


def _reporter(progress: ProgressFn | None, start: float, shape: tuple[int, int]
              ) -> StepFn | None:
    """Turn the candidate path's steps into :class:`Progress` reports (with words)."""
    if progress is None:
        return None
    cells = shape[0] * shape[1]

    def report(step: Step) -> None:
        assert progress is not None
        if step.stage == "solve":
            note = (f"round {step.round}: {step.pairs:,} pairs on {step.candidates:,} "
                    "candidates")
        elif step.stage == "rules":
            note = (f"share rules priced in (multiplier {step.multiplier:.4g}): proving the "
                    "bound on every pair")
        elif step.stage == "scoring":
            note = f"{step.scanned:,} of {cells:,} pairs scored"
        elif step.done:
            note = (f"round {step.round}: every pair checked ({step.scanned:,} scored, the "
                    f"rest ruled out by bounds), {step.violations:,} could improve")
        else:
            note = (f"round {step.round}: {step.scanned:,} pairs scored, "
                    f"{step.violations:,} could improve so far")
        progress(Progress(2, 0.0, 0.0, time.perf_counter() - start, stage=step.stage,
                          note=note))

    return report


def solve(
    sm: ScoreMatrix, *, solver: str | None = None, progress: ProgressFn | None = None,
    _start: float | None = None,
) -> MatchResult:
    """Solve an already scored programme (see :func:`match`).

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> len(solve(sm).pairs)
    1
    """
    guard = CallbackGuard.around(progress)
    result = _solve(sm, solver, guard, time.perf_counter() if _start is None else _start)
    CallbackGuard.check(guard)
    return result


def _solve(sm: ScoreMatrix, solver: str | None, progress: ProgressFn | None,
           start: float) -> MatchResult:
    """Do what :func:`solve` says (its ``progress`` already guarded)."""
    program = sm.program
    name = solver or program.solver
    if name not in SOLVERS:
        raise InputError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}")
    from rmatch.scoring.blocks import CandidateScores

    if program.stable:
        if any(p.min_partners for p in (*sm.juniors.people, *sm.seniors.people)):
            raise InputError(f"objective {program.objective!r} cannot promise min_partners "
                             "(a stable matching chooses its pairs from preferences): use "
                             "objective 'max_pairs', or drop the minimums")
        if isinstance(sm, CandidateScores):
            raise InputError(f"objective {program.objective!r} needs the dense score matrix "
                             "(every pair's preference); score the programme with rm.score")
        if program.objective == "stable":
            rows, cols = stable_pairs(sm)
            return result_from_pairs(sm, rows, cols, status="optimal", bound=None,
                                     solver=f"{STABLE} ({program.proposing} proposing)",
                                     start=start)
        rows, cols, status, bound = best_stable_pairs(sm)
        return result_from_pairs(sm, rows, cols, status=status, bound=bound,
                                 solver=f"{STABLE} (best total, cpsat)", start=start)
    if isinstance(sm, CandidateScores):  # no dense matrix: solve on candidates again
        plan = replace(sm.source.plan, program=program)
        if not _on_candidates("candidates" if name == "auto" else name, *sm.shape, plan):
            raise InputError(f"this programme has no dense score matrix; solver {name!r} "
                             "needs one (use 'auto' or 'candidates')")
        try:
            return _solve_candidates(sm.juniors, sm.seniors, plan, sm.org, progress, start)
        except _NeedsDense as why:
            raise InputError(f"this programme has no dense score matrix, and its rules need "
                             f"one: {why}") from None
    if name == "candidates":
        # The matrix is in memory: its blocks serve as the candidate source.
        return _solve_dense_candidates(sm, progress, start)
    full_j, full_s, cap_j, cap_s, fixed_r, fixed_c = capacities(sm)
    dense = ruled_problem(sm)
    rules = dense.rules
    refuse_load_mix(program, rules, name)
    min_j, min_s = minimums(sm)
    bounded = bool(min_j.any() or min_s.any())
    if bounded:
        refuse_minimum_mix(rules, name)
    cover_only = bool(rules) and all(isinstance(r, (CoverRule, LoadRule, MinRule))
                                     for r in rules)
    if cover_only and name in ("auto", "flow"):
        # MatchAll, EvenLoad and min_partners are flow problems: exact and polynomial.
        _check_rules(sm, rules)
        problem = dense
        places = float(min(full_j.sum(), full_s.sum()))
        covers = tuple(r for r in rules if isinstance(r, CoverRule))
        with heartbeat(progress, start, 2, 0.0, places):
            if len(covers) == len(rules) and not bounded:
                used, sol = "flow", solve_cover(problem)
            else:
                try:
                    evens = any(isinstance(r, LoadRule) for r in rules)
                    used = f"flow ({'even loads' if evens else 'lower bounds'})"
                    sol = solve_bounded(problem)
                except InfeasibleError:  # name who cannot have their minimum, and why
                    sol = solve_cover(replace(problem, rules=covers))
                    _check_covered(sm, covers, sol.rows, sol.cols)
                    raise InfeasibleError("the programme cannot give everyone their minimum",
                                          minimum_reasons(sm, min_j, min_s)) from None
        _check_covered(sm, covers, sol.rows, sol.cols)
        rows, cols = sol.rows, sol.cols
        fixed_part = 0.0
    elif rules or name == "cpsat":
        if name not in ("auto", "cpsat"):
            raise InputError(f"{', '.join(r.label for r in rules)} need(s) solver 'cpsat' "
                             f"(or 'auto'{', flow' if cover_only else ''}), not {name!r}")
        _check_rules(sm, rules)
        try:
            used, sol = "cpsat", solve_cpsat(dense, progress)
        except InfeasibleError:
            # A minimum no assignment can give, beside programme-wide rules: say whose.
            short = minimum_reasons(sm, min_j, min_s) if bounded else []
            if not short:
                raise
            raise InfeasibleError("the programme cannot give everyone their minimum",
                                  short) from None
        rows, cols = sol.rows, sol.cols
        fixed_part = 0.0
    else:
        feasible = sm.feasible
        if len(fixed_r):
            feasible = feasible.copy()
            feasible[fixed_r, fixed_c] = False  # already in; a pair is formed once
        problem = Problem(sm.total, feasible, cap_j, cap_s, program.time_limit_s, program.seed,
                          objective=program.assignment_objective)
        # Score at most 1 a pair: the places on the smaller side bound any total.
        places = float(min(np.maximum(cap_j, 0).sum(), np.maximum(cap_s, 0).sum()))
        with heartbeat(progress, start, 2, 0.0, places):
            used, sol = run(name, problem)
        rows = np.concatenate([fixed_r, sol.rows])
        cols = np.concatenate([fixed_c, sol.cols])
        fixed_part = float(sm.total[fixed_r, fixed_c].astype(np.float64).sum())
    objective = float(sm.total[rows, cols].astype(np.float64).sum())
    bound = None if sol.bound is None else max(objective, sol.bound + fixed_part)
    return result_from_pairs(sm, rows, cols, status=sol.status, bound=bound, solver=used,
                             start=start)


def result_from_pairs(sm: ScoreMatrix, rows: np.ndarray, cols: np.ndarray, *,
                      status: Literal["optimal", "feasible"], bound: float | None, solver: str,
                      start: float) -> MatchResult:
    """Build the result of a solved programme from its chosen (row, column) pairs.

    ``bound`` None means the objective itself (proven optimal). Every unmatched
    person gets the reason that holds for these pairs.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> res = result_from_pairs(sm, np.array([0]), np.array([0]), status="optimal",
    ...                         bound=None, solver="flow", start=time.perf_counter())
    >>> [(p.junior_id, p.senior_id) for p in res.pairs]
    [('j', 's')]
    """
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    scores = sm.total[rows, cols].astype(np.float64)
    # + 0.0 turns the -0.0 that clipping can leave into 0.0 for display.
    comps = {k: v[rows, cols].astype(np.float64) + 0.0 for k, v in sm.components.items()}
    # model_construct: every value already has its declared type (str ids,
    # Python floats), and validating thousands of pairs would cost more than
    # solving a small programme.
    comp_lists = {name: v.tolist() for name, v in comps.items()}
    pairs = [
        Pair.model_construct(junior_id=sm.junior_ids[r], senior_id=sm.senior_ids[c],
                             score=score, components={name: v[k] for name, v in comp_lists.items()})
        for k, (r, c, score) in enumerate(zip(rows.tolist(), cols.tolist(), scores.tolist(),
                                              strict=True))
    ]
    objective = float(scores.sum())
    counts_j = np.bincount(rows, minlength=len(sm.junior_ids))
    counts_s = np.bincount(cols, minlength=len(sm.senior_ids))
    matched_j, matched_s = counts_j > 0, counts_s > 0
    reasons = unmatched_reasons(sm, counts_j, counts_s, solver=solver, status=status)
    return MatchResult.solved_on(
        sm,
        pairs=pairs,
        unmatched_juniors=[sm.junior_ids[i] for i in np.flatnonzero(~matched_j)],
        unmatched_seniors=[sm.senior_ids[k] for k in np.flatnonzero(~matched_s)],
        unmatched_reasons=reasons,
        objective=objective,
        bound=objective if bound is None else max(objective, bound),
        status=status,
        solver=solver,
        wall_time_s=time.perf_counter() - start,
    )


def _check_rules(sm: ScoreMatrix, rules: tuple[Rule, ...]) -> None:
    """Raise InfeasibleError for what can be shown cheaply before solving."""
    reasons: list[str] = []
    for rule in rules:
        if not isinstance(rule, CoverRule):
            continue
        ids = sm.junior_ids if rule.side == "juniors" else sm.senior_ids
        for k in range(len(ids)):
            reason, _ = lonely_reason(sm, rule.side, k)
            if reason:
                reasons.append(f"{rule.label}: {ids[k]!r}: {reason}")
        short = _short_of_places(sm, rule.label, rule.side)
        if short:
            reasons.append(short)
    if reasons:
        raise InfeasibleError("the programme cannot match everyone it must", reasons)


def _short_of_places(sm: ScoreMatrix, label: str,
                     side: Literal["juniors", "seniors"]) -> str | None:
    """Say so when a side has more people than the other side has places."""
    size = len(sm.junior_ids if side == "juniors" else sm.senior_ids)
    places = int((sm.seniors if side == "juniors" else sm.juniors).capacity.sum())
    other = "seniors" if side == "juniors" else "juniors"
    return (f"{label}: {size} {side} but the {other} have {places} places in all"
            if size > places else None)


def _not_covered(label: str, pid: str, other: str) -> str:
    return (f"{label}: {pid!r} cannot be covered together with everyone else: all of their "
            f"feasible {other} are needed to cover others or are at capacity")


def _check_covered(sm: ScoreMatrix, rules: tuple[CoverRule, ...], rows: np.ndarray,
                   cols: np.ndarray) -> None:
    """Raise InfeasibleError naming who a MatchAll could not cover, and why."""
    reasons = []
    for rule in rules:
        juniors = rule.side == "juniors"
        ids = sm.junior_ids if juniors else sm.senior_ids
        covered = np.bincount(rows if juniors else cols, minlength=len(ids)) > 0
        other = "seniors" if juniors else "juniors"
        for k in np.flatnonzero(~covered).tolist():
            reasons.append(_not_covered(rule.label, ids[k], other))
    if reasons:
        raise InfeasibleError("the programme cannot match everyone it must", reasons)
