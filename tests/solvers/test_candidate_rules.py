"""Programme-wide rules on the candidate path, against brute force and the dense CP-SAT solver."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.constraints.compiled import PairShare
from rmatch.solvers import match as matching
from rmatch.solvers.candidate_rules import PricedSource, broken_rules
from rmatch.solvers.certificate import DenseSource
from tests.oracle import brute_force, brute_force_rules, refused_share
from tests.solvers.test_global import _keep
from tests.strategies import sides

People = tuple[list[rm.Participant], list[rm.Participant]]

shares = st.builds(rm.MinShare, attribute=st.sampled_from(["department", "gender"]),
                   share=st.sampled_from([0.0, 0.25, 0.5, 2 / 3, 0.75, 1.0]),
                   same=st.booleans(), at_most=st.booleans())


def _indices(res: rm.MatchResult, sm: rm.ScoreMatrix) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([sm.juniors.index(p.junior_id) for p in res.pairs], dtype=np.int64)
    cols = np.array([sm.seniors.index(p.senior_id) for p in res.pairs], dtype=np.int64)
    return rows, cols


def _share_holds(sm: rm.ScoreMatrix, con: rm.MinShare, res: rm.MatchResult) -> bool:
    rows, cols = _indices(res, sm)
    q = int(con.qualifies(sm.context())[rows, cols].sum())
    frac = Fraction(con.share).limit_denominator(10**6)
    lhs = frac.denominator * q - frac.numerator * len(rows)
    return lhs <= 0 if con.at_most else lhs >= 0


@settings(max_examples=40, deadline=None)
@given(sides(3, 4, max_capacity=2), shares, st.booleans())
def test_share_on_candidates_against_brute_force(people: People, con: rm.MinShare,
                                                 pairwise: bool) -> None:
    juniors, seniors = people
    named = con.attribute
    if named != "department" and not any(named in p.attributes for p in [*juniors, *seniors]):
        return  # a rule on a field nobody has is refused (tested with the dense path)
    if refused_share(con, juniors, seniors):
        return  # refused too (tested with the dense path)
    program = rm.Program(constraints=[*([rm.SharedLanguage()] if pairwise else []), con])
    sm = rm.score(juniors, seniors, program)
    if sm.feasible.sum() > 16:
        return
    free_count, _ = brute_force(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity)
    oracle = brute_force_rules(sm.total, sm.feasible, sm.juniors.capacity,
                               sm.seniors.capacity, _keep(sm, con))
    assert oracle is not None  # dropping every pair meets any share rule
    count, best = oracle
    if count < free_count:  # meeting the share takes fewer pairs: the dense solver's work
        with pytest.raises(rm.InputError, match="fewer pairs"):
            rm.match(juniors, seniors, program, solver="candidates")
        return
    res = rm.match(juniors, seniors, program, solver="candidates")
    assert _share_holds(res.scores, con, res)
    assert len(res.pairs) == count
    assert res.objective <= best + 1e-6
    assert res.bound >= best - 1e-6  # the Lagrangian bound, proven on every pair
    if res.status == "optimal":
        assert res.objective == pytest.approx(best, abs=1e-6)
        assert res.bound == res.objective
    res.check()


def _cohort(n: int, seed: int) -> tuple[list[rm.Participant], list[rm.Participant],
                                         rm.OrgChart]:
    org = rm.synth.generate(3000, seed=3)
    rng = np.random.default_rng(seed)
    juniors, seniors = rm.synth.cohort(org, n, n + int(rng.integers(-3, 4)), seed=seed)
    return juniors, seniors, org.org_chart()


@pytest.mark.parametrize("seed", range(8))
def test_share_on_candidates_meets_the_dense_optimum_or_bounds_it(seed: int) -> None:
    """Synthetic cohorts where the share binds: within the proven bound of CP-SAT's optimum."""
    juniors, seniors, org = _cohort(24, seed)
    con = [rm.MinShare(attribute="department", share=0.3, same=True),
           rm.MinShare(attribute="location", share=0.97),
           rm.MinShare(attribute="gender", share=0.05, same=True, at_most=True),
           rm.MinShare(attribute="tenure", share=0.95)][seed % 4]
    # Every third programme requires a pair that does not qualify (the rules count it).
    required = [next((j.id, s.id) for j in juniors for s in seniors if j.languages & s.languages
                     and j.department != s.department)] if seed % 3 == 0 else []
    program = rm.Program(constraints=[rm.SharedLanguage(), con, rm.Require(pairs=required)],
                         time_limit_s=30)
    try:
        dense = rm.match(juniors, seniors, program, org=org, solver="cpsat")
    except rm.InfeasibleError:
        with pytest.raises(rm.InfeasibleError):
            rm.match(juniors, seniors, program, org=org, solver="candidates")
        return
    assert dense.status == "optimal"
    res = rm.match(juniors, seniors, program, org=org, solver="candidates")
    assert _share_holds(res.scores, con, res)
    assert len(res.pairs) == len(dense.pairs)
    assert res.objective <= dense.objective + 1e-6 <= res.bound + 2e-6
    assert (res.status == "optimal") == (res.bound == res.objective)
    res.check()


