"""Every exact solver agrees with brute force; every result honours its constraints."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.solvers import Problem, hungarian, run
from tests.oracle import brute_force
from tests.strategies import sides

EXACT = ["hungarian", "flow", "auto"]


def _random_problem(rng: np.random.Generator, n: int, m: int, max_cap: int,
                    density: float) -> Problem:
    total = rng.random((n, m)).astype(np.float32)
    # Some exact ties, which solvers must still get right.
    total[rng.random((n, m)) < 0.2] = np.float32(0.5)
    feasible = rng.random((n, m)) < density
    caps = rng.integers(0, max_cap + 1, n), rng.integers(0, max_cap + 1, m)
    return Problem(total, feasible, *caps)


def _check_solution(p: Problem, rows: np.ndarray, cols: np.ndarray) -> None:
    assert p.feasible[rows, cols].all(), "an infeasible pair was chosen"
    assert len(set(zip(rows.tolist(), cols.tolist(), strict=True))) == len(rows), "duplicate pair"
    assert (np.bincount(rows, minlength=len(p.cap_j)) <= p.cap_j).all()
    assert (np.bincount(cols, minlength=len(p.cap_s)) <= p.cap_s).all()


@pytest.mark.parametrize("seed", range(300))
def test_solvers_match_brute_force_on_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    one_side = bool(rng.integers(0, 2))
    p = _random_problem(rng, n, m, 2, float(rng.uniform(0.3, 1.0)))
    if one_side:  # hungarian needs capacities <= 1 on one side
        p = Problem(p.total, p.feasible, p.cap_j, np.minimum(p.cap_s, 1))
    best_count, best_score = brute_force(p.total, p.feasible, p.cap_j, p.cap_s)
    for name in EXACT:
        if name == "hungarian" and p.cap_j.max() > 1 and p.cap_s.max() > 1:
            continue
        used, sol = run(name, p)
        _check_solution(p, sol.rows, sol.cols)
        assert len(sol.rows) == best_count, f"{used}: not the most pairs"
        got = float(p.total[sol.rows, sol.cols].astype(np.float64).sum())
        assert got == pytest.approx(best_score, abs=1e-6), f"{used}: not the best score"
        assert sol.status == "optimal"
    _, greedy = run("greedy", p)
    _check_solution(p, greedy.rows, greedy.cols)
    gscore = float(p.total[greedy.rows, greedy.cols].astype(np.float64).sum())
    assert greedy.status == "feasible"
    assert greedy.bound is not None
    assert greedy.bound >= best_score - 1e-9
    assert len(greedy.rows) <= best_count
    if len(greedy.rows) == best_count:
        assert gscore <= best_score + 1e-6


def test_hungarian_refuses_capacities_on_both_sides() -> None:
    p = Problem(np.ones((2, 2), np.float32), np.ones((2, 2), bool),
                np.array([2, 2]), np.array([2, 2]))
    with pytest.raises(rm.InputError, match="capacities <= 1 on at least one side"):
        run("hungarian", p)
    used, sol = run("auto", p)
    assert used == "flow"
    assert len(sol.rows) == 4


@pytest.mark.parametrize("seed", range(20))
def test_flow_and_hungarian_agree_on_larger_instances(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n, m = int(rng.integers(20, 80)), int(rng.integers(20, 80))
    p = _random_problem(rng, n, m, 1, float(rng.uniform(0.02, 0.6)))
    _, a = run("hungarian", p)
    _, b = run("flow", p)
    assert len(a.rows) == len(b.rows)
    sa = p.total[a.rows, a.cols].astype(np.float64).sum()
    sb = p.total[b.rows, b.cols].astype(np.float64).sum()
    assert sa == pytest.approx(sb, abs=1e-6)



def _assert_hungarian_agrees_with_flow(p: Problem) -> None:
    """Flow is the second solver: as many pairs and the same total as hungarian."""
    _, a = run("hungarian", p)
    _, b = run("flow", p)
    _check_solution(p, a.rows, a.cols)
    assert len(a.rows) == len(b.rows)
    sa = p.total[a.rows, a.cols].astype(np.float64).sum()
    sb = p.total[b.rows, b.cols].astype(np.float64).sum()
    assert sa == pytest.approx(sb, abs=1e-6)


@pytest.mark.parametrize("seed", range(12))
def test_hungarian_stays_optimal_when_everyone_wants_the_same_seniors(seed: int) -> None:
    # The case hungarian's matrix reduction is for: a strong column effect
    # (some seniors score well with everyone). Square and both rectangular
    # shapes, with capacity expansion on one side; flow is the second solver.
    rng = np.random.default_rng(2000 + seed)
    n = int(rng.integers(20, 60))
    m = [n, n // 2, n + 7][seed % 3]
    total = (0.7 * rng.random(m)[None, :] + 0.3 * rng.random((n, m))).astype(np.float32)
    feasible = rng.random((n, m)) < 0.8
    cap_s = rng.integers(1, 3, m) if seed % 4 == 3 else np.ones(m, np.int64)
    p = Problem(total, feasible, np.ones(n, np.int64), cap_s)
    _assert_hungarian_agrees_with_flow(p)


@pytest.mark.parametrize("seed", range(150))
def test_hungarian_warm_start_keeps_brute_force_optimum(seed: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The auction warm start runs on every matrix here (it normally waits for
    # 40,000 cells): shifted rows and columns must never move the optimum.
    monkeypatch.setattr(hungarian, "AUCTION_MIN_CELLS", 0)
    rng = np.random.default_rng(5000 + seed)
    n, m = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    p = _random_problem(rng, n, m, 2, float(rng.uniform(0.3, 1.0)))
    p = Problem(p.total, p.feasible, p.cap_j, np.minimum(p.cap_s, 1))
    best_count, best_score = brute_force(p.total, p.feasible, p.cap_j, p.cap_s)
    _, sol = run("hungarian", p)
    _check_solution(p, sol.rows, sol.cols)
    assert len(sol.rows) == best_count
    got = float(p.total[sol.rows, sol.cols].astype(np.float64).sum())
    assert got == pytest.approx(best_score, abs=1e-6)


@pytest.mark.parametrize("shape", [(230, 230), (230, 180), (180, 230)])
def test_hungarian_warm_start_agrees_with_flow_at_its_natural_size(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    n, m = shape
    assert n * m >= hungarian.AUCTION_MIN_CELLS
    total = (0.6 * rng.random(m)[None, :] + 0.4 * rng.random((n, m))).astype(np.float32)
    p = Problem(total, rng.random((n, m)) < 0.85, np.ones(n, np.int64), np.ones(m, np.int64))
    _assert_hungarian_agrees_with_flow(p)


PROGRAM = rm.Program(constraints=[rm.SharedLanguage(), rm.SeniorityDirection()])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sides(4, 4), st.sampled_from(EXACT), st.booleans())
def test_match_is_optimal_and_checks_out(
    people: tuple[list[rm.Participant], list[rm.Participant]], solver: str, constrained: bool
) -> None:
    juniors, seniors = people
    if solver == "hungarian":
        seniors = [s.model_copy(update={"capacity": min(s.capacity, 1)}) for s in seniors]
    program = PROGRAM if constrained else rm.Program()
    result = rm.match(juniors, seniors, program, solver=solver)
    result.check()
    sm = result.scores
    count, best = brute_force(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity)
    assert len(result.pairs) == count
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.bound == pytest.approx(result.objective, abs=1e-6)
    # Every participant is in a pair or listed as unmatched, with a reason.
    listed = set(result.unmatched_juniors) | set(result.unmatched_seniors)
    assert listed == set(result.unmatched_reasons)
    paired = {p.junior_id for p in result.pairs} | {p.senior_id for p in result.pairs}
    assert paired | listed == {p.id for p in [*juniors, *seniors]}
    assert not paired & listed
    for pair in result.pairs:
        assert 0.0 <= pair.score <= 1.0
        assert all(0.0 <= v <= 1.0 for v in pair.components.values())


@settings(max_examples=12, deadline=None)
@given(sides(4, 4, min_size=1), st.randoms(use_true_random=False))
def test_objective_does_not_depend_on_input_order(
    people: tuple[list[rm.Participant], list[rm.Participant]], rnd: random.Random
) -> None:
    juniors, seniors = people
    a = rm.match(juniors, seniors, PROGRAM, solver="flow")
    js, ss = juniors[:], seniors[:]
    rnd.shuffle(js)
    rnd.shuffle(ss)
    b = rm.match(js, ss, PROGRAM, solver="flow")
    assert len(a.pairs) == len(b.pairs)
    assert a.objective == pytest.approx(b.objective, abs=1e-6)


def test_same_input_gives_same_pairs() -> None:
    juniors, seniors = rm.synth.cohort(rm.synth.generate(400, seed=5), 40, 30, seed=5)
    runs = [rm.match(juniors, seniors, PROGRAM, solver=s) for s in ("auto", "auto", "flow")]
    keys = [[(p.junior_id, p.senior_id) for p in r.pairs] for r in runs]
    assert keys[0] == keys[1]
    assert runs[0].objective == pytest.approx(runs[2].objective, abs=1e-6)


def test_require_fixes_pairs_and_stays_optimal_for_the_rest() -> None:
    rng = np.random.default_rng(3)
    juniors = [rm.Participant(id=f"j{i}", birth_year=int(rng.integers(1990, 2004)),
                              level=0, skills={"genai": float(rng.random())}) for i in range(4)]
    seniors = [rm.Participant(id=f"s{k}", birth_year=int(rng.integers(1955, 1980)),
                              level=5, goals={"genai": 1.0}) for k in range(4)]
    free = rm.match(juniors, seniors)
    worst = min(free.pairs, key=lambda p: p.score)
    # Force a pair the free optimum did not choose.
    forced = next((j.id, s.id) for j in juniors for s in seniors
                  if (j.id, s.id) not in {(p.junior_id, p.senior_id) for p in free.pairs})
    prog = rm.Program(constraints=[rm.Require(pairs=[forced])])
    for solver in ("hungarian", "flow", "greedy"):
        res = rm.match(juniors, seniors, prog, solver=solver)
        res.check()
        assert forced in {(p.junior_id, p.senior_id) for p in res.pairs}
    res = rm.match(juniors, seniors, prog)
    sm = res.scores
    i, k = sm.juniors.index(forced[0]), sm.seniors.index(forced[1])
    rest = sm.feasible.copy()
    rest[i, :] = False
    rest[:, k] = False
    count, best = brute_force(sm.total, rest, np.ones(4, int), np.ones(4, int))
    assert len(res.pairs) == count + 1
    assert res.objective == pytest.approx(best + float(sm.total[i, k]), abs=1e-6)
    assert res.objective <= free.objective + 1e-9
    assert worst.score <= 1.0


def test_require_of_a_forbidden_pair_is_infeasible_and_says_why() -> None:
    j = rm.Participant(id="j", languages={"en"})
    s = rm.Participant(id="s", languages={"de"})
    prog = rm.Program(constraints=[rm.SharedLanguage(), rm.Require(pairs=[("j", "s")])])
    with pytest.raises(rm.InfeasibleError) as info:
        rm.match([j], [s], prog)
    assert info.value.reasons == ["Require pair ('j', 's') is ruled out by SharedLanguage: no "
                                  "language both speak (the junior: en; the senior: de)"]


def test_require_beyond_capacity_is_infeasible() -> None:
    j = rm.Participant(id="j", capacity=1)
    ss = [rm.Participant(id="s1"), rm.Participant(id="s2")]
    prog = rm.Program(constraints=[rm.Require(pairs=[("j", "s1"), ("j", "s2")])])
    with pytest.raises(rm.InfeasibleError, match="junior 'j' 2 pairs but their capacity is 1"):
        rm.match([j], ss, prog)


def test_unmatched_reasons_name_the_constraint() -> None:
    juniors = [rm.Participant(id="j1", languages={"en"}), rm.Participant(id="j2", languages={"ja"}),
               rm.Participant(id="j3", languages={"en"}, capacity=0)]
    seniors = [rm.Participant(id="s1", languages={"en"})]
    res = rm.match(juniors, seniors, rm.Program(constraints=[rm.SharedLanguage()]))
    assert [(p.junior_id, p.senior_id) for p in res.pairs] == [("j1", "s1")]
    assert res.unmatched_juniors == ["j2", "j3"]
    assert res.unmatched_reasons["j2"].startswith("no feasible senior: SharedLanguage rules out 1")
    assert res.unmatched_reasons["j3"] == "capacity is 0"


@pytest.mark.parametrize(("rule", "field", "blank"), [
    (rm.MaxTimezoneGap(hours=3), "timezone", "time zone"),
    (rm.SharedLanguage(), "languages", "language"),
    (rm.LevelGap(min=1, missing="forbid"), "level", "level"),
    (rm.AgeGap(min_years=5, missing="forbid"), "birth_year", "birth year"),
    (rm.SameValue(field="attributes.site", missing="forbid"), "attributes", "site"),
    (rm.SharedTime(missing="forbid"), "availability", "availability"),
])
def test_an_unmatched_reason_says_the_blank_that_rules_every_partner_out(
        rule: rm.Constraint, field: str, blank: str) -> None:
    # Found on the service's pages: an export without time zones under the time-zone
    # limit left everyone "ruled out" by the limit, with nothing saying why.
    full = {"timezone": "Europe/Lisbon", "languages": {"en"}, "level": 1,
            "birth_year": 1999, "attributes": {"site": "A"}, "availability": {"Mon AM"}}
    junior = rm.Participant(id="j", **full)
    empty: object = {"languages": set(), "attributes": {}, "availability": set()}.get(field)
    blanked = rm.Participant(id="k", **{**full, field: empty})
    senior = rm.Participant(id="s", **{**full, "level": 5, "birth_year": 1970})
    res = rm.match([junior, blanked], [senior], rm.Program(constraints=[rule]))
    assert [(p.junior_id, p.senior_id) for p in res.pairs] == [("j", "s")]
    assert res.unmatched_reasons["k"] == (f"no feasible senior: {rule.label()} rules out 1 (of 1 "
                                          f"seniors with capacity); they give no {blank}")
    # With blanks allowed, the same person is paired.
    allowing = rule.model_copy(update={"unknown" if isinstance(rule, rm.SharedLanguage)
                                       else "missing": "allow"})
    res = rm.match([blanked], [senior], rm.Program(constraints=[allowing]))
    assert len(res.pairs) == 1


def test_empty_sides_give_an_empty_optimal_result() -> None:
    res = rm.match([], [rm.Participant(id="s")])
    assert res.pairs == []
    assert res.unmatched_seniors == ["s"]
    assert res.status == "optimal"
    assert res.unmatched_reasons["s"] == "no junior with free capacity"


def test_unknown_solver_is_an_input_error() -> None:
    with pytest.raises(rm.InputError, match="unknown solver 'simplex'"):
        rm.match([rm.Participant(id="j")], [rm.Participant(id="s")], solver="simplex")


def test_duplicate_ids_across_sides_are_rejected() -> None:
    with pytest.raises(rm.InputError, match="id 'x' is given twice"):
        rm.match([rm.Participant(id="x")], [rm.Participant(id="x")])
