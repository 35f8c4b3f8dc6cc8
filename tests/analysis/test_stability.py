"""Stability: blocking pairs by their definition, pair by pair, and a stable alternative."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from tests.strategies import sides


def _blocking(res: rm.MatchResult) -> set[tuple[str, str]]:
    """Blocking pairs straight from the definition, one pair at a time."""
    sm = res.scores
    mine: dict[tuple[str, str], list[float]] = {}
    for p in res.pairs:
        mine.setdefault(("j", p.junior_id), []).append(p.score)
        mine.setdefault(("s", p.senior_id), []).append(p.score)
    chosen = {(p.junior_id, p.senior_id) for p in res.pairs}
    out = set()
    for i, jid in enumerate(sm.junior_ids):
        for k, sid in enumerate(sm.senior_ids):
            if (jid, sid) in chosen or not sm.feasible[i, k]:
                continue
            cap_j = min(int(sm.juniors.capacity[i]), len(sm.senior_ids))
            cap_s = min(int(sm.seniors.capacity[k]), len(sm.junior_ids))
            if cap_j == 0 or cap_s == 0:
                continue
            score = float(sm.total[i, k])

            def wants(key: tuple[str, str], cap: int, score: float = score) -> bool:
                have = mine.get(key, [])
                return len(have) < cap or score > min(have)

            if wants(("j", jid), cap_j) and wants(("s", sid), cap_s):
                out.add((jid, sid))
    return out


@settings(max_examples=60)
@given(people=sides(4, 4, max_capacity=2))
def test_blocking_pairs_follow_their_definition_and_greedy_is_stable(
        people: tuple[list[rm.Participant], list[rm.Participant]]) -> None:
    juniors, seniors = people
    program = rm.Program(constraints=[rm.SharedLanguage(unknown="allow")])
    res = rm.match(juniors, seniors, program)
    report = res.stability()
    got = {(b.junior_id, b.senior_id) for b in report.blocking_pairs}
    assert got == _blocking(res)
    assert report.people_touched == len({j for j, _ in got}) + len({s for _, s in got})
    for b in report.blocking_pairs:
        assert b.junior_gain > 0
        assert b.senior_gain > 0
    greedy = rm.match(juniors, seniors, program, solver="greedy")
    assert _blocking(greedy) == set()  # best remaining pair first: stable
    assert report.stable_objective == pytest.approx(greedy.objective)
    assert report.cost == pytest.approx(res.objective - greedy.objective)
    assert "blocking" in report.text()


def test_an_optimum_can_have_a_blocking_pair_and_the_report_prices_it() -> None:
    # j1-s1 is the best pair, but taking it leaves j2 and s2 without anyone.
    juniors = [rm.Participant(id="j1", skills={"a": 1.0, "b": 0.5}),
               rm.Participant(id="j2", skills={"a": 0.9})]
    seniors = [rm.Participant(id="s1", goals={"a": 1.0}),
               rm.Participant(id="s2", goals={"b": 1.0})]
    program = rm.Program(constraints=[rm.Forbid(pairs=[("j2", "s2")])],
                         weights=rm.Weights(generation=0, diversity=0))
    res = rm.match(juniors, seniors, program)
    assert len(res.pairs) == 2  # the most pairs: j1-s2 and j2-s1
    report = res.stability()
    assert [(b.junior_id, b.senior_id) for b in report.blocking_pairs] == [("j1", "s1")]
    assert report.stable_pairs == 1
    assert report.cost is not None
    assert np.isclose(report.cost, res.objective - report.stable_objective)  # type: ignore[operator]
    rep = res.report()
    assert (rep.blocking_pairs, rep.people_touched) == (1, 2)
    assert "## Stability" in rep.to_markdown()
    # With a min_partners the greedy alternative cannot keep, the blocking pairs are still
    # found, and the alternative is not priced (the report raised an InputError before).
    held = [seniors[0], seniors[1].model_copy(update={"min_partners": 1})]
    bounded = rm.match(juniors, held, program)
    report = bounded.stability()
    assert [(b.junior_id, b.senior_id) for b in report.blocking_pairs] == [("j1", "s1")]
    assert (report.stable_pairs, report.cost) == (None, None)
    assert bounded.report().blocking_pairs == 1


@settings(max_examples=40)
@given(people=sides(4, 4, max_capacity=2, min_size=1), data=st.data())
def test_blocking_by_wishes_follows_its_definition(
        people: tuple[list[rm.Participant], list[rm.Participant]], data: st.DataObject) -> None:
    juniors, seniors = people
    j_ids, s_ids = [p.id for p in juniors], [p.id for p in seniors]
    juniors = [p.model_copy(update={"wishes": data.draw(
        st.lists(st.sampled_from(s_ids), unique=True, max_size=3))}) for p in juniors]
    seniors = [p.model_copy(update={"wishes": data.draw(
        st.lists(st.sampled_from(j_ids), unique=True, max_size=3))}) for p in seniors]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    report = res.stability(by="wishes")
    by_id = {p.id: p for p in [*juniors, *seniors]}

    def value(who: str, other: str) -> int:
        wishes = by_id[who].wishes
        return len(wishes) - wishes.index(other) if other in wishes else 0

    chosen = {(p.junior_id, p.senior_id) for p in res.pairs}
    want = set()
    for j in j_ids:
        for s in s_ids:
            cap_j = min(by_id[j].capacity, len(s_ids))
            cap_s = min(by_id[s].capacity, len(j_ids))
            if (j, s) in chosen or cap_j == 0 or cap_s == 0:
                continue
            mine_j = [value(j, b) for a, b in chosen if a == j]
            mine_s = [value(s, a) for a, b in chosen if b == s]
            if ((len(mine_j) < cap_j or value(j, s) > min(mine_j))
                    and (len(mine_s) < cap_s or value(s, j) > min(mine_s))):
                want.add((j, s))
    assert {(b.junior_id, b.senior_id) for b in report.blocking_pairs} == want
    assert report.stable_objective is None  # priced by score only


def _fewest_blocking(res: rm.MatchResult, juniors: list[rm.Participant],
                     seniors: list[rm.Participant], program: rm.Program,
                     even: str | None = None) -> int | None:
    """Brute force: the fewest blocking pairs (by definition) among assignments as good.

    As good: as many pairs, the same total (in the solvers' integer weights),
    within capacities, no rule broken (``rm.evaluate`` judges each one) and,
    with ``even`` (an EvenLoad's side), the same loads there, sorted. None
    when the feasible pairs are too many to enumerate.
    """
    from rmatch.constraints.compiled import SCALE

    sm = res.scores
    n, m = sm.shape
    rows, cols = np.nonzero(sm.feasible)
    if len(rows) > 12:
        return None
    w = np.rint(sm.total[rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    chosen = {(p.junior_id, p.senior_id) for p in res.pairs}
    target = sum(int(w[e]) for e in range(len(rows))
                 if (sm.junior_ids[rows[e]], sm.senior_ids[cols[e]]) in chosen)
    fewest = None
    for bits in range(2 ** len(rows)):
        pick = np.array([(bits >> e) & 1 for e in range(len(rows))], dtype=bool)
        if pick.sum() != len(res.pairs) or int(w[pick].sum()) != target:
            continue
        if (np.bincount(rows[pick], minlength=n) > sm.juniors.capacity).any() or \
                (np.bincount(cols[pick], minlength=m) > sm.seniors.capacity).any():
            continue
        if even is not None and sorted(np.bincount(
                (rows if even == "juniors" else cols)[pick], minlength=n if even == "juniors"
                else m).tolist()) != sorted(np.bincount(
                    [sm.juniors.index(p.junior_id) if even == "juniors"
                     else sm.seniors.index(p.senior_id) for p in res.pairs],
                    minlength=n if even == "juniors" else m).tolist()):
            continue
        ids = [(sm.junior_ids[r], sm.senior_ids[c])
               for r, c in zip(rows[pick].tolist(), cols[pick].tolist(), strict=True)]
        judged = rm.evaluate(ids, juniors, seniors, program)
        if judged.violations:
            continue
        blocking = len(_blocking(judged))
        fewest = blocking if fewest is None else min(fewest, blocking)
    return fewest


def _tied(rng: np.random.Generator, n: int, m: int,
          junior: Callable[[int], dict[str, Any]] = lambda i: {},
          senior: Callable[[int], dict[str, Any]] = lambda k: {},
          ) -> tuple[list[rm.Participant], list[rm.Participant]]:
    """Juniors j0.. and seniors s0.. whose scores tie often (skills in halves).

    Few distinct scores: ties, so there are several optimal assignments.
    ``junior(i)`` and ``senior(k)`` give each person's other fields.
    """
    levels = rng.integers(0, 3, size=(n, m)) / 2
    juniors = [rm.Participant(id=f"j{i}", **junior(i),
                              skills={f"t{k}": float(levels[i, k]) for k in range(m)})
               for i in range(n)]
    seniors = [rm.Participant(id=f"s{k}", goals={f"t{k}": 1.0}, **senior(k)) for k in range(m)]
    return juniors, seniors


@pytest.mark.parametrize("seed", range(40))
def test_least_blocking_is_the_fewest_among_all_optimal_assignments(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    juniors, seniors = _tied(rng, n, m, lambda i: {"capacity": int(rng.integers(1, 3))})
    forbid = [(f"j{i}", f"s{k}") for i in range(n) for k in range(m) if rng.random() < 0.2]
    program = rm.Program(constraints=[rm.Forbid(pairs=forbid)],
                         weights=rm.Weights(generation=0, diversity=0))
    res = rm.match(juniors, seniors, program)
    fewest = _fewest_blocking(res, juniors, seniors, program)
    if fewest is None:
        return
    best = res.least_blocking()
    assert best.proven
    assert len(best.result.pairs) == len(res.pairs)
    assert best.result.objective == pytest.approx(res.objective, abs=1e-6)
    assert best.blocking_pairs == len(best.result.stability().blocking_pairs)
    assert best.blocking_pairs == fewest


@pytest.mark.parametrize("seed", range(30))
def test_least_blocking_keeps_programme_wide_rules_and_minimums(seed: int) -> None:
    # It refused programme-wide rules, and with min_partners it could return
    # an assignment that left someone below their minimum.
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    juniors, seniors = _tied(rng, n, m, lambda i: {
        "capacity": int(rng.integers(1, 3)), "department": str(rng.choice(["IT", "HR"]))},
        lambda k: {"capacity": int(rng.integers(1, 3)),
                   "min_partners": int(k == 0 and rng.random() < 0.5),
                   "department": str(rng.choice(["IT", "HR"]))})
    rules: list[rm.Constraint] = [
        rm.MinShare(attribute="department", share=0.5),
        rm.MatchAll(side="seniors"),
        rm.Require(pairs=[("j0", f"s{m - 1}")]),
    ]
    program = rm.Program(constraints=rules[int(rng.integers(0, 3)):],
                         weights=rm.Weights(generation=0, diversity=0))
    try:
        res = rm.match(juniors, seniors, program)
    except rm.InfeasibleError:
        return
    fewest = _fewest_blocking(res, juniors, seniors, program)
    if fewest is None:
        return
    best = res.least_blocking()
    assert best.proven
    assert rm.evaluate([(p.junior_id, p.senior_id) for p in best.result.pairs], juniors,
                       seniors, program).violations == []
    assert len(best.result.pairs) == len(res.pairs)
    assert best.result.objective == pytest.approx(res.objective, abs=1e-6)
    assert best.blocking_pairs == fewest


@pytest.mark.parametrize("seed", range(20))
def test_least_blocking_keeps_even_loads(seed: int) -> None:
    # It refused EvenLoad. Now an assignment as good keeps the loads as even.
    rng = np.random.default_rng(500 + seed)
    n, m = int(rng.integers(3, 5)), 2
    juniors, seniors = _tied(rng, n, m, senior=lambda k: {"capacity": 3})
    forbid = [(f"j{i}", f"s{k}") for i in range(n) for k in range(m) if rng.random() < 0.15]
    side = "seniors" if seed % 2 else "juniors"
    program = rm.Program(constraints=[rm.EvenLoad(side=side), rm.Forbid(pairs=forbid)],
                         weights=rm.Weights(generation=0, diversity=0))
    res = rm.match(juniors, seniors, program)
    fewest = _fewest_blocking(res, juniors, seniors, program, even=side)
    if fewest is None:
        return
    best = res.least_blocking()
    assert best.proven
    loads = [sorted(np.bincount([sm.seniors.index(p.senior_id) if side == "seniors"
                                 else sm.juniors.index(p.junior_id) for p in r.pairs],
                                minlength=m if side == "seniors" else n).tolist())
             for r, sm in ((res, res.scores), (best.result, res.scores))]
    assert loads[0] == loads[1]
    assert best.result.objective == pytest.approx(res.objective, abs=1e-6)
    assert best.blocking_pairs == fewest


def test_least_blocking_picks_the_stable_one_of_two_equal_optima() -> None:
    juniors = [rm.Participant(id="j1", skills={"t1": 0.5, "t2": 1.0}),
               rm.Participant(id="j2", skills={"t2": 0.5})]
    seniors = [rm.Participant(id="s1", goals={"t1": 1.0}),
               rm.Participant(id="s2", goals={"t2": 1.0})]
    program = rm.Program(constraints=[], weights=rm.Weights(generation=0, diversity=0))
    res = rm.match(juniors, seniors, program)
    sm = res.scores
    # Both {j1-s1, j2-s2} and {j1-s2, j2-s1} total 0.75; in the first, j1 and s2
    # would both rather be together.
    first = [rm.Pair(junior_id=j, senior_id=s, score=float(sm.total[sm.juniors.index(j),
                                                                      sm.seniors.index(s)]),
                     components={}) for j, s in (("j1", "s1"), ("j2", "s2"))]
    unstable = res.model_copy(update={"pairs": first})
    unstable._scores = sm
    assert [(b.junior_id, b.senior_id) for b in unstable.stability().blocking_pairs] == \
        [("j1", "s2")]
    best = unstable.least_blocking()
    assert (best.blocking_pairs, best.proven) == (0, True)
    assert {(p.junior_id, p.senior_id) for p in best.result.pairs} == {("j1", "s2"),
                                                                      ("j2", "s1")}
    assert best.result.objective == pytest.approx(unstable.objective)


def test_least_blocking_refuses_a_model_too_large_in_words(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    import importlib

    module = importlib.import_module("rmatch.analysis.stability")  # the name is a function too
    js = [rm.Participant(id=f"j{i}") for i in range(3)]
    ss = [rm.Participant(id=f"s{k}") for k in range(2)]
    res = rm.match(js, ss, rm.Program(constraints=[]))
    monkeypatch.setattr(module, "_MAX_CELLS", 5)  # 3 x 2 people: one cell too many
    with pytest.raises(rm.InputError, match=r"6 candidate pairs among 3 x 2 people"):
        res.least_blocking()