@pytest.mark.parametrize("seed", range(6))
def test_match_all_single_partners_on_candidates_is_the_dense_answer(seed: int) -> None:
    juniors, seniors, org = _cohort(20, seed)
    side = "juniors" if seed % 2 else "seniors"
    objective = "max_score" if seed % 3 == 0 else "max_pairs"
    program = rm.Program(constraints=[rm.SharedLanguage(), rm.SeniorityDirection(),
                                      rm.MatchAll(side=side)], objective=objective)
    free = rm.match(juniors, seniors, program.model_copy(update={"constraints": [
        rm.SharedLanguage(), rm.SeniorityDirection()], "objective": "max_pairs"}), org=org)
    left = free.unmatched_juniors if side == "juniors" else free.unmatched_seniors
    if left:  # everyone on that side takes one partner: no assignment covers them all
        with pytest.raises(rm.InfeasibleError) as info:
            rm.match(juniors, seniors, program, org=org, solver="candidates")
        named = {r.split("'")[3] for r in info.value.reasons if r.count("'") >= 4}
        assert named
        assert named <= {p.id for p in (juniors if side == "juniors" else seniors)}
        with pytest.raises(rm.InfeasibleError):
            rm.match(juniors, seniors, program, org=org)  # the dense solver agrees
        return
    dense = rm.match(juniors, seniors, program, org=org)
    res = rm.match(juniors, seniors, program, org=org, solver="candidates")
    assert res.status == "optimal"
    assert len(res.pairs) == len(dense.pairs)
    assert res.objective == pytest.approx(dense.objective, abs=1e-6)
    assert not (res.unmatched_juniors if side == "juniors" else res.unmatched_seniors)


