"""Self-match suggestions: the best feasible partners, in the matching's own scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

import rmatch as rm
from rmatch.cli import main
from tests.strategies import sides

ROOT = Path(__file__).resolve().parents[2]


@settings(max_examples=40)
@given(people=sides(3, 5, min_size=1))
def test_suggestions_are_the_best_feasible_partners_in_order(
        people: tuple[list[rm.Participant], list[rm.Participant]]) -> None:
    juniors, seniors = people
    # Fixed diversity fields: the default depends on the keys among the people scored.
    program = rm.Program(constraints=[rm.SharedLanguage(unknown="allow"), rm.LevelGap(min=0)],
                         scoring=rm.ScoringOptions(diversity_fields={
                             "department": 1, "location": 1, "gender": 1, "background": 1}))
    sm = rm.score(juniors, seniors, program)
    for i, me in enumerate(juniors):
        found = rm.recommend(me, seniors, program, k=3)
        allowed = np.flatnonzero(sm.feasible[i])
        ranked = sorted(allowed.tolist(), key=lambda k: (-float(sm.total[i, k]),
                                                         sm.senior_ids[k]))[:3]
        assert [s.partner_id for s in found] == [sm.senior_ids[k] for k in ranked]
        for s in found:
            k = sm.seniors.index(s.partner_id)
            assert s.score == pytest.approx(float(sm.total[i, k]))
            assert 0.0 <= s.score <= 1.0
    for k, senior in enumerate(seniors):  # and from the senior side
        found = rm.recommend(senior, juniors, program, k=2, side="senior")
        allowed = np.flatnonzero(sm.feasible[:, k])
        assert {s.partner_id for s in found} <= {sm.junior_ids[i] for i in allowed}
        assert len(found) == min(2, len(allowed))


def test_suggestions_never_name_oneself_or_a_sensitive_value() -> None:
    me = rm.Participant(id="a", role="both", birth_year=1990, level=2,
                        attributes={"gender": "SECRET-F"})
    others = [me, rm.Participant(id="s", birth_year=1970, level=5,
                                 attributes={"gender": "SECRET-M"})]
    program = rm.Program(sensitive_attributes={"gender"})
    found = rm.recommend(me, others, program)
    assert [s.partner_id for s in found] == ["s"]
    assert "SECRET" not in str(found[0])
    assert "gender" not in found[0].differences


def test_cli_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    roster = ROOT / "examples" / "roster.csv"
    assert main(["suggest", str(roster), "j-01", "--k", "2"]) == 0
    out = capsys.readouterr().out
    people = rm.read_participants(roster)
    juniors, seniors, _ = rm.split_roles(people)
    me = next(p for p in juniors if p.id == "j-01")
    best = rm.recommend(me, seniors, k=2, org=rm.OrgChart.from_participants(people))
    for s in best:
        assert str(s) in out
    assert "best 2 partners for junior 'j-01'" in out
    assert main(["suggest", str(roster), "j-01", "--k", "1"]) == 0
    assert "best 1 partner for junior 'j-01'" in capsys.readouterr().out
    assert main(["suggest", str(roster), "nobody"]) == 1
    assert capsys.readouterr().err.strip().endswith("has the id or name 'nobody'")
    assert main(["suggest", str(roster), "J-01"]) == 1
    assert capsys.readouterr().err.strip().endswith(
        "has the id or name 'J-01' (did you mean 'j-01'? ids are case-sensitive)")


def test_cli_suggest_finds_a_person_by_name(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,role,birth_year\nj1,Ana Lima,junior,2000\n"
                      "j2,Bo Chen,junior,2001\nj3,Bo Chen,junior,1999\n"
                      "s1,Rui Costa,senior,1970\ns2,Eva Dias,senior,1965\n", encoding="utf-8")
    # Typed as people write it: another case, "Last, First".
    assert main(["suggest", str(roster), "lima, ana", "--k", "1"]) == 0
    out = capsys.readouterr().out
    assert "'lima, ana': the name of 'j1'" in out
    assert "best 1 partner for junior 'j1'" in out
    # Two people of that name: their ids, to choose from.
    assert main(["suggest", str(roster), "Bo Chen"]) == 1
    assert "'Bo Chen' is the name of 2 people ('j2', 'j3'): give the id" in \
        capsys.readouterr().err


def test_a_programmes_forbid_and_require_naming_others_still_apply_to_one_person() -> None:
    me = rm.Participant(id="j1")
    seniors = [rm.Participant(id="s1"), rm.Participant(id="s2")]
    program = rm.Program(constraints=[rm.Forbid(pairs=[("j1", "s1"), ("j9", "s2")]),
                                      rm.Require(pairs=[("j9", "s1")])])
    assert [s.partner_id for s in rm.recommend(me, seniors, program)] == ["s2"]
