"""Global rules (MinShare, GroupBalance, MatchAll) on CP-SAT against brute force."""

from __future__ import annotations

import time
import warnings
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.constraints.compiled import SCALE
from rmatch.solvers import Problem, compile_rules
from rmatch.solvers.lagrange import balance_swaps, improve, price_shares
from rmatch.solvers.problem import objective, rules_hold
from rmatch.solvers.starts import relaxed_optimum
from tests.oracle import brute_force, brute_force_rules, refused_share
from tests.strategies import sides

People = tuple[list[rm.Participant], list[rm.Participant]]


def _keep(sm: rm.ScoreMatrix, con: rm.Constraint):  # type: ignore[no-untyped-def]
    """The oracle's filter for one rule, in the solver's exact integer arithmetic."""

    def keep(masks: npt.NDArray[np.int64], rows: npt.NDArray[np.int64],
             cols: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        count = masks.sum(axis=1)
        if isinstance(con, rm.MinShare):
            frac = Fraction(con.share).limit_denominator(10**6)
            q = con.qualifies(sm.context())[rows, cols].astype(np.int64)
            lhs = frac.denominator * (masks @ q) - frac.numerator * count
            return np.asarray(lhs <= 0) if con.at_most else np.asarray(lhs >= 0)
        if isinstance(con, rm.MatchAll):
            ids = rows if con.side == "juniors" else cols
            size = sm.shape[0] if con.side == "juniors" else sm.shape[1]
            deg = masks @ np.eye(size, dtype=np.int64)[ids] if len(ids) else \
                np.zeros((len(masks), size), np.int64)
            return np.asarray((deg >= 1).all(axis=1))
        assert isinstance(con, rm.GroupBalance)
        w = np.rint(sm.total[rows, cols].astype(np.float64) * SCALE).astype(np.int64)
        gap = int(np.floor(con.max_gap * SCALE))
        group = sm.seniors.attribute(con.attribute)[cols]
        sums = [masks @ (w * (group == g)) for g in np.unique(group)]
        ns = [masks @ (group == g).astype(np.int64) for g in np.unique(group)]
        ok = np.ones(len(masks), dtype=bool)
        for a in range(len(sums)):
            for b in range(a + 1, len(sums)):
                diff = sums[a] * ns[b] - sums[b] * ns[a]
                ok &= np.abs(diff) <= gap * ns[a] * ns[b]
        return ok

    return keep


rules = st.one_of(
    st.builds(rm.MinShare, attribute=st.sampled_from(["department", "gender"]),
              share=st.sampled_from([0.0, 0.25, 0.5, 2 / 3, 0.75, 1.0]), same=st.booleans(),
              at_most=st.booleans()),
    st.builds(rm.GroupBalance, attribute=st.sampled_from(["gender", "department"]),
              max_gap=st.sampled_from([0.0, 0.01, 0.05, 0.2, 1.0])),
    st.builds(rm.MatchAll, side=st.sampled_from(["juniors", "seniors"])),
)


@settings(max_examples=30)
@given(sides(3, 4, max_capacity=2), rules, st.booleans())
def test_cpsat_is_optimal_under_each_global_rule(people: People, con: rm.Constraint,
                                                 pairwise: bool) -> None:
    juniors, seniors = people
    constraints: list[rm.Constraint] = [rm.SharedLanguage()] if pairwise else []
    program = rm.Program(constraints=[*constraints, con], time_limit_s=20)
    named = getattr(con, "attribute", "department")
    if named != "department" and not any(named in p.attributes for p in [*juniors, *seniors]):
        # A rule on a field nobody has is a typo until proven otherwise.
        with pytest.raises(rm.InputError, match="which no participant has"):
            rm.match(juniors, seniors, program)
        return
    if refused_share(con, juniors, seniors):
        with pytest.raises(rm.InputError, match="no pair could count towards the share"):
            rm.match(juniors, seniors, program)
        return
    sm = rm.score(juniors, seniors, program)
    if sm.feasible.sum() > 16:
        return
    oracle = brute_force_rules(sm.total, sm.feasible, sm.juniors.capacity,
                               sm.seniors.capacity, _keep(sm, con))
    if oracle is None:
        with pytest.raises(rm.InfeasibleError):
            rm.match(juniors, seniors, program)
        return
    result = rm.match(juniors, seniors, program)
    # MatchAll alone is a flow problem; the other rules need CP-SAT.
    assert result.solver == ("flow" if isinstance(con, rm.MatchAll) else "cpsat")
    assert result.status == "optimal"
    result.check()
    count, best = oracle
    assert len(result.pairs) == count
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.bound == pytest.approx(result.objective, abs=1e-6)
    # The rule holds on the result, recomputed from the pairs alone.
    rows = np.array([sm.juniors.index(p.junior_id) for p in result.pairs], dtype=np.int64)
    cols = np.array([sm.seniors.index(p.senior_id) for p in result.pairs], dtype=np.int64)
    rows_all, cols_all = np.nonzero(sm.feasible)
    chosen = np.isin(rows_all * 10 + cols_all, rows * 10 + cols).astype(np.int64)[None, :]
    assert _keep(sm, con)(chosen, rows_all, cols_all)[0]


@pytest.mark.parametrize("seed", range(25))
def test_cpsat_agrees_with_flow_without_globalcompile_rules(seed: int) -> None:
    rng = np.random.default_rng(seed)
    juniors = [rm.Participant(id=f"j{i}", birth_year=int(rng.integers(1990, 2004)),
                              level=int(rng.integers(0, 3)), capacity=int(rng.integers(0, 3)),
                              skills={"genai": float(rng.random())}) for i in range(12)]
    seniors = [rm.Participant(id=f"s{k}", birth_year=int(rng.integers(1955, 1990)),
                              level=int(rng.integers(2, 7)), capacity=int(rng.integers(0, 3)),
                              goals={"genai": float(rng.random())}) for k in range(10)]
    program = rm.Program(constraints=[rm.SeniorityDirection()])
    a = rm.match(juniors, seniors, program, solver="cpsat")
    b = rm.match(juniors, seniors, program, solver="flow")
    assert len(a.pairs) == len(b.pairs)
    assert a.objective == pytest.approx(b.objective, abs=1e-6)
    a.check()


def _cohort(n: int = 40) -> tuple[list[rm.Participant], list[rm.Participant], rm.OrgChart]:
    org = rm.synth.generate(1200, seed=3)
    juniors, seniors = rm.synth.cohort(org, n, n, seed=3)
    return juniors, seniors, org.org_chart()


def test_min_share_holds_on_a_synthetic_programme_and_costs_score() -> None:
    juniors, seniors, org = _cohort()
    free = rm.match(juniors, seniors, rm.Program(constraints=[]), org=org)
    con = rm.MinShare(attribute="location", share=0.8)
    res = rm.match(juniors, seniors, rm.Program(constraints=[con]), org=org)
    sm = res.scores
    q = con.qualifies(sm.context())
    hits = sum(bool(q[sm.juniors.index(p.junior_id), sm.seniors.index(p.senior_id)])
               for p in res.pairs)
    assert hits >= 0.8 * len(res.pairs)
    assert res.objective <= free.objective + 1e-9 or len(res.pairs) < len(free.pairs)
    assert res.status == "optimal"


def test_global_rules_refuse_solvers_that_cannot_honour_them() -> None:
    juniors, seniors, org = _cohort(10)
    program = rm.Program(constraints=[rm.MatchAll(side="seniors")])
    with pytest.raises(rm.InputError, match="need\\(s\\) solver 'cpsat'"):
        rm.match(juniors, seniors, program, org=org, solver="hungarian")


def test_match_all_names_the_person_who_cannot_be_matched() -> None:
    juniors = [rm.Participant(id="j1", languages={"en"}), rm.Participant(id="j2",
                                                                         languages={"en"})]
    seniors = [rm.Participant(id="s1", languages={"en"}), rm.Participant(id="s2",
                                                                         languages={"ja"})]
    program = rm.Program(constraints=[rm.SharedLanguage(), rm.MatchAll(side="seniors")])
    with pytest.raises(rm.InfeasibleError) as info:
        rm.match(juniors, seniors, program)
    assert info.value.reasons == [
        "MatchAll(side='seniors'): 's2': no feasible junior: SharedLanguage rules out 2 "
        "(of 2 juniors with capacity)"]


def test_match_all_short_of_capacity() -> None:
    juniors = [rm.Participant(id="j1")]
    seniors = [rm.Participant(id="s1"), rm.Participant(id="s2")]
    with pytest.raises(rm.InfeasibleError, match="2 seniors but the juniors have 1 places"):
        rm.match(juniors, seniors, rm.Program(constraints=[rm.MatchAll(side="seniors")]))


def test_conflicting_rules_are_named_by_cp_sat() -> None:
    # Everyone shares a department, so "all pairs cross departments" and
    # "every senior matched" cannot both hold; each alone can.
    juniors = [rm.Participant(id=f"j{i}", department="Eng") for i in range(3)]
    seniors = [rm.Participant(id=f"s{k}", department="Eng") for k in range(3)]
    share = rm.MinShare(attribute="department", share=1.0)
    cover = rm.MatchAll(side="seniors")
    assert rm.match(juniors, seniors, rm.Program(constraints=[share])).pairs == []
    assert len(rm.match(juniors, seniors, rm.Program(constraints=[cover])).pairs) == 3
    with pytest.raises(rm.InfeasibleError) as info:
        rm.match(juniors, seniors, rm.Program(constraints=[share, cover]))
    (reason,) = info.value.reasons
    assert share.label() in reason
    assert cover.label() in reason


def test_progress_reports_incumbents_below_bounds() -> None:
    juniors, seniors, org = _cohort(30)
    seen: list[rm.solvers.Progress] = []
    # Tight enough that the optimum without the rule breaks it: a real search.
    program = rm.Program(constraints=[rm.GroupBalance(attribute="gender", max_gap=0.01)])
    res = rm.match(juniors, seniors, program, org=org, progress=seen.append)
    assert seen, "no progress was reported"
    # Phase 1 (most pairs) reports only when CP-SAT has to search for it; a
    # start with every pair proves it at once.
    phases = {p.phase for p in seen}
    assert 2 in phases
    assert phases <= {1, 2}
    for p in seen:
        assert p.incumbent <= p.bound + 1e-6
        assert p.gap >= 0.0
    assert seen[-1].incumbent == pytest.approx(res.objective, abs=1e-6)


def test_relaxed_optimum_that_meets_the_rules_is_returned_without_search() -> None:
    juniors, seniors, org = _cohort(30)
    free = rm.match(juniors, seniors, rm.Program(constraints=[]), org=org)
    seen: list[rm.solvers.Progress] = []
    loose = rm.Program(constraints=[rm.GroupBalance(attribute="gender", max_gap=1.0)])
    res = rm.match(juniors, seniors, loose, org=org, progress=seen.append)
    assert seen == []
    assert res.status == "optimal"
    assert res.objective == pytest.approx(free.objective, abs=1e-9)
    assert len(res.pairs) == len(free.pairs)


def test_global_constraints_round_trip_as_json() -> None:
    prog = rm.Program(constraints=[rm.MinShare(attribute="department", share=0.7, at_most=True),
                                   rm.GroupBalance(attribute="gender", max_gap=0.1),
                                   rm.MatchAll(side="juniors")])
    assert rm.Program.model_validate_json(prog.model_dump_json()) == prog


def test_check_recomputes_globalcompile_rules() -> None:
    juniors = [rm.Participant(id=f"j{i}", department="Eng" if i else "Ops") for i in range(3)]
    seniors = [rm.Participant(id=f"s{k}", department="Eng") for k in range(3)]
    share = rm.MinShare(attribute="department", share=1.0)
    res = rm.match(juniors, seniors, rm.Program(constraints=[share]))
    assert [p.junior_id for p in res.pairs] == ["j0"]  # the only cross-department junior
    res.check()
    free = next(s.id for s in seniors if s.id != res.pairs[0].senior_id)
    k = res.scores.seniors.index(free)
    tampered = res.model_copy(update={"pairs": [*res.pairs, rm.Pair(
        junior_id="j1", senior_id=free, score=float(res.scores.total[1, k]), components={})]})
    tampered._scores = res.scores
    with pytest.raises(rm.RmatchError, match=r"MinShare\(.*\) does not hold: 1 of 2 pairs"):
        tampered.check()


@settings(max_examples=15)
@given(sides(4, 4, max_capacity=2), st.lists(rules.filter(lambda c: not isinstance(
    c, rm.MatchAll)), min_size=1, max_size=2))
def test_repair_drops_pairs_until_every_rule_holds(people: People,
                                                   cons: list[rm.Constraint]) -> None:
    from rmatch.solvers import Problem, compile_rules, flow, starts

    juniors, seniors = people
    sm = rm.score(juniors, seniors, rm.Program(constraints=cons))
    problem = Problem(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity,
                      rules=compile_rules(sm))
    start = flow.solve_flow(problem)
    repaired = starts.repair(problem, start.rows, start.cols)
    assert repaired is not None  # dropping pairs can always meet quotas and balance
    rows, cols = repaired
    assert rules_hold(problem, rows, cols)
    kept = set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert kept <= set(zip(start.rows.tolist(), start.cols.tolist(), strict=True))


def _problem(sm: rm.ScoreMatrix) -> Problem:
    return Problem(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity,
                   rules=compile_rules(sm))


@settings(max_examples=21)
@given(sides(3, 4, max_capacity=2), st.sampled_from([0.25, 0.5, 2 / 3, 0.75, 1.0]),
       st.booleans(), st.booleans())
def test_share_pricing_bound_and_start(people: People, share: float, same: bool,
                                       at_most: bool) -> None:
    juniors, seniors = people
    con = rm.MinShare(attribute="department", share=share, same=same, at_most=at_most)
    sm = rm.score(juniors, seniors, rm.Program(constraints=[con]))
    if sm.feasible.sum() > 16:
        return
    problem = _problem(sm)
    start, bound, count, _ = price_shares(problem, lambda w: relaxed_optimum(problem, w))
    relaxed = brute_force(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity)
    assert count == relaxed[0]

    def with_count(masks: npt.NDArray[np.int64], rows: npt.NDArray[np.int64],
                   cols: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        keep: npt.NDArray[np.bool_] = _keep(sm, con)(masks, rows, cols)
        return np.asarray(keep & (masks.sum(axis=1) == count))

    oracle = brute_force_rules(sm.total, sm.feasible, sm.juniors.capacity,
                               sm.seniors.capacity, with_count)
    if oracle is not None and bound is not None:
        # A Lagrangian bound: never below the best rule-abiding score with that many pairs.
        assert bound >= oracle[1] - 1e-6
    if start is not None:
        rows, cols = start
        assert rules_hold(problem, rows, cols)
        assert len(rows) == count  # the pricing keeps every pair
        assert oracle is not None
        assert objective(problem, rows, cols) <= oracle[1] + 1e-6


@settings(max_examples=21)
@given(sides(4, 4, max_capacity=2), st.sampled_from([0.0, 0.01, 0.05, 0.2]))
def test_balance_swaps_and_improve_keep_capacities_andcompile_rules(people: People,
                                                             gap: float) -> None:
    juniors, seniors = people
    con = rm.GroupBalance(attribute="gender", max_gap=gap)
    sm = rm.score(juniors, seniors, rm.Program(constraints=[rm.SharedLanguage(), con]))
    problem = _problem(sm)
    rows, cols, _ = relaxed_optimum(problem)
    moved = balance_swaps(problem, (rows, cols), deadline=float("inf"))
    for pairs in (moved, improve(problem, moved, deadline=float("inf"))):
        r, c = pairs
        assert len(r) == len(rows)  # exchanges keep every pair
        assert sm.feasible[r, c].all()
        assert len(set(zip(r.tolist(), c.tolist(), strict=True))) == len(r)
        assert (np.bincount(r, minlength=sm.shape[0]) <= sm.juniors.capacity).all()
        assert (np.bincount(c, minlength=sm.shape[1]) <= sm.seniors.capacity).all()
    if rules_hold(problem, *moved):
        better = improve(problem, moved, deadline=float("inf"))
        assert rules_hold(problem, *better)
        assert objective(problem, *better) >= objective(problem, *moved) - 1e-9


def test_every_cpsat_search_reports_progress_even_from_the_optimum() -> None:
    """A search that starts from the optimum finds no new solution; its bound still moves."""
    juniors, seniors, org = _cohort(30)
    for rules in ([rm.GroupBalance(attribute="gender", max_gap=0.01)],
                  [rm.MinShare(attribute="location", share=0.5, same=True)]):
        for goal in ("max_pairs", "max_score"):
            seen: list[rm.solvers.Progress] = []
            program = rm.Program(constraints=rules, objective=goal, time_limit_s=20)
            res = rm.match(juniors, seniors, program, org=org, progress=seen.append)
            if res.solver != "cpsat" or (res.status == "optimal" and res.wall_time_s < 0.05):
                continue  # proven before any search
            assert seen, f"{rules} {goal}: no progress reported"
            assert all(p.incumbent <= p.bound + 1e-6 for p in seen)
            assert [p.elapsed_s for p in seen] == sorted(p.elapsed_s for p in seen)


@pytest.mark.parametrize("seed", range(40))
def test_balance_with_full_groups_is_linear_and_exact(seed: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """At the most pairs, when every group of seniors must be full, the balance is linear."""
    from rmatch.solvers import cpsat

    used: list[bool] = []
    original = cpsat._full_groups

    def spy(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        used.append(found is not None)
        return found

    monkeypatch.setattr(cpsat, "_full_groups", spy)
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 5))
    juniors = [rm.Participant(id=f"j{i}", birth_year=int(rng.integers(1994, 2003)),
                              skills={"genai": float(rng.random())}) for i in range(n + 1)]
    seniors = [rm.Participant(id=f"s{k}", birth_year=int(rng.integers(1960, 1975)), level=4,
                              goals={"genai": float(rng.random())},
                              attributes={"gender": ["f", "m"][k % 2]}) for k in range(n)]
    forbid = [(f"j{i}", f"s{k}") for i in range(n + 1) for k in range(n) if rng.random() < 0.5]
    con = rm.GroupBalance(attribute="gender", max_gap=float(rng.choice([0.0, 0.02, 0.1])))
    program = rm.Program(constraints=[rm.Forbid(pairs=forbid), con], time_limit_s=20)
    sm = rm.score(juniors, seniors, program)
    if sm.feasible.sum() > 16:
        return
    oracle = brute_force_rules(sm.total, sm.feasible, sm.juniors.capacity,
                               sm.seniors.capacity, _keep(sm, con))
    assert oracle is not None  # the empty assignment always qualifies
    res = rm.match(juniors, seniors, program)
    res.check()
    assert (len(res.pairs), res.status) == (oracle[0], "optimal")
    assert res.objective == pytest.approx(oracle[1], abs=1e-6)
    if used and used[0]:
        assert len(res.pairs) == sum(1 for _ in seniors)  # the linear path fills every group


def test_a_long_assignment_solve_reports_every_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """Solver steps that give no news of their own still report while they run."""
    from rmatch.solvers import hungarian, problem

    monkeypatch.setattr(problem, "HEARTBEAT_S", 0.05)
    original = hungarian.solve_hungarian

    def slow(problem: rm.solvers.Problem) -> rm.solvers.Solution:
        time.sleep(0.3)  # a large dense solve, in miniature
        return original(problem)

    monkeypatch.setitem(rm.solvers.BACKENDS, "hungarian", slow)
    juniors, seniors, org = _cohort(30)
    seen: list[rm.solvers.Progress] = []
    res = rm.match(juniors, seniors, rm.Program(constraints=[]), org=org,
                   solver="hungarian", progress=seen.append)
    assert len(seen) >= 3
    assert all(p.incumbent <= p.bound for p in seen)
    assert all(p.bound >= res.objective - 1e-9 for p in seen)  # a bound on what was found
    assert [p.elapsed_s for p in seen] == sorted(p.elapsed_s for p in seen)


@pytest.mark.parametrize("rule", [rm.MatchAll(side="juniors"), None])
def test_rules_no_pair_can_meet_are_refused_not_an_empty_optimum(rule: rm.Constraint | None
                                                                 ) -> None:
    # Found by the programmes fuzz campaign: with no pair allowed at all
    # (no shared language) and a programme-wide rule, the empty assignment
    # came back "optimal" though a minimum (or MatchAll) did not hold on it.
    juniors = [rm.Participant(id="j0", department="IT")]
    seniors = [rm.Participant(id="s0", department="HR", min_partners=int(rule is None))]
    rules = [rm.SharedLanguage(), rm.GroupBalance(attribute="department", max_gap=0.5)]
    program = rm.Program(constraints=[*rules, *([rule] if rule else [])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.DataGapWarning)
        with pytest.raises(rm.InfeasibleError) as info:
            rm.match(juniors, seniors, program)
    said = str(info.value)
    assert ("'s0' needs at least 1 partner (min_partners) but the rules allow 0" in said
            if rule is None else "MatchAll(side='juniors')" in said), said
