"""Explanations say why, and never leak sensitive attributes."""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from unittest import mock

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings

import rmatch as rm
from tests.oracle import brute_force, brute_force_rules
from tests.strategies import sides


def _people() -> tuple[list[rm.Participant], list[rm.Participant]]:
    juniors = [
        rm.Participant(id="j1", birth_year=2000, level=0, languages={"en"},
                       skills={"genai": 0.9}, department="Eng", attributes={"gender": "F"}),
        rm.Participant(id="j2", birth_year=1999, level=0, languages={"en"},
                       skills={"genai": 0.5}, department="Ops", attributes={"gender": "M"}),
    ]
    seniors = [
        rm.Participant(id="s1", birth_year=1970, level=5, languages={"en"},
                       goals={"genai": 1.0}, department="Sales", attributes={"gender": "M"}),
        rm.Participant(id="s2", birth_year=1968, level=5, languages={"de"},
                       goals={"genai": 1.0}, department="Sales", attributes={"gender": "F"}),
        rm.Participant(id="s3", birth_year=1990, level=2, languages={"en"},
                       goals={"cloud": 1.0}, department="Eng"),
    ]
    return juniors, seniors


PROGRAM = rm.Program(constraints=[rm.SharedLanguage()], sensitive_attributes={"gender"})


def test_explain_gives_partner_components_and_reasons() -> None:
    res = rm.match(*_people(), PROGRAM)
    e = res.explain("j1")
    assert [p.senior_id for p in e.partners] == ["s1"]
    assert set(e.partners[0].components) == {"generation", "skills", "diversity"}
    by_id = {a.partner_id: a for a in e.alternatives}
    assert by_id["s2"].feasible is False
    assert by_id["s2"].ruled_out_by == ["SharedLanguage"]
    assert by_id["s2"].reason.startswith("ruled out by SharedLanguage: no language both speak")
    assert by_id["s3"].feasible is True
    assert by_id["s3"].reason.startswith("lower total")
    assert by_id["s3"].score < e.partners[0].score


def test_explain_a_better_but_taken_partner() -> None:
    res = rm.match(*_people(), PROGRAM)
    e = res.explain("j2")
    (partner,) = e.partners
    taken = [a for a in e.alternatives if a.feasible and a.score > partner.score]
    for alt in taken:
        assert "at capacity" in alt.reason
        assert alt.partner_id in {p.senior_id for p in res.pairs}


def test_explain_an_unmatched_person_and_text_form() -> None:
    juniors, seniors = _people()
    res = rm.match(juniors, seniors, PROGRAM)
    e = res.explain("s2")
    assert e.partners == []
    assert e.unmatched_reason is not None
    assert e.unmatched_reason.startswith("no feasible junior: SharedLanguage rules out 2")
    assert str(e).startswith("senior 's2' is unmatched: no feasible junior")


def test_sensitive_attributes_never_appear_in_outputs() -> None:
    res = rm.match(*_people(), PROGRAM)
    texts = [res.to_json(), repr(res), res.summary()]
    for pid in ("j1", "j2", "s1", "s2", "s3"):
        e = res.explain(pid)
        texts += [e.text(), e.model_dump_json()]
    assert all("gender" not in t for t in texts)
    # Without the flag, the same difference is shown.
    open_res = rm.match(*_people(), rm.Program(constraints=[rm.SharedLanguage()]))
    assert "gender" in open_res.explain("j1").text()


def test_unknown_participant() -> None:
    res = rm.match(*_people())
    with pytest.raises(rm.InputError, match="'zz' is neither a junior nor a senior"):
        res.explain("zz")
    someone = res.pairs[0].junior_id
    with pytest.raises(rm.InputError, match=rf"in this result \(did you mean {someone!r}\? "
                                            r"ids are case-sensitive\)"):
        res.explain(someone.upper())


def test_json_dump_and_frame_carry_the_pairs() -> None:
    res = rm.match(*_people(), PROGRAM)
    data = json.loads(res.to_json())
    assert [(p["junior_id"], p["senior_id"]) for p in data["pairs"]] == \
        [(p.junior_id, p.senior_id) for p in res.pairs]
    assert data["objective"] == pytest.approx(sum(p["score"] for p in data["pairs"]))
    loaded = rm.MatchResult.model_validate_json(res.to_json())
    assert loaded.pairs == res.pairs
    with pytest.raises(rm.RmatchError, match="loaded from JSON"):
        loaded.explain("j1")
    frame = res.to_frame()
    assert frame.shape == (len(res.pairs), 6)
    assert frame["score"].sum() == pytest.approx(res.objective)


