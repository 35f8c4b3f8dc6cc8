"""Rules and points as data: field rules, declarative components, objectives, the peer's rules."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.program.components import (
    Closeness,
    LevelGapPoints,
    MatchPoints,
    Overlap,
    Similarity,
    set_values,
)
from tests.oracle import brute_force, brute_force_score
from tests.strategies import sides

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT.parent / "shared" / "peers" / "mentor-match"
FIELDS = ["department", "location", "attributes.gender", "attributes.background"]


def _value(p: rm.Participant, field: str) -> str | None:
    if field in ("department", "location"):
        return getattr(p, field)  # type: ignore[no-any-return]
    return p.attributes.get(field.removeprefix("attributes."))


def _rule_allows(rule: rm.Constraint, j: rm.Participant, s: rm.Participant) -> bool:
    """The rule for one pair, in plain Python: the oracle for the vectorised masks."""
    if isinstance(rule, (rm.SameValue, rm.DifferentValue)):
        a, b = _value(j, rule.field), _value(s, rule.field)
        if a is None or b is None:
            return rule.missing == "allow"
        return (a == b) if isinstance(rule, rm.SameValue) else (a != b)
    if isinstance(rule, rm.LevelGap):
        if j.level is None or s.level is None:
            return rule.missing == "allow"
        gap = s.level - j.level
        return (rule.min is None or gap >= rule.min) and (rule.max is None or gap <= rule.max)
    assert isinstance(rule, rm.AgeGap)
    if j.birth_year is None or s.birth_year is None:
        return rule.missing == "allow"
    years = j.birth_year - s.birth_year
    return ((rule.min_years is None or years >= rule.min_years)
            and (rule.max_years is None or years <= rule.max_years))


field_rules = st.one_of(
    st.builds(rm.SameValue, field=st.sampled_from(FIELDS),
              missing=st.sampled_from(["allow", "forbid"])),
    st.builds(rm.DifferentValue, field=st.sampled_from(FIELDS),
              missing=st.sampled_from(["allow", "forbid"])),
    st.builds(rm.LevelGap, min=st.none() | st.integers(-3, 4), max=st.none() | st.integers(-2, 6)),
    st.builds(rm.AgeGap, min_years=st.none() | st.sampled_from([-5.0, 0.0, 10.0, 20.0]),
              max_years=st.none() | st.sampled_from([0.0, 15.0, 40.0]),
              missing=st.sampled_from(["allow", "forbid"])),
)


@settings(max_examples=60)
@given(people=sides(4, 4), rule=field_rules)
def test_field_rules_equal_their_pair_by_pair_definition(
        people: tuple[list[rm.Participant], list[rm.Participant]], rule: rm.Constraint) -> None:
    juniors, seniors = people
    sm = rm.score(juniors, seniors, rm.Program(constraints=[rule]))
    want = np.array([[_rule_allows(rule, j, s) for s in seniors] for j in juniors],
                    dtype=bool).reshape(len(juniors), len(seniors))
    assert np.array_equal(sm.feasible, want)
    doc = rm.Program(constraints=[rule]).model_dump_json()
    assert rm.Program.model_validate_json(doc).constraints == [rule]
    for i, j in enumerate(juniors):
        for k, s in enumerate(seniors):
            assert (rule.label() in sm.ruled_out_by(j.id, s.id)) == (not want[i, k])


def _points(spec: object, j: rm.Participant, s: rm.Participant) -> float:
    """Each declarative component for one pair, in plain Python, as a share of its maximum."""
    if isinstance(spec, MatchPoints):
        a, b = _value(j, spec.field), _value(s, spec.field)
        pts = spec.missing if a is None or b is None else spec.same if a == b else spec.different
        return pts / spec.max_points() if spec.max_points() else 0.0
    if isinstance(spec, LevelGapPoints):
        if j.level is None or s.level is None:
            return spec.otherwise / spec.max_points()
        return spec.points.get(s.level - j.level, spec.otherwise) / spec.max_points()
    if isinstance(spec, Overlap):
        mine = set_values(_value(j, spec.junior_field))
        theirs = set_values(_value(s, spec.senior_field))
        shared = len(mine & theirs)
        if spec.measure == "any":
            return float(shared > 0)
        if spec.measure == "count":
            return min(shared, spec.max_count) / spec.max_count
        whole = len(mine) if spec.measure == "share" else len(mine | theirs)
        return shared / whole if whole else 0.0
    if isinstance(spec, Closeness):
        x, y = getattr(j, spec.field), getattr(s, spec.field)
        return 0.0 if x is None or y is None else max(0.0, 1 - abs(x - y) / spec.scale)
    assert isinstance(spec, Similarity)
    got = 0.0
    for field, weight in spec.fields.items():
        a, b = _value(j, field), _value(s, field)
        agree = (bool(set_values(a) & set_values(b)) if spec.sets
                 else a is not None and a == b)
        got += weight * agree
    return got / sum(spec.fields.values())


components = st.one_of(
    st.builds(MatchPoints, name=st.just("c"), field=st.sampled_from(FIELDS),
              same=st.sampled_from([0.0, 1.0, 10.0]), different=st.sampled_from([0.0, 2.0]),
              missing=st.sampled_from([0.0, 3.0])),
    st.builds(LevelGapPoints, name=st.just("c"),
              points=st.dictionaries(st.integers(-2, 4), st.sampled_from([1.0, 9.0, 12.0]),
                                     min_size=1, max_size=3),
              otherwise=st.sampled_from([0.0, 0.5])),
    st.builds(Overlap, name=st.just("c"), junior_field=st.sampled_from(FIELDS),
              senior_field=st.sampled_from(FIELDS),
              measure=st.sampled_from(["any", "share", "jaccard", "count"]),
              max_count=st.integers(1, 3), points=st.sampled_from([1.0, 6.0])),
    st.builds(Closeness, name=st.just("c"), field=st.sampled_from(["birth_year", "level"]),
              scale=st.sampled_from([1.0, 5.0, 20.0])),
    st.builds(Similarity, name=st.just("c"),
              fields=st.dictionaries(st.sampled_from(FIELDS), st.sampled_from([1.0, 2.0]),
                                     min_size=1, max_size=3), sets=st.booleans()),
)
set_texts = st.sampled_from(["a", "a, b", "b;c", "A | c", "d"])


@settings(max_examples=60)
@given(people=sides(3, 3), spec=components, data=st.data())
def test_declarative_components_equal_their_pair_by_pair_definition(
        people: tuple[list[rm.Participant], list[rm.Participant]], spec: object,
        data: st.DataObject) -> None:
    juniors, seniors = people
    # Set-valued text in the attributes the overlaps read.
    juniors = [p.model_copy(update={"attributes": {**p.attributes,
                                                   "background": data.draw(set_texts)}})
               for p in juniors]
    seniors = [p.model_copy(update={"attributes": {**p.attributes,
                                                   "background": data.draw(set_texts)}})
               for p in seniors]
    program = rm.Program(components=[spec], constraints=[])
    sm = rm.score(juniors, seniors, program)
    got = sm.components["c"]
    want = np.array([[_points(spec, j, s) for s in seniors] for j in juniors],
                    dtype=np.float64).reshape(got.shape)
    assert np.allclose(got, want, atol=1e-6)
    assert ((got >= 0) & (got <= 1)).all()
    assert ((sm.total >= 0) & (sm.total <= 1)).all()
    assert rm.Program.model_validate_json(program.model_dump_json()) == program


def test_components_are_named_in_explanations_briefs_and_reports() -> None:
    juniors = [rm.Participant(id="j", level=1, attributes={"profession": "Policy"})]
    seniors = [rm.Participant(id="s", level=3, attributes={"profession": "Policy"})]
    program = rm.Program(components=[MatchPoints(name="profession", field="attributes.profession",
                                                 same=10)], constraints=[])
    res = rm.match(juniors, seniors, program)
    assert res.pairs[0].components["profession"] == 1.0
    assert "profession 1.000" in res.explain("j").text()
    assert "profession" in res.briefs()[0].to_markdown()
    assert "profession" in res.report().to_markdown()
    res.check()


def test_component_names_and_weights_are_checked() -> None:
    spec = MatchPoints(name="skills", field="department")
    with pytest.raises(rm.InputError, match=r"'skills'.*given twice"):
        rm.score([rm.Participant(id="j")], [rm.Participant(id="s")],
                 rm.Program(components=[spec]))
    with pytest.raises(rm.InputError, match="weights name unknown component"):
        rm.score([rm.Participant(id="j")], [rm.Participant(id="s")],
                 rm.Program(weights=rm.Weights(profession=2)))
    with pytest.raises(rm.InputError, match="components\\['p'\\] names 'typo'"):
        rm.match([rm.Participant(id="j")], [rm.Participant(id="s")],
                 rm.Program(components=[MatchPoints(name="p", field="attributes.typo")]))
    # A programme file with a weight and a field misspelt: both said at once (the
    # field was said only once the weight was mended), each with its near name.
    people = ([rm.Participant(id="j", department="IT", attributes={"gender": "f"})],
              [rm.Participant(id="s", department="HR", attributes={"gender": "m"})])
    typos = rm.Program(weights=rm.Weights(skill=2),
                       constraints=[rm.DifferentValue(field="departement"),
                                    rm.MinShare(attribute="Gender", share=0.5)])
    for run in (rm.match, rm.score):
        with pytest.raises(rm.InputError) as err:
            run(*people, typos)
        said = [str(p) for p in err.value.problems]
        assert len(said) == 3, said
        assert "'skill': did you mean 'skills'?" in said[0]
        assert "DifferentValue.field names 'departement', which no participant has (did " \
            "you mean 'department'?)" in said[1]
        assert "(did you mean 'gender'? keys are case-sensitive)" in said[2]


@pytest.mark.parametrize("seed", range(120))
def test_max_score_agrees_with_brute_force_for_every_exact_solver(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    total = rng.random((n, m)).astype(np.float32)
    total[rng.random((n, m)) < 0.3] = 0.0  # zero-score pairs: optional under max_score
    feasible = rng.random((n, m)) < 0.7
    while feasible.sum() > 14:
        feasible[rng.integers(0, n), rng.integers(0, m)] = False
    caps = rng.integers(0, 3, n), rng.integers(0, 3, m)
    if caps[0].max(initial=0) > 1 and caps[1].max(initial=0) > 1:
        caps = (np.minimum(caps[0], 1), caps[1])
    best = brute_force_score(total, feasible, *caps)
    assert best is not None
    for name in ("hungarian", "flow", "cpsat"):
        problem = rm.solvers.Problem(total, feasible, caps[0].astype(np.int64),
                                     caps[1].astype(np.int64), objective="max_score")
        _, sol = rm.solvers.run(name, problem)
        assert float(total[sol.rows, sol.cols].astype(np.float64).sum()) == pytest.approx(
            best, abs=1e-6), name
        assert feasible[sol.rows, sol.cols].all()


@settings(max_examples=30)
@given(people=sides(3, 4, max_capacity=2))
def test_max_score_programmes_through_match(
        people: tuple[list[rm.Participant], list[rm.Participant]]) -> None:
    juniors, seniors = people
    for objective in ("max_pairs", "max_score"):
        program = rm.Program(constraints=[rm.LevelGap(min=0)], objective=objective)
        sm = rm.score(juniors, seniors, program)
        if sm.feasible.sum() > 14:
            return
        res = rm.match(juniors, seniors, program)
        res.check()
        caps = (np.minimum(sm.juniors.capacity, len(seniors)),
                np.minimum(sm.seniors.capacity, len(juniors)))
        if objective == "max_pairs":
            count, best = brute_force(sm.total, sm.feasible, *caps)
            assert len(res.pairs) == count
        else:
            found = brute_force_score(sm.total, sm.feasible, *caps)
            assert found is not None
            best = found
        assert res.objective == pytest.approx(best, abs=1e-5)


def test_the_peers_rules_as_one_json_programme(tmp_path: Path) -> None:
    doc = json.loads((ROOT / "examples" / "mentor_match_programme.json").read_text("utf-8"))
    program = rm.Program.model_validate(doc)
    assert rm.Program.model_validate_json(program.model_dump_json()) == program
    kinds = {c.kind for c in program.constraints}
    assert kinds == {"different_value", "level_gap", "no_repeat"}
    assert sum(program.weights.as_dict().get(s.name, s.max_points())
               for s in program.components) == 28


@pytest.mark.skipif(not PEERS.exists(), reason="the peer's sample data is not beside the repo")
def test_the_peers_published_figures_are_reproduced() -> None:
    """mentor-match 7.0.1 on its 500 x 500 sample: 44,342 allowed pairs; round 1: 483
    pairs, 11,488 points (shared/peers/mentor-match/README.md)."""
    read_survey = runpy.run_path(str(ROOT / "examples" / "peer_survey.py"))["read_survey"]
    people = read_survey(PEERS / "large")
    juniors, seniors, _ = rm.split_roles(people)
    program = rm.load_program(ROOT / "examples" / "mentor_match_programme.json")
    sm = rm.score(juniors, seniors, program)
    assert int(sm.feasible.sum()) == 44_342
    res = rm.solve(sm)
    points = sum(program.weights.as_dict().get(s.name, s.max_points())
                 for s in program.components)
    assert res.status == "optimal"
    assert len(res.pairs) == 483
    # Each pair's total is points / 28 in float32: the sum is 11,488 to within 1e-3.
    assert res.objective * points == pytest.approx(11_488, abs=1e-3)
    # Explanations name the field rule that rules a pair out.
    j = juniors[0]
    ruled = [s for s in seniors if s.department == j.department]
    assert "DifferentValue('department')" in sm.ruled_out_by(j.id, ruled[0].id)


def _covers(rows: np.ndarray, cols: np.ndarray, sides_: tuple[str, ...], n: int, m: int,
            masks: np.ndarray) -> np.ndarray:
    ok = np.ones(len(masks), dtype=bool)
    for side in sides_:
        idx, size = (rows, n) if side == "juniors" else (cols, m)
        deg = masks @ np.eye(size, dtype=np.int64)[idx] if len(idx) else np.zeros(
            (len(masks), size), np.int64)
        ok &= (deg > 0).all(axis=1)
    return ok


@pytest.mark.parametrize("seed", range(150))
def test_match_all_by_flow_agrees_with_brute_force_and_cpsat(seed: int) -> None:
    from tests.oracle import brute_force_rules

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    cover = [("juniors",), ("seniors",), ("juniors", "seniors")][seed % 3]
    juniors = [rm.Participant(id=f"j{i}", capacity=int(rng.integers(1, 4)),
                              birth_year=int(rng.integers(1990, 2003)),
                              skills={"genai": float(rng.random())}) for i in range(n)]
    seniors = [rm.Participant(id=f"s{k}", capacity=int(rng.integers(1, 4)), level=3,
                              birth_year=int(rng.integers(1960, 1980)),
                              goals={"genai": float(rng.random())}) for k in range(m)]
    forbid = [(f"j{i}", f"s{k}") for i in range(n) for k in range(m) if rng.random() < 0.4]
    program = rm.Program(constraints=[rm.Forbid(pairs=forbid),
                                      *(rm.MatchAll(side=side) for side in cover)])
    sm = rm.score(juniors, seniors, program)
    if sm.feasible.sum() > 14:
        return
    oracle = brute_force_rules(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity,
                               lambda masks, r, c: _covers(r, c, cover, n, m, masks))
    if oracle is None:
        with pytest.raises(rm.InfeasibleError, match="MatchAll"):
            rm.match(juniors, seniors, program)
        return
    flow = rm.match(juniors, seniors, program)
    assert flow.solver == "flow"
    assert flow.status == "optimal"
    flow.check()
    assert len(flow.pairs) == oracle[0]
    assert flow.objective == pytest.approx(oracle[1], abs=1e-6)
    cpsat = rm.match(juniors, seniors, program, solver="cpsat")
    assert cpsat.objective == pytest.approx(flow.objective, abs=1e-6)
    # Under max_score, coverage stays a hard rule and the score alone counts.
    scored = program.model_copy(update={"objective": "max_score"})
    best = brute_force_score(sm.total, sm.feasible, sm.juniors.capacity, sm.seniors.capacity,
                             lambda masks, r, c: _covers(r, c, cover, n, m, masks))
    assert best is not None
    result = rm.match(juniors, seniors, scored)
    result.check()
    assert result.objective == pytest.approx(best, abs=1e-6)
