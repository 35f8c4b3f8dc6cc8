"""Score components: range, formulas, monotonicity, and user components."""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.model.arrays import ParticipantArrays
from rmatch.scoring.builtin import SELF_PAIR, VETO
from tests.strategies import participants, sides, unit


@settings(max_examples=18)
@given(sides(5, 5), st.floats(0, 5), st.floats(0, 5), st.floats(0.01, 5))
def test_components_and_total_lie_in_unit_interval_and_total_is_weighted_mean(
    people: tuple[list[rm.Participant], list[rm.Participant]], wg: float, ws: float, wd: float
) -> None:
    juniors, seniors = people
    prog = rm.Program(weights=rm.Weights(generation=wg, skills=ws, diversity=wd))
    sm = rm.score(juniors, seniors, prog)
    assert sm.total.shape == (len(juniors), len(seniors))
    assert sm.total.dtype == np.float32  # large programmes need the memory
    for mat in (sm.total, *sm.components.values()):
        assert mat.shape == sm.total.shape
        assert np.isfinite(mat).all()
        assert ((mat >= 0) & (mat <= 1)).all()
    w = {"generation": wg, "skills": ws, "diversity": wd}
    expected = sum(w[k] * sm.components[k].astype(np.float64) for k in w) / sum(w.values())
    np.testing.assert_allclose(sm.total, expected, atol=1e-5)



@settings(max_examples=12)
@given(sides(6, 6))
def test_each_matrix_entry_equals_scoring_that_pair_alone(
    people: tuple[list[rm.Participant], list[rm.Participant]]
) -> None:
    # The matrix is scored in tiles from per-side arrays (birth years, skills
    # factors, field codes) for speed; each entry must still be that pair's
    # own score, including people without a birth year and repeated people.
    juniors, seniors = people
    juniors = juniors + [p.model_copy(update={"id": p.id + "x"}) for p in juniors[:2]]
    sm = rm.score(juniors, seniors)
    # By default diversity compares every attribute key found in the programme;
    # the pair alone must compare the same fields.
    keys = sorted({key for p in juniors + seniors for key in p.attributes})
    same_fields = rm.Program(scoring=rm.ScoringOptions(
        diversity_fields=dict.fromkeys(["department", "location", *keys], 1.0)))
    for i, j in enumerate(juniors):
        for k, s in enumerate(seniors):
            alone = rm.score([j], [s], same_fields)
            for name, mat in sm.components.items():
                assert mat[i, k] == pytest.approx(float(alone.components[name][0, 0]), abs=1e-6)


def _one(j: rm.Participant, s: rm.Participant, comp: str,
         opts: rm.ScoringOptions | None = None) -> float:
    prog = rm.Program(scoring=opts or rm.ScoringOptions())
    return float(rm.score([j], [s], prog).components[comp][0, 0])


@settings(max_examples=18)
@given(participants("j"), participants("s"), st.integers(1, 40))
def test_older_senior_never_lowers_generation(j: rm.Participant, s: rm.Participant,
                                               years: int) -> None:
    if s.birth_year is None:
        s = s.model_copy(update={"birth_year": 1980})
    older = s.model_copy(update={"birth_year": s.birth_year - years})  # type: ignore[operator]
    assert _one(j, older, "generation") >= _one(j, s, "generation")


@settings(max_examples=18)
@given(participants("j"), participants("s"))
def test_generation_is_zero_when_the_junior_is_older(j: rm.Participant,
                                                     s: rm.Participant) -> None:
    j = j.model_copy(update={"birth_year": 1960})
    s = s.model_copy(update={"birth_year": 1985})
    assert _one(j, s, "generation") == 0.0


def test_generation_formula() -> None:
    j = rm.Participant(id="j", birth_year=2000, level=1)
    s = rm.Participant(id="s", birth_year=1990, level=3)
    opts = rm.ScoringOptions(age_span_years=20, level_span=4, level_share=0.25)
    # age part 10/20 = 0.5, level part 2/4 = 0.5 -> 0.75 * 0.5 + 0.25 * 0.5
    assert _one(j, s, "generation", opts) == pytest.approx(0.5)
    no_age = s.model_copy(update={"birth_year": None})
    assert _one(j, no_age, "generation", opts) == pytest.approx(0.5)  # level part alone


@settings(max_examples=18)
@given(participants("j"), participants("s"), st.sampled_from(["genai", "cloud", "python"]),
       unit.filter(lambda x: x > 0.01))
def test_covering_a_goal_raises_skills(j: rm.Participant, s: rm.Participant, goal: str,
                                       gain: float) -> None:
    s = s.model_copy(update={"goals": {**s.goals, goal: max(s.goals.get(goal, 0), 0.5)}})
    have = j.skills.get(goal, 0.0)
    if have >= 0.99:
        return
    better = j.model_copy(update={"skills": {**j.skills, goal: min(1.0, have + gain)}})
    assert _one(better, s, "skills") > _one(j, s, "skills")