def test_check_catches_a_tampered_result() -> None:
    res = rm.match(*_people(), PROGRAM)
    bad = res.model_copy(update={"pairs": [*res.pairs, rm.Pair(
        junior_id="j1", senior_id="s2", score=0.5, components={})]})
    bad._scores = res.scores
    with pytest.raises(rm.RmatchError, match="pair \\('j1', 's2'\\) breaks SharedLanguage"):
        bad.check()


_EXPLAIN = importlib.import_module("rmatch.analysis.explain")  # the name is also a function's


@contextmanager
def _costs_by(way: str) -> Iterator[None]:
    """Price forced pairs from the optimum's network ("priced") or by solving again."""
    # Solving again also sets aside the prices a candidate-path result keeps.
    kept = mock.patch("rmatch.solvers.forcing_rows.RowForcing._changes",
                      side_effect=ValueError("set aside")) if way != "priced" else nullcontext()
    with mock.patch.object(_EXPLAIN, "PRICED_FROM", 0 if way == "priced" else 10**12), \
            mock.patch("rmatch.solvers.forcing.loaded", return_value=way == "priced"), kept:
        yield


@pytest.mark.parametrize("way", ["priced", "solved again"])
@settings(max_examples=15)
@given(people=sides(max_j=3, max_s=4, max_capacity=2, min_size=1))
def test_forcing_costs_equal_brute_force(way: str, people: tuple[list[rm.Participant],
                                                                 list[rm.Participant]]) -> None:
    juniors, seniors = people
    program = rm.Program(constraints=[rm.SharedLanguage()])
    res = rm.match(juniors, seniors, program)
    with _costs_by(way):
        explained = {pid: res.explain(pid, alternatives=4) for pid in res.scores.junior_ids}
    sm = res.scores
    if sm.feasible.sum() > 12:
        return
    best = brute_force(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity)
    for pid in sm.junior_ids:
        for alt in explained[pid].alternatives:
            k = sm.seniors.index(alt.partner_id)
            i = sm.juniors.index(pid)
            if alt.cost is None:
                # Only pairs nobody could form are left without a cost.
                assert not (sm.feasible[i, k] and sm.juniors.capacity[i]
                            and sm.seniors.capacity[k])
                continue
            rows, cols = np.nonzero(sm.feasible)
            at = int(np.flatnonzero((rows == i) & (cols == k))[0])

            def with_pair(masks: npt.NDArray[np.int64], r: object, c: object,
                          at: int = at) -> npt.NDArray[np.bool_]:
                return np.asarray(masks[:, at] == 1)

            forced = brute_force_rules(sm.total, sm.feasible, sm.juniors.capacity,
                                       sm.seniors.capacity, with_pair)
            assert forced is not None
            assert alt.cost_exact
            assert alt.pairs_lost == best[0] - forced[0]
            assert alt.cost == pytest.approx(best[1] - forced[1], abs=1e-5)
            assert "forcing it" in alt.reason


@pytest.mark.parametrize(("objective", "solver"), [
    ("max_pairs", "auto"), ("max_score", "auto"), ("max_pairs", "candidates")])
