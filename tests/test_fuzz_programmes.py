"""Generated programmes through the whole library: a clean refusal or a result that holds up.

Each example draws a small roster (wishes and vetoes by id, minimums,
weekly slots, capacities 0-2) and a valid programme (any objective and
preference settings, a few rules from every kind) and runs ``rm.match``.
It must either refuse in words (:class:`rmatch.InputError` or
:class:`rmatch.InfeasibleError`) or return a result that holds up to a
second reading: every person in a pair or listed as unmatched with a
reason, no one over capacity, and ``rm.evaluate`` (which reads the rules
from the raw data, apart from the solver) finds no rule broken in the
result's own pairs and, for an optimal result, the same total as its
optimum. Explanations and the report must not fail on it.

CI runs a few dozen examples. A long campaign runs outside CI:
``RMATCH_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_programmes.py -p no:cacheprovider``
(see docs/limits.md for the last campaign).
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.constraints.programme import GLOBAL_CONSTRAINTS
from tests.strategies import sides

T = TypeVar("T")
EXAMPLES = int(os.environ.get("RMATCH_FUZZ_EXAMPLES", "30"))
SLOTS = ["Mon AM", "Mon PM", "Wed 14:00-16:00", "Fri evening"]


@st.composite
def rosters(draw: st.DrawFn) -> tuple[list[rm.Participant], list[rm.Participant]]:
    """Small sides with wishes, vetoes, minimums and weekly slots drawn on top."""
    juniors, seniors = draw(sides(4, 4, max_capacity=3, min_size=1))

    def more(person: rm.Participant, others: list[rm.Participant]) -> rm.Participant:
        ids = [o.id for o in others]
        pick = st.lists(st.sampled_from(ids), unique=True, max_size=3) if ids else st.just([])
        wishes = draw(pick)
        return person.model_copy(update={
            "wishes": wishes,
            "avoid": frozenset(draw(pick)) - set(wishes),
            # Seldom: a stable objective refuses any minimum, so most draw none.
            "min_partners": min(person.capacity, draw(st.sampled_from([0, 0, 0, 1]))),
            "availability": frozenset(draw(st.lists(st.sampled_from(SLOTS), max_size=2))),
            "previous_partners": frozenset(draw(pick)),
        })

    return ([more(j, seniors) for j in juniors], [more(s, juniors) for s in seniors])


RULES: list[rm.Constraint] = [
    rm.SharedLanguage(), rm.MaxTimezoneGap(hours=6), rm.SeniorityDirection(),
    rm.MinShare(attribute="department", share=0.5),
    rm.GroupBalance(attribute="department", max_gap=0.5),
    rm.MatchAll(side="juniors"), rm.MatchAll(side="seniors"), rm.EvenLoad(),
    rm.SharedTime(min_hours=1), rm.Forbid(pairs=[("j0", "s0")]),
    rm.Require(pairs=[("j0", "s0")]), rm.Require(pairs=[("j1", "s1")]), rm.NoRepeat(),
    rm.MinScore(value=0.3), rm.DifferentValue(field="department"),
    rm.LevelGap(min=1, max=4), rm.MinShare(attribute="gender", share=0.3),
]


@st.composite
def programmes(draw: st.DrawFn) -> rm.Program:
    """A valid programme: any objective, preference setting and solver, up to three rules."""
    return rm.Program(
        constraints=draw(st.lists(st.sampled_from(RULES), max_size=3, unique_by=repr)),
        objective=draw(st.sampled_from(["max_pairs", "max_score", "stable", "best_stable"])),
        stable_by=draw(st.sampled_from(["wishes", "scores"])),
        proposing=draw(st.sampled_from(["juniors", "seniors"])),
        unranked=draw(st.sampled_from(["acceptable", "unacceptable"])),
        no_wishes=draw(st.sampled_from(["accept_none", "accept_all"])),
        solver=draw(st.sampled_from(["auto", "auto", "auto", "flow", "cpsat", "hungarian",
                                     "greedy", "candidates"])),
        time_limit_s=10,
    )


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(people=rosters(), program=programmes())
def test_a_programme_is_refused_in_words_or_its_result_holds_up(
        people: tuple[list[rm.Participant], list[rm.Participant]],
        program: rm.Program) -> None:
    juniors, seniors = people
    # Data-gap warnings are ignored: drawn data is sparse on purpose.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refused: str | None = None
        try:
            result = rm.match(juniors, seniors, program)
        except (rm.InputError, rm.InfeasibleError) as err:
            refused = str(err)
        if refused is None:
            event(f"result: {program.objective}, {result.status}")
            _holds_up(result, juniors, seniors, program)
    if refused is not None:
        assert refused.strip(), "a refusal without words"
        event(f"refused: {refused[:70]}")


def _holds_up(result: rm.MatchResult, juniors: list[rm.Participant],
              seniors: list[rm.Participant], program: rm.Program) -> None:
    pairs = [(p.junior_id, p.senior_id) for p in result.pairs]
    assert len(set(pairs)) == len(pairs)
    for side, people, unmatched, key in ((0, juniors, result.unmatched_juniors, "junior_id"),
                                        (1, seniors, result.unmatched_seniors, "senior_id")):
        counts: dict[str, int] = {}
        for pair in pairs:
            counts[pair[side]] = counts.get(pair[side], 0) + 1
        for person in people:
            assert counts.get(person.id, 0) <= person.capacity, (person.id, key)
            if not counts.get(person.id):
                assert person.id in unmatched, (person.id, key)
        for pid in unmatched:
            assert result.unmatched_reasons.get(pid, "").strip(), (pid, "no reason")
    judged = rm.evaluate(pairs, juniors, seniors, program)
    assert judged.violations == [], judged.violations
    assert judged.objective == pytest.approx(result.objective, abs=1e-6)
    if result.status == "optimal" and judged.optimum is not None \
            and program.objective in ("max_pairs", "max_score"):
        assert judged.optimum.objective == pytest.approx(result.objective, abs=1e-6)
    for pid in [*(j.id for j in juniors[:1]), *(s.id for s in seniors[:1])]:
        assert str(result.explain(pid)).strip()
    report: Any = result.report()
    assert report.to_markdown().strip()
    # The report counts blocking pairs in one pass with the rules' counts, without
    # listing them: the same figures as the full stability report.
    listed = result.stability()
    assert (report.blocking_pairs, report.people_touched, report.blocking_by,
            report.stability_cost) == (len(listed.blocking_pairs), listed.people_touched,
                                       listed.by, listed.cost)
    pairwise = [(c, line) for c, line in zip(program.constraints, report.constraints,
                                             strict=True)
                if not isinstance(c, (*GLOBAL_CONSTRAINTS, rm.Require))]
    assert [line.pairs_ruled_out for _, line in pairwise] == result.scores.pairs_ruled_out(
        [c for c, _ in pairwise], cells=7)
    again = rm.MatchResult.model_validate_json(result.to_json())
    assert [(p.junior_id, p.senior_id) for p in again.pairs] == pairs
    if result.status == "optimal" and program.objective in ("max_pairs", "max_score"):
        _least_blocking_holds_up(result, pairs, juniors, seniors, program)
    _rematch_holds_up(pairs, juniors, seniors, program)
    _rounds_hold_up(juniors, seniors, program)


def _rounds_hold_up(juniors: list[rm.Participant], seniors: list[rm.Participant],
                    program: rm.Program) -> None:
    """Two rounds: refused in words, or no pair twice and no rule broken in any round."""
    plan, refused = _tried(lambda: rm.plan_rounds(juniors, seniors, program, rounds=2))
    if plan is None:
        assert refused.strip()
        return
    # Require pairs are in some round, not each: each round is judged without them.
    alone = program.model_copy(update={"constraints": [
        c for c in program.constraints if not isinstance(c, rm.Require)]})
    seen: set[tuple[str, str]] = set()
    for one in plan.rounds:
        pairs = [(p.junior_id, p.senior_id) for p in one.pairs]
        assert not seen & set(pairs), "a pair formed twice"
        seen |= set(pairs)
        assert rm.evaluate(pairs, juniors, seniors, alone).violations == []


def _least_blocking_holds_up(result: rm.MatchResult, pairs: list[tuple[str, str]],
                             juniors: list[rm.Participant], seniors: list[rm.Participant],
                             program: rm.Program) -> None:
    """As good as the result, no rule broken, no more blocking pairs (or refused in words)."""
    best, refused = _tried(lambda: result.least_blocking(time_limit_s=5))
    if best is None:
        assert refused.strip()
        return
    chosen = [(p.junior_id, p.senior_id) for p in best.result.pairs]
    for rule in (c for c in program.constraints if isinstance(c, rm.EvenLoad)):
        side = 0 if rule.side == "juniors" else 1
        assert sorted(Counter(p[side] for p in chosen).values()) == \
            sorted(Counter(p[side] for p in pairs).values()), "the loads are not as even"
    assert rm.evaluate(chosen, juniors, seniors, program).violations == []
    assert len(chosen) == len(pairs)
    assert best.result.objective == pytest.approx(result.objective, abs=1e-6)
    if best.proven:
        assert best.blocking_pairs <= len(result.stability().blocking_pairs)


def _rematch_holds_up(pairs: list[tuple[str, str]], juniors: list[rm.Participant],
                      seniors: list[rm.Participant], program: rm.Program) -> None:
    """The first junior leaves: the rest re-matched under the same rules, or refused in words."""
    stay = juniors[1:]
    out, refused = _tried(lambda: rm.rematch(
        pairs, stay, seniors, program,
        allow_changes=program.objective in ("stable", "best_stable")))
    if out is None:
        assert refused.strip()
        return
    again = [(p.junior_id, p.senior_id) for p in out.result.pairs]
    assert all(j != juniors[0].id for j, _ in again)
    assert set(out.kept) <= set(pairs)
    assert set(out.kept) <= set(again)
    # rematch drops the Forbid and Require pairs that name a leaver (documented).
    held = program.model_copy(update={"constraints": [
        c for c in program.constraints
        if not (isinstance(c, (rm.Forbid, rm.Require))
                and any(j == juniors[0].id for j, _ in c.pairs))]})
    assert rm.evaluate(again, stay, seniors, held).violations == []


def _tried(step: Callable[[], T]) -> tuple[T | None, str]:
    """Run ``step``; a refusal in words comes back as ``(None, its words)``."""
    try:
        return step(), ""
    except (rm.InputError, rm.InfeasibleError) as err:
        return None, str(err)