def test_skills_formula_weights_goals_by_priority() -> None:
    j = rm.Participant(id="j", skills={"genai": 1.0, "cloud": 0.5}, goals={"finance": 1.0})
    s = rm.Participant(id="s", goals={"genai": 0.6, "cloud": 0.2, "sql": 0.2},
                       skills={"finance": 0.4})
    coverage = (0.6 * 1.0 + 0.2 * 0.5) / 1.0
    mutual = 0.4
    opts = rm.ScoringOptions(mutual_share=0.25)
    assert _one(j, s, "skills", opts) == pytest.approx(0.75 * coverage + 0.25 * mutual)


@settings(max_examples=18)
@given(participants("j"), participants("s"))
def test_more_differences_raise_diversity(j: rm.Participant, s: rm.Participant) -> None:
    same = s.model_copy(update={"department": "X", "location": "L",
                                "attributes": {**s.attributes}})
    jj = j.model_copy(update={"department": "X", "location": "L"})
    differ = same.model_copy(update={"department": "Y"})
    assert _one(jj, differ, "diversity") > _one(jj, same, "diversity")


def test_diversity_is_weighted_share_of_differing_fields() -> None:
    j = rm.Participant(id="j", department="Eng", location="Lisbon", attributes={"gender": "F"})
    s = rm.Participant(id="s", department="Sales", location="Lisbon", attributes={"gender": "M"})
    assert _one(j, s, "diversity") == pytest.approx(2 / 3)
    opts = rm.ScoringOptions(diversity_fields={"department": 3, "location": 1})
    assert _one(j, s, "diversity", opts) == pytest.approx(0.75)


def test_user_component_is_weighted_in() -> None:
    def same_office(js: ParticipantArrays, ss: ParticipantArrays) -> npt.NDArray[np.float64]:
        same: npt.NDArray[np.float64] = (js.location[:, None] == ss.location[None, :]) * 1.0
        return same

    js = [rm.Participant(id="j", location="A")]
    ss = [rm.Participant(id="s1", location="A"), rm.Participant(id="s2", location="B")]
    prog = rm.Program(weights=rm.Weights(generation=0, skills=0, diversity=0, office=1))
    sm = rm.score(js, ss, prog, components={"office": same_office})
    assert sm.total.tolist() == [[1.0, 0.0]]


def test_bad_user_components_are_named() -> None:
    js, ss = [rm.Participant(id="j")], [rm.Participant(id="s")]
    with pytest.raises(rm.InputError, match="'wide' returned shape \\(1, 2\\)"):
        rm.score(js, ss, components={"wide": lambda a, b: np.zeros((1, 2))})
    with pytest.raises(rm.InputError, match="'big' returned values outside"):
        rm.score(js, ss, components={"big": lambda a, b: np.full((1, 1), 2.0)})
    with pytest.raises(rm.InputError, match="given twice"):
        rm.score(js, ss, components={"skills": lambda a, b: np.zeros((1, 1))})
    with pytest.raises(rm.InputError, match="unknown component\\(s\\) \\['culture'\\]"):
        rm.score(js, ss, rm.Program(weights=rm.Weights(culture=1)))
    with pytest.raises(rm.InputError, match="all component weights are 0"):
        rm.score(js, ss, rm.Program(weights=rm.Weights(generation=0, skills=0, diversity=0)))


@settings(max_examples=25)
@given(sides(5, 5, min_size=1), st.data())
def test_ruled_out_counts_are_the_counts_of_the_violation_lists(
    people: tuple[list[rm.Participant], list[rm.Participant]], data: st.DataObject
) -> None:
    # The oracle: the per-pair label lists, counted in the order a Counter over
    # them keeps (first pair a label forbids, then the programme's order).
    juniors, seniors = people
    # A person on both sides (a self pair) and some vetoes.
    both = juniors[0].model_copy(update={"id": "both", "role": "both"})
    juniors, seniors = [both, *juniors[1:]], [*seniors, both]
    avoid = data.draw(st.sets(st.sampled_from([s.id for s in seniors])))
    juniors[-1] = juniors[-1].model_copy(update={"avoid": avoid})
    prog = rm.Program(constraints=[rm.SharedLanguage(), rm.MaxTimezoneGap(hours=3),
                                   rm.SeniorityDirection()])
    sm = rm.score(juniors, seniors, prog)
    for k in range(len(seniors)):
        rows = data.draw(st.lists(st.integers(0, len(juniors) - 1), unique=True))
        lists = sm.col_violations(k, rows)
        expect = dict(Counter(label for labels in lists for label in labels))
        got = sm.ruled_out_counts("seniors", k, rows)
        assert list(got.items()) == list(expect.items())
        # And the counts against the whole programme's masks, read directly.
        whole = sm.context()
        direct = {con.label(): int((~con.mask(whole)[rows, k]).sum())
                  for con in prog.constraints}
        direct[SELF_PAIR] = int(seniors[k].id == "both" and 0 in rows)
        direct[VETO] = int(len(juniors) - 1 in rows and seniors[k].id in avoid)
        assert got == {label: n for label, n in direct.items() if n}
    for i in range(len(juniors)):
        cols = data.draw(st.lists(st.integers(0, len(seniors) - 1), unique=True))
        lists = sm.row_violations(i, cols)
        expect = dict(Counter(label for labels in lists for label in labels))
        assert list(sm.ruled_out_counts("juniors", i, cols).items()) == list(expect.items())