def test_priced_costs_are_the_costs_of_solving_again(objective: str, solver: str) -> None:
    # A programme of 40 a side with capacities, a required pair and a forbidden one:
    # every explanation reads the same whichever way its costs are found.
    org = rm.synth.generate(800, seed=4)
    juniors, seniors = rm.synth.cohort(org, 40, 40, seed=4, min_senior_level=1)
    seniors = [s.model_copy(update={"capacity": 1 + k % 3}) for k, s in enumerate(seniors)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.DataGapWarning)
        allowed = rm.score(juniors, seniors, rm.Program(), org=org.org_chart()).feasible
        must = seniors[int(np.flatnonzero(allowed[0])[0])].id
        program = rm.Program(objective=objective, constraints=[
            *rm.recommended_rules(), rm.Require(pairs=[(juniors[0].id, must)]),
            rm.Forbid(pairs=[(juniors[1].id, seniors[1].id)])])
        res = rm.match(juniors, seniors, program, org=org.org_chart(), solver=solver)
    # On candidates no score matrix is kept: the scores come again by blocks.
    assert (type(res.scores).__name__ == "CandidateScores") == (solver == "candidates")
    people = [p.id for p in juniors[:12]] + [p.id for p in seniors[:12]]
    with _costs_by("priced"):
        priced = [res.explain(pid, alternatives=4) for pid in people]
    assert res._forcing is not None
    assert res._forcing[3] is not None  # the network was used
    # On candidates, the certificate's own prices (no juniors x seniors matrix).
    assert (type(res._forcing[3]).__name__ == "RowForcing") == (solver == "candidates")
    with _costs_by("solved again"):
        solved = [res.explain(pid, alternatives=4) for pid in people]
    costs = [a.cost for e in priced for a in e.alternatives if a.cost is not None]
    assert len(costs) > 30
    assert any(c > 0 for c in costs)
    moved = 0
    for fast, slow in zip(priced, solved, strict=True):
        if objective == "max_pairs":  # the same but the exchange, where ties allow two
            assert _without_exchanges(fast) == _without_exchanges(slow)
        for a, b in zip(fast.alternatives, slow.alternatives, strict=True):
            assert a.partner_id == b.partner_id
            assert (a.cost is None) == (b.cost is None)
            assert a.cost == pytest.approx(b.cost, abs=1e-9)
            if a.cost is not None:  # each way's exchange is one that costs what it says
                pair = ((fast.participant_id, a.partner_id) if fast.side == "junior"
                        else (a.partner_id, fast.participant_id))
                _check_exchange(res, pair, a)
                _check_exchange(res, pair, b)
                moved += bool(a.pairs_dropped)
    assert moved > 10


@pytest.mark.parametrize("objective", ["max_pairs", "max_score"])
def test_a_judged_optimum_is_explained_from_the_prices_of_the_optimum(objective: str) -> None:
    # rm.evaluate of the optimum's own pairs (in another order), solved on candidates:
    # its explanations are priced from the optimum's certificate, as solving again says.
    org = rm.synth.generate(800, seed=5)
    juniors, seniors = rm.synth.cohort(org, 40, 40, seed=5, min_senior_level=1)
    program = rm.Program(objective=objective, solver="candidates",
                         constraints=rm.recommended_rules())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.DataGapWarning)
        res = rm.match(juniors, seniors, program, org=org.org_chart())
        judged = rm.evaluate([(p.junior_id, p.senior_id) for p in reversed(res.pairs)],
                             juniors, seniors, program, org=org.org_chart())
    assert judged.status == "optimal"
    people = [p.id for p in juniors[:10]] + [p.id for p in seniors[:10]]
    with _costs_by("priced"):
        priced = [judged.explain(pid, alternatives=3) for pid in people]
    assert type(judged._forcing[3]).__name__ == "RowForcing"  # type: ignore[index]
    with _costs_by("solved again"):
        solved = [judged.explain(pid, alternatives=3) for pid in people]
    costs = 0
    for fast, slow in zip(priced, solved, strict=True):
        for a, b in zip(fast.alternatives, slow.alternatives, strict=True):
            assert (a.partner_id, a.pairs_lost, a.cost_exact) == \
                (b.partner_id, b.pairs_lost, b.cost_exact)
            assert a.cost == pytest.approx(b.cost, abs=1e-9)
            costs += a.cost is not None
    assert costs > 20


def _without_exchanges(e: rm.Explanation) -> dict[str, object]:
    """An explanation's dump without its alternatives' exchanges."""
    out = e.model_dump()
    for dumped in out["alternatives"]:
        del dumped["pairs_dropped"], dumped["pairs_added"]
    return out


def _check_exchange(res: rm.MatchResult, pair: tuple[str, str], alt: rm.Alternative) -> None:
    """The result's pairs, less the dropped, with the added and the forced pair: an assignment
    within capacities and rules, ``pairs_lost`` fewer pairs, ``cost`` less in total score."""
    sm = res.scores
    before = {(p.junior_id, p.senior_id) for p in res.pairs}
    assert set(alt.pairs_dropped) <= before
    after = (before - set(alt.pairs_dropped)) | set(alt.pairs_added) | {pair}
    assert len(after) == len(before) - (alt.pairs_lost or 0)
    rows = np.array([sm.juniors.index(j) for j, _ in after])
    cols = np.array([sm.seniors.index(s) for _, s in after])
    assert bool(np.all([sm.feasible[i, k] for i, k in zip(rows, cols, strict=True)]))
    assert (np.bincount(rows, minlength=sm.shape[0]) <= sm.juniors.capacity).all()
    assert (np.bincount(cols, minlength=sm.shape[1]) <= sm.seniors.capacity).all()
    total = sum(float(sm.total[i, k]) for i, k in zip(rows, cols, strict=True))
    assert total == pytest.approx(res.objective - (alt.cost or 0.0), abs=1e-6)
    for required in (c for c in sm.program.constraints if isinstance(c, rm.Require)):
        assert {tuple(p) for p in required.pairs} <= after