def test_rules_the_candidates_cannot_meet_go_dense_under_auto(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GroupBalance broken with a share, MatchAll with several partners each: dense."""
    juniors, seniors, org = _cohort(30, 11)
    rule = rm.GroupBalance(attribute="gender", max_gap=0.01)
    balance = rm.Program(constraints=[rule])
    # A balance alone is met on the candidates (exchanges, then the core
    # search): the same optimum as the dense solver's.
    alone = rm.match(juniors, seniors, balance, org=org, solver="candidates")
    dense = rm.match(juniors, seniors, balance, org=org, solver="cpsat")
    relaxed = rm.match(juniors, seniors, rm.Program(constraints=[]), org=org)
    assert relaxed.objective > dense.objective + 1e-9  # the balance binds
    assert alone.status == dense.status == "optimal"
    assert alone.objective == pytest.approx(dense.objective, abs=1e-9)
    # With a share the optimum breaks too, it goes dense.
    both = rm.Program(constraints=[rule, rm.MinShare(attribute="location", share=0.9,
                                                     same=True)])
    with pytest.raises(rm.InputError, match=r"dense solver"):
        rm.match(juniors, seniors, both, org=org, solver="candidates")
    monkeypatch.setattr(matching, "CANDIDATE_CELLS", 1)  # auto takes candidates first
    res = rm.match(juniors, seniors, both, org=org)
    assert res.solver == "cpsat"
    wide = [j.model_copy(update={"capacity": 2}) for j in juniors[:12]]
    cover = rm.Program(constraints=[rm.SharedLanguage(), rm.MatchAll(side="juniors")])
    free = rm.match(wide, seniors, rm.Program(constraints=[rm.SharedLanguage()]), org=org)
    if free.unmatched_juniors:  # the optimum without the rule leaves someone out
        with pytest.raises(rm.InputError, match="several partners"):
            rm.match(wide, seniors, cover, org=org, solver="candidates")
    assert not rm.match(wide, seniors, cover, org=org).unmatched_juniors
    # Without room for the dense matrix, the error says what would be needed.
    monkeypatch.setattr(matching, "dense_fits", lambda *a: False)
    with pytest.raises(rm.InputError, match=r"need the dense solver .* does not fit"):
        rm.match(juniors, seniors, both, org=org)


def test_rules_met_by_the_unconstrained_optimum_are_proven_at_once() -> None:
    juniors, seniors, org = _cohort(30, 4)
    free = rm.match(juniors, seniors, rm.Program(), org=org, solver="candidates")
    program = rm.Program(constraints=[*rm.Program().constraints,
                                      rm.GroupBalance(attribute="gender", max_gap=1.0),
                                      rm.MinShare(attribute="department", share=0.0)])
    res = rm.match(juniors, seniors, program, org=org, solver="candidates")
    assert res.status == "optimal"
    assert [(p.junior_id, p.senior_id) for p in res.pairs] == \
        [(p.junior_id, p.senior_id) for p in free.pairs]


def test_priced_source_adds_the_share_bonus_to_each_pair() -> None:
    rng = np.random.default_rng(0)
    total = rng.random((5, 7)).astype(np.float32)
    code_j, code_s = rng.integers(-1, 3, 5), rng.integers(-1, 3, 7)
    rule = PairShare("r", code_j, code_s, same=False, share=Fraction(1, 3), at_most=True)
    src = PricedSource(DenseSource(total, np.ones((5, 7), bool)), (rule,), 0.4, 0.5)
    got, _ = src.totals(np.array([4, 1]), slice(2, 6))
    q = (code_j[[4, 1], None] >= 0) & (code_s[None, 2:6] >= 0) & \
        (code_j[[4, 1], None] != code_s[None, 2:6])
    want = (total[[4, 1]][:, 2:6] - 0.4 * (q - 1 / 3)) * 0.5  # "at most": the bonus flips
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_broken_rules_judge_balance_as_the_dense_check_does() -> None:
    from rmatch.solvers import BalanceRule, Problem
    from rmatch.solvers.problem import rules_hold

    rng = np.random.default_rng(5)
    for _ in range(50):
        total = rng.random((6, 6)).astype(np.float32)
        group = rng.integers(0, 3, 6)
        gap = float(rng.choice([0.0, 0.05, 0.2]))
        perm = rng.permutation(6)[: int(rng.integers(1, 7))]
        rows, cols = np.arange(len(perm)), perm.astype(np.int64)
        rule = BalanceRule("b", group, gap)
        dense = rules_hold(Problem(total, np.ones((6, 6), bool), np.ones(6, np.int64),
                                   np.ones(6, np.int64), rules=(rule,)), rows, cols)
        assert (not broken_rules((rule,), rows, cols, total[rows, cols], (6, 6))) == dense


def test_ctrl_c_while_proving_the_share_bound_keeps_an_honest_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    juniors, seniors, org = _cohort(24, 1)
    con = rm.MinShare(attribute="department", share=0.3, same=True)
    program = rm.Program(constraints=[rm.SharedLanguage(), con])
    dense = rm.match(juniors, seniors, program, org=org, solver="cpsat")
    from rmatch.solvers.scan import _scan as real
    calls = [0]

    def scan(source: object, *args: object) -> object:
        if isinstance(source, PricedSource):  # after the first solve of the priced scores
            calls[0] += 1
            raise KeyboardInterrupt
        return real(source, *args)  # type: ignore[arg-type]

    # the certificate loop calls the scan it imported
    monkeypatch.setattr("rmatch.solvers.certificate._scan", scan)
    res = rm.match(juniors, seniors, program, org=org, solver="candidates")
    assert calls[0] == 1  # the interrupt happened, once: the loop stopped there
    assert res.status == "feasible"
    assert _share_holds(res.scores, con, res)
    assert res.objective <= dense.objective + 1e-6 <= res.bound + 2e-6


def test_auto_takes_candidates_with_a_share_rule_above_the_threshold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    juniors, seniors, org = _cohort(24, 0)
    con = rm.MinShare(attribute="department", share=0.3, same=True)
    program = rm.Program(constraints=[rm.SharedLanguage(), con])
    dense = rm.match(juniors, seniors, program, org=org)
    assert dense.solver == "cpsat"  # below the threshold: the dense path
    monkeypatch.setattr(matching, "CANDIDATE_CELLS", 1)
    seen: list[rm.solvers.Progress] = []
    res = rm.match(juniors, seniors, program, org=org, progress=seen.append)
    assert res.solver == "candidates"
    assert _share_holds(res.scores, con, res)
    assert res.objective <= dense.objective + 1e-6 <= res.bound + 2e-6
    assert any(p.stage == "rules" for p in seen)  # the pricing said what it was doing