def test_programme_wide_rules_are_priced_by_solving_again() -> None:
    # The shortcut holds for assignments alone: a share rule moves the optimum otherwise.
    juniors, seniors = _people()
    program = rm.Program(constraints=[rm.SharedLanguage(), rm.MatchAll(side="juniors")])
    res = rm.match(juniors, seniors, program)
    with _costs_by("priced"):
        assert _EXPLAIN._priced(res, "junior", 0, [0, 1, 2]) == {}
        assert any(a.cost is not None for a in res.explain("j1").alternatives)
    plain = rm.match(juniors, seniors, PROGRAM)
    with _costs_by("priced"):
        assert _EXPLAIN._priced(plain, "junior", 1, [2]) != {}


def test_explain_with_forbid_and_require_in_the_programme() -> None:
    # Constraints naming ids outside the block an explanation looks at are not errors.
    program = rm.Program(constraints=[rm.SharedLanguage(), rm.Forbid(pairs=[("j2", "s3")]),
                                      rm.Require(pairs=[("j2", "s1")])])
    res = rm.match(*_people(), program)
    assert res.partners_of("j2") == ["s1"]
    by_id = {a.partner_id: a for a in res.explain("j1", alternatives=3).alternatives}
    assert by_id["s1"].reason.startswith("'s1' is at capacity with 'j2'")
    assert "forcing it is impossible" in by_id["s1"].reason  # Require holds s1 for j2
    assert by_id["s1"].cost is None
    assert res.explain("s3").alternatives[0].ruled_out_by == ["Forbid"]


def test_force_answers_what_if() -> None:
    res = rm.match(*_people(), PROGRAM)
    forced = res.force([("j2", "s3")])
    assert ("j2", "s3") in {(p.junior_id, p.senior_id) for p in forced.pairs}
    assert forced.objective <= res.objective + 1e-9
    forced.check()
    with pytest.raises(rm.InfeasibleError, match="SharedLanguage"):
        res.force([("j1", "s2")])


def test_a_tie_for_one_person_that_costs_the_others_is_not_said_as_settled_either_way() -> None:
    # Found on the Why? page: "a tie, settled either way; forcing it would lower the total
    # score by 0.013": the same score for this person, not for the programme.
    table = {("j1", "s1"): 0.5, ("j1", "s2"): 0.5, ("j2", "s1"): 0.9, ("j2", "s2"): 0.1}

    def fit(js: rm.ParticipantArrays, ss: rm.ParticipantArrays) -> npt.NDArray[np.float64]:
        return np.array([[table[(a, b)] for b in ss.ids] for a in js.ids])

    people = ([rm.Participant(id="j1"), rm.Participant(id="j2")],
              [rm.Participant(id="s1"), rm.Participant(id="s2")])
    program = rm.Program(constraints=[], weights=rm.Weights(generation=0, skills=0,
                                                            diversity=0, fit=1))
    res = rm.match(*people, program, components={"fit": fit})
    (alt,) = res.explain("j1").alternatives
    assert alt.partner_id == "s1"
    assert alt.cost == pytest.approx(0.8)
    assert alt.reason.startswith("the same score as with the current partner (0.500) but not "
                                 "for the others; forcing it would lower the total score by 0.800")
    assert "settled either way" not in alt.reason
    assert alt.moves() == "'j2' moves from 's1' to 's2', 'j1' and 's2' part"


def test_an_equally_good_partner_is_said_as_a_tie() -> None:
    # Found on the pages: "lower total (0.667 vs 0.667 with the current partner)"
    # for a senior as good as the one chosen.
    junior = rm.Participant(id="j1", birth_year=1998, level=1, department="IT")
    twins = [rm.Participant(id=f"s{k}", birth_year=1970, level=6, department="Sales")
             for k in (1, 2)]
    res = rm.match([junior], twins, rm.Program())
    (alt,) = res.explain("j1").alternatives
    assert alt.score == res.pairs[0].score
    assert alt.reason.startswith("the same score as with the current partner")
    assert "lower" not in alt.reason
    assert alt.cost == 0
